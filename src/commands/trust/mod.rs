//! `ontop trust (NAME | --all) [--write] [--yes]`: show a cluster's certificate and pin
//! its fingerprint.
//!
//! Real clusters present the self-signed certificate ONTAP made at setup. Rather than
//! `insecure = true`, an operator looks at what the cluster presents ([`inspect`]),
//! checks the fingerprint with the storage team, and pins it in the config ([`write`]);
//! from then on any other certificate is refused as "changed".
//!
//! Exit codes, like `ontop status`: 0 done, 1 a cluster could not be reached (the others
//! are still shown, and written), 2 usage or config error, or `--write` refused.

pub(crate) mod inspect;
pub(crate) mod write;

use std::io::{BufRead, IsTerminal, Write as _};
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{CliError, Context, Exit};
pub use crate::cli::TrustArgs;
use crate::config::{ClusterConfig, Config};
pub(crate) use inspect::{Inspection, inspect};
pub(crate) use write::{Pin, write_pins};

/// Every cluster's certificate was read (and pinned, when asked).
pub const EXIT_OK: Exit = Exit::Ok;
/// At least one cluster could not be reached.
pub const EXIT_UNREACHABLE: Exit = Exit::Failed;
/// Usage or config error, or `--write` without a confirmation.
pub const EXIT_USAGE: Exit = Exit::Usage;

/// Clusters looked at at once with `--all`.
const MAX_IN_FLIGHT: usize = 32;

/// Where `ontop trust` talks to the operator: the terminal, or a test's script.
pub trait Console: Send {
    /// A line of the report (stdout).
    fn out(&mut self, text: &str);
    /// A warning or an error (stderr).
    fn err(&mut self, text: &str);
    /// Asks a yes/no question; `None` when there is no one to ask (no terminal).
    fn confirm(&mut self, question: &str) -> Option<bool>;
}

/// The real terminal: stdout, stderr, and a y/N question on stdin when it is a terminal.
pub(crate) struct Terminal;

impl Console for Terminal {
    fn out(&mut self, text: &str) {
        crate::out!("{text}");
    }

    fn err(&mut self, text: &str) {
        crate::err!("{text}");
    }

    fn confirm(&mut self, question: &str) -> Option<bool> {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        crate::out!("{question} [y/N] ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let mut read = || std::io::stdin().lock().read_line(&mut answer);
        let ok = match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(read)
            }
            _ => read(),
        };
        Some(ok.is_ok() && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
    }
}

/// `ontop trust` on the real terminal; the exit code as described in the module docs.
pub async fn run(ctx: &Context, args: &TrustArgs) -> Result<Exit, CliError> {
    Ok(run_with(args, ctx.config()?, &mut Terminal).await)
}

/// `ontop trust` over `config`, talking through `console`: what [`run`] does, testable.
pub async fn run_with(args: &TrustArgs, config: &Config, console: &mut dyn Console) -> Exit {
    if args.all == args.name.is_some() {
        console.err("ontop trust: name one cluster, or use --all\n");
        return EXIT_USAGE;
    }
    let chosen = match choose(config, args) {
        Ok(chosen) => chosen,
        Err(message) => {
            console.err(&format!("ontop trust: {message}\n"));
            return EXIT_USAGE;
        }
    };
    if chosen.is_empty() {
        console.out(
            "every HTTPS cluster already has its trust set (fingerprint, ca_file or insecure); nothing to do\n",
        );
        return EXIT_OK;
    }

    let (pins, reached) = inspect_and_show(&chosen, console).await;
    if !args.write {
        if !pins.is_empty() {
            let which = args
                .name
                .as_deref()
                .map_or("--all".to_string(), str::to_string);
            console.out(&format!(
                "Check each fingerprint against the cluster (security certificate show, with the \
                 storage team), then pin with: ontop trust {which} --write\n"
            ));
        }
        return reached;
    }
    if pins.is_empty() {
        console.out("nothing to write: every fingerprint shown is already pinned\n");
        return reached;
    }
    if !args.yes
        && let Err(exit) = confirm_pins(config, &pins, reached, console)
    {
        return exit;
    }
    match write_pins(&config.path, &pins) {
        Ok(written) => {
            for change in &written.changes {
                console.out(&format!("wrote {change}\n"));
            }
            console.out(&format!("config updated: {}\n", written.path.display()));
            reached
        }
        Err(message) => {
            console.err(&format!("ontop trust: {message}\n"));
            EXIT_USAGE
        }
    }
}

/// Reads every chosen cluster's certificate and shows it: the pins that would change,
/// and the exit so far (some cluster not reached, or all fine).
async fn inspect_and_show(chosen: &[ClusterConfig], console: &mut dyn Console) -> (Vec<Pin>, Exit) {
    let results = inspect_all(chosen).await;
    let now = Timestamp::now();
    let mut unreachable = 0;
    let mut pins = Vec::new();
    for (cluster, result) in chosen.iter().zip(results) {
        match result {
            Ok(inspection) => {
                console.out(&inspection.render(&cluster.url, now));
                console.out("\n");
                if cluster.fingerprint != Some(inspection.fingerprint()) {
                    pins.push(Pin {
                        cluster: cluster.name.clone(),
                        fingerprint: inspection.fingerprint(),
                    });
                }
            }
            Err(message) => {
                unreachable += 1;
                console.err(&format!("ontop trust: {}: {message}\n\n", cluster.name));
            }
        }
    }
    let reached = if unreachable > 0 {
        EXIT_UNREACHABLE
    } else {
        EXIT_OK
    };
    (pins, reached)
}

/// Asks whether the fingerprints shown were checked; the exit when nothing is to be
/// written.
fn confirm_pins(
    config: &Config,
    pins: &[Pin],
    reached: Exit,
    console: &mut dyn Console,
) -> Result<(), Exit> {
    let mut question = format!("Pin in {}:\n", config.path.display());
    for pin in pins {
        question.push_str(&format!("  {}  {}\n", pin.cluster, pin.fingerprint));
    }
    question.push_str("Have these fingerprints been checked with the cluster?");
    match console.confirm(&question) {
        Some(true) => Ok(()),
        Some(false) => {
            console.out("nothing written\n");
            Err(reached)
        }
        None => {
            console.err(
                "ontop trust: not writing without a confirmation, and there is no terminal \
                 to ask on; check the fingerprints above, then re-run with --write --yes\n",
            );
            Err(EXIT_USAGE)
        }
    }
}

/// The clusters the arguments name: one by name (HTTPS only), or with `--all` every
/// HTTPS cluster with no trust set.
fn choose(config: &Config, args: &TrustArgs) -> Result<Vec<ClusterConfig>, String> {
    let https = |c: &ClusterConfig| c.url.scheme() == "https";
    let Some(name) = &args.name else {
        return Ok(config
            .clusters
            .iter()
            .filter(|c| https(c) && c.fingerprint.is_none() && c.ca_file.is_none() && !c.insecure)
            .cloned()
            .collect());
    };
    let Some(cluster) = config.cluster(name) else {
        let names: Vec<&str> = config.clusters.iter().map(|c| c.name.as_str()).collect();
        let near = crate::text::suggest::did_you_mean(name, &names);
        return Err(format!(
            "no cluster named {name:?} in {}{near}",
            config.path.display()
        ));
    };
    if !https(cluster) {
        return Err(format!(
            "{name} is reached over plain http ({}): there is no certificate to trust",
            cluster.url
        ));
    }
    Ok(vec![cluster.clone()])
}

/// Inspects every cluster at once (a few dozen at a time), results in the given order.
async fn inspect_all(clusters: &[ClusterConfig]) -> Vec<Result<Inspection, String>> {
    let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut tasks = JoinSet::new();
    for (index, cluster) in clusters.iter().enumerate() {
        let cluster = cluster.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, inspect(&cluster).await)
        });
    }
    let mut results: Vec<Result<Inspection, String>> =
        vec![Err("internal error while connecting (see the log)".to_string()); clusters.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = result;
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::TrustArgs;

    /// The shape `src/cli.rs` wires it in: `Trust(TrustArgs)` in the command enum.
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Debug, clap::Subcommand)]
    enum Command {
        Trust(TrustArgs),
    }

    fn parse(args: &[&str]) -> Result<TrustArgs, clap::Error> {
        let argv = ["ontop", "trust"].iter().chain(args);
        Cli::try_parse_from(argv).map(|cli| match cli.command {
            Command::Trust(args) => args,
        })
    }

    #[test]
    fn one_name_or_all_is_required_and_write_and_yes_are_flags() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let one = parse(&["prod-1", "--write", "--yes"]).unwrap();
        assert_eq!(one.name.as_deref(), Some("prod-1"));
        assert!(!one.all && one.write && one.yes);
        let all = parse(&["--all"]).unwrap();
        assert!(all.all && all.name.is_none() && !all.write);
        assert!(parse(&[]).is_err(), "a cluster or --all is required");
        assert!(parse(&["prod-1", "--all"]).is_err(), "not both");
    }
}
