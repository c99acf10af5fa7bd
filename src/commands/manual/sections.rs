//! The man page's own sections, after clap's: KEYS, CONFIGURATION, FILES, ENVIRONMENT,
//! EXIT STATUS and EXAMPLES. Keys come from the key map, config keys are checked against
//! the config reader's lists, and exit codes come from each command's own help where it
//! states them, so none of these can silently drift from the program.

use roff::{Roff, bold, italic, roman};

use crate::config::{CLUSTER_KEYS, DEFAULTS_KEYS, DOWNLOAD_KEYS, SERVE_KEYS, TOP_KEYS};
use crate::tui::keymap::Binding;
use crate::tui::views::help;

/// Writes every section of this module's, in man page order.
pub(super) fn render(command: &clap::Command, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut roff = Roff::new();
    keys(&mut roff);
    configuration(&mut roff);
    files(&mut roff);
    environment(&mut roff);
    exit_status(&mut roff, command);
    examples(&mut roff);
    roff.to_writer(out)
}

fn heading(roff: &mut Roff, title: &str) {
    roff.control("SH", [title]);
}

fn para(roff: &mut Roff, text: &str) {
    roff.control("PP", []).text([roman(text)]);
}

/// A tagged paragraph: `term` in bold, then `text` indented under it.
fn item(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", [])
        .text([bold(term)])
        .text([roman(text)]);
}

/// A binding's keys as help names them, arrows spelled out for any terminal: "j, Down".
fn keys_of(binding: &Binding) -> String {
    let names: Vec<String> = binding
        .keys
        .iter()
        .map(|key| {
            key.label()
                .replace('↑', "Up")
                .replace('↓', "Down")
                .replace('←', "Left")
                .replace('→', "Right")
        })
        .collect();
    names.join(", ")
}

fn keys(roff: &mut Roff) {
    heading(roff, "KEYS");
    para(
        roff,
        "The dashboard's keys, as its ? help lists them. A key means what the section \
         says where the focus is; one that means nothing there says so.",
    );
    for (title, bindings) in help::sections() {
        roff.control("SS", [title]);
        for binding in bindings {
            item(roff, &keys_of(binding), binding.help);
        }
    }
}

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
];

/// What each key of `[serve]` means.
pub(super) const SERVE_DOC: &[(&str, &str)] = &[
    (
        "listen",
        "IP address and port for ontop serve (--listen wins). Default 127.0.0.1:9464.",
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

fn table_keys(roff: &mut Roff, title: &str, keys: &[&str], doc: &[(&str, &str)]) {
    roff.control("SS", [title]);
    for key in keys {
        let text = doc.iter().find(|(k, _)| k == key).map_or("", |(_, t)| t);
        item(roff, key, text);
    }
}

fn configuration(roff: &mut Roff) {
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
    table_keys(roff, "[serve], ontop serve", SERVE_KEYS, SERVE_DOC);
}

fn roman_line(roff: &mut Roff, text: &str) {
    roff.text([roman(text)]);
}

fn files(roff: &mut Roff) {
    heading(roff, "FILES");
    para(
        roff,
        "What ontop writes lives in its data directory, $XDG_DATA_HOME/ontop (by default \
         ~/.local/share/ontop; /var/lib/ontop for the ontop-serve service), created 0700; \
         every file in it is 0600 and is never opened through a symbolic link.",
    );
    let files: [(&str, &str); 5] = [
        (
            "~/.config/ontop/config.toml",
            "The config (read; config init and config import --output write new files 0600, never over one).",
        ),
        (
            "~/.local/share/ontop/audit.jsonl",
            "The audit log, one JSON line each: every download start and package removal is written and flushed before its request is sent (nothing is sent when it cannot be), then its answer and its end. Passwords never appear; URLs are masked.",
        ),
        (
            "~/.local/share/ontop/jobs.json",
            "The journal of downloads ontop follows, one entry per cluster (the newest), so a later dashboard, ontop status and ontop serve follow them on; jobs.json.lock serialises writers.",
        ),
        (
            "~/.local/share/ontop/ontop.log",
            "The dashboard's log (the screen is never written to); other commands log to stderr. ONTOP_LOG sets the level.",
        ),
        (
            "/usr/lib/systemd/system/ontop-serve.service",
            "The packaged unit: ontop serve --config /etc/ontop/config.toml as user ontop, data in /var/lib/ontop.",
        ),
    ];
    for (path, text) in files {
        item(roff, path, text);
    }
}

fn environment(roff: &mut Roff) {
    heading(roff, "ENVIRONMENT");
    let vars: [(&str, &str); 9] = [
        (
            "ONTOP_CONFIG",
            "The config file when --config is not given.",
        ),
        (
            "ONTOP__DEFAULTS__KEY, ONTOP__DEFAULTS__LABELS__NAME, ONTOP__DOWNLOAD__KEY",
            "Override a key of [defaults] or [download] (e.g. ONTOP__DEFAULTS__TIMEOUT=60s). Any other ONTOP__ variable is an error naming it.",
        ),
        (
            "ONTOP_LOG",
            "The log filter: error, warn, info, debug or trace (tracing's EnvFilter syntax). Default info for the dashboard and serve, warn for other commands.",
        ),
        (
            "NO_COLOR",
            "When set and not empty: no colours (as --no-color); states still read from words and symbols.",
        ),
        (
            "XDG_CONFIG_HOME",
            "Where the default config lives (~/.config when unset).",
        ),
        (
            "XDG_DATA_HOME",
            "Where the data directory lives (~/.local/share when unset); the service sets /var/lib.",
        ),
        (
            "HTTP_PROXY, HTTPS_PROXY, ALL_PROXY",
            "Ignored: ontop connects to every cluster directly.",
        ),
        (
            "the variables named by password_env",
            "Read once at start, and again after a refused login.",
        ),
        (
            "ONTOP_COMPLETE",
            "Set by the scripts of ontop completions when the shell asks for completions; not for use by hand.",
        ),
    ];
    for (name, text) in vars {
        item(roff, name, text);
    }
}

/// Exit codes of the commands whose help does not state them.
pub(super) const EXIT_FALLBACK: &[(&str, &str)] = &[
    (
        "ontop",
        "0 quit; 1 the terminal could not be used; 2 usage or config error.",
    ),
    (
        "ontop demo",
        "0 quit; 1 the terminal could not be used; 2 the simulator could not start.",
    ),
    (
        "ontop serve",
        "0 stopped by SIGTERM or Ctrl-C; 2 usage or config error, or it cannot listen or read its TLS files.",
    ),
    (
        "ontop sim",
        "0 stopped by Ctrl-C; 2 it cannot start (a port in use, a config it cannot write).",
    ),
    (
        "ontop config check",
        "0 valid and every password resolved; 2 a config error or a password that cannot be resolved.",
    ),
    ("ontop completions", "0."),
    ("ontop man", "0; 2 DIR cannot be written."),
];

/// Every command as typed (`ontop`, `ontop config check`...) with its exit codes: the
/// sentence its own help gives after "Exit codes:", else [`EXIT_FALLBACK`]'s.
pub(super) fn exit_codes(command: &clap::Command) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(command, "ontop".to_string(), &mut out);
    out
}

fn walk(command: &clap::Command, path: String, out: &mut Vec<(String, String)>) {
    let own = command
        .get_long_about()
        .map(|text| text.to_string())
        .and_then(|text| {
            let start = text.find("Exit codes:")? + "Exit codes:".len();
            let rest = &text[start..];
            let end = rest.find("\n\n").unwrap_or(rest.len());
            Some(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "))
        });
    let fallback = EXIT_FALLBACK
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, text)| text.to_string());
    if let Some(text) = own.or(fallback) {
        out.push((path.clone(), text));
    }
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        walk(sub, format!("{path} {}", sub.get_name()), out);
    }
}

fn exit_status(roff: &mut Roff, command: &clap::Command) {
    heading(roff, "EXIT STATUS");
    para(
        roff,
        "Scripts can trust one scheme: 0 everything asked for was done; 1 something did not \
         work out (a cluster did not answer, a download failed or was refused, a record \
         could not be written, the question was answered no); 2 nothing was asked of any \
         cluster (a usage or config error, or a refusal before sending). Per command:",
    );
    for (name, text) in exit_codes(command) {
        item(roff, &name, &text);
    }
}

fn examples(roff: &mut Roff) {
    heading(roff, "EXAMPLES");
    let examples: [(&str, &str); 9] = [
        (
            "Try the dashboard on a simulated fleet (no config, no network):",
            "ontop demo",
        ),
        (
            "Write a starter config, edit it, check it:",
            "ontop config init && ontop config check",
        ),
        (
            "Pin each cluster's self-signed certificate:",
            "ontop trust --all --write",
        ),
        (
            "One sweep of a site, as JSON for a script:",
            "ontop status --label site=ams --json",
        ),
        (
            "Download a release to the test clusters and follow it, at most 4 at once:",
            "ontop download --label env=test --url https://repo.example.com/ontap/9161P3_q_image.tgz --wait --max-running 4 --yes",
        ),
        (
            "Which clusters hold which release; remove an old one from a lab cluster:",
            "ontop packages && ontop packages delete 9.15.1P7 --cluster lab-1",
        ),
        (
            "Metrics and a status page for Prometheus, as the packaged service does:",
            "ontop serve --config /etc/ontop/config.toml --listen 0.0.0.0:9464",
        ),
        (
            "Run it as a service after writing /etc/ontop/config.toml:",
            "systemctl enable --now ontop-serve",
        ),
        (
            "Completions that know the clusters of your config, in bash:",
            "source <(ontop completions bash)",
        ),
    ];
    for (what, command) in examples {
        roff.control("PP", []).text([roman(what)]);
        roff.control("RS", ["4"]).control("nf", []);
        roff.text([italic("$ "), bold(command)]);
        roff.control("fi", []).control("RE", []);
    }
}
