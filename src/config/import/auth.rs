//! Where a cluster's password comes from, looked for the way Harvest looks (see
//! `docs/harvest-import.md`): in the poller's own settings first, then in `Defaults`, each in this order:
//! `auth_style: certificate_auth` (which ontop cannot do, so it looks on), `password`,
//! `credentials_script`, `credentials_file` (which ontop cannot read, so it stops there
//! and asks at start). Harvest runs the script as `path addr username` and takes the
//! password from what it prints; ontop's `password_command` does the same.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};

use super::harvest::{Poller, Script};
use crate::config::COMMAND_TIMEOUT;
use crate::text::clean;

/// Where the cluster's password comes from, with the comment lines that explain it.
pub(super) enum Password {
    /// `password = "..."`, copied as Harvest had it.
    Plain(SecretString),
    /// `password_env = "VAR"`: Harvest's `password: ${VAR}`.
    Env(String),
    /// `password_command = [...]`: Harvest's `credentials_script`.
    Command {
        /// The command and its arguments.
        argv: Vec<String>,
        /// The comment lines above it.
        notes: Vec<String>,
    },
    /// Nothing usable: ontop asks at start.
    None,
}

/// The password source, looked for as Harvest does: the poller's own settings, then
/// those of `Defaults`. `notes` get what could not be carried over.
pub(super) fn password(
    own: &Poller,
    defaults: &Poller,
    addr: &str,
    username: &str,
    base_dir: &Path,
    notes: &mut Vec<String>,
) -> Password {
    for (layer, place) in [(own, ""), (defaults, " (in Defaults)")] {
        match layer.auth_style.as_deref() {
            Some("certificate_auth") => notes.push(format!(
                "auth_style: certificate_auth{place}: ontop does not do client certificates; it signs in with the username and password below"
            )),
            None | Some("basic_auth") => {}
            Some(other) => notes.push(format!("auth_style {:?}{place}: not a Harvest auth style", clean(other))),
        }
        if let Some(password) = &layer.password {
            return match env_reference(password) {
                Some(var) => Password::Env(var),
                None => Password::Plain(password.clone()),
            };
        }
        if let Some((script, path)) = layer
            .credentials_script
            .as_ref()
            .and_then(|s| Some((s, s.path.as_ref()?)))
        {
            return command(script, path, addr, username, base_dir);
        }
        if let Some(file) = &layer.credentials_file {
            notes.push(format!(
                "credentials_file {:?}{place}: ontop does not read Harvest's credential files; set password_command, password_file or password_env here (without one, ontop asks at start)",
                clean(file)
            ));
            return Password::None;
        }
    }
    notes.push("no password in harvest.yml: ontop asks for it at start; set password_command, password_file or password_env to avoid that".to_owned());
    Password::None
}

/// `password_command` from `credentials_script`, run with the arguments Harvest gives it.
fn command(script: &Script, path: &str, addr: &str, username: &str, base_dir: &Path) -> Password {
    let mut notes = vec![
        format!("Harvest's credentials_script, run as Harvest runs it: {} ADDR USERNAME.", clean(path)),
        "ontop takes the password from what it prints: a plain line, or YAML with a `password:` line.".to_owned(),
    ];
    // A bare name is looked up in PATH; a relative path started where Harvest runs,
    // which is taken to be the folder of harvest.yml.
    let program = if path.contains('/') && !path.starts_with('/') {
        notes.push("Its relative path is taken from the folder of harvest.yml.".to_owned());
        super::mapping::from_dir(base_dir, path)
    } else {
        path.to_owned()
    };
    if let Some(schedule) = &script.schedule {
        notes.push(format!(
            "schedule {:?} is not carried over: ontop runs the command at start and again after a refused password.",
            clean(schedule)
        ));
    }
    if let Some(timeout) = &script.timeout {
        notes.push(format!(
            "timeout {:?} is not carried over: ontop gives the command {} s.",
            clean(timeout),
            COMMAND_TIMEOUT.as_secs()
        ));
    }
    notes.extend(script.other.iter().map(|key| {
        format!(
            "{}: not read (not a credentials_script key ontop knows)",
            clean(key)
        )
    }));
    let argv = vec![program, addr.to_owned(), username.to_owned()];
    Password::Command { argv, notes }
}

/// `VAR` when a password is only Harvest's reference to an environment variable:
/// `${VAR}` or `$__env{VAR}`, which Harvest fills in when it reads the file.
fn env_reference(password: &SecretString) -> Option<String> {
    let text = password.expose_secret().trim();
    let inner = text
        .strip_prefix("${")
        .or_else(|| text.strip_prefix("$__env{"))?
        .strip_suffix('}')?;
    let valid = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| inner.to_owned())
}
