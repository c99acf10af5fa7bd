//! From one Harvest poller, with `Defaults` applied as Harvest applies them, to one ontop
//! `[[cluster]]`, or to the reason it cannot be one.
//!
//! Harvest's rules, as `docs/harvest-import.md` records them:
//! - A poller's own value wins over `Defaults`. `labels` is one list: a poller's own
//!   (non-empty) list replaces the list of `Defaults`, it is not merged key by key.
//! - `disabled` is never inherited.
//! - The password is looked for in the poller first, then in `Defaults` (see [`auth`]).
//! - `use_insecure_tls: true` skips verification, so a `ca_cert` beside it is unused.
//!
//! Every value written must pass ontop's own validation (printable, names of at most
//! [`MAX_NAME`] characters), so that the output loads as it is.

use std::collections::BTreeMap;
use std::net::Ipv6Addr;
use std::path::{Component, Path};

use reqwest::Url;

use super::auth::{self, Password};
use super::harvest::Poller;
use crate::config::values::MAX_TEXT;
use crate::config::{MAX_NAME, TIMEOUT_RANGE};
use crate::text::{clean, is_clean};

/// One `[[cluster]]` to write, with the notes that go in its table.
pub(super) struct Cluster {
    pub name: String,
    pub url: String,
    pub username: String,
    pub password: Password,
    pub ca_file: Option<String>,
    pub insecure: bool,
    pub timeout: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// What was not carried over, and why: one comment line each.
    pub notes: Vec<String>,
}

/// A poller imported, or left out with the reason.
pub(super) enum Outcome {
    Cluster(Box<Cluster>),
    Skipped(String),
}

/// Maps the poller `name` (its own settings `own`, the file's `defaults`); relative paths
/// start at `base_dir`, the folder of `harvest.yml`.
pub(super) fn poller(name: &str, own: &Poller, defaults: &Poller, base_dir: &Path) -> Outcome {
    if own.disabled == Some(true) {
        return Outcome::Skipped("disabled: true in harvest.yml".to_owned());
    }
    if let Err(why) = check_name(name) {
        return Outcome::Skipped(why);
    }
    let merged = Merged::new(own, defaults);
    if let Some(key) = merged.unclean() {
        return Outcome::Skipped(format!(
            "{key} holds control, bidi or invisible characters, or is too long"
        ));
    }
    let Some(addr) = merged.addr else {
        return Outcome::Skipped("no addr (a local or Unix poller?)".to_owned());
    };
    let url = match url(addr) {
        Ok(url) => url,
        Err(why) => return Outcome::Skipped(why),
    };
    let Some(username) = merged.username else {
        return Outcome::Skipped(
            "no username in the poller or in Defaults (ontop signs in with a user and password)"
                .to_owned(),
        );
    };
    let mut notes = Vec::new();
    let password = auth::password(own, defaults, addr, username, base_dir, &mut notes);
    let ca_file = merged.ca_cert.and_then(|ca| {
        if merged.insecure {
            notes.push(format!(
                "ca_cert {ca:?}: not used, as in Harvest: use_insecure_tls: true skips verification"
            ));
            return None;
        }
        Some(from_dir(base_dir, ca))
    });
    let timeout = merged
        .client_timeout
        .and_then(|t| timeout(t).map_err(|why| notes.push(why)).ok());
    let labels = cluster_labels(merged.labels, merged.datacenter, &mut notes);
    notes.extend(own.other.iter().map(|key| unmapped(key)));
    Outcome::Cluster(Box::new(Cluster {
        name: name.to_owned(),
        url,
        username: username.to_owned(),
        password,
        ca_file,
        insecure: merged.insecure,
        timeout,
        labels,
        notes,
    }))
}

/// A poller's settings with `Defaults` filled in (all but the password sources, which
/// [`auth`] looks for on its own). Text is trimmed; empty text is no value.
struct Merged<'a> {
    addr: Option<&'a str>,
    username: Option<&'a str>,
    datacenter: Option<&'a str>,
    ca_cert: Option<&'a str>,
    client_timeout: Option<&'a str>,
    script_path: Option<&'a str>,
    labels: &'a [(String, Option<String>)],
    insecure: bool,
}

impl<'a> Merged<'a> {
    fn new(own: &'a Poller, defaults: &'a Poller) -> Self {
        let pick = |f: fn(&Poller) -> &Option<String>| {
            let value = f(own).as_deref().or(f(defaults).as_deref())?.trim();
            (!value.is_empty()).then_some(value)
        };
        let script = own.credentials_script.as_ref();
        Self {
            addr: pick(|p| &p.addr),
            username: pick(|p| &p.username),
            datacenter: pick(|p| &p.datacenter),
            ca_cert: pick(|p| &p.ca_cert),
            client_timeout: pick(|p| &p.client_timeout),
            script_path: script
                .or(defaults.credentials_script.as_ref())
                .and_then(|s| s.path.as_deref()),
            // One list, as in Harvest: the poller's own, else that of Defaults.
            labels: if own.labels.is_empty() {
                &defaults.labels
            } else {
                &own.labels
            },
            insecure: own.use_insecure_tls.or(defaults.use_insecure_tls) == Some(true),
        }
    }

    /// The first key whose value ontop would refuse: control, bidi or invisible
    /// characters, or longer than ontop takes.
    fn unclean(&self) -> Option<&'static str> {
        let texts = [
            ("addr", self.addr),
            ("username", self.username),
            ("datacenter", self.datacenter),
            ("ca_cert", self.ca_cert),
            ("client_timeout", self.client_timeout),
            ("credentials_script.path", self.script_path),
        ];
        let labels = self.labels.iter().flat_map(|(key, value)| {
            [
                ("a label name", Some(key.as_str())),
                ("a label", value.as_deref()),
            ]
        });
        texts.into_iter().chain(labels).find_map(|(key, value)| {
            let value = value?;
            (!is_clean(value) || value.chars().count() > MAX_TEXT).then_some(key)
        })
    }
}

/// Why the name of a poller cannot be a cluster's name, if it cannot.
fn check_name(name: &str) -> Result<(), String> {
    let length = name.chars().count();
    if name.trim().is_empty() {
        Err("the poller's name is empty".to_owned())
    } else if !is_clean(name) {
        Err("the poller's name holds control, bidi or invisible characters".to_owned())
    } else if length > MAX_NAME {
        Err(format!(
            "the poller's name is {length} characters long; ontop takes at most {MAX_NAME}"
        ))
    } else {
        Ok(())
    }
}

/// `https://ADDR`: Harvest's `addr` is a host name or an address with an optional port.
/// A bare IPv6 address gets its brackets; the default port 443 is left out.
pub(super) fn url(addr: &str) -> Result<String, String> {
    let host = if addr.parse::<Ipv6Addr>().is_ok() {
        format!("[{addr}]")
    } else {
        addr.to_owned()
    };
    let not_a_host =
        || format!("addr {addr:?} is not a host name or address (with an optional port)");
    if host.is_empty() || host.contains(['/', '@', '?', '#', ' ']) {
        return Err(not_a_host());
    }
    let url = Url::parse(&format!("https://{host}")).map_err(|_| not_a_host())?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(not_a_host());
    }
    Ok(url.origin().ascii_serialization())
}

/// Harvest's `client_timeout` ("30s", or a number of seconds) as ontop's `timeout`, or
/// the note saying why it is not carried over.
pub(super) fn timeout(text: &str) -> Result<String, String> {
    let text = text.trim();
    let candidate = if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        format!("{text}s")
    } else {
        text.to_owned()
    };
    let (min, max) = TIMEOUT_RANGE;
    match crate::text::duration::parse(&candidate) {
        Some(d) if d >= min && d <= max => Ok(candidate),
        _ => Err(format!(
            "client_timeout {text:?}: not carried over: ontop's timeout is a duration like \"30s\", at most 10m"
        )),
    }
}

/// `written` as an absolute path: a relative one is taken from `base_dir` (Harvest takes
/// it from where it runs, usually the folder of harvest.yml). `./` parts are dropped.
pub(super) fn from_dir(base_dir: &Path, written: &str) -> String {
    let path = Path::new(written);
    let joined = if path.is_absolute() {
        path.to_owned()
    } else {
        base_dir.join(path)
    };
    let parts: std::path::PathBuf = joined
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    parts.display().to_string()
}

/// ontop's labels: Harvest's labels (the later of two same keys wins), and `datacenter`.
fn cluster_labels(
    labels: &[(String, Option<String>)],
    datacenter: Option<&str>,
    notes: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (key, value) in labels {
        let key = key.trim();
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            _ if key.is_empty() || key.chars().count() > MAX_NAME => {
                notes.push(format!(
                    "label {key:?}: left out: a label name is 1 to {MAX_NAME} characters"
                ));
            }
            Some(value) => {
                out.insert(key.to_owned(), value.to_owned());
            }
            None => notes.push(format!("label {key:?}: left out: it has no value")),
        }
    }
    if let Some(datacenter) = datacenter
        && out
            .insert("datacenter".to_owned(), datacenter.to_owned())
            .is_some()
    {
        notes.push("label \"datacenter\": replaced by the poller's datacenter".to_owned());
    }
    out
}

/// The note for a poller key that has no ontop equivalent.
pub(super) fn unmapped(key: &str) -> String {
    let why = match key {
        "exporters" => "where Harvest sends its metrics; ontop has no exporters",
        "collectors" => "what Harvest collects; ontop watches software downloads only",
        "pool" => {
            "Harvest's limit on concurrent collectors; ontop keeps one connection per cluster"
        }
        "prefer_zapi" | "api_version" | "api_vfiler" => "ZAPI; ontop speaks the REST API only",
        "ssl_cert" | "ssl_key" | "certificate_script" => {
            "client certificates: ontop signs in with a user and password only"
        }
        "tls_min_version" => "ontop always uses TLS 1.2 or 1.3",
        "log" | "log_max_bytes" | "log_max_files" | "poller_log_schedule" => {
            "Harvest's own logging"
        }
        "poller_schedule" => "Harvest's schedule; ontop polls every poll_interval (5s unless set)",
        "disabled" => "Harvest does not inherit it from Defaults either",
        "is_kfs" | "gcnv_ontap_mode" | "conf_path" | "prom_port" | "recorder"
        | "cm_perf_manifest" => "a Harvest setting with no ontop equivalent",
        _ => "not a Harvest setting ontop knows",
    };
    format!("{}: not imported: {why}", clean(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::import::harvest::Script;
    use secrecy::SecretString;

    fn poller_with(f: impl FnOnce(&mut Poller)) -> Poller {
        let mut p = Poller::default();
        f(&mut p);
        p
    }

    fn cluster(outcome: Outcome) -> Cluster {
        match outcome {
            Outcome::Cluster(c) => *c,
            Outcome::Skipped(why) => panic!("skipped: {why}"),
        }
    }

    #[test]
    fn an_addr_keeps_its_port_and_an_ipv6_address_gets_brackets() {
        assert_eq!(url("10.0.1.1").unwrap(), "https://10.0.1.1");
        assert_eq!(
            url("cluster1.example.com:8443").unwrap(),
            "https://cluster1.example.com:8443"
        );
        assert_eq!(url("10.0.1.1:443").unwrap(), "https://10.0.1.1");
        assert_eq!(url("fd00::10").unwrap(), "https://[fd00::10]");
        assert_eq!(url("[fd00::10]:8443").unwrap(), "https://[fd00::10]:8443");
        for bad in [
            "10.0.1.1:x",
            "https://10.0.1.1",
            "admin@10.0.1.1",
            "fe80::1%eth0",
            "host/path",
        ] {
            assert!(url(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_pollers_own_labels_replace_the_defaults_labels_as_in_harvest() {
        let label = |k: &str, v: &str| (k.to_owned(), Some(v.to_owned()));
        let defaults = poller_with(|p| {
            p.username = Some("monitor".into());
            p.datacenter = Some("DC-01".into());
            p.labels = vec![label("org", "abc"), label("env", "prod")];
        });
        let own = poller_with(|p| {
            p.addr = Some("10.0.0.1".into());
            p.labels = vec![label("org", "meg")];
        });
        let c = cluster(poller("a", &own, &defaults, Path::new("/etc/harvest")));
        let labels: Vec<(&str, &str)> = c
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(labels, [("datacenter", "DC-01"), ("org", "meg")]);
        let inherits = poller_with(|p| p.addr = Some("10.0.0.2".into()));
        let c = cluster(poller("b", &inherits, &defaults, Path::new("/etc/harvest")));
        assert_eq!(c.labels.len(), 3);
    }

    #[test]
    fn the_pollers_own_password_source_comes_before_the_defaults_one() {
        let defaults = poller_with(|p| {
            p.username = Some("monitor".into());
            p.password = Some(SecretString::from("from-defaults"));
        });
        let own = poller_with(|p| {
            p.addr = Some("10.0.0.1:8443".into());
            p.credentials_script = Some(Script {
                path: Some("./get_pass".into()),
                ..Script::default()
            });
        });
        let c = cluster(poller("a", &own, &defaults, Path::new("/etc/harvest")));
        let Password::Command { argv, .. } = &c.password else {
            panic!("expected a command")
        };
        assert_eq!(argv, &["/etc/harvest/get_pass", "10.0.0.1:8443", "monitor"]);
    }

    #[test]
    fn a_password_that_names_a_variable_becomes_password_env() {
        let defaults = poller_with(|p| p.username = Some("monitor".into()));
        let own = poller_with(|p| {
            p.addr = Some("10.0.0.1".into());
            p.password = Some(SecretString::from("$__env{ONTAP_PW}"));
        });
        let c = cluster(poller("a", &own, &defaults, Path::new("/")));
        assert!(matches!(&c.password, Password::Env(var) if var == "ONTAP_PW"));
    }

    #[test]
    fn timeouts_ontop_reads_are_carried_over_and_others_noted() {
        assert_eq!(timeout("30s").unwrap(), "30s");
        assert_eq!(timeout("45").unwrap(), "45s");
        assert!(timeout("1h").unwrap_err().contains("client_timeout"));
        assert!(timeout("soon").is_err());
    }
}
