//! The credentials a client logs in with, and the ones the cluster has refused.
//!
//! ONTAP counts every refused login towards locking the account, and a password that was
//! refused once stays refused. So a client remembers each refused login (as a keyed hash
//! of its `Authorization` header, never the password) and sends nothing while the
//! current one is among them; a new password is taken only when it was not refused
//! before. Every front end, and every path (polls, package lists, starts), gets this
//! from the client itself.

use std::hash::{BuildHasher, RandomState};
use std::sync::RwLock;

use crate::sync::ReadWrite;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

/// What a new password did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasswordChange {
    /// It is new: the next request logs in with it.
    New,
    /// It is the one already in use (and not refused): nothing changed.
    Same,
    /// The cluster refused it before: it is not used, the client stays as it was.
    AlreadyRefused,
}

/// A user's login: the header sent, and the refused ones.
pub(super) struct Login {
    username: String,
    /// Keys the hashes of refused headers: random per process, so nothing stored could
    /// be compared against a guessed password elsewhere.
    keys: RandomState,
    state: RwLock<State>,
}

struct State {
    /// `Authorization: Basic …`, marked sensitive so that no debug output shows it.
    header: HeaderValue,
    refused: Vec<u64>,
}

impl Login {
    pub(super) fn new(username: &str, password: &SecretString) -> Self {
        Self {
            username: username.to_string(),
            keys: RandomState::new(),
            state: RwLock::new(State {
                header: basic_auth(username, password),
                refused: Vec::new(),
            }),
        }
    }

    pub(super) fn username(&self) -> &str {
        &self.username
    }

    fn id(&self, header: &HeaderValue) -> u64 {
        self.keys.hash_one(header.as_bytes())
    }

    /// The header to send, or `None` when the cluster refused it before.
    pub(super) fn header(&self) -> Option<HeaderValue> {
        let state = self.state.reading();
        let id = self.id(&state.header);
        (!state.refused.contains(&id)).then(|| state.header.clone())
    }

    /// True when the current login was refused: nothing is sent until a new one.
    pub(super) fn is_refused(&self) -> bool {
        self.header().is_none()
    }

    /// The cluster answered 401 to `sent`: that login is refused from now on.
    pub(super) fn refused(&self, sent: &HeaderValue) {
        let id = self.id(sent);
        let mut state = self.state.writing();
        if !state.refused.contains(&id) {
            state.refused.push(id);
        }
    }

    /// Takes back the refusal of `password` (of the current login when `None`), because
    /// the operator asked twice to send it again: a 401 may have been passing (a
    /// directory server that was down, an account unlocked since).
    pub(super) fn forgive(&self, password: Option<&SecretString>) {
        let mut state = self.state.writing();
        let header = match password {
            Some(password) => basic_auth(&self.username, password),
            None => state.header.clone(),
        };
        let id = self.id(&header);
        state.refused.retain(|&r| r != id);
    }

    /// Logs in with `password` from now on, unless the cluster refused it before.
    pub(super) fn set_password(&self, password: &SecretString) -> PasswordChange {
        let header = basic_auth(&self.username, password);
        let id = self.id(&header);
        let mut state = self.state.writing();
        if state.refused.contains(&id) {
            return PasswordChange::AlreadyRefused;
        }
        if state.header == header {
            return PasswordChange::Same;
        }
        state.header = header;
        PasswordChange::New
    }

    /// `text` from the cluster with this client's current credential hidden (see
    /// [`hide_credential`]).
    pub(super) fn hide_in(&self, text: &str) -> String {
        hide_credential(&self.state.reading().header, text)
    }
}

/// `text` (from a cluster, or something in between) with the credential of `sent`
/// replaced by `***`: its base64 as sent, and its password when a server decoded it.
/// A debugging proxy or a broken server may echo the request in its error; ontop's
/// own secret must not come back on screen, in JSON or in a log through it.
pub(super) fn hide_credential(sent: &HeaderValue, text: &str) -> String {
    use base64::Engine;
    let Some(token) = (sent.to_str().ok()).and_then(|v| v.strip_prefix("Basic ")) else {
        return text.to_string();
    };
    let mut hidden = text.replace(token, "***");
    if let Ok(mut pair) = base64::engine::general_purpose::STANDARD.decode(token) {
        if let Some(colon) = pair.iter().position(|&b| b == b':') {
            let mut password = String::from_utf8_lossy(&pair[colon + 1..]).into_owned();
            // As written, percent-encoded and as a JSON string holds it (a password of a
            // letter or two is not hidden: it would hide every word that holds it).
            hidden = crate::text::Secrets::of_password(&password).hide_in(&hidden);
            secrecy::zeroize::Zeroize::zeroize(&mut password);
        }
        secrecy::zeroize::Zeroize::zeroize(&mut pair);
    }
    hidden
}

/// `Basic base64(user:password)`, sensitive.
fn basic_auth(username: &str, password: &SecretString) -> HeaderValue {
    use base64::Engine;
    let mut pair = format!("{username}:{}", password.expose_secret());
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
    secrecy::zeroize::Zeroize::zeroize(&mut pair);
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    value.set_sensitive(true);
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echoed_credential_is_hidden_as_sent_and_decoded() {
        let sent = basic_auth("admin", &pw("SuperSecretPW123"));
        let token = sent
            .to_str()
            .unwrap()
            .strip_prefix("Basic ")
            .unwrap()
            .to_string();
        let echoed = format!("bad login for authorization: Basic {token} (SuperSecretPW123)");
        assert_eq!(
            hide_credential(&sent, &echoed),
            "bad login for authorization: Basic *** (***)"
        );
        let short = basic_auth("admin", &pw("ab"));
        assert_eq!(hide_credential(&short, "tab stops"), "tab stops");
        // Quoted in a URL, in a form or in JSON, it is hidden as well.
        let odd = basic_auth("admin", &pw("pa\"ss\\w0rd!€"));
        for quoted in [
            "url=pa%22ss%5Cw0rd%21%E2%82%AC",
            "form pa%22ss%5Cw0rd%21%E2%82%AC",
            r#"{"x":"pa\"ss\\w0rd!€"}"#,
        ] {
            let hidden = hide_credential(&odd, quoted);
            assert!(
                hidden.contains("***") && !hidden.contains("w0rd"),
                "{quoted} -> {hidden}"
            );
        }
    }

    fn pw(text: &str) -> SecretString {
        SecretString::from(text.to_string())
    }

    #[test]
    fn a_refused_password_is_never_taken_again() {
        let login = Login::new("admin", &pw("first"));
        let sent = login.header().unwrap();
        assert_eq!(login.set_password(&pw("first")), PasswordChange::Same);
        login.refused(&sent);
        assert!(login.is_refused());
        assert_eq!(
            login.set_password(&pw("first")),
            PasswordChange::AlreadyRefused
        );
        assert!(login.is_refused(), "still nothing to send");
        assert_eq!(login.set_password(&pw("typo")), PasswordChange::New);
        let typo = login.header().unwrap();
        login.refused(&typo);
        assert_eq!(
            login.set_password(&pw("first")),
            PasswordChange::AlreadyRefused
        );
        assert_eq!(login.set_password(&pw("right")), PasswordChange::New);
        assert!(!login.is_refused());
        assert!(!format!("{:?}", login.header().unwrap()).contains("cmlnaHQ"));
        login.forgive(Some(&pw("first")));
        assert_eq!(
            login.set_password(&pw("first")),
            PasswordChange::New,
            "asked twice"
        );
        login.refused(&login.header().unwrap());
        login.forgive(None);
        assert!(!login.is_refused());
    }
}
