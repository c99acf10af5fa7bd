//! `ontop packages delete VERSION`: removes a package from the chosen clusters'
//! repositories. One look first (who holds it; read-only and unreachable clusters are
//! named and sent nothing), a question naming every cluster and the version, then the
//! engine's removals, each audited before it is sent and followed to the end of its job.

use std::sync::Arc;
use std::time::Duration;

use crate::cli::PackageDeleteArgs;
use crate::commands::watch::Watch;
use crate::commands::{CliError, Context, Exit};
use crate::config::Credentials;
use crate::download::{Ending, OperationKind, is_version};
use crate::engine::{Engine, EngineOptions};
use crate::state::{ClusterState, Model};

/// How long the end waits for removals still on the wire and for the recorder.
const FINISH_GRACE: Duration = Duration::from_secs(30);

/// Removes the package; 0 when it is gone wherever it was.
pub async fn run(ctx: &Context, args: &PackageDeleteArgs) -> Result<Exit, CliError> {
    let config = ctx.config()?;
    let version = args.version.trim();
    if !is_version(version) {
        return Err(CliError::Usage(format!(
            "{:?} is not a package version (e.g. 9.16.1P3)",
            args.version
        )));
    }
    let chosen = args.select.select(config, false)?;
    crate::commands::selection::announce(config, &chosen, &args.select);
    if !args.yes && !ctx.interactive {
        return Err(CliError::Usage(
            "no terminal to confirm on: use --yes to confirm without a terminal".into(),
        ));
    }
    let subset = config.subset(&chosen);
    let credentials = Arc::new(Credentials::new(ctx.interactive));
    // Password commands and prompts block: keep them off the async workers.
    let (engine, updates, model) = tokio::task::block_in_place(|| {
        Engine::from_config(
            &subset,
            &credentials,
            ctx.data_dir.as_deref(),
            ctx.read_only,
            EngineOptions::default(),
        )
    });
    let mut watch = Watch::new(model, updates);
    watch.first_look(true, |_, _| {}).await;
    let (send_to, read_only, unread) = plan(&watch.model, ctx.read_only, version);
    if send_to.is_empty() {
        engine.shutdown();
        if read_only > 0 && read_only == watch.model.clusters.len() {
            return Err(CliError::Usage(
                "nothing was sent: every chosen cluster is read-only".into(),
            ));
        }
        crate::outln!("nothing to remove: no chosen cluster holds {version}");
        return Ok(Exit::from_ok(unread == 0));
    }
    let names: Vec<&str> = send_to
        .iter()
        .map(|(c, _)| watch.model.clusters[*c].identity.name.as_str())
        .collect();
    if !args.yes && !tokio::task::block_in_place(|| confirm(version, &names)) {
        crate::errln!("ontop: cancelled: nothing was removed");
        engine.shutdown();
        return Ok(Exit::Failed);
    }
    engine.remove_packages(&send_to);
    let ended = |model: &Model| {
        send_to
            .iter()
            .all(|(c, _)| removal(&model.clusters[*c]).is_some_and(|r| r.is_some()))
    };
    watch.until(None, ended, |_, _| {}).await;
    engine.finish(FINISH_GRACE).await;
    watch.drain();
    let mut all_well = unread == 0 && watch.not_recorded.is_empty();
    for (cluster, version) in &send_to {
        let c = &watch.model.clusters[*cluster];
        if let Some(Some(ending)) = removal(c) {
            all_well &= ending.is_success();
            print_outcome(c, version, ending);
        }
    }
    engine.shutdown();
    Ok(Exit::from_ok(all_well))
}

/// The removal followed on `c`: `None` before it is followed, `Some(None)` while it
/// runs, `Some(Some(ending))` once it ended.
fn removal(c: &ClusterState) -> Option<Option<&Ending>> {
    c.operation(OperationKind::Removal).map(|f| f.ending())
}

/// Who is sent a removal: the clusters that hold the version, may be changed, and
/// answered, each with the version as it lists it. The others get a skip line; returns
/// them, how many were read-only, and how many could not be read.
fn plan(
    model: &Model,
    session_read_only: bool,
    version: &str,
) -> (Vec<(usize, String)>, usize, usize) {
    let (mut send_to, mut read_only, mut unread) = (Vec::new(), 0, 0);
    for (index, c) in model.clusters.iter().enumerate() {
        let name = &c.identity.name;
        if session_read_only || c.identity.read_only {
            read_only += 1;
            crate::outln!("skip {name}: read-only (nothing is sent)");
            continue;
        }
        if c.login_paused.is_some() {
            unread += 1;
            crate::outln!("skip {name}: the login was refused: nothing is sent to it");
            continue;
        }
        let Some((_, packages)) = &c.packages else {
            unread += 1;
            let why = c
                .packages_error
                .as_ref()
                .map(|(_, e)| e)
                .or(c.last_error.as_ref())
                .map_or("no answer".to_string(), |e| {
                    format!("{}: {}", e.kind, e.message)
                });
            crate::outln!("skip {name}: not answering: {why}");
            continue;
        };
        match packages
            .iter()
            .filter_map(|p| p.version.as_deref())
            .find(|v| v.eq_ignore_ascii_case(version))
        {
            Some(listed) => send_to.push((index, listed.to_owned())),
            None => crate::outln!("skip {name}: does not hold {version}"),
        }
    }
    (send_to, read_only, unread)
}

fn print_outcome(c: &ClusterState, version: &str, ending: &Ending) {
    let name = &c.identity.name;
    let job = c
        .removal
        .as_ref()
        .and_then(|r| r.job.as_deref())
        .map(|j| format!("  job {j}"))
        .unwrap_or_default();
    match ending {
        Ending::Removed => crate::outln!("{name}  removed  {version}{job}"),
        Ending::NotSent { reason } => crate::outln!("{name}  not sent  {reason}"),
        Ending::Refused(e) if e.kind == crate::ontap::ErrorKind::ReadOnly => {
            crate::outln!("{name}  not sent  {}", e.message);
        }
        other => {
            let runs = c
                .version
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(version));
            let hint = if runs {
                "it is the release the cluster runs: ONTAP keeps the running release's package"
            } else {
                other.next_step().unwrap_or("see the audit log")
            };
            let code = other
                .code()
                .map(|c| format!(" (ONTAP code {c})"))
                .unwrap_or_default();
            crate::outln!(
                "{name}  refused  {}{code}; what to do: {hint}",
                other.summary()
            );
        }
    }
}

/// Asks on the terminal, naming every cluster and the version; true for yes.
fn confirm(version: &str, names: &[&str]) -> bool {
    let count = crate::text::count_clusters(names.len());
    let names = names.join(", ");
    crate::commands::ask_yes(&format!(
        "Remove package {version} from {count}: {names}? [y/N] "
    ))
}
