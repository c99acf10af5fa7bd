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
pub(crate) mod lines;
mod live;
mod wait;

pub(crate) use inputs::spec_for;

use std::time::Duration;

use jiff::Timestamp;

use super::prologue::{self, Consent, FINISH_GRACE, INTERRUPT_GRACE};
use super::watch::{Following, Look, Waited, Watch};
use super::{CliError, Context, Exit};
use crate::cli::DownloadArgs;
use crate::download::{DownloadSpec, Ending, OperationKind, Plan, SkipReason, image_version};
use crate::download::{Planned, Skipped};
use crate::engine::upload::UploadSource;
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

/// Runs `ontop download`.
pub(crate) async fn run(ctx: &Context, args: &DownloadArgs) -> Result<Exit, CliError> {
    let (config, chosen) = prologue::chosen(ctx, &args.select)?;
    let limit = follow_limit(args.timeout.as_deref())?;
    inputs::refuse_read_only(config, &chosen, ctx.session())?;
    let consent =
        prologue::need_a_way_to_confirm(ctx, Consent::from_flags(args.yes, args.dry_run))?;
    let max_running = args
        .max_running
        .map(|n| n as usize)
        .or(config.download.max_running);
    refuse_queue_without_wait(max_running, chosen.len(), args.wait || consent.only_shows())?;
    let what = what_to_send(config, args, ctx.interactive).await?;
    let upload_rate = args
        .limit_rate
        .as_deref()
        .map(crate::text::rate::parse_rate)
        .transpose()
        .map_err(|e| CliError::Usage(format!("--limit-rate: {e}")))?;

    let subset = config.subset(&chosen);
    // The release the package holds, when its name says: clusters that run or hold it
    // are skipped (unless --force), and a name that says nothing skips nobody.
    let version = image_version(what.file_name()).filter(|_| !args.force);
    let options = EngineOptions {
        max_running,
        upload_rate,
        ..EngineOptions::for_packages()
    };
    let look = match version {
        Some(_) => Look::WithPackages,
        None => Look::Polled,
    };
    let (engine, watch) = match prologue::look_first(ctx, &subset, options, look).await {
        Ok(looked) => looked,
        Err(exit) => return Ok(exit),
    };
    let everyone: Vec<usize> = (0..subset.clusters.len()).collect();
    let now = Timestamp::now();
    let (version, session) = (version.as_deref(), ctx.session());
    let plan = match &what {
        What::Download(_) => watch.model.plan(&everyone, version, session, now),
        What::Upload(_) => watch.model.plan_upload(&everyone, version, session, now),
    };
    lines::print_plan(&plan);
    let run = Run {
        engine,
        watch,
        plan,
        max_running,
    };
    run.carry_out(args, consent, what, limit).await
}

/// What a start sends: a URL for each cluster to fetch, or an image from this host.
enum What {
    Download(DownloadSpec),
    Upload(UploadSource),
}

impl What {
    /// The package's file name (its release is read from it).
    fn file_name(&self) -> &str {
        match self {
            Self::Download(spec) => spec.file_name(),
            Self::Upload(source) => &source.file.name,
        }
    }
}

/// The URL and the server's credentials, or (`--file`) the image, read once for its
/// size and SHA-256 before anything is asked of any cluster.
async fn what_to_send(
    config: &crate::config::Config,
    args: &DownloadArgs,
    interactive: bool,
) -> Result<What, CliError> {
    let Some(path) = &args.file else {
        let password = |var: &str| std::env::var(var).ok();
        return Ok(What::Download(spec_for(
            config,
            args,
            interactive,
            password,
        )?));
    };
    let source = UploadSource::prepare(path, args.sha256.as_deref())
        .await
        .map_err(|e| CliError::Usage(format!("--file: {e}")))?;
    crate::errln!(
        "ontop: image {}: {}, SHA-256 {}",
        source.file.name,
        crate::text::rate::format_bytes(source.file.size as f64),
        source.file.sha256
    );
    Ok(What::Upload(source))
}

/// A download once every chosen cluster was looked at: the plan, and the engine that
/// carries it out.
struct Run {
    engine: Engine,
    watch: Watch,
    plan: Plan,
    max_running: Option<usize>,
}

impl Run {
    /// Asks (unless `--yes`), starts, and follows (with `--wait`); the exit code.
    async fn carry_out(
        mut self,
        args: &DownloadArgs,
        consent: Consent,
        what: What,
        limit: Option<Duration>,
    ) -> Result<Exit, CliError> {
        let plan = &self.plan;
        if consent.only_shows() {
            self.print_targets(&what);
        }
        if plan.is_empty() || consent.only_shows() {
            let what = if consent.only_shows() {
                "dry run: nothing was sent"
            } else {
                "nothing to start"
            };
            crate::outln!("{what}");
            return Ok(self.finish(Vec::new()).await);
        }
        if let Some(n) = self.max_running.filter(|n| *n < plan.targets.len()) {
            crate::outln!(
                "queued {}: at most {n} run at once; the others start as they end",
                plan.targets.len() - n
            );
        }
        if !plan.targets.is_empty() && consent.asks() {
            let targets: Vec<usize> = plan.targets.iter().map(|t| t.cluster).collect();
            let asked = match &what {
                What::Download(spec) => question(&self.engine.by_source(spec, &targets)),
                What::Upload(source) => upload_question(&source.file, &plan.target_names()),
            };
            if let Err(exit) =
                crate::commands::prologue::confirm(asked, "nothing was started").await
            {
                self.engine.shutdown();
                return Ok(exit);
            }
        }
        let size = match &what {
            What::Upload(source) => Some(source.file.size),
            What::Download(_) => None,
        };
        match what {
            What::Download(spec) => self.engine.start_downloads(plan, spec),
            What::Upload(source) => self.engine.start_uploads(plan, source),
        }
        // Every request answered first (queued starts wait in ontop: with --wait only);
        // an upload is answered once its image is sent: its bars show the way there.
        let answered = match size {
            Some(_) => {
                let (engine, watch) = (&self.engine, &mut self.watch);
                wait::follow(engine, watch, plan, limit, size, wait::Upto::Answered).await
            }
            None => wait::until_answered(&mut self.watch, plan).await,
        };
        if answered == Waited::Interrupted {
            return Ok(self.interrupted().await);
        }
        let Some(taken) = lines::print_starts(&self.watch.model, plan, args.wait) else {
            return Err(CliError::Usage(format!(
                "nothing was sent: every attempt must be in the audit log before its request, \
                 and it could not be written ({})",
                first_not_sent(&self.watch, plan).unwrap_or_default()
            )));
        };
        if args.wait {
            let followed = wait::follow_all(&self.engine, &mut self.watch, plan, limit, size).await;
            if followed == Waited::Interrupted {
                return Ok(self.interrupted().await);
            }
        }
        let mut reasons = Vec::new();
        if !taken || args.wait {
            reasons.extend(lines::not_well(
                &self.watch.model,
                plan,
                Following::from_wait(args.wait),
            ));
        }
        Ok(self.finish(reasons).await)
    }

    /// The exit code, once everything is recorded (a record that could not be written
    /// counts), with the chosen clusters that did not answer named again last; the
    /// closing line says why when it is not 0.
    async fn finish(mut self, mut reasons: Vec<String>) -> Exit {
        self.engine.finish(FINISH_GRACE).await;
        self.watch.drain();
        self.engine.shutdown();
        for Skipped {
            cluster,
            name,
            reason,
        } in &self.plan.skipped
        {
            if let SkipReason::LoginRefused = reason {
                let hint = reason.next_step().unwrap_or_default();
                crate::errln!("ontop: {name}: not started: {reason}; what to do: {hint}");
            }
            if let SkipReason::Failing(_) = reason {
                let hint = self.watch.model.clusters[*cluster]
                    .last_error
                    .as_ref()
                    .map_or("start it again once the cluster answers", |e| e.hint());
                // A cluster's message may end its sentence; the line goes on after it.
                let reason = reason.to_string();
                let reason = reason.trim_end_matches('.');
                crate::errln!("ontop: {name}: not started: {reason}; what to do: {hint}");
            }
        }
        reasons.extend(self.plan.unreached());
        if !self.watch.not_recorded.is_empty() {
            reasons.push(format!(
                "{} record(s) could not be written (see NOT RECORDED above)",
                self.watch.not_recorded.len()
            ));
        }
        Exit::unless(&reasons)
    }

    /// Ctrl-C after the requests went out: what is still running (and whether the journal
    /// keeps it), what was never sent, what was sent and not answered; then the engine
    /// gets a moment to record what it can, and the exit is 130.
    async fn interrupted(mut self) -> Exit {
        self.watch.drain();
        let journaled = self.engine.journaled();
        let said = lines::left_behind(&self.watch.model, &self.plan, journaled);
        self.engine.finish(INTERRUPT_GRACE).await;
        self.engine.shutdown();
        crate::errln!("ontop: interrupted: {said}");
        Exit::Interrupted
    }
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
    plan.targets.iter().find_map(|Planned { cluster, .. }| {
        match watch.model.clusters[*cluster]
            .operation(OperationKind::Download)?
            .ending()?
        {
            Ending::NotSent { reason } => Some(reason.clone()),
            _ => None,
        }
    })
}

impl Run {
    /// The targets a start would go to, one line per URL they would fetch (masked) or
    /// per image sent, as `--dry-run` shows them: "start 6 clusters (URL): a, b, …".
    fn print_targets(&self, what: &What) {
        let targets: Vec<usize> = self.plan.targets.iter().map(|t| t.cluster).collect();
        let groups = match what {
            What::Download(spec) => self.engine.by_source(spec, &targets),
            What::Upload(source) => vec![(
                format!("upload {}", source.file.name),
                self.plan.target_names(),
            )],
        };
        for (source, names) in groups {
            let clusters = crate::text::count_clusters(names.len());
            crate::outln!("start {clusters} ({source}): {}", names.join(", "));
        }
    }
}

/// The confirmation question, naming every target under the URL it will fetch (masked):
/// one line when they all fetch the same one.
pub(crate) fn question(groups: &[(String, Vec<&str>)]) -> String {
    let count: usize = groups.iter().map(|(_, names)| names.len()).sum();
    let clusters = crate::text::count_clusters(count);
    match groups {
        [(url, names)] => format!(
            "Start downloading {url} on {clusters}: {}? [y/N] ",
            names.join(", ")
        ),
        _ => {
            let mut text = format!("Start downloading on {clusters}, each from its site:\n");
            for (url, names) in groups {
                text.push_str(&format!("  {url}: {}\n", names.join(", ")));
            }
            text.push_str("? [y/N] ");
            text
        }
    }
}

/// The question before an upload: the image, its size and hash, and every target.
pub(crate) fn upload_question(
    file: &crate::download::tracker::UploadFile,
    targets: &[&str],
) -> String {
    format!(
        "Upload {} ({}, SHA-256 {}) from this host to {}: {}? [y/N] ",
        file.name,
        crate::text::rate::format_bytes(file.size as f64),
        file.sha256,
        crate::text::count_clusters(targets.len()),
        targets.join(", ")
    )
}

/// `--timeout`: a positive duration such as "90m" or "1h 30m", at most 30 days.
pub(crate) fn follow_limit(text: Option<&str>) -> Result<Option<Duration>, CliError> {
    let Some(text) = text else {
        return Ok(None);
    };
    crate::text::duration::parse(text)
        .filter(|d| !d.is_zero() && *d <= MAX_FOLLOW_LIMIT)
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
