//! What every command that sends changes does before it sends anything, written once: a
//! way to confirm (a terminal, `--yes` or `--dry-run`), the engine over the chosen
//! clusters (their passwords resolved off the async workers), and the question with its
//! two ways of saying no.

use std::sync::Arc;
use std::time::Duration;

use super::selection::{SelectionArgs, WhenUnnamed};
use super::watch::{Look, Waited, Watch};
use super::{CliError, Context, Exit, interrupt};
use crate::config::{Config, Credentials};
use crate::engine::{Engine, EngineOptions};
use crate::fleet::Session;

/// How long a command's end waits for requests still on the wire and for the recorder.
pub(crate) const FINISH_GRACE: Duration = Duration::from_secs(30);
/// After Ctrl-C, how long the requests still on the wire and the recorder get.
pub(crate) const INTERRUPT_GRACE: Duration = Duration::from_secs(5);

/// The release a command was given (`validate`, `packages delete`), trimmed, or a usage
/// error saying what a release looks like.
pub(crate) fn release(arg: &str) -> Result<&str, CliError> {
    let version = arg.trim();
    if crate::download::is_version(version) {
        Ok(version)
    } else {
        Err(CliError::Usage(format!(
            "{arg:?} is not a release (e.g. 9.16.1P3, as ontop packages lists it)"
        )))
    }
}

/// How a command that sends changes gets its yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Consent {
    /// `--dry-run`: nothing is sent, so nothing is asked.
    DryRun,
    /// `--yes`: the operator said yes on the command line.
    Given,
    /// The terminal is asked.
    Asked,
}

impl Consent {
    /// From the `--yes` and `--dry-run` flags (clap keeps them apart).
    pub(crate) fn from_flags(yes: bool, dry_run: bool) -> Self {
        match (yes, dry_run) {
            (_, true) => Self::DryRun,
            (true, false) => Self::Given,
            (false, false) => Self::Asked,
        }
    }

    /// Whether the command only shows its plan (`--dry-run`): nothing is sent or asked.
    pub(crate) fn only_shows(self) -> bool {
        self == Self::DryRun
    }

    /// Whether the terminal is asked before anything is sent (neither flag given).
    pub(crate) fn asks(self) -> bool {
        self == Self::Asked
    }
}

/// The clusters a command that sends changes was pointed at (`--cluster`, `--all`,
/// `--label`; none by default), said on stderr before anything else happens.
pub(crate) fn chosen<'c>(
    ctx: &'c Context,
    select: &SelectionArgs,
) -> Result<(&'c Config, Vec<usize>), CliError> {
    let config = ctx.config()?;
    let chosen = select.select(config, WhenUnnamed::NoOne)?;
    super::selection::announce(config, &chosen, select);
    Ok((config, chosen))
}

/// Refuses to start without a way to confirm: `--yes`, `--dry-run`, or a terminal; the
/// consent the command then goes by.
pub(crate) fn need_a_way_to_confirm(ctx: &Context, consent: Consent) -> Result<Consent, CliError> {
    if !consent.asks() || ctx.interactive {
        return Ok(consent);
    }
    Err(CliError::Usage(
        "no terminal to confirm on: use --yes to confirm without a terminal".into(),
    ))
}

/// The engine over `subset` (of this run's `--read-only` when it lets the clusters'
/// own `read_only` decide), after one look at every cluster: the engine and the watch on
/// it, or the exit at Ctrl-C, when nothing was sent.
pub(crate) async fn look_first(
    ctx: &Context,
    subset: &Config,
    options: EngineOptions,
    look: Look,
) -> Result<(Engine, Watch), Exit> {
    look_first_as(ctx, subset, ctx.session(), options, look).await
}

/// [`look_first`] in `session` rather than this run's: a command that only reads (the
/// packages list) looks in [`Session::ReadOnly`] whatever the flags say.
pub(crate) async fn look_first_as(
    ctx: &Context,
    subset: &Config,
    session: Session,
    options: EngineOptions,
    look: Look,
) -> Result<(Engine, Watch), Exit> {
    let (engine, mut watch) = watched_engine(ctx, subset, session, options);
    let timeouts = subset.clusters.iter().map(|c| c.timeout).collect();
    if watch.first_look(look, timeouts).await == Waited::Interrupted {
        engine.shutdown();
        crate::errln!("ontop: interrupted while looking at the clusters: nothing was sent");
        return Err(Exit::Interrupted);
    }
    Ok((engine, watch))
}

/// The engine over `subset` (sending nothing in a [`Session::ReadOnly`]), and a watch on
/// what it says from its first update on.
pub(crate) fn watched_engine(
    ctx: &Context,
    subset: &Config,
    session: Session,
    options: EngineOptions,
) -> (Engine, Watch) {
    let credentials = Arc::new(Credentials::new(ctx.prompting()));
    // Password commands and prompts block: keep them off the async workers.
    let (engine, updates, model) = tokio::task::block_in_place(|| {
        Engine::from_config(
            subset,
            &credentials,
            ctx.data_dir.as_deref(),
            session,
            options,
        )
    });
    (engine, Watch::new(model, updates))
}

/// Asks `question` on the terminal; the exit when the answer is no (`cancelled` says
/// what was not done: "nothing was started") or Ctrl-C.
pub(crate) async fn confirm(question: String, cancelled: &str) -> Result<(), Exit> {
    match interrupt::ask_yes(question).await {
        Some(true) => Ok(()),
        Some(false) => {
            crate::errln!("ontop: exit 1: cancelled: {cancelled}");
            Err(Exit::Failed)
        }
        None => {
            crate::errln!("ontop: interrupted: nothing was sent");
            Err(Exit::Interrupted)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Consent;

    #[test]
    fn a_dry_run_only_shows_whatever_yes_says_and_only_no_flag_asks() {
        let cases = [
            ((false, false), Consent::Asked, false, true),
            ((true, false), Consent::Given, false, false),
            ((false, true), Consent::DryRun, true, false),
            ((true, true), Consent::DryRun, true, false),
        ];
        for ((yes, dry_run), consent, shows, asks) in cases {
            let got = Consent::from_flags(yes, dry_run);
            assert_eq!(got, consent, "--yes {yes} --dry-run {dry_run}");
            assert_eq!(got.only_shows(), shows);
            assert_eq!(got.asks(), asks);
        }
    }
}
