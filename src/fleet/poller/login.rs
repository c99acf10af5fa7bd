//! After a refused login (401) a poller stops asking: ONTAP counts every refused login
//! towards locking the account, and a wrong password stays wrong. The client remembers
//! each refused login and sends nothing while its current one is among them; the poller
//! waits for a password the cluster has not refused: typed in the dashboard (`p`), or
//! read again from a source that can change (`r`: a password file, a password command).

use jiff::Timestamp;
use secrecy::SecretString;

use super::Poller;
use crate::fleet::event::{Event, LoginPause};
use crate::ontap::{Client, PasswordChange};

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

    /// A password typed in the dashboard: polling resumes with it at once, unless the
    /// cluster refused it before. False when the model is gone.
    pub(super) async fn resume_with(&mut self, password: SecretString) -> bool {
        let Ok(client) = self.target.client.clone() else {
            return true;
        };
        let note = match client.set_password(&password) {
            PasswordChange::New => None,
            PasswordChange::Same if !client.login_refused() => None,
            PasswordChange::Same | PasswordChange::AlreadyRefused => {
                Some("the password typed was refused before: not sent again".to_string())
            }
        };
        self.resume_or_say(&client, note).await
    }

    /// `r` on a paused cluster: reads the password source again. Polling resumes when
    /// it gives a password the cluster has not refused; otherwise the pause stays and
    /// its note says why. False when the model is gone.
    pub(super) async fn resume_from_source(&mut self) -> bool {
        let Ok(client) = self.target.client.clone() else {
            return true;
        };
        let note = match self.target.reauth.clone() {
            None => Some(
                "no password file or command to read again: press p to enter the password"
                    .to_string(),
            ),
            Some(reauth) => {
                let source = reauth.source().to_string();
                match tokio::task::spawn_blocking(move || reauth.password()).await {
                    Ok(Ok(password)) => match client.set_password(&password) {
                        PasswordChange::New => {
                            tracing::info!(cluster = %self.target.name, "{source} read again: a new password");
                            None
                        }
                        PasswordChange::Same | PasswordChange::AlreadyRefused => Some(format!(
                            "{source} gives a password the cluster refused before: not sent again"
                        )),
                    },
                    Ok(Err(e)) => Some(format!("{source} could not be read: {e}")),
                    Err(e) => Some(format!("{source} could not be read: {e}")),
                }
            }
        };
        self.resume_or_say(&client, note).await
    }

    /// Resumes polling when nothing stands against it, else says why it stays paused.
    async fn resume_or_say(&mut self, client: &Client, note: Option<String>) -> bool {
        match note {
            None if !client.login_refused() => {
                self.paused = false;
                true
            }
            note => {
                let event = self.pause_login(client.username(), note);
                self.shared.send(event).await
            }
        }
    }
}
