//! What to download: the package URL and the package server's credentials.
//!
//! Validated before anything is sent, and shown only with its credentials masked.

use std::fmt;

use reqwest::Url;

use secrecy::SecretString;

use crate::ontap::DownloadRequest;
use crate::text::mask_url;

/// URL schemes ONTAP accepts for a package download.
pub(crate) const SCHEMES: [&str; 4] = ["http", "https", "ftp", "file"];

/// Why a package URL cannot be used, each with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("the package URL is empty")]
    Empty,
    #[error("the URL holds a space (a pasted URL may carry one): remove it")]
    Space,
    #[error("not a valid URL ({0}); give a full URL such as https://server/path/image.tgz")]
    NotAUrl(String),
    #[error("unsupported scheme {0:?}; use one of http, https, ftp, file")]
    Scheme(String),
    #[error("the URL names no server")]
    NoServer,
    #[error("the URL names no package file (it ends with /)")]
    NoFile,
}

/// A validated download request. The password lives only as long as this value.
#[derive(Clone)]
pub struct DownloadSpec {
    url: Url,
    /// The package server's user, when it needs one.
    pub username: Option<String>,
    password: Option<SecretString>,
}

impl fmt::Debug for DownloadSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadSpec")
            .field("url", &self.masked_url())
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl DownloadSpec {
    /// Checks the URL as ONTAP would (it must parse; scheme http, https, ftp or file),
    /// so a typo is caught in the form, not as 39387137 from twenty clusters.
    pub fn new(
        url: &str,
        username: Option<String>,
        password: Option<SecretString>,
    ) -> Result<Self, SpecError> {
        let trimmed = url.trim();
        if trimmed.is_empty() {
            return Err(SpecError::Empty);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(SpecError::Space);
        }
        let parsed = Url::parse(trimmed).map_err(|e| SpecError::NotAUrl(e.to_string()))?;
        if !SCHEMES.contains(&parsed.scheme()) {
            return Err(SpecError::Scheme(parsed.scheme().to_string()));
        }
        if parsed.scheme() != "file" && parsed.host_str().is_none_or(str::is_empty) {
            return Err(SpecError::NoServer);
        }
        let file = parsed.path_segments().and_then(|mut s| s.next_back());
        if file.is_none_or(str::is_empty) {
            return Err(SpecError::NoFile);
        }
        let username = username.filter(|u| !u.trim().is_empty());
        Ok(Self {
            url: parsed,
            username,
            password,
        })
    }

    /// The URL as sent to the cluster (it may carry credentials: never print it).
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// The URL fit to show, log and audit: a password inside it, and its query, masked.
    pub(crate) fn masked_url(&self) -> String {
        mask_url(&self.url)
    }

    /// Whether a server password was given (the confirmation says so, never what it is).
    pub(crate) fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// The package file name, which is what ONTAP's "same name" conflict is about.
    pub(crate) fn file_name(&self) -> &str {
        self.url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("")
    }

    /// The POST body; the only place the password leaves this value.
    pub(crate) fn request(&self) -> DownloadRequest {
        DownloadRequest {
            url: self.url.to_string(),
            username: self.username.clone(),
            password: self.password.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls_pass_and_bad_ones_say_why() {
        assert!(DownloadSpec::new("https://repo/ontap/97_q_image.tgz", None, None).is_ok());
        assert!(DownloadSpec::new("ftp://repo/image.tgz", None, None).is_ok());
        assert!(DownloadSpec::new("file:///mroot/image.tgz", None, None).is_ok());
        let err = |u: &str| DownloadSpec::new(u, None, None).unwrap_err().to_string();
        assert!(err("").contains("empty"));
        assert!(err("repo/image.tgz").contains("not a valid URL"));
        assert!(err("gopher://repo/image.tgz").contains("unsupported scheme"));
        assert!(err("https://repo/ontap/").contains("no package file"));
        assert!(err("https://repo/ontap/97_q image.tgz").contains("holds a space"));
    }

    #[test]
    fn credentials_in_the_url_are_masked_everywhere_they_show() {
        let spec = DownloadSpec::new(
            "https://fetch:s3cret-pw@repo/image.tgz",
            Some("u".into()),
            Some(SecretString::from("other-secret")),
        )
        .unwrap();
        assert_eq!(spec.masked_url(), "https://fetch:***@repo/image.tgz");
        let debug = format!("{spec:?}");
        assert!(
            !debug.contains("s3cret-pw") && !debug.contains("other-secret"),
            "{debug}"
        );
        assert_eq!(spec.file_name(), "image.tgz");
    }
}
