//! The man page's CONFIGURATION section: the file, its tables, and every key the config
//! reader accepts with what it means (a test ties these descriptions to the reader's key
//! lists, both ways).

use roff::{Roff, roman};

use super::sections::{heading, item, para};
use crate::config::{
    CLUSTER_KEYS, DEFAULTS_KEYS, DOWNLOAD_KEYS, MIRROR_KEYS, SERVE_KEYS, TOP_KEYS, VALIDATE_KEYS,
};

/// What each key of `[defaults]` and `[[cluster]]` means (a few only in a cluster).
pub(super) const CLUSTER_DOC: &[(&str, &str)] = &[
    (
        "name",
        "Unique name of the cluster (in [[cluster]] only): --cluster NAME, the dashboard, the metrics.",
    ),
    (
        "url",
        "The cluster management address, https://host[:port] (in [[cluster]] only); a path is ignored.",
    ),
    ("username", "The ONTAP user ontop logs in as (basic auth)."),
    (
        "password",
        "The password, written in the file (a warning when the file is readable by group or others).",
    ),
    (
        "password_env",
        "The environment variable holding the password (set and not empty).",
    ),
    (
        "password_command",
        "A command as an argv list, run without a shell: the first line it prints is the password; run again after a refused login.",
    ),
    (
        "password_file",
        "A file whose first line is the password; refused when group or others may read it.",
    ),
    (
        "ca_file",
        "Trust only this CA (PEM), or the cluster's own certificate, for the cluster's TLS.",
    ),
    (
        "insecure",
        "true skips certificate verification (and the dashboard says so). Default false.",
    ),
    (
        "poll_interval",
        "Time between two polls, from 1s to 24h. Default 5s.",
    ),
    (
        "timeout",
        "How long one request may take, from 1ms to 10m. Default 30s, above ONTAP's own 15 s.",
    ),
    (
        "packages_interval",
        "Time between two reads of the package repository, from 1m to 24h. Default 10m.",
    ),
    (
        "labels",
        "A table such as { site = \"ams\", env = \"prod\" }, for --label, the filter and the metrics; [defaults] labels are merged, the cluster's own winning.",
    ),
    (
        "read_only",
        "true: never start a download or a removal here, whatever the command line says.",
    ),
    (
        "fingerprint",
        "sha256:... of the cluster's own certificate (ontop trust --write pins it); when set it alone decides.",
    ),
    (
        "tls_server_name",
        "The name the certificate is checked against when url uses an address it does not name (in [[cluster]] only).",
    ),
];

/// What each key of `[download]` means.
pub(super) const DOWNLOAD_DOC: &[(&str, &str)] = &[
    (
        "url",
        "The package URL the download form and ontop download offer (http, https, ftp or file).",
    ),
    (
        "username",
        "The package server's user (not the cluster's); its password is asked for, or --password-env.",
    ),
    (
        "max_running",
        "At most this many downloads ontop runs at once, 1 to 10000; the rest wait in ontop, nothing sent. Default: no limit.",
    ),
    (
        "mirror",
        "[[download.mirror]] tables: a site's own package server with the same file names; a cluster fetches from the first mirror whose labels it has.",
    ),
    (
        "upload_rate",
        "The rate every upload from this host shares, e.g. \"50MiB/s\" (--limit-rate wins). Default: no limit.",
    ),
];

/// What each key of a `[[download.mirror]]` table means.
pub(super) const MIRROR_DOC: &[(&str, &str)] = &[
    (
        "labels",
        "The labels a cluster must have, all of them, to fetch from this mirror: { site = \"ams\" }.",
    ),
    (
        "base",
        "The directory the package files are in, ending with / (the default URL's file name is added).",
    ),
    (
        "username",
        "The mirror server's own user, when it needs one.",
    ),
    (
        "password",
        "The mirror user's password, written in the file.",
    ),
    (
        "password_env",
        "The mirror user's password, from this environment variable.",
    ),
    (
        "password_command",
        "The mirror user's password: the first line a command prints (argv, no shell).",
    ),
    (
        "password_file",
        "The mirror user's password: the first line of a file only its owner can read.",
    ),
];

/// What each key of `[serve]` means.
pub(super) const SERVE_DOC: &[(&str, &str)] = &[
    (
        "listen",
        "IP address and port for ontop serve (--listen wins). Default 127.0.0.1:9464.",
    ),
    (
        "group",
        "The label the status page groups clusters by (?group= wins), e.g. \"site\".",
    ),
    (
        "username",
        "Basic auth on every route, /healthz included: the user.",
    ),
    ("password", "The basic auth password, written in the file."),
    (
        "password_env",
        "The basic auth password, from this environment variable.",
    ),
    (
        "password_command",
        "The basic auth password, from this command's first line.",
    ),
    (
        "password_file",
        "The basic auth password, from this file's first line (private).",
    ),
    (
        "tls_cert_file",
        "A PEM certificate chain: serve HTTPS (with tls_key_file).",
    ),
    ("tls_key_file", "The certificate's PEM private key."),
];

/// What each key of `[validate]` means.
pub(super) const VALIDATE_DOC: &[(&str, &str)] = &[
    (
        "ignore",
        "Check names (as ONTAP words them) that are notes, shown and not counted in a verdict; \
         [] counts every finding. Default [\"Manual checks\"]: ONTAP raises it on nearly every \
         cluster, pointing to the Upgrade Advisor plan.",
    ),
    (
        "max_age",
        "How long a validation stays current; older reads stale. Default 24h (from 1m to 30 days).",
    ),
];

fn table_keys(roff: &mut Roff, title: &str, keys: &[&str], doc: &[(&str, &str)]) {
    roff.control("SS", [title]);
    for key in keys {
        let text = doc.iter().find(|(k, _)| k == key).map_or("", |(_, t)| t);
        item(roff, key, text);
    }
}

pub(super) fn configuration(roff: &mut Roff) {
    heading(roff, "CONFIGURATION");
    para(
        roff,
        "ontop reads --config PATH, else $ONTOP_CONFIG, else ~/.config/ontop/config.toml \
         ($XDG_CONFIG_HOME/ontop/config.toml); the service reads /etc/ontop/config.toml. \
         ontop config init writes a commented starter, ontop config check validates a file \
         and resolves every password, and config.example.toml (in /usr/share/doc/ontop) \
         shows every key. Every problem is reported at once, naming the file, the table, \
         the key and the fix. Durations are written 5s, 10m, 1h. Paths in the file are \
         relative to the file's directory; ~/ is the home directory.",
    );
    let tables: Vec<String> = TOP_KEYS
        .iter()
        .map(|t| match *t {
            "cluster" => "[[cluster]] (one per cluster)".to_string(),
            other => format!("[{other}]"),
        })
        .collect();
    para(
        roff,
        &format!("The file holds these tables: {}.", tables.join(", ")),
    );
    para(
        roff,
        "A table holds one password source at most. A cluster with none anywhere is asked \
         for its password at start (the dashboard, no echo); ontop serve never asks.",
    );
    let mut cluster: Vec<&str> = CLUSTER_KEYS.to_vec();
    cluster.sort_by_key(|k| CLUSTER_DOC.iter().position(|(d, _)| d == k));
    table_keys(roff, "[[cluster]], one per cluster", &cluster, CLUSTER_DOC);
    let defaults: Vec<&str> = cluster
        .iter()
        .copied()
        .filter(|k| DEFAULTS_KEYS.contains(k))
        .collect();
    roff.control("SS", ["[defaults]"]);
    roman_line(
        roff,
        &format!(
            "Inherited by every cluster that does not set its own: {}.",
            defaults.join(", ")
        ),
    );
    table_keys(
        roff,
        "[download], the kick-off form",
        DOWNLOAD_KEYS,
        DOWNLOAD_DOC,
    );
    table_keys(
        roff,
        "[[download.mirror]], a site's package server",
        MIRROR_KEYS,
        MIRROR_DOC,
    );
    table_keys(roff, "[serve], ontop serve", SERVE_KEYS, SERVE_DOC);
    table_keys(
        roff,
        "[validate], how ontop validate and READY judge findings",
        VALIDATE_KEYS,
        VALIDATE_DOC,
    );
}

fn roman_line(roff: &mut Roff, text: &str) {
    roff.text([roman(text)]);
}
