//! [`KEYS`]: every key of the config file, once per meaning. A key that means the same in
//! several tables (`password_file`) is one entry naming them all; a name that means
//! something else in another table (`username` of a cluster, of the package server) is
//! one entry per meaning.

use super::Section::{Cluster, Defaults, Download, Mirror, Serve, Top, Validate};
use super::{KeySpec, PasswordKey, Read, Section};
use crate::config::{PACKAGES_INTERVAL_RANGE, POLL_INTERVAL_RANGE, TIMEOUT_RANGE};

/// The keys of `[[cluster]]` that `[defaults]` may set for every cluster.
const INHERITED: &[Section] = &[Cluster, Defaults];
/// The tables that hold a user and where its password comes from.
const LOGINS: &[Section] = &[Cluster, Defaults, Mirror, Serve];

/// Every config key; see the module docs. The man page lists them in this order.
#[rustfmt::skip]
pub(crate) static KEYS: &[KeySpec] = &[
    // The tables of the file.
    KeySpec { name: "cluster", sections: &[Top], read: Read::Table, default: None, aliases: &["clusters"],
        doc: "one per cluster" },
    KeySpec { name: "defaults", sections: &[Top], read: Read::Table, default: None, aliases: &["default"],
        doc: "what every cluster inherits" },
    KeySpec { name: "download", sections: &[Top], read: Read::Table, default: None, aliases: &[],
        doc: "the kick-off form" },
    KeySpec { name: "serve", sections: &[Top], read: Read::Table, default: None, aliases: &[],
        doc: "ontop serve" },
    KeySpec { name: "validate", sections: &[Top], read: Read::Table, default: None, aliases: &[],
        doc: "how ontop validate and READY judge findings" },

    // [[cluster]], and what [defaults] may set for all of them.
    KeySpec { name: "name", sections: &[Cluster], read: Read::Name(|l| &mut l.name), default: None, aliases: &[],
        doc: "Unique name of the cluster: --cluster NAME, the dashboard, the metrics." },
    KeySpec { name: "url", sections: &[Cluster], read: Read::Address(|l| &mut l.url), default: None,
        aliases: &["host", "hostname", "address", "addr"],
        doc: "The cluster management address, https://host[:port]; a path is ignored." },
    KeySpec { name: "username", sections: INHERITED, read: Read::Text(|l| &mut l.username), default: None,
        aliases: &["user", "login"],
        doc: "The ONTAP user ontop logs in as (basic auth)." },
    KeySpec { name: "password", sections: LOGINS, read: Read::Password(PasswordKey::Plain), default: None, aliases: &[],
        doc: "The password, written in the file (a warning when the file is readable by group or others)." },
    KeySpec { name: "password_env", sections: LOGINS, read: Read::Password(PasswordKey::Env), default: None, aliases: &[],
        doc: "The environment variable holding the password (set and not empty)." },
    KeySpec { name: "password_command", sections: LOGINS, read: Read::Password(PasswordKey::Command), default: None,
        aliases: &[],
        doc: "A command as an argv list, run without a shell: the first line it prints (or the password: of the YAML it prints) is the password; run again after a refused login." },
    KeySpec { name: "password_file", sections: LOGINS, read: Read::Password(PasswordKey::File), default: None, aliases: &[],
        doc: "A file whose first line is the password; refused when group or others may read it." },
    KeySpec { name: "ca_file", sections: INHERITED, read: Read::Path(|l| &mut l.ca_file), default: None,
        aliases: &["ca", "cafile", "ca_cert"],
        doc: "Trust only this CA (PEM), or the cluster's own certificate, for the cluster's TLS." },
    KeySpec { name: "insecure", sections: INHERITED, read: Read::Flag(|l| &mut l.insecure), default: Some("false"),
        aliases: &[],
        doc: "true skips certificate verification (and the dashboard says so)." },
    KeySpec { name: "poll_interval", sections: INHERITED, read: Read::Duration(POLL_INTERVAL_RANGE, |l| &mut l.poll_interval),
        default: Some("\"5s\""), aliases: &["interval"],
        doc: "Time between two polls, from 1s to 24h." },
    KeySpec { name: "timeout", sections: INHERITED, read: Read::Duration(TIMEOUT_RANGE, |l| &mut l.timeout),
        default: Some("\"30s\""), aliases: &[],
        doc: "How long one request may take, from 1ms to 10m (the default is above ONTAP's own 15 s)." },
    KeySpec { name: "packages_interval", sections: INHERITED,
        read: Read::Duration(PACKAGES_INTERVAL_RANGE, |l| &mut l.packages_interval), default: Some("\"10m\""), aliases: &[],
        doc: "Time between two reads of the package repository, from 1m to 24h." },
    KeySpec { name: "labels", sections: INHERITED, read: Read::Labels(|l| &mut l.labels), default: None, aliases: &["tags"],
        doc: "A table such as { site = \"ams\", env = \"prod\" }, for --label, the filter and the metrics; [defaults] labels are merged, the cluster's own winning." },
    KeySpec { name: "read_only", sections: INHERITED, read: Read::Flag(|l| &mut l.read_only), default: Some("false"),
        aliases: &["readonly"],
        doc: "true: never start a download or a removal here, whatever the command line says." },
    KeySpec { name: "fingerprint", sections: INHERITED, read: Read::Fingerprint(|l| &mut l.fingerprint), default: None,
        aliases: &[],
        doc: "sha256:... of the cluster's own certificate (ontop trust --write pins it); when set it alone decides." },
    KeySpec { name: "tls_server_name", sections: &[Cluster], read: Read::ServerName(|l| &mut l.tls_server_name),
        default: None, aliases: &[],
        doc: "The name the certificate is checked against when url uses an address it does not name." },

    // [download]
    KeySpec { name: "url", sections: &[Download], read: Read::PackageUrl(|l| &mut l.url), default: None,
        aliases: &["host", "address"],
        doc: "The package URL the download form and ontop download offer (http, https, ftp or file)." },
    KeySpec { name: "username", sections: &[Download], read: Read::Text(|l| &mut l.username), default: None,
        aliases: &["user", "login"],
        doc: "The package server's user (not the cluster's); its password is asked for, or --password-env." },
    KeySpec { name: "max_running", sections: &[Download],
        read: Read::Count(crate::config::MAX_RUNNING_LIMIT, |l| &mut l.max_running), default: None, aliases: &[],
        doc: "At most this many downloads ontop runs at once, 1 to 10000; the rest wait in ontop, nothing sent. Default: no limit." },
    KeySpec { name: "mirror", sections: &[Download],
        read: Read::Custom("[[download.mirror]] tables", crate::config::mirror::read), default: None, aliases: &["mirrors"],
        doc: "A site's own package server with the same file names; a cluster fetches from the first mirror whose labels it has." },
    KeySpec { name: "upload_rate", sections: &[Download], read: Read::Rate(|l| &mut l.upload_rate), default: None,
        aliases: &[],
        doc: "The rate every upload from this host shares, e.g. \"50MiB/s\" (--limit-rate wins). Default: no limit." },

    // [[download.mirror]] (and its password keys above)
    KeySpec { name: "labels", sections: &[Mirror], read: Read::Labels(|l| &mut l.labels), default: None, aliases: &["tags"],
        doc: "The labels a cluster must have, all of them, to fetch from this mirror: { site = \"ams\" }." },
    KeySpec { name: "base", sections: &[Mirror], read: Read::Custom("a URL ending with /", crate::config::mirror::base),
        default: None, aliases: &["url"],
        doc: "The directory the package files are in, ending with / (the default URL's file name is added)." },
    KeySpec { name: "username", sections: &[Mirror], read: Read::Text(|l| &mut l.username), default: None,
        aliases: &["user", "login"],
        doc: "The mirror server's own user, when it needs one (with one password source)." },

    // [serve] (and its password keys above)
    KeySpec { name: "listen", sections: &[Serve], read: Read::Custom("an IP address and port", crate::config::serve::listen), default: Some("\"127.0.0.1:9464\""),
        aliases: &["address", "addr"],
        doc: "IP address and port for ontop serve (--listen wins)." },
    KeySpec { name: "group", sections: &[Serve], read: Read::Custom("a label name", crate::config::serve::group),
        default: None, aliases: &[],
        doc: "The label the status page groups clusters by (?group= wins), e.g. \"site\"." },
    KeySpec { name: "username", sections: &[Serve], read: Read::Text(|l| &mut l.username), default: None,
        aliases: &["user", "login"],
        doc: "Basic auth on every route, /healthz included: the user (with one password source)." },
    KeySpec { name: "tls_cert_file", sections: &[Serve], read: Read::Path(|l| &mut l.tls_cert_file), default: None,
        aliases: &[],
        doc: "A PEM certificate chain: serve HTTPS (with tls_key_file)." },
    KeySpec { name: "tls_key_file", sections: &[Serve], read: Read::Path(|l| &mut l.tls_key_file), default: None,
        aliases: &[],
        doc: "The certificate's PEM private key." },

    // [validate]
    KeySpec { name: "ignore", sections: &[Validate], read: Read::Custom("a list of strings", crate::config::readiness::ignore),
        default: Some("[\"Manual checks\"]"), aliases: &[],
        doc: "Check names (as ONTAP words them) that are notes, shown and not counted in a verdict; [] counts every finding. By default \"Manual checks\": ONTAP raises it on nearly every cluster, pointing to the Upgrade Advisor plan." },
    KeySpec { name: "max_age", sections: &[Validate],
        read: Read::Duration(crate::config::readiness::MAX_AGE_RANGE, |l| &mut l.max_age), default: Some("\"24h\""),
        aliases: &[],
        doc: "How long a validation stays current; older reads stale. From 1m to 30 days." },
];
