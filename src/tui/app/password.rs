//! `p`: the password of a cluster's user, typed without echo, after the cluster refused
//! the login. The poller stopped asking at the refusal (every refused login counts
//! towards locking the account); the typed password is handed to it and polling
//! resumes. When other clusters are paused for the same user (a mistyped prompt at
//! start pauses them all), `Tab` offers the password to them too, so it is typed once,
//! not fifty times; it is off until asked for, since their passwords may differ.

use jiff::Timestamp;
use secrecy::SecretString;

use super::{App, AppCommand, Dialog};
use crate::engine::{Again, Refused};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::line::{Edit, LineEdit};

/// The password dialog's state.
#[derive(Debug)]
pub struct PasswordPrompt {
    /// The cluster `p` was pressed on.
    cluster: usize,
    /// The other clusters paused for the same user.
    others: Vec<usize>,
    /// Whether the password goes to `others` too (`Tab`).
    for_others: bool,
    user: String,
    line: LineEdit,
}

impl PasswordPrompt {
    /// The cluster the dialog was opened on.
    pub(crate) fn cluster(&self) -> usize {
        self.cluster
    }

    /// The other clusters paused for the same user.
    pub(crate) fn others(&self) -> &[usize] {
        &self.others
    }

    /// Whether the password goes to [`PasswordPrompt::others`] too.
    pub(crate) fn for_others(&self) -> bool {
        self.for_others
    }

    /// `Tab`: the password goes to the others too, or no longer.
    pub(crate) fn toggle_others(&mut self) {
        self.for_others = !self.for_others && !self.others.is_empty();
    }

    /// The clusters the password goes to, the chosen one first.
    pub(crate) fn clusters(&self) -> Vec<usize> {
        let mut all = vec![self.cluster];
        if self.for_others {
            all.extend(&self.others);
        }
        all
    }

    /// The user the password is for.
    pub(crate) fn user(&self) -> &str {
        &self.user
    }

    /// One bullet per character typed: the password itself is never drawn.
    pub(crate) fn shown(&self) -> String {
        "•".repeat(self.line.chars())
    }

    /// The cursor, in characters.
    pub(crate) fn cursor(&self) -> usize {
        self.line.cursor()
    }

    /// Types `c` at the cursor.
    pub(crate) fn type_char(&mut self, c: char) {
        self.line.insert(c);
    }

    /// Pastes `text` at the cursor as it is (a password may begin or end with a space),
    /// leaving out line breaks and other control characters.
    pub(crate) fn paste(&mut self, text: &str) {
        self.line.paste(text, false);
    }

    /// Applies a line-editing key.
    pub(crate) fn edit(&mut self, edit: Edit) {
        self.line.apply(edit);
    }
}

/// A password to log in with from now on.
#[derive(Debug, Clone)]
pub struct NewPassword {
    /// The clusters it is for (indices in config order).
    pub clusters: Vec<usize>,
    /// The password as typed.
    pub password: SecretString,
    /// Whether it is sent where the cluster refused it before: only when it was asked
    /// for twice.
    pub(crate) refused: Refused,
}

/// Compared by clusters only, so that comparing (in tests) never reads the password.
impl PartialEq for NewPassword {
    fn eq(&self, other: &Self) -> bool {
        self.clusters == other.clusters
    }
}

impl Eq for NewPassword {}

impl App {
    /// `p`: the password dialog for the cluster the keys act on, when its login was
    /// refused (a working login is not replaced by a key press).
    pub(super) fn open_password(&mut self, now: Timestamp) {
        let Some(cluster) = self.target() else {
            return;
        };
        let c = &self.model.clusters[cluster];
        let Some(pause) = c.login_pause() else {
            let name = &c.identity.name;
            self.say(
                format!("{name}: its login works; p is for a refused one"),
                now,
            );
            return;
        };
        let user = pause.user.clone();
        let others: Vec<usize> = self
            .model
            .clusters
            .iter()
            .enumerate()
            .filter_map(|(i, other)| {
                let same = other.login_pause().is_some_and(|p| p.user == user);
                (i != cluster && same).then_some(i)
            })
            .collect();
        if self.model.clusters[cluster].plain_http() {
            let name = &self.model.clusters[cluster].identity.name;
            self.say(
                format!("{name}: plain HTTP: the password would cross the network unencrypted"),
                now,
            );
        }
        self.dialog = Some(Dialog::Password(PasswordPrompt {
            cluster,
            others,
            for_others: false,
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
            let esc = key_for(Context::Password, Action::Cancel);
            self.say(format!("type the password first ({esc} cancels)"), now);
            return Vec::new();
        }
        let password = SecretString::from(prompt.line.take());
        let clusters = prompt.clusters();
        let asked_twice = self.model.clusters[prompt.cluster()]
            .login_pause()
            .is_some_and(|p| p.again == Some(Again::Typed));
        let refused = if asked_twice {
            Refused::SentAgain
        } else {
            Refused::Withheld
        };
        let name = self.model.clusters[clusters[0]].identity.name.clone();
        let others = match clusters.len() - 1 {
            0 => String::new(),
            1 => " and 1 other cluster".into(),
            n => format!(" and {n} other clusters"),
        };
        self.dialog = None;
        // A refusal of it answers this key: the status line says so.
        self.asked_login.extend(clusters.iter().copied());
        self.say(format!("trying the new password on {name}{others}"), now);
        vec![AppCommand::NewPassword(NewPassword {
            clusters,
            password,
            refused,
        })]
    }
}
