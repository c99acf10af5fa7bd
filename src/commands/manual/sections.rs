//! The man page's own sections, after clap's: KEYS, CONFIGURATION (in [`super::config`]),
//! FILES, ENVIRONMENT, EXIT STATUS and EXAMPLES. Keys come from the key map, config keys
//! from the config's key list the reader reads by, and exit codes from each command's own
//! help where it states them, so none of these can silently drift from the program.

use roff::{Roff, bold, italic, roman};

use crate::tui::keymap::Binding;
use crate::tui::views::help;

/// Writes every section of this module's, in man page order.
pub(super) fn render(command: &clap::Command, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut roff = Roff::new();
    keys(&mut roff);
    super::config::configuration(&mut roff);
    files(&mut roff);
    environment(&mut roff);
    exit_status(&mut roff, command);
    examples(&mut roff);
    roff.to_writer(out)
}

pub(super) fn heading(roff: &mut Roff, title: &str) {
    roff.control("SH", [title]);
}

pub(super) fn para(roff: &mut Roff, text: &str) {
    roff.control("PP", []).text([roman(text)]);
}

/// A tagged paragraph: `term` in bold, then `text` indented under it.
pub(super) fn item(roff: &mut Roff, term: &str, text: &str) {
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
    for (title, bindings) in help::man_sections() {
        roff.control("SS", [title]);
        for binding in bindings {
            item(roff, &keys_of(binding), binding.help);
        }
    }
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
