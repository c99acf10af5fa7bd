//! After a refused login (401) a poller stops asking: ONTAP counts every refused login
//! towards locking the account, and a wrong password stays wrong. It resumes only with
//! a password that differs from the refused one: typed in the dashboard (`p`), or read
//! again from a source that can change (`r`: a password file, a password command).

use jiff::Timestamp;
use secrecy::SecretString;

use super::Poller;
use crate::fleet::event::{Event, LoginPause};

impl Poller {
    /// Pauses polling; the event that says so, with `note` about the last try.
    pub(super) fn pause_login(&mut self, user: &str, note: Option<String>) -> Event {
        self.paused = true;
        Event::LoginPaused {
            cluster: self.index,
            at: Timestamp::now(),
            pause: Box::new(LoginPause {
                user: user.to_string(),
                source: self.target.reauth.as_ref().map(|r| r.source().to_string()),
                note,
            }),
        }
    }

    /// A password typed in the dashboard: polling resumes with it at once.
    pub(super) fn resume_with(&mut self, password: SecretString) {
        if let Ok(client) = &self.target.client {
            client.set_password(password);
            self.paused = false;
        }
    }

    /// `r` on a paused cluster: reads the password source again. Polling resumes when
    /// it gives a new password; otherwise the pause stays and its note says why. False
    /// when the model is gone.
    pub(super) async fn resume_from_source(&mut self) -> bool {
        let Ok(client) = self.target.client.clone() else {
            return true;
        };
        let note = match self.target.reauth.clone() {
            None => "no password file or command to read again: press p to enter the password"
                .to_string(),
            Some(reauth) => {
                let source = reauth.source().to_string();
                match tokio::task::spawn_blocking(move || reauth.password()).await {
                    Ok(Ok(password)) => {
                        if client.set_password(password) {
                            tracing::info!(cluster = %self.target.name, "{source} read again: a new password");
                            self.paused = false;
                            return true;
                        }
                        format!("{source} gives the same password the cluster refused")
                    }
                    Ok(Err(e)) => format!("{source} could not be read: {e}"),
                    Err(e) => format!("{source} could not be read: {e}"),
                }
            }
        };
        let event = self.pause_login(client.username(), Some(note));
        self.shared.send(event).await
    }
}
