//! After a refused login (401) a poller stops asking: ONTAP counts every refused login
//! towards locking the account, and a wrong password stays wrong. The client remembers
//! each refused login and sends nothing while its current one is among them; the poller
//! waits for a password the cluster has not refused: typed in the dashboard (`p`), or
//! read again from a source that can change (`r`: a password file, a password command).
//!
//! A 401 can pass (a directory server that was down, an account unlocked since), so a
//! refused password can be sent again, but never by accident: only when the operator
//! asks the same way twice (the pause's `again` says how the first time went).

use jiff::Timestamp;
use secrecy::SecretString;

use super::Poller;
use crate::engine::update::{Again, LoginPause, Refused, Update};
use crate::ontap::{Client, PasswordChange};

impl Poller {
    /// Pauses polling; the event that says so, with `note` about the last try.
    pub(super) fn pause_login(
        &mut self,
        user: &str,
        note: Option<String>,
        again: Option<Again>,
    ) -> Update {
        if !self.paused {
            // `ontop serve` has no screen: its log is where an operator learns of it.
            tracing::warn!(
                cluster = %self.target.name,
                user,
                "login refused: polls stopped so that the account is not locked"
            );
        }
        self.paused = true;
        Update::LoginPaused {
            cluster: self.index,
            at: Timestamp::now(),
            pause: Box::new(LoginPause {
                user: user.to_string(),
                source: self.target.reauth.as_ref().map(|r| r.source().to_string()),
                note,
                again,
            }),
        }
    }

    /// A password typed in the dashboard: polling resumes with it at once, unless the
    /// cluster refused it before and `refused` withholds it. False when the model is
    /// gone.
    pub(super) async fn resume_with(&mut self, password: SecretString, refused: Refused) -> bool {
        let Ok(client) = self.target.client.clone() else {
            return true;
        };
        if refused == Refused::SentAgain {
            client.retry_refused(Some(&password));
        }
        let refused = match client.set_password(&password) {
            PasswordChange::New => false,
            PasswordChange::Same => client.login_refused(),
            PasswordChange::AlreadyRefused => true,
        };
        let note = refused.then(|| {
            // Short enough for an 80-column status line after "NAME: still paused: ".
            "refused before, not sent: type it again to send anyway".to_string()
        });
        self.resume_or_say(&client, note, Again::Typed).await
    }

    /// `r` on a paused cluster: reads the password source again. Polling resumes when
    /// it gives a password the cluster has not refused, or when `refused` sends it
    /// again; otherwise the pause stays and its note says why. False when the model is
    /// gone.
    pub(super) async fn resume_from_source(&mut self, refused: Refused) -> bool {
        let Ok(client) = self.target.client.clone() else {
            return true;
        };
        let Some(reauth) = self.target.reauth.clone() else {
            if refused == Refused::SentAgain {
                client.retry_refused(None);
            }
            let note = "no password file or command to read again: p enters the password \
                        (r once more sends the refused one again)";
            return self
                .resume_or_say(&client, Some(note.into()), Again::Source)
                .await;
        };
        let source = reauth.source().to_string();
        let note = match tokio::task::spawn_blocking(move || reauth.password()).await {
            Ok(Ok(password)) => {
                if refused == Refused::SentAgain {
                    client.retry_refused(Some(&password));
                }
                match client.set_password(&password) {
                    PasswordChange::New => None,
                    PasswordChange::Same if !client.login_refused() => None,
                    PasswordChange::Same | PasswordChange::AlreadyRefused => Some(format!(
                        "{source} gives a password the cluster refused before: not sent \
                         again (r once more sends it anyway)"
                    )),
                }
            }
            Ok(Err(e)) => Some(format!("{source} could not be read: {e}")),
            Err(e) => Some(format!("{source} could not be read: {e}")),
        };
        if note.is_none() {
            tracing::info!(cluster = %self.target.name, "{source} read again: polling resumes");
        }
        self.resume_or_say(&client, note, Again::Source).await
    }

    /// Resumes polling when nothing stands against it, else says why it stays paused.
    async fn resume_or_say(&mut self, client: &Client, note: Option<String>, how: Again) -> bool {
        if !client.login_refused() {
            self.paused = false;
            return true;
        }
        let again = note.is_some().then_some(how);
        let event = self.pause_login(client.username(), note, again);
        self.shared.send(event).await
    }
}
