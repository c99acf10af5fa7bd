//! `p`: the password of a cluster's user, typed without echo, after the cluster refused
//! the login. The poller stopped asking at the refusal (every refused login counts
//! towards locking the account); the typed password is handed to it and polling
//! resumes. Other clusters paused for the same user get the same password, so a
//! mistyped prompt at start is fixed once, not fifty times; the dialog names them.

use jiff::Timestamp;
use secrecy::SecretString;

use super::{App, AppCommand, Dialog};
use crate::tui::line::{Edit, LineEdit};

/// The password dialog's state.
#[derive(Debug)]
pub struct PasswordPrompt {
    /// The cluster `p` was pressed on, then the others paused for the same user.
    clusters: Vec<usize>,
    user: String,
    line: LineEdit,
}

impl PasswordPrompt {
    /// The clusters the password goes to, the chosen one first.
    pub fn clusters(&self) -> &[usize] {
        &self.clusters
    }

    /// The user the password is for.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// One bullet per character typed: the password itself is never drawn.
    pub fn shown(&self) -> String {
        "•".repeat(self.line.chars())
    }

    /// The cursor, in characters.
    pub fn cursor(&self) -> usize {
        self.line.cursor()
    }

    /// Types `c` at the cursor.
    pub fn type_char(&mut self, c: char) {
        self.line.insert(c);
    }

    /// Pastes `text` (trimmed, on one line) at the cursor.
    pub fn paste(&mut self, text: &str) {
        self.line.insert_str(&crate::tui::line::pasted(text));
    }

    /// Applies a line-editing key.
    pub fn edit(&mut self, edit: Edit) {
        self.line.apply(edit);
    }
}

/// A password to log in with from now on, for these clusters (indices in config order).
#[derive(Debug, Clone)]
pub struct NewPassword {
    pub clusters: Vec<usize>,
    pub password: SecretString,
}

/// Compared by clusters only, so that comparing (in tests) never reads the password.
impl PartialEq for NewPassword {
    fn eq(&self, other: &Self) -> bool {
        self.clusters == other.clusters
    }
}

impl Eq for NewPassword {}

impl App {
    /// `p`: the password dialog for the cluster the keys act on, and every other cluster
    /// paused for the same user.
    pub(super) fn open_password(&mut self, now: Timestamp) {
        let Some(cluster) = self.target() else {
            return;
        };
        let c = &self.model.clusters[cluster];
        let user = c
            .login_paused
            .as_ref()
            .map_or_else(|| c.identity.username.clone(), |(_, p)| p.user.clone());
        let mut clusters = vec![cluster];
        clusters.extend(
            self.model
                .clusters
                .iter()
                .enumerate()
                .filter_map(|(i, other)| {
                    let same = other
                        .login_paused
                        .as_ref()
                        .is_some_and(|(_, p)| p.user == user);
                    (i != cluster && same).then_some(i)
                }),
        );
        if self.model.clusters[cluster].plain_http() {
            let name = &self.model.clusters[cluster].identity.name;
            self.say(
                format!("{name}: plain HTTP: the password would cross the network unencrypted"),
                now,
            );
        }
        self.dialog = Some(Dialog::Password(PasswordPrompt {
            clusters,
            user,
            line: LineEdit::default(),
        }));
    }

    pub(super) fn edit_password(&mut self, edit: impl FnOnce(&mut PasswordPrompt)) {
        if let Some(Dialog::Password(prompt)) = &mut self.dialog {
            edit(prompt);
        }
    }

    /// `Enter` in the password dialog: hands the password to the pollers (an empty one
    /// is refused in place).
    pub(super) fn submit_password(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let Some(Dialog::Password(prompt)) = &mut self.dialog else {
            return Vec::new();
        };
        if prompt.line.is_empty() {
            self.say("type the password first (Esc cancels)".into(), now);
            return Vec::new();
        }
        let password = SecretString::from(prompt.line.take());
        let clusters = prompt.clusters.clone();
        let name = self.model.clusters[clusters[0]].identity.name.clone();
        let others = match clusters.len() - 1 {
            0 => String::new(),
            1 => " and 1 other cluster".into(),
            n => format!(" and {n} other clusters"),
        };
        self.dialog = None;
        self.say(format!("trying the new password on {name}{others}"), now);
        vec![AppCommand::NewPassword(NewPassword { clusters, password })]
    }
}
