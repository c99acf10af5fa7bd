//! The password sources that need no process: an environment variable, a file, and the
//! first line of what a person typed.

use std::ffi::OsString;
use std::path::Path;

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;

use super::{Failure, MAX_SECRET_FILE};
use crate::config::Environment;
use crate::config::paths::loose_mode;

pub(super) fn from_env(environment: &Environment, var: &str) -> Result<SecretString, Failure> {
    let fix = format!("export {var}=... before starting ontop, or choose another password source");
    match environment.var_os(var).map(OsString::into_string) {
        Some(Ok(value)) if !value.is_empty() => Ok(SecretString::from(value)),
        Some(Ok(_)) => Err(Failure::new(
            format!("environment variable {var} is empty"),
            fix,
        )),
        None => Err(Failure::new(
            format!("environment variable {var} is not set"),
            fix,
        )),
        Some(Err(_)) => Err(Failure::new(
            format!("environment variable {var} is not valid UTF-8"),
            fix,
        )),
    }
}

pub(super) fn from_file(path: &Path) -> Result<SecretString, Failure> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        Failure::new(
            format!("cannot read {shown}: {e}"),
            "create the file (mode 600) or fix the path",
        )
    })?;
    if let Some(mode) = loose_mode(&meta) {
        let message = format!("{shown} is readable by group or others (mode {mode:o})");
        return Err(Failure::new(message, format!("run: chmod 600 {shown}")));
    }
    let bytes = crate::files::read_regular(path, MAX_SECRET_FILE).map_err(|e| {
        Failure::new(
            format!("cannot read {shown}: {e}"),
            "point password_file at a plain file holding the password on its first line",
        )
    })?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        e.into_bytes().zeroize();
        Failure::new(
            format!("{shown} is not text (UTF-8)"),
            "put the password on its first line as text",
        )
    })?;
    let secret = first_line(&text);
    text.zeroize();
    secret.ok_or_else(|| {
        Failure::new(
            format!("{shown} is empty"),
            "put the password on its first line",
        )
    })
}

/// The first line without its line ending, as a secret; `None` when it is empty.
pub(super) fn first_line(text: &str) -> Option<SecretString> {
    let line = text.lines().next().unwrap_or("");
    (!line.is_empty()).then(|| SecretString::from(line.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn only_the_first_line_counts() {
        let secret = first_line("s3cret\r\nsecond\n").map(|s| s.expose_secret().to_owned());
        assert_eq!(secret.as_deref(), Some("s3cret"));
        assert!(first_line("\nlater").is_none());
    }
}
