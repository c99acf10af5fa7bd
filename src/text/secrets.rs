//! The package server's secrets, hidden by value in whatever a cluster says.
//!
//! A download request carries the package server's password and, in its URL, perhaps a
//! password of its own and a token in the query. A cluster that refuses the request,
//! or a job that describes it, may quote any of them: inside the URL (which
//! [`super::mask_urls_in`] masks), without the scheme around them, or percent-encoded.
//! So each is also hidden wherever it appears, in each of those forms.

use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use reqwest::Url;

/// The shortest secret hidden by value: a shorter one would hide every word that
/// holds it.
const SHORTEST: usize = 4;

/// Secrets to hide, each in every form a server may quote it, longest first.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    /// The secrets of a package download: the server's `password`, and the URL's
    /// password and query (whole, and each value).
    pub(crate) fn of_package(url: &str, password: Option<&str>) -> Self {
        let mut secrets = Secrets::default();
        if let Some(password) = password {
            secrets.add(password);
        }
        let Ok(url) = Url::parse(url.trim()) else {
            return secrets;
        };
        if let Some(password) = url.password() {
            secrets.add(password);
            secrets.add(&percent_decode_str(password).decode_utf8_lossy());
        }
        if let Some(query) = url.query() {
            secrets.add(query);
            for pair in query.split('&') {
                let value = pair.split_once('=').map_or(pair, |(_, value)| value);
                secrets.add(value);
            }
            for (_, value) in url.query_pairs() {
                secrets.add(&value);
            }
        }
        secrets
    }

    /// One password (a cluster login's), in each of its forms.
    pub(crate) fn of_password(password: &str) -> Self {
        let mut secrets = Secrets::default();
        secrets.add(password);
        secrets
    }

    /// Adds those of `other` not yet held.
    pub(crate) fn extend(&mut self, other: &Secrets) {
        for secret in &other.0 {
            self.push(secret.clone());
        }
    }

    /// True when there is nothing to hide.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn hide_in(&self, text: &str) -> String {
        let mut hidden = text.to_owned();
        for secret in &self.0 {
            if hidden.contains(secret.as_str()) {
                hidden = hidden.replace(secret.as_str(), "***");
            }
        }
        hidden
    }

    /// `secret` as written, percent-encoded (as in a path, and as in a form), and as a
    /// JSON string holds it.
    fn add(&mut self, secret: &str) {
        if secret.chars().count() < SHORTEST {
            return;
        }
        let encoded = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
        let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let json = serde_json::to_string(secret).unwrap_or_default();
        let json = json.trim_matches('"').to_string();
        for form in [secret.to_owned(), encoded, form, json] {
            self.push(form);
        }
    }

    fn push(&mut self, mut secret: String) {
        if self.0.contains(&secret) {
            secrecy::zeroize::Zeroize::zeroize(&mut secret);
            return;
        }
        self.0.push(secret);
        // The longest first: a whole query before the values inside it.
        self.0.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Every copy held is wiped when the secrets go.
impl Drop for Secrets {
    fn drop(&mut self) {
        for secret in &mut self.0 {
            secrecy::zeroize::Zeroize::zeroize(secret);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_s_secrets_are_hidden_in_every_form_a_server_quotes_them() {
        let secrets = Secrets::of_package(
            "http://fetch:Url%20Pw%2FSECRET@10.0.0.9/ontap.tgz?tok=TOK%2BSECRET&x=1",
            Some("Pkg\"Pass/SECRET"),
        );
        let quoted = [
            r#"{"password":"Pkg\"Pass/SECRET"}"#,
            "fetch:Url%20Pw%2FSECRET@10.0.0.9/ontap.tgz?tok=TOK%2BSECRET&x=1",
            "user fetch, password Url Pw/SECRET",
            "http%3A%2F%2Ffetch%3AUrl%2520Pw%252FSECRET%4010.0.0.9",
            "token TOK+SECRET or TOK%2BSECRET",
            "password Pkg%22Pass%2FSECRET",
        ];
        for text in quoted {
            let hidden = secrets.hide_in(text);
            assert!(!hidden.contains("SECRET"), "{text} -> {hidden}");
            assert!(hidden.contains("***"), "{text} -> {hidden}");
        }
        // A value of a letter or two is not hidden everywhere it occurs.
        assert_eq!(secrets.hide_in("x=1 in 10.0.0.9"), "x=1 in 10.0.0.9");
    }

    #[test]
    fn nothing_to_hide_changes_nothing() {
        let secrets = Secrets::of_package("http://10.0.0.9/ontap.tgz", None);
        assert!(secrets.is_empty());
        assert_eq!(secrets.hide_in("as said"), "as said");
    }
}
