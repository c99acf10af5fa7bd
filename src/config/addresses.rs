//! Reading the values that name a place or a certificate: a cluster's address, a
//! package URL, the name a certificate is checked against, a pinned fingerprint. Like
//! the other readers ([`super::values`]), each records a problem that says how to write
//! the value instead, and returns `None`.

use config::Value;
use reqwest::Url;

use super::schema::{Reader, Scope};
use crate::ontap::Fingerprint;

impl Reader<'_> {
    /// A SHA-256 certificate fingerprint, `sha256:AB:CD:...` (32 bytes; any case, colons
    /// optional), as `ontop trust` prints it.
    pub(super) fn fingerprint(
        &mut self,
        scope: &Scope,
        key: &str,
        value: &Value,
    ) -> Option<Fingerprint> {
        let text = self.text(scope, key, value)?;
        match text.parse::<Fingerprint>() {
            Ok(fingerprint) => Some(fingerprint),
            Err(e) => {
                let message = format!("{text:?} is not a certificate fingerprint: {e}");
                let fix = "copy the line `ontop trust NAME` prints: fingerprint = \"sha256:AB:CD:...\" (32 bytes)";
                self.problem(scope, key, message, fix);
                None
            }
        }
    }

    /// A name to check a certificate against: a DNS name or an IP address.
    pub(super) fn server_name(
        &mut self,
        scope: &Scope,
        key: &str,
        value: &Value,
    ) -> Option<String> {
        let text = self.text(scope, key, value)?;
        if rustls::pki_types::ServerName::try_from(text.as_str()).is_ok() {
            return Some(text);
        }
        let message = format!("{text:?} is neither a DNS name nor an IP address");
        let fix = "write the name the cluster's certificate holds, e.g. \"cluster1.example.com\"";
        self.problem(scope, key, message, fix);
        None
    }

    /// A package URL (`[download] url`): the same rule the form and `ontop download`
    /// apply ([`crate::download::DownloadSpec`]), so ftp:// and file:// are fine here.
    pub(super) fn package_url(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<Url> {
        let text = self.text(scope, key, value)?;
        match crate::download::DownloadSpec::new(&text, None, None) {
            Ok(spec) => Some(spec.url().clone()),
            Err(reason) => {
                let fix = "write a full URL of the package, e.g. \"https://repo.example.com/ontap/97_q_image.tgz\"";
                self.problem(scope, key, reason.to_string(), fix);
                None
            }
        }
    }

    /// A cluster's address: an `http(s)` URL with a host and no credentials, cut to its
    /// origin.
    pub(super) fn url(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<Url> {
        let text = self.text(scope, key, value)?;
        // A URL with user info may hold a password: never echo it.
        let shown = if text.contains('@') {
            "the URL".to_owned()
        } else {
            format!("{text:?}")
        };
        if !text.contains("://") {
            let example = if text.contains('@') {
                "10.20.0.10"
            } else {
                &text
            };
            let fix = format!("write it with a scheme, e.g. \"https://{example}\"");
            self.problem(scope, key, format!("{shown} has no scheme"), fix);
            return None;
        }
        let url = match Url::parse(&text) {
            Ok(url) => url,
            Err(e) => {
                self.problem(
                    scope,
                    key,
                    format!("{shown} is not a URL ({e})"),
                    "write it like \"https://10.20.0.10\"",
                );
                return None;
            }
        };
        if !matches!(url.scheme(), "http" | "https") {
            let message = format!("{shown} uses scheme {:?}", url.scheme());
            self.problem(
                scope,
                key,
                message,
                "use https:// (or http:// for the simulator)",
            );
            return None;
        }
        if url.host_str().is_none_or(str::is_empty) {
            self.problem(
                scope,
                key,
                format!("{shown} has no host"),
                "write it like \"https://10.20.0.10\"",
            );
            return None;
        }
        if !url.username().is_empty() || url.password().is_some() {
            let message = "the URL holds a user name or password".to_owned();
            self.problem(
                scope,
                key,
                message,
                "remove them from the URL; use the username and password_* keys",
            );
            return None;
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            self.warnings.push(format!(
                "{}: {scope}: {key}: only the address of {shown} is used; ontop adds the /api/... paths itself",
                self.file.display()
            ));
        }
        Url::parse(&url.origin().ascii_serialization()).ok()
    }
}
