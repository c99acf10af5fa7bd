//! Reading the raw settings: the TOML file, then the `ONTOP__` environment overrides,
//! merged by the `config` crate into one tree that [`super::validate`] checks.
//!
//! Environment variables are sorted here, before the `config` crate sees them: only
//! `ONTOP__DEFAULTS__KEY`, `ONTOP__DEFAULTS__LABELS__NAME` and `ONTOP__DOWNLOAD__KEY` pass.
//! Anything else with the prefix would otherwise land in the tree in surprising ways
//! (`ONTOP__CLUSTER__0__URL` would turn the cluster list into a table), so it becomes a
//! [`Problem`] naming the variable instead.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use config::{Environment, File, FileFormat, Map, Value, ValueKind};

use super::error::{ConfigError, Problem};
use super::paths::loose_mode;
use crate::text::suggest::best_match;

/// The largest config file read: thousands of clusters fit in far less.
const MAX_CONFIG: u64 = 16 * 1024 * 1024;

/// The prefix and separator of environment overrides.
const ENV_PREFIX: &str = "ONTOP__";
/// The sections an environment variable may override.
const ENV_SECTIONS: &[&str] = &["defaults", "download"];

/// The merged settings tree before validation.
pub(super) struct RawConfig {
    /// Top-level table: `defaults`, `download`, `cluster`, and whatever else was written.
    pub tree: Map<String, Value>,
    /// Dotted key (`defaults.poll_interval`) to the variable that set it.
    pub env: BTreeMap<String, String>,
    /// Environment variables that could not be used.
    pub problems: Vec<Problem>,
    /// The file's permission bits when group or others may read it.
    pub loose_mode: Option<u32>,
}

/// Reads `path` (absolute) and the process environment into one tree.
pub(super) fn read(
    path: &Path,
    environment: &super::Environment,
) -> Result<RawConfig, ConfigError> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound {
                searched: vec![path.to_owned()],
            });
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    let refusal = if meta.is_dir() {
        Some("it is a directory, not a TOML file".to_string())
    } else if !meta.is_file() {
        Some("it is not a regular file (a device or a pipe)".to_string())
    } else if meta.len() > MAX_CONFIG {
        Some(format!(
            "it is larger than {MAX_CONFIG} bytes, more than any config"
        ))
    } else {
        None
    };
    if let Some(why) = refusal {
        return Err(ConfigError::Read {
            path: path.to_owned(),
            source: std::io::Error::other(why),
        });
    }

    let (vars, env, problems) = sort_env(environment.vars_os().into_iter());
    let built = config::Config::builder()
        .add_source(File::from(path).format(FileFormat::Toml).required(true))
        .add_source(
            Environment::with_prefix("ONTOP")
                .prefix_separator("__")
                .separator("__")
                .source(Some(vars)),
        )
        .build()
        .map_err(|e| parse_error(path, e))?;
    let tree = match built.cache.kind {
        ValueKind::Table(table) => table,
        _ => Map::new(),
    };
    Ok(RawConfig {
        tree,
        env,
        problems,
        loose_mode: loose_mode(&meta),
    })
}

fn parse_error(path: &Path, error: config::ConfigError) -> ConfigError {
    let message = match error {
        config::ConfigError::FileParse { cause, .. } => cause.to_string(),
        other => other.to_string(),
    };
    let mut message = redact_secret_lines(&message);
    // The parser's words for a number past TOML's integers say nothing of the fix.
    if message.contains("as i128") {
        message.push_str(
            "\n(this number is too large: a TOML whole number is at most 9223372036854775807; \
             every ontop setting wants far less, and its error then says how much)",
        );
    }
    ConfigError::Parse {
        path: path.to_owned(),
        message,
    }
}

/// The parser's message with every quoted line of the file that may hold a secret (a
/// password key, a URL with credentials or a query) replaced by a note: the line and
/// column, and the carets under it, are enough to find the mistake.
fn redact_secret_lines(message: &str) -> String {
    message
        .lines()
        .map(|line| match line.split_once(" | ") {
            Some((number, text))
                if number.trim().parse::<u64>().is_ok() && may_hold_a_secret(text) =>
            {
                format!("{number} | <this line is not shown: it may hold a secret>")
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn may_hold_a_secret(line: &str) -> bool {
    let lower = line.to_lowercase();
    let url_secret = lower.find("://").is_some_and(|at| {
        let rest = &lower[at + 3..];
        let authority = rest.split(['/', '"', '\'', ' ']).next().unwrap_or("");
        authority.contains('@') || rest.contains('?')
    });
    ["password", "secret", "token", "passwd"]
        .iter()
        .any(|word| lower.contains(word))
        || url_secret
}

type SortedEnv = (
    HashMap<String, String>,
    BTreeMap<String, String>,
    Vec<Problem>,
);

/// Splits `ONTOP__` variables into usable overrides (for the `config` crate), their
/// dotted keys (for messages), and problems. Other variables are left alone.
fn sort_env(vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>) -> SortedEnv {
    let mut usable = HashMap::new();
    let mut keys = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, value) in vars {
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = strip_prefix_ignore_case(name, ENV_PREFIX) else {
            continue;
        };
        let place = format!("environment variable {name}");
        let Some(value) = value.to_str() else {
            problems.push(Problem {
                place,
                key: name.to_owned(),
                message: "the value is not valid UTF-8".to_owned(),
                fix: format!("set it to plain text, or unset {name}"),
            });
            continue;
        };
        let segments: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
        match env_key(&segments) {
            Ok(key) => {
                usable.insert(name.to_owned(), value.to_owned());
                keys.insert(key, name.to_owned());
            }
            Err((message, fix)) => problems.push(Problem {
                place,
                key: name.to_owned(),
                message,
                fix,
            }),
        }
    }
    problems.sort_by(|a, b| a.key.cmp(&b.key));
    (usable, keys, problems)
}

/// The dotted key an override sets, or why it cannot be used.
fn env_key(segments: &[String]) -> Result<String, (String, String)> {
    let section = segments[0].as_str();
    let shape = "use ONTOP__DEFAULTS__KEY or ONTOP__DOWNLOAD__KEY (e.g. ONTOP__DEFAULTS__POLL_INTERVAL=10s)";
    if section == "cluster" {
        return Err((
            "cluster settings cannot be overridden from the environment".to_owned(),
            "edit the [[cluster]] in the config file, or unset the variable; overrides apply \
             only to [defaults] and [download]"
                .to_owned(),
        ));
    }
    if !ENV_SECTIONS.contains(&section) {
        let hint = best_match(section, ENV_SECTIONS)
            .map(|s| format!("did you mean {}? ", s.to_uppercase()))
            .unwrap_or_default();
        return Err((
            format!("unknown section {section:?}"),
            format!("{hint}{shape}"),
        ));
    }
    match segments {
        [_, key] if !key.is_empty() => Ok(format!("{section}.{key}")),
        [_, labels, label] if section == "defaults" && labels == "labels" && !label.is_empty() => {
            Ok(format!("defaults.labels.{label}"))
        }
        _ => Err(("not a setting name".to_owned(), shape.to_owned())),
    }
}

fn strip_prefix_ignore_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &name[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(vars: &[(&str, &str)]) -> SortedEnv {
        sort_env(vars.iter().map(|(k, v)| ((*k).into(), (*v).into())))
    }

    #[test]
    fn only_global_sections_pass() {
        let (usable, keys, problems) = sorted(&[
            ("ONTOP__DEFAULTS__POLL_INTERVAL", "10s"),
            ("ONTOP__DOWNLOAD__URL", "https://x/y.tgz"),
            ("ONTOP__DEFAULTS__LABELS__TEAM", "storage"),
            ("ONTOP__CLUSTER__0__URL", "https://evil"),
            ("ONTOP__DEFAULT__TIMEOUT", "1s"),
            ("ONTOP_CONFIG", "/x.toml"),
            ("PATH", "/bin"),
        ]);
        assert_eq!(usable.len(), 3);
        assert_eq!(
            keys["defaults.poll_interval"],
            "ONTOP__DEFAULTS__POLL_INTERVAL"
        );
        assert_eq!(
            keys["defaults.labels.team"],
            "ONTOP__DEFAULTS__LABELS__TEAM"
        );
        assert_eq!(problems.len(), 2);
        assert!(problems[0].to_string().contains("ONTOP__CLUSTER__0__URL"));
        assert!(problems[1].to_string().contains("did you mean DEFAULTS?"));
    }

    #[test]
    fn toml_errors_never_quote_a_line_that_may_hold_a_secret() {
        let message = "TOML parse error at line 3, column 12\n  |\n3 | password = hunter2\n  |            ^^^^^^^\nstring values must be quoted";
        let redacted = redact_secret_lines(message);
        assert!(!redacted.contains("hunter2"), "{redacted}");
        assert!(redacted.contains("line 3, column 12") && redacted.contains("^^^"));
        let url = "5 | url = \"https://u:pw@repo/x?token=t\nmore";
        assert!(!redact_secret_lines(url).contains("pw@"));
        let plain = "2 | name = \"prod-1";
        assert_eq!(redact_secret_lines(plain), plain);
    }

    #[test]
    fn a_bare_section_is_not_a_setting() {
        let (usable, _, problems) = sorted(&[("ONTOP__DEFAULTS", "x"), ("ONTOP__DOWNLOAD__", "x")]);
        assert!(usable.is_empty());
        assert_eq!(problems.len(), 2);
    }
}
