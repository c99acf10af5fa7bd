//! What can go wrong with the config, said so that the reader can fix it.
//!
//! Every message names where (file and key, or environment variable), what is wrong, and
//! what to do. None of them ever contains a password or a command's output.

use std::fmt;
use std::path::PathBuf;

/// Why the config could not be used. `main.rs` prints the `Display` text as it is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No file at the resolved path: the message says where it looked and how to start.
    #[error("{}", not_found(searched))]
    NotFound {
        /// The paths that were tried, in order (empty when no path could be worked out).
        searched: Vec<PathBuf>,
    },
    /// The file exists but cannot be read (permissions, a directory, ...).
    #[error("{}: cannot read the config file: {source} — check the path and its permissions", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not valid TOML; `message` shows the line and column.
    #[error("{}: not valid TOML — fix the syntax where shown:\n{message}", path.display())]
    Parse {
        /// The config file.
        path: PathBuf,
        /// The parser's message, with the offending line.
        message: String,
    },
    /// The file parsed but says something wrong: every problem found, one per line.
    #[error("{}", problem_lines(problems))]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// All problems, in a stable order.
        problems: Vec<Problem>,
    },
    /// A cluster's password could not be obtained from its source.
    #[error("cluster {cluster:?}: {source_desc}: {message} — {fix}")]
    Credential {
        /// The cluster that needed the password.
        cluster: String,
        /// The source, as [`crate::config::CredentialSource::describe`] says it.
        source_desc: String,
        /// What went wrong (never the secret, never the command's stdout).
        message: String,
        /// What to do about it.
        fix: String,
    },
}

/// One thing wrong in the config, located precisely enough to fix without searching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file and table (`/etc/ontop/config.toml: [[cluster]] #3 "prod-1"`), or the
    /// environment variable that set the value.
    pub place: String,
    /// The key at fault (`poll_interval`), or the table when the whole table is at fault.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} — {}",
            self.place, self.key, self.message, self.fix
        )
    }
}

fn problem_lines(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\n")
}

fn not_found(searched: &[PathBuf]) -> String {
    let Some(target) = searched.last() else {
        return "no config file: no --config given, ONTOP_CONFIG is unset, and there is no \
                home directory to look in — pass --config PATH, or try the simulated fleet \
                with: ontop demo"
            .to_owned();
    };
    let mut text = String::from("no config file found; looked at:\n");
    for path in searched {
        text.push_str(&format!("  {}\n", path.display()));
    }
    text.push_str(&format!(
        "To look around first, run the dashboard on a simulated fleet: ontop demo\n\
         To set up your clusters: ontop config init (writes a commented starter to {}), then\n\
         edit it; or point ontop at another file with --config PATH or ONTOP_CONFIG.\n\
         Coming from Harvest: ontop config import harvest.yml --output {}",
        target.display(),
        target.display()
    ));
    text
}

/// The problems, with those that many clusters share (one typo in [defaults] leaves
/// every cluster without its username) said once, for the first of them and a count:
/// five hundred copies of one line would bury the line that says why.
pub(super) fn alike_once(problems: Vec<Problem>) -> Vec<Problem> {
    use std::collections::HashMap;
    /// More than this many clusters with one problem are said in one line.
    const SAID_APART: usize = 3;
    // In the order they were found: each problem alone, or the clusters' alike ones.
    let mut buckets: Vec<Vec<Problem>> = Vec::new();
    // A cluster's problem by what it says: the bucket of those alike (a map, not a
    // scan: a config of ten thousand clusters can hold as many problems).
    let mut alike: HashMap<(String, String, String), usize> = HashMap::new();
    for problem in problems {
        if !problem.place.contains("[[cluster]]") {
            buckets.push(vec![problem]);
            continue;
        }
        let said = (
            problem.key.clone(),
            problem.message.clone(),
            problem.fix.clone(),
        );
        match alike.get(&said) {
            Some(&i) => buckets[i].push(problem),
            None => {
                alike.insert(said, buckets.len());
                buckets.push(vec![problem]);
            }
        }
    }
    let mut said = Vec::new();
    for mut bucket in buckets {
        if bucket.len() > SAID_APART {
            let more = bucket.len() - 1;
            let first = bucket.swap_remove(0);
            let place = format!("{} and {more} more clusters", first.place);
            said.push(Problem { place, ..first });
        } else {
            said.extend(bucket);
        }
    }
    said
}
