//! `ontop download`: start a package download on chosen clusters from a shell or a script,
//! and with `--wait` follow each one to its end.
//!
//! The engine plans, starts, follows and records, exactly as for the dashboard; this
//! module is the command's manners: clusters chosen by name or label, the package
//! server's password from the environment or a no-echo prompt (never from the command
//! line), one look at every chosen cluster so that those which cannot take a download
//! are skipped with their reason, a confirmation naming every target, and an exit code a
//! script can trust:
//! - 0: every download was accepted (with `--wait`: ended in success or already present);
//! - 1: a start was refused, a followed download failed or was given up on, a chosen
//!   cluster did not answer, a record could not be written, or the operator declined the
//!   confirmation;
//! - 2: nothing was sent: a usage or config error, no terminal to confirm on without
//!   `--yes`, every chosen cluster read-only (`--read-only` included), or the audit log
//!   could not be written before the first request.
//!
//! A chosen cluster already downloading is not sent a second request: the engine follows
//! the running download (by its own job when the cluster lists it), as it does on
//! 10551357.

mod inputs;
mod lines;
mod wait;

pub use inputs::{choose, spec_for};

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::watch::Watch;
use super::{CliError, Context, Exit};
use crate::cli::DownloadArgs;
use crate::config::Credentials;
use crate::download::{DownloadSpec, Ending, OperationKind, Plan, SkipReason, image_version};
use crate::engine::{Engine, EngineOptions};
use crate::text::table::Column;

/// The columns of the per-cluster lines: name, what happened, the details.
pub(crate) const LINE_COLUMNS: [Column; 3] = [
    Column {
        heading: "",
        cap: 40,
    },
    Column {
        heading: "",
        cap: 15,
    },
    Column {
        heading: "",
        cap: 120,
    },
];

/// The longest `--timeout`: a download that has not ended in a month will not.
const MAX_FOLLOW_LIMIT: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long the end waits for requests still on the wire and for the recorder.
const FINISH_GRACE: Duration = Duration::from_secs(30);

/// Runs `ontop download`.
pub async fn run(ctx: &Context, args: &DownloadArgs) -> Result<Exit, CliError> {
    let config = ctx.config()?;
    let chosen = args.select.select(config, false)?;
    super::selection::announce(config, &chosen, &args.select);
    let limit = follow_limit(args.timeout.as_deref())?;
    inputs::refuse_read_only(config, &chosen, ctx.read_only)?;
    if !args.yes && !ctx.interactive {
        return Err(CliError::Usage(
            "no terminal to confirm on: use --yes to confirm without a terminal".into(),
        ));
    }
    let max_running = args
        .max_running
        .map(|n| n as usize)
        .or(config.download.max_running);
    refuse_queue_without_wait(max_running, chosen.len(), args.wait)?;
    let password = |var: &str| std::env::var(var).ok();
    let spec = spec_for(config, args, ctx.interactive, password)?;

    let subset = config.subset(&chosen);
    let credentials = Arc::new(Credentials::new(ctx.interactive));
    // Password commands and prompts block: keep them off the async workers.
    let (engine, updates, model) = tokio::task::block_in_place(|| {
        Engine::from_config(
            &subset,
            &credentials,
            ctx.data_dir.as_deref(),
            ctx.read_only,
            EngineOptions {
                max_running,
                ..EngineOptions::default()
            },
        )
    });
    let mut watch = Watch::new(model, updates);
    // The release the package holds, when its name says: clusters that run or hold it
    // are skipped (unless --force), and a name that says nothing skips nobody.
    let version = image_version(spec.url().as_str()).filter(|_| !args.force);
    watch.first_look(version.is_some(), |_, _| {}).await;
    let everyone: Vec<usize> = (0..subset.clusters.len()).collect();
    let plan = watch.model.plan(
        &everyone,
        version.as_deref(),
        ctx.read_only,
        Timestamp::now(),
    );
    lines::print_plan(&plan);
    if plan.is_empty() {
        crate::outln!("nothing to start");
        return Ok(finish(&engine, &mut watch, &plan, true).await);
    }
    if let Some(n) = max_running.filter(|n| *n < plan.targets.len()) {
        crate::outln!(
            "queued {}: at most {n} run at once; the others start as they end",
            plan.targets.len() - n
        );
    }
    if !plan.targets.is_empty()
        && !args.yes
        && !tokio::task::block_in_place(|| confirm(&spec, &plan))
    {
        crate::errln!("ontop: cancelled: nothing was started");
        engine.shutdown();
        return Ok(Exit::Failed);
    }
    engine.start_downloads(&plan, spec);
    // Every request answered first (queued starts wait in ontop: with --wait only).
    wait::until_answered(&mut watch, &plan).await;
    let taken = lines::print_starts(&watch.model, &plan);
    let ended_well = match (args.wait, taken) {
        (true, Some(_)) => wait::follow_all(&engine, &mut watch, &plan, limit).await,
        (_, taken) => taken,
    };
    if ended_well.is_none() {
        return Err(CliError::Usage(format!(
            "nothing was sent: every attempt must be in the audit log before its request, \
             and it could not be written ({})",
            first_not_sent(&watch, &plan).unwrap_or_default()
        )));
    }
    Ok(finish(&engine, &mut watch, &plan, ended_well == Some(true)).await)
}

/// The exit code, once the rest `ended_well` (or not): everything recorded first (a
/// record that could not be written counts), and a chosen cluster that did not answer
/// is not a success either, named again last.
async fn finish(engine: &Engine, watch: &mut Watch, plan: &Plan, ended_well: bool) -> Exit {
    engine.finish(FINISH_GRACE).await;
    watch.drain();
    let mut unreachable = 0;
    for (cluster, name, reason) in &plan.skipped {
        if let SkipReason::Failing(_) = reason {
            unreachable += 1;
            let hint = watch.model.clusters[*cluster]
                .last_error
                .as_ref()
                .map_or("start it again once the cluster answers", |e| e.hint());
            crate::errln!("ontop: {name}: not started: {reason}; what to do: {hint}");
        }
    }
    Exit::from_ok(ended_well && unreachable == 0 && watch.not_recorded.is_empty())
}

/// With a limit below the chosen clusters, the others must wait in ontop, which only
/// `--wait` does: refused before anything is asked of any cluster.
fn refuse_queue_without_wait(
    max_running: Option<usize>,
    chosen: usize,
    wait: bool,
) -> Result<(), CliError> {
    match max_running {
        Some(n) if n < chosen && !wait => Err(CliError::Usage(format!(
            "{chosen} clusters chosen with at most {n} running at once: add --wait, so that \
             ontop starts the others as the first ones end (nothing was sent)"
        ))),
        _ => Ok(()),
    }
}

/// Why the first start that was not sent was not.
fn first_not_sent(watch: &Watch, plan: &Plan) -> Option<String> {
    plan.targets.iter().find_map(|(cluster, _)| {
        match watch.model.clusters[*cluster]
            .operation(OperationKind::Download)?
            .ending()?
        {
            Ending::NotSent { reason } => Some(reason.clone()),
            _ => None,
        }
    })
}

/// The confirmation question, naming every target.
pub fn question(masked_url: &str, targets: &[&str]) -> String {
    let clusters = crate::text::count_clusters(targets.len());
    format!(
        "Start downloading {masked_url} on {clusters}: {}? [y/N] ",
        targets.join(", ")
    )
}

/// Asks on the terminal; anything but y/yes is a no.
fn confirm(spec: &DownloadSpec, plan: &Plan) -> bool {
    let names: Vec<&str> = plan.targets.iter().map(|(_, n)| n.as_str()).collect();
    super::ask_yes(&question(&spec.masked_url(), &names))
}

/// `--timeout`: a positive duration such as "90m" or "1h 30m", at most 30 days.
fn follow_limit(text: Option<&str>) -> Result<Option<Duration>, CliError> {
    let Some(text) = text else {
        return Ok(None);
    };
    text.parse::<jiff::SignedDuration>()
        .ok()
        .filter(|d| d.is_positive())
        .and_then(|d| Duration::try_from(d).ok())
        .filter(|d| *d <= MAX_FOLLOW_LIMIT)
        .map(Some)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--timeout {text:?} is not a duration of at most 30 days; write it like \
                 \"90m\", \"2h\" or \"1h 30m\""
            ))
        })
}

#[cfg(test)]
mod tests;
