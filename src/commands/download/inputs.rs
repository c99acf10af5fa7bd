//! What the operator asked for, checked before anything is sent: which clusters (by
//! name, with suggestions for a typo), whether any of them may start a download at all,
//! the package URL, and the package server's password (from the environment or a no-echo
//! prompt, never from the command line).

use secrecy::SecretString;

use crate::cli::DownloadArgs;
use crate::commands::CliError;
use crate::config::Config;
use crate::download::DownloadSpec;
use crate::fleet::Session;

/// Refuses before any request when no chosen cluster may start a download.
pub(super) fn refuse_read_only(
    config: &Config,
    chosen: &[usize],
    session: Session,
) -> Result<(), CliError> {
    if session == Session::ReadOnly {
        return Err(CliError::Usage(
            "read-only session (--read-only): downloads are disabled; nothing was sent".into(),
        ));
    }
    let read_only: Vec<&str> = chosen
        .iter()
        .map(|&i| &config.clusters[i])
        .filter(|c| c.read_only)
        .map(|c| c.name.as_str())
        .collect();
    if !chosen.is_empty() && read_only.len() == chosen.len() {
        return Err(CliError::Usage(format!(
            "read-only: downloads are disabled for {} (read_only = true in {}); nothing was sent",
            read_only.join(", "),
            config.path.display()
        )));
    }
    Ok(())
}

/// The validated URL and server credentials. `--url` wins; without it the `[download]`
/// table's URL is used, with its username unless `--username` is given.
pub(crate) fn spec_for(
    config: &Config,
    args: &DownloadArgs,
    interactive: bool,
    read_env: impl Fn(&str) -> Option<String>,
) -> Result<DownloadSpec, CliError> {
    let (url, username, from) = match (&args.url, &config.download.url) {
        (Some(url), _) => (url.clone(), args.username.clone(), "--url".to_string()),
        (None, Some(url)) => (
            url.to_string(),
            args.username.clone().or(config.download.username.clone()),
            format!("[download] url in {}", config.path.display()),
        ),
        (None, None) => {
            return Err(CliError::Usage(format!(
                "no package URL: give --url URL, or set url in the [download] table of {}",
                config.path.display()
            )));
        }
    };
    // The URL first: a typo must not cost a password prompt.
    DownloadSpec::new(&url, None, None).map_err(|e| CliError::Usage(format!("{from}: {e}")))?;
    let username = username.filter(|u| !u.trim().is_empty());
    let password = server_password(
        username.as_deref(),
        args.password_env.as_deref(),
        interactive,
        read_env,
    )?;
    DownloadSpec::new(&url, username, password).map_err(|e| CliError::Usage(format!("{from}: {e}")))
}

/// The package server's password: from `--password-env`, else asked without echo when
/// there is a user and a terminal. Never from the command line, never echoed.
fn server_password(
    username: Option<&str>,
    env_var: Option<&str>,
    interactive: bool,
    read_env: impl Fn(&str) -> Option<String>,
) -> Result<Option<SecretString>, CliError> {
    match (env_var, username) {
        (Some(var), None) => Err(CliError::Usage(format!(
            "--password-env {var} needs --username: the package server's user"
        ))),
        (Some(var), Some(_)) => match read_env(var) {
            Some(value) if !value.is_empty() => Ok(Some(SecretString::from(value))),
            _ => Err(CliError::Usage(format!(
                "--password-env {var}: the environment variable {var} is not set or is empty"
            ))),
        },
        (None, Some(user)) if interactive => {
            let question = format!("Password for {user} on the package server: ");
            let answer = rpassword::prompt_password(question)
                .map_err(|e| CliError::Usage(format!("cannot read the password: {e}")))?;
            if answer.is_empty() {
                return Err(CliError::Usage(
                    "no password entered; nothing was sent".into(),
                ));
            }
            Ok(Some(SecretString::from(answer)))
        }
        (None, Some(user)) => Err(CliError::Usage(format!(
            "the package server user {user} needs a password and there is no terminal to ask \
             on: put it in an environment variable and give --password-env VAR"
        ))),
        (None, None) => Ok(None),
    }
}
