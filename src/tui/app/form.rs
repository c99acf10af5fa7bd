//! The download form: package URL, package-server user and password, edited in place.
//!
//! The password lives in a buffer that is wiped when it grows and when the form closes,
//! whichever way it closes; the screen only ever gets its length, as bullets. The URL is
//! checked with [`DownloadSpec::new`] before anything else happens, so a typo is caught
//! here, with its reason, and not as an error from twenty clusters.

use std::fmt;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretString};

use crate::download::DownloadSpec;

/// A field of the form, in `Tab` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Url,
    Username,
    Password,
}

impl Field {
    /// Every field, top to bottom.
    pub const ALL: [Field; 3] = [Field::Url, Field::Username, Field::Password];

    /// The label the form shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Url => "package URL",
            Self::Username => "server user",
            Self::Password => "server password",
        }
    }

    fn next(self) -> Self {
        match self {
            Self::Url => Self::Username,
            Self::Username => Self::Password,
            Self::Password => Self::Url,
        }
    }

    fn previous(self) -> Self {
        match self {
            Self::Url => Self::Password,
            Self::Username => Self::Url,
            Self::Password => Self::Username,
        }
    }
}

/// The form after `d`, for the clusters chosen then.
#[derive(Debug)]
pub struct DownloadForm {
    chosen: Vec<usize>,
    url: String,
    username: String,
    password: TypedSecret,
    focus: Field,
    error: Option<String>,
    /// Chosen clusters that the filter hides: the form says how many.
    hidden: usize,
}

impl DownloadForm {
    /// A form for `chosen` (indices in config order), prefilled from the config's
    /// `[download]` defaults.
    pub fn new(chosen: Vec<usize>, url: Option<&str>, username: Option<&str>) -> Self {
        Self {
            chosen,
            url: url.unwrap_or_default().to_string(),
            username: username.unwrap_or_default().to_string(),
            password: TypedSecret::new(),
            focus: Field::Url,
            error: None,
            hidden: 0,
        }
    }

    /// The same form, saying that `hidden` of its clusters are hidden by the filter.
    pub fn with_hidden(mut self, hidden: usize) -> Self {
        self.hidden = hidden;
        self
    }

    /// Chosen clusters the filter hides.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The clusters the form was opened for, in config order.
    pub fn chosen(&self) -> &[usize] {
        &self.chosen
    }

    /// The field the keyboard types into.
    pub fn focus(&self) -> Field {
        self.focus
    }

    /// What a field shows: its text (secrets in a URL as bullets), or one bullet per
    /// character of the password.
    pub fn shown(&self, field: Field) -> String {
        match field {
            // A password in the URL, or a token in its query, shows as bullets too.
            Field::Url => crate::text::hide_url_secrets(&self.url),
            Field::Username => self.username.clone(),
            Field::Password => "•".repeat(self.password.chars()),
        }
    }

    /// Why the last submit was refused, until the next edit.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Moves to the next field (`Tab`).
    pub fn next_field(&mut self) {
        self.focus = self.focus.next();
    }

    /// Moves to the previous field (`Shift-Tab`).
    pub fn previous_field(&mut self) {
        self.focus = self.focus.previous();
    }

    /// Types `c` at the end of the focused field.
    pub fn type_char(&mut self, c: char) {
        self.error = None;
        match self.focus {
            Field::Url => self.url.push(c),
            Field::Username => self.username.push(c),
            Field::Password => self.password.push(c),
        }
    }

    /// Deletes the last character of the focused field.
    pub fn backspace(&mut self) {
        self.error = None;
        match self.focus {
            Field::Url => {
                self.url.pop();
            }
            Field::Username => {
                self.username.pop();
            }
            Field::Password => self.password.pop(),
        }
    }

    /// Empties the focused field (`Ctrl-U`): a prefilled URL need not be erased key by key.
    pub fn clear_field(&mut self) {
        self.error = None;
        match self.focus {
            Field::Url => self.url.clear(),
            Field::Username => self.username.clear(),
            Field::Password => self.password.clear(),
        }
    }

    /// Checks the form and, when it is valid, hands over what to download; the password
    /// then leaves the form (which the caller drops). When it is not, the form keeps
    /// everything typed and shows why.
    pub fn submit(&mut self) -> Option<DownloadSpec> {
        let username = Some(self.username.clone());
        // Check the URL first, without the password, so a refusal keeps it in the form.
        if let Err(reason) = DownloadSpec::new(&self.url, username.clone(), None) {
            self.error = Some(reason.to_string());
            self.focus = Field::Url;
            return None;
        }
        match DownloadSpec::new(&self.url, username, self.password.take()) {
            Ok(spec) => Some(spec),
            Err(reason) => {
                self.error = Some(reason.to_string());
                None
            }
        }
    }
}

/// A secret typed one key at a time. The buffer is wiped when dropped, and copied by
/// hand (then wiped) when it must grow, so no stale copy is left on the heap.
struct TypedSecret(SecretBox<String>);

impl TypedSecret {
    /// Room for a long password before the first growth.
    const CAPACITY: usize = 64;

    fn new() -> Self {
        Self(SecretBox::new(Box::new(String::with_capacity(
            Self::CAPACITY,
        ))))
    }

    fn push(&mut self, c: char) {
        let s = self.0.expose_secret_mut();
        if s.len() + c.len_utf8() > s.capacity() {
            let mut bigger = String::with_capacity(s.capacity() * 2 + c.len_utf8());
            bigger.push_str(s);
            s.zeroize();
            *s = bigger;
        }
        s.push(c);
    }

    fn pop(&mut self) {
        // The byte left past the end is wiped with the rest when the buffer is dropped.
        self.0.expose_secret_mut().pop();
    }

    fn clear(&mut self) {
        self.0.expose_secret_mut().zeroize();
    }

    fn chars(&self) -> usize {
        self.0.expose_secret().chars().count()
    }

    /// The secret as a [`SecretString`] (`None` when empty), and the buffer wiped.
    fn take(&mut self) -> Option<SecretString> {
        let s = self.0.expose_secret();
        if s.is_empty() {
            return None;
        }
        // Exactly as long as the text, so turning it into a boxed str does not copy it.
        let mut exact = String::with_capacity(s.len());
        exact.push_str(s);
        self.clear();
        Some(SecretString::from(exact))
    }
}

impl fmt::Debug for TypedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(url: &str) -> DownloadForm {
        DownloadForm::new(vec![0], Some(url), Some("fetch"))
    }

    fn type_str(form: &mut DownloadForm, text: &str) {
        text.chars().for_each(|c| form.type_char(c));
    }

    #[test]
    fn tab_cycles_the_fields_and_typing_edits_the_focused_one() {
        let mut f = form("https://repo/a.tgz");
        assert_eq!(f.focus(), Field::Url);
        f.backspace();
        type_str(&mut f, "z");
        assert_eq!(f.shown(Field::Url), "https://repo/a.tgz");
        let with_secrets = DownloadForm::new(vec![0], Some("https://u:pw@repo/a.tgz?t=1"), None);
        assert_eq!(
            with_secrets.shown(Field::Url),
            "https://u:••@repo/a.tgz?•••"
        );
        f.next_field();
        f.clear_field();
        type_str(&mut f, "ops");
        f.next_field();
        type_str(&mut f, "pässwörd");
        f.backspace();
        assert_eq!(f.shown(Field::Username), "ops");
        assert_eq!(f.shown(Field::Password), "•••••••");
        f.next_field();
        assert_eq!(f.focus(), Field::Url);
        f.previous_field();
        assert_eq!(f.focus(), Field::Password);
    }

    #[test]
    fn a_bad_url_is_refused_with_its_reason_and_the_password_stays() {
        let mut f = form("gopher://x/y.tgz");
        f.next_field();
        f.next_field();
        type_str(&mut f, "s3cret");
        assert!(f.submit().is_none());
        assert!(f.error().unwrap().contains("unsupported scheme"));
        assert_eq!(f.focus(), Field::Url);
        assert_eq!(f.shown(Field::Password), "••••••");
        f.clear_field();
        assert_eq!(f.error(), None, "editing clears the error");
        type_str(&mut f, "https://repo/ontap/image.tgz");
        let spec = f.submit().expect("a valid form");
        assert_eq!(spec.masked_url(), "https://repo/ontap/image.tgz");
        assert_eq!(spec.username.as_deref(), Some("fetch"));
        assert_eq!(f.shown(Field::Password), "", "the password left the form");
        assert!(!format!("{f:?} {spec:?}").contains("s3cret"));
    }

    #[test]
    fn a_long_password_survives_growing_the_buffer() {
        let mut secret = TypedSecret::new();
        let long = "x".repeat(TypedSecret::CAPACITY * 3);
        long.chars().for_each(|c| secret.push(c));
        assert_eq!(secret.chars(), long.len());
        let taken = secret.take().unwrap();
        assert_eq!(taken.expose_secret(), long);
        assert_eq!(secret.chars(), 0);
        assert!(secret.take().is_none(), "an empty password is no password");
    }
}
