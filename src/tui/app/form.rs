//! The download form: package URL, package-server user and password, edited in place.
//! A file on this host typed into the package field makes it an upload form: the file's
//! name and size (looked at by a task, see [`super::upload`]) and an optional SHA-256.
//!
//! Each field is a [`LineEdit`]: the cursor moves and edits happen where it is. The
//! password's buffer is wiped when it grows and when the form closes, whichever way it
//! closes; the screen only ever gets its length, as bullets. The URL is
//! checked with [`DownloadSpec::new`] before anything else happens, so a typo is caught
//! here, with its reason, and not as an error from twenty clusters.

use secrecy::SecretString;

use crate::download::DownloadSpec;
use crate::tui::line::{Edit, LineEdit};

/// A field of the form, in `Tab` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Url,
    Username,
    Password,
    /// NetApp's published checksum of an image to upload (optional).
    Sha256,
}

impl Field {
    /// Every field, top to bottom.
    pub(crate) const ALL: [Field; 3] = [Field::Url, Field::Username, Field::Password];

    /// The label the form shows.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Url => "package URL",
            Self::Username => "server user",
            Self::Password => "server password",
            Self::Sha256 => "sha256 if known",
        }
    }
}

/// The fields of an upload form, top to bottom.
const UPLOAD_FIELDS: [Field; 2] = [Field::Url, Field::Sha256];

/// The form after `d`, for the clusters chosen then.
#[derive(Debug)]
pub struct DownloadForm {
    chosen: Vec<usize>,
    url: LineEdit,
    username: LineEdit,
    password: LineEdit,
    /// The checksum an upload's image must have (upload forms only).
    sha256: LineEdit,
    focus: Field,
    error: Option<String>,
    /// Chosen clusters that the filter hides: the form says how many.
    hidden: usize,
    /// The file on this host the package field names, once it names one.
    pub(super) local: Option<super::upload::LocalFile>,
}

impl DownloadForm {
    /// A form for `chosen` (indices in config order), prefilled from the config's
    /// `[download]` defaults.
    pub(crate) fn new(chosen: Vec<usize>, url: Option<&str>, username: Option<&str>) -> Self {
        Self {
            chosen,
            url: LineEdit::new(url.unwrap_or_default()),
            username: LineEdit::new(username.unwrap_or_default()),
            password: LineEdit::default(),
            sha256: LineEdit::default(),
            focus: Field::Url,
            error: None,
            hidden: 0,
            local: None,
        }
    }

    /// The same form, saying that `hidden` of its clusters are hidden by the filter.
    pub(crate) fn with_hidden(mut self, hidden: usize) -> Self {
        self.hidden = hidden;
        self
    }

    /// Chosen clusters the filter hides.
    pub(crate) fn hidden(&self) -> usize {
        self.hidden
    }

    /// The clusters the form was opened for, in config order.
    pub(crate) fn chosen(&self) -> &[usize] {
        &self.chosen
    }

    /// The field the keyboard types into.
    pub(crate) fn focus(&self) -> Field {
        self.focus
    }

    /// The fields shown, top to bottom: the package-server ones for a URL, the
    /// checksum for a file on this host.
    pub(crate) fn fields(&self) -> &'static [Field] {
        if self.local.is_some() {
            &UPLOAD_FIELDS
        } else {
            &Field::ALL
        }
    }

    /// The label of `field` in this form ("package file" once it names one).
    pub(crate) fn label(&self, field: Field) -> &'static str {
        match field {
            Field::Url if self.local.is_some() => "package file",
            other => other.label(),
        }
    }

    /// The package field as typed.
    pub(crate) fn package(&self) -> &str {
        self.url.text()
    }

    /// The checksum field as typed.
    pub(crate) fn sha256(&self) -> &str {
        self.sha256.text()
    }

    /// The file on this host the package field names, once it names one.
    pub fn local(&self) -> Option<&super::upload::LocalFile> {
        self.local.as_ref()
    }

    /// Keeps the focus on a field the form shows (after it became, or stopped being, an
    /// upload form).
    pub(super) fn keep_focus(&mut self) {
        if !self.fields().contains(&self.focus) {
            self.focus = Field::Url;
        }
    }

    /// Says why the form cannot go on, until the next edit.
    pub(super) fn refuse(&mut self, reason: String, focus: Field) {
        self.error = Some(reason);
        self.focus = focus;
    }

    /// The file the refusal was about was looked at since: its state says the rest.
    pub(super) fn forget_refusal(&mut self) {
        self.error = None;
    }

    fn line(&self, field: Field) -> &LineEdit {
        match field {
            Field::Url => &self.url,
            Field::Username => &self.username,
            Field::Password => &self.password,
            Field::Sha256 => &self.sha256,
        }
    }

    fn focused(&mut self) -> &mut LineEdit {
        self.error = None;
        match self.focus {
            Field::Url => &mut self.url,
            Field::Username => &mut self.username,
            Field::Password => &mut self.password,
            Field::Sha256 => &mut self.sha256,
        }
    }

    /// What a field shows: its text (secrets in a URL as bullets), or one bullet per
    /// character of the password. Either way one character per character typed, so the
    /// cursor ([`DownloadForm::cursor`]) counts the same on screen.
    pub(crate) fn shown(&self, field: Field) -> String {
        match field {
            // A password in the URL, or a token in its query, shows as bullets too.
            Field::Url => crate::text::hide_url_secrets(self.url.text()),
            Field::Username => self.username.text().to_string(),
            Field::Password => "•".repeat(self.password.chars()),
            Field::Sha256 => self.sha256.text().to_string(),
        }
    }

    /// Where the cursor is in a field, in characters.
    pub(crate) fn cursor(&self, field: Field) -> usize {
        self.line(field).cursor()
    }

    /// Why the last submit was refused, until the next edit.
    pub(crate) fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Moves to the next field (`Tab`).
    pub(crate) fn next_field(&mut self) {
        self.step_field(1);
    }

    /// Moves to the previous field (`Shift-Tab`).
    pub(crate) fn previous_field(&mut self) {
        self.step_field(self.fields().len() - 1);
    }

    fn step_field(&mut self, by: usize) {
        let fields = self.fields();
        let at = fields.iter().position(|&f| f == self.focus).unwrap_or(0);
        self.focus = fields[(at + by) % fields.len()];
    }

    /// Types `c` at the cursor of the focused field.
    pub(crate) fn type_char(&mut self, c: char) {
        self.focused().insert(c);
    }

    /// Pastes `text` at the cursor, on one line; trimmed, except in the password field
    /// (a password may begin or end with a space).
    pub(crate) fn paste(&mut self, text: &str) {
        let trim = self.focus != Field::Password;
        self.focused().paste(text, trim);
    }

    /// Applies a line-editing key to the focused field.
    pub(crate) fn edit(&mut self, edit: Edit) {
        self.focused().apply(edit);
    }

    /// Checks the form and, when it is valid, hands over what to download; the password
    /// then leaves the form (which the caller drops). A URL that is refused keeps
    /// everything typed in the form, with the reason; any later refusal (which a valid
    /// URL does not meet today) leaves the password out, to be typed again.
    pub(crate) fn submit(&mut self) -> Option<DownloadSpec> {
        let username = Some(self.username.text().to_string());
        // Check the URL first, without the password, so a refusal keeps it in the form.
        if let Err(reason) = DownloadSpec::new(self.url.text(), username.clone(), None) {
            self.error = Some(reason.to_string());
            self.focus = Field::Url;
            return None;
        }
        let password =
            (!self.password.is_empty()).then(|| SecretString::from(self.password.take()));
        match DownloadSpec::new(self.url.text(), username, password) {
            Ok(spec) => Some(spec),
            Err(reason) => {
                self.error = Some(reason.to_string());
                None
            }
        }
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
        f.edit(Edit::Backspace);
        type_str(&mut f, "z");
        assert_eq!(f.shown(Field::Url), "https://repo/a.tgz");
        let with_secrets = DownloadForm::new(vec![0], Some("https://u:pw@repo/a.tgz?t=1"), None);
        assert_eq!(
            with_secrets.shown(Field::Url),
            "https://u:••@repo/a.tgz?•••"
        );
        f.next_field();
        f.edit(Edit::KillToStart);
        type_str(&mut f, "ops");
        f.next_field();
        type_str(&mut f, "pässwörd");
        f.edit(Edit::Backspace);
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
        f.edit(Edit::End);
        f.edit(Edit::KillToStart);
        assert_eq!(f.error(), None, "editing clears the error");
        type_str(&mut f, "https://repo/ontap/image.tgz");
        let spec = f.submit().expect("a valid form");
        assert_eq!(spec.masked_url(), "https://repo/ontap/image.tgz");
        assert_eq!(spec.username.as_deref(), Some("fetch"));
        assert_eq!(f.shown(Field::Password), "", "the password left the form");
        assert!(!format!("{f:?} {spec:?}").contains("s3cret"));
    }

    #[test]
    fn a_pasted_url_is_trimmed_and_lands_at_the_cursor() {
        let mut f = form("");
        f.paste("  https://repo/ontap/image.tgz\n");
        assert_eq!(f.shown(Field::Url), "https://repo/ontap/image.tgz");
        (0..9).for_each(|_| f.edit(Edit::Left));
        f.paste("97_");
        assert_eq!(f.shown(Field::Url), "https://repo/ontap/97_image.tgz");
        assert_eq!(f.cursor(Field::Url), 22);
        f.edit(Edit::Home);
        f.edit(Edit::Delete);
        assert!(f.shown(Field::Url).starts_with("ttps://"));
    }
}
