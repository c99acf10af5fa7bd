//! `ontop config check` output: the config as ontop understood it, safe to paste into a
//! ticket. Defaults are applied, durations are human-readable, and every password is
//! replaced by where it comes from.

use std::fmt::Write;

use super::{ClusterConfig, Config, CredentialSource};

/// The whole config as TOML-like text (passwords are `<...>`, so it is not valid TOML).
pub(super) fn render(config: &Config) -> String {
    let mut out = format!(
        "# {} (defaults applied, secrets redacted)\n",
        config.path.display()
    );
    for warning in &config.warnings {
        let _ = writeln!(out, "# warning: {warning}");
    }
    download_table(&mut out, &config.download);
    serve_table(&mut out, &config.serve);
    validate_table(&mut out, &config.validate);
    for cluster in &config.clusters {
        cluster_table(&mut out, cluster);
    }
    out
}

/// `[download]` and its mirrors, when the file sets anything in it.
fn download_table(out: &mut String, download: &super::DownloadDefaults) {
    if *download == super::DownloadDefaults::default() {
        return;
    }
    out.push_str("\n[download]\n");
    if let Some(url) = &download.url {
        line(out, "url", &quote(&crate::text::mask_url(url)));
    }
    if let Some(username) = &download.username {
        line(out, "username", &quote(username));
    }
    if let Some(max) = download.max_running {
        line(out, "max_running", &max.to_string());
    }
    if let Some(rate) = download.upload_rate {
        line(out, "upload_rate", &quote(&format!("{rate}B/s")));
    }
    for mirror in &download.mirrors {
        out.push_str("\n[[download.mirror]]\n");
        line(out, "labels", &labels(&mirror.labels));
        line(out, "base", &quote(&crate::text::mask_url(&mirror.base)));
        if let Some(username) = &mirror.username {
            line(out, "username", &quote(username));
        }
        if let Some(source) = &mirror.credential {
            line(out, "password", &password(source));
        }
    }
}

/// `[validate]`, when it differs from what ontop assumes without one.
fn validate_table(out: &mut String, validate: &super::ValidateSettings) {
    if *validate == super::ValidateSettings::default() {
        return;
    }
    out.push_str("\n[validate]\n");
    let names: Vec<String> = validate.ignore.iter().map(|n| quote(n)).collect();
    line(out, "ignore", &format!("[{}]", names.join(", ")));
    line(out, "max_age", &quote(&duration(validate.max_age)));
}

/// `[serve]`, when the file sets anything in it.
fn serve_table(out: &mut String, serve: &super::ServeSettings) {
    if serve.listen.is_none()
        && serve.basic_auth.is_none()
        && serve.tls.is_none()
        && serve.group.is_none()
    {
        return;
    }
    out.push_str("\n[serve]\n");
    if let Some(listen) = serve.listen {
        line(out, "listen", &quote(&listen.to_string()));
    }
    if let Some(login) = &serve.basic_auth {
        line(out, "username", &quote(&login.user));
        line(out, "password", &password(&login.password));
    }
    if let Some((cert, key)) = &serve.tls {
        line(out, "tls_cert_file", &quote(&cert.display().to_string()));
        line(out, "tls_key_file", &quote(&key.display().to_string()));
    }
    if let Some(group) = &serve.group {
        line(out, "group", &quote(group));
    }
}

fn cluster_table(out: &mut String, c: &ClusterConfig) {
    out.push_str("\n[[cluster]]\n");
    if c.url.scheme() == "http" {
        out.push_str("# plain HTTP: no TLS at all, the password crosses the network in clear\n");
    }
    line(out, "name", &quote(&c.name));
    line(out, "url", &quote(&c.url.origin().ascii_serialization()));
    line(out, "username", &quote(&c.username));
    line(out, "password", &password(&c.credential));
    if let Some(ca_file) = &c.ca_file {
        line(out, "ca_file", &quote(&ca_file.display().to_string()));
    }
    line(out, "insecure", &c.insecure.to_string());
    line(out, "poll_interval", &quote(&duration(c.poll_interval)));
    line(out, "timeout", &quote(&duration(c.timeout)));
    line(out, "read_only", &c.read_only.to_string());
    line(
        out,
        "packages_interval",
        &quote(&duration(c.packages_interval)),
    );
    if !c.labels.is_empty() {
        line(out, "labels", &labels(&c.labels));
    }
    if let Some(fingerprint) = &c.fingerprint {
        line(out, "fingerprint", &quote(&fingerprint.to_string()));
    }
    if let Some(name) = &c.tls_server_name {
        line(out, "tls_server_name", &quote(name));
    }
}

/// Labels as an inline TOML table.
fn labels(labels: &std::collections::BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
        .collect();
    format!("{{ {} }}", pairs.join(", "))
}

/// Where the password comes from, never what it is.
fn password(source: &CredentialSource) -> String {
    match source {
        CredentialSource::Plain(_) => "<redacted: plain password in the config>".to_owned(),
        CredentialSource::Env(var) => format!("<from env {var}>"),
        CredentialSource::Command(argv) => format!("<from command {argv:?}>"),
        CredentialSource::File(path) => format!("<from file {}>", path.display()),
        CredentialSource::Prompt => "<asked at start: no password source set>".to_owned(),
    }
}

fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {value}");
}

/// A TOML string literal.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A TOML key, quoted only when it has to be.
fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { text.to_owned() } else { quote(text) }
}

/// A duration the way a config file writes it: "5s", "1m 30s", "500ms".
pub(super) use crate::text::duration::written as duration;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_are_quoted_only_when_needed() {
        assert_eq!(key("site"), "site");
        assert_eq!(key("a.b"), "\"a.b\"");
    }
}
