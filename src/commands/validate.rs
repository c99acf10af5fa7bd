//! `ontop validate VERSION`: asks the chosen clusters whether an update to a release they
//! hold would go through, and (`--wait`) gives the verdicts: one line per cluster, then
//! the findings grouped by check with their issue and action said once.
//!
//! The engine plans (who holds the release and can be asked), sends each validation
//! (audited first, refused by a read-only client like every change), follows its job and
//! reads its results; this module is the command's manners: one look at every chosen
//! cluster, a confirmation naming every target and every skip, a live line while it
//! waits, and an exit code a script can trust (see `--help`).

mod report;

use std::time::Duration;

use jiff::Timestamp;
use tokio::time::Instant;

use super::download::lines::print_plan;
use super::progress::Waiting;
use super::prologue::{self, Consent, FINISH_GRACE, INTERRUPT_GRACE};
use super::watch::{Following, Look, Waited, Watch};
use super::{CliError, Context, Exit};
use crate::cli::ValidateArgs;
use crate::download::{OperationKind, Plan};
use crate::engine::{Engine, EngineOptions, Update};
use crate::state::Model;

/// Runs `ontop validate`.
pub(super) async fn run(ctx: &Context, args: &ValidateArgs) -> Result<Exit, CliError> {
    let version = prologue::release(&args.version)?;
    let (config, chosen) = prologue::chosen(ctx, &args.select)?;
    let limit = super::download::follow_limit(args.timeout.as_deref())?;
    let consent =
        prologue::need_a_way_to_confirm(ctx, Consent::from_flags(args.yes, args.dry_run))?;
    let subset = config.subset(&chosen);
    let look = prologue::look_first(ctx, &subset, EngineOptions::default(), Look::WithPackages);
    let (engine, watch) = match look.await {
        Ok(looked) => looked,
        Err(exit) => return Ok(exit),
    };
    let everyone: Vec<usize> = (0..subset.clusters.len()).collect();
    let plan = watch
        .model
        .plan_validation(&everyone, version, ctx.session(), Timestamp::now());
    if !args.json {
        print_plan(&plan);
    }
    let run = Run {
        engine,
        watch,
        plan,
        version: version.to_string(),
    };
    run.carry_out(args, consent, limit).await
}

/// A validation once every chosen cluster was looked at.
struct Run {
    engine: Engine,
    watch: Watch,
    plan: Plan,
    version: String,
}

impl Run {
    /// Every chosen cluster was skipped: 1 when one of them did not answer or refused
    /// the login (no usage error: `download` says it so too), else the usage error that
    /// names why.
    fn nothing_validated(&self) -> Result<Exit, CliError> {
        let reasons = self.plan.unreached();
        if !reasons.is_empty() {
            crate::errln!(
                "ontop: nothing was validated (each cluster is named above with its reason)"
            );
            return Ok(Exit::unless(&reasons));
        }
        Err(CliError::Usage(format!(
            "nothing was validated: no chosen cluster can validate {} now (each is \
             named above with its reason)",
            self.version
        )))
    }

    /// Asks (unless `--yes`), sends, waits (for the answers; with `--wait`, for the
    /// findings) and says how it went; the exit code.
    async fn carry_out(
        mut self,
        args: &ValidateArgs,
        consent: Consent,
        limit: Option<Duration>,
    ) -> Result<Exit, CliError> {
        if self.plan.targets.is_empty() {
            let said = self.nothing_validated();
            self.engine.shutdown();
            return said;
        }
        if consent.only_shows() {
            self.engine.shutdown();
            crate::outln!(
                "dry run: nothing was sent; {} would validate {}",
                crate::text::count_clusters(self.plan.targets.len()),
                self.version
            );
            return Ok(Exit::unless(&report::skip_reasons(&self.plan)));
        }
        if consent.asks() {
            let question = format!(
                "Validate {} on {}: {}? (checks only: no update is started) [y/N] ",
                self.version,
                crate::text::count_clusters(self.plan.targets.len()),
                self.plan.target_names().join(", ")
            );
            if let Err(exit) =
                crate::commands::prologue::confirm(question, "nothing was sent").await
            {
                self.engine.shutdown();
                return Ok(exit);
            }
        }
        self.engine.validate(&self.plan, &self.version);
        let upto = if args.wait {
            Upto::Ended
        } else {
            Upto::Answered
        };
        match self.wait(upto, limit).await {
            Waited::Interrupted => return Ok(self.interrupted().await),
            Waited::Closed => {
                return Err(CliError::Setup("the engine stopped while waiting".into()));
            }
            Waited::Done | Waited::TimedOut => {}
        }
        self.engine.finish(FINISH_GRACE).await;
        self.watch.drain();
        self.engine.shutdown();
        let following = Following::from_wait(args.wait);
        let outcome = report::Outcome::of(
            &self.watch.model,
            &self.plan,
            &self.version,
            Timestamp::now(),
        );
        if args.json {
            crate::outln!("{}", outcome.json(&self.watch.model, following));
        } else if following == Following::ToTheEnd {
            outcome.print(&self.watch.model);
        } else {
            outcome.print_started(&self.watch.model);
        }
        // Clusters that refused or failed are theirs, not a usage error: 1, named.
        if outcome.validated == 0 {
            crate::errln!("ontop: nothing was validated (each cluster is named above)");
        }
        Ok(Exit::unless(
            &outcome.reasons(following, &self.watch.not_recorded),
        ))
    }

    /// Waits until every validation was answered (or, `Upto::Ended`, ended), with a live
    /// line; past `limit`, those still open are given up.
    async fn wait(&mut self, upto: Upto, limit: Option<Duration>) -> Waited {
        let targets: Vec<usize> = self.plan.targets.iter().map(|t| t.cluster).collect();
        let open = |model: &Model, cluster: usize| {
            let op = model.clusters[cluster].operation(OperationKind::Validation);
            op.is_none_or(|f| match upto {
                Upto::Answered => !f.answered && f.ending().is_none(),
                Upto::Ended => f.ending().is_none(),
            })
        };
        let word = match upto {
            Upto::Answered => "answered",
            Upto::Ended => "validated",
        };
        let timeouts = self
            .watch
            .model
            .clusters
            .iter()
            .map(|_| Duration::ZERO)
            .collect();
        let waiting = Waiting::new(timeouts, word);
        let awaited = |model: &Model, i: usize| targets.contains(&i) && open(model, i);
        let show = |model: &Model, _: &Update| waiting.show(model, |i| awaited(model, i));
        waiting.show(&self.watch.model, |i| awaited(&self.watch.model, i));
        let deadline = limit.map(|l| Instant::now() + l);
        let all = |model: &Model| targets.iter().all(|&c| !open(model, c));
        let mut waited = self.watch.until(deadline, all, show).await;
        if waited == Waited::TimedOut {
            let reason = format!(
                "no findings after --timeout {}",
                crate::state::format_age(limit.unwrap_or_default())
            );
            for &cluster in &targets {
                if open(&self.watch.model, cluster) {
                    self.engine
                        .give_up(cluster, OperationKind::Validation, reason.clone());
                }
            }
            let show = |model: &Model, _: &Update| waiting.show(model, |i| awaited(model, i));
            waited = self.watch.until(None, all, show).await;
        }
        waiting.finish();
        waited
    }

    /// Ctrl-C after the requests went out: the validations go on in the clusters; their
    /// findings show in the dashboard and `ontop status`.
    async fn interrupted(mut self) -> Exit {
        self.watch.drain();
        self.engine.finish(INTERRUPT_GRACE).await;
        self.engine.shutdown();
        crate::errln!(
            "ontop: interrupted: the validations sent go on in the clusters; their findings \
             show in the dashboard (READY) and in ontop status --json"
        );
        Exit::Interrupted
    }
}

/// How far the command waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Upto {
    /// Every request answered (a job to follow, or a refusal).
    Answered,
    /// Every validation ended (its findings read, or why not).
    Ended,
}
