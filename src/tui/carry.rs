//! Carrying out what keys asked for ([`AppCommand`]s): engine commands, and the tasks
//! that look at and read a file on this host for an upload (the screen's own task opens
//! no file). The event loop and the tests that drive an [`App`] over a running engine
//! use this one way.

use tokio::sync::mpsc;

use super::app::{App, AppCommand};
use crate::engine::Engine;
use crate::engine::local_file::{self, FileNews, Reading};

/// The engine, and the file tasks' way back to the screen.
pub struct Carrier<'a> {
    engine: &'a Engine,
    news: mpsc::UnboundedSender<FileNews>,
    /// The image being read for the form, while the form waits for it.
    reading: Option<Reading>,
}

impl<'a> Carrier<'a> {
    /// Commands go to `engine`; what the file tasks find comes back on the receiver.
    pub fn new(engine: &'a Engine) -> (Self, mpsc::UnboundedReceiver<FileNews>) {
        let (news, receiver) = mpsc::unbounded_channel();
        let carrier = Self {
            engine,
            news,
            reading: None,
        };
        (carrier, receiver)
    }

    /// Carries out `commands`; true when the user quits.
    pub fn carry_out(&mut self, commands: Vec<AppCommand>) -> bool {
        let engine = self.engine;
        for command in commands {
            match command {
                AppCommand::Refresh(cluster) => engine.refresh(cluster),
                AppCommand::RetryLogin(cluster) => engine.retry_login(cluster),
                AppCommand::FetchPackages(cluster) => engine.fetch_packages(cluster),
                AppCommand::StartDownloads(request) => {
                    engine.start_downloads(&request.plan, request.spec);
                }
                AppCommand::StartUploads(request) => {
                    engine.start_uploads(&request.plan, (*request.source).clone());
                }
                AppCommand::StopUpload(cluster) => {
                    engine.stop_upload(cluster);
                }
                AppCommand::LookAtFile(typed) => local_file::look(typed, self.news.clone()),
                AppCommand::ReadImage { path, sha256 } => {
                    // A reading the form no longer waits for stops as this one begins.
                    self.reading = Some(local_file::read(path, sha256, self.news.clone()));
                }
                AppCommand::NewPassword(new) => {
                    engine.set_password(&new.clusters, &new.password, new.refused);
                }
                AppCommand::RemovePackages(targets) => engine.remove_packages(&targets),
                AppCommand::Validate { plan, version } => engine.validate(&plan, &version),
                AppCommand::Quit => return true,
            }
        }
        false
    }

    /// After a key: a reading the form no longer waits for (cancelled, or done) stops.
    pub fn follow(&mut self, app: &App) {
        if !app.reading_image() {
            self.reading = None;
        }
    }
}
