//! `ontop packages delete VERSION`: removes a package from the chosen clusters'
//! repositories. One look first (who holds it; read-only and unreachable clusters are
//! named and sent nothing), a question naming every cluster and the version, then the
//! engine's removals, each audited before it is sent and followed to the end of its job.

use std::time::Duration;

use crate::cli::PackageDeleteArgs;
use crate::commands::download::lines::print_skips;
use crate::commands::prologue::{self, Consent, FINISH_GRACE};
use crate::commands::watch::{Look, Waited, Watch};
use crate::commands::{CliError, Context, Exit};
use crate::download::{Ending, OperationKind};
use crate::engine::{Engine, EngineOptions};
use crate::fleet::Session;
use crate::state::{ClusterState, Model};

/// Removes the package; 0 when it is gone wherever it was.
pub(super) async fn run(ctx: &Context, args: &PackageDeleteArgs) -> Result<Exit, CliError> {
    let version = prologue::release(&args.version)?;
    let (config, chosen) = prologue::chosen(ctx, &args.select)?;
    let consent =
        prologue::need_a_way_to_confirm(ctx, Consent::from_flags(args.yes, args.dry_run))?;
    let subset = config.subset(&chosen);
    let look = prologue::look_first(
        ctx,
        &subset,
        EngineOptions::for_packages(),
        Look::WithPackages,
    );
    let (engine, mut watch) = match look.await {
        Ok(looked) => looked,
        Err(exit) => return Ok(exit),
    };
    let looked = plan(&watch.model, ctx.session(), version);
    let reasons = looked.unread_reason();
    if looked.send_to.is_empty() {
        engine.shutdown();
        if looked.read_only > 0 && looked.read_only == watch.model.clusters.len() {
            return Err(CliError::Usage(
                "nothing was sent: every chosen cluster is read-only".into(),
            ));
        }
        crate::outln!(
            "nothing to remove: no chosen cluster holds {version}{}",
            did_you_mean(&watch.model, version)
        );
        return Ok(Exit::unless(&reasons));
    }
    if consent.only_shows() {
        engine.shutdown();
        crate::outln!("dry run: nothing was sent");
        return Ok(Exit::unless(&reasons));
    }
    let names: Vec<&str> = looked
        .send_to
        .iter()
        .map(|(c, _)| watch.model.clusters[*c].identity.name.as_str())
        .collect();
    if consent.asks()
        && let Err(exit) = confirmed(version, &names).await
    {
        engine.shutdown();
        return Ok(exit);
    }
    engine.remove_packages(&looked.send_to);
    Ok(follow(engine, &mut watch, &looked.send_to, reasons).await)
}

/// Asks whether to remove `version` from the clusters `names`; the exit when not.
async fn confirmed(version: &str, names: &[&str]) -> Result<(), Exit> {
    let count = crate::text::count_clusters(names.len());
    let question = format!(
        "Remove package {version} from {count}: {}? [y/N] ",
        names.join(", ")
    );
    crate::commands::prologue::confirm(question, "nothing was removed").await
}

/// Follows the removals sent to `send_to` to their ends, prints how each ended and
/// says why the exit is not 0 (`reasons` so far, and what this adds).
async fn follow(
    engine: Engine,
    watch: &mut Watch,
    send_to: &[(usize, String)],
    mut reasons: Vec<String>,
) -> Exit {
    let ended = |model: &Model| {
        send_to
            .iter()
            .all(|(c, _)| removal(&model.clusters[*c]).is_some_and(|r| r.is_some()))
    };
    let waited = watch.until(None, ended, |_, _| {}).await;
    if waited == Waited::Interrupted {
        let open: Vec<&str> = send_to
            .iter()
            .filter(|(c, _)| removal(&watch.model.clusters[*c]).is_none_or(|r| r.is_none()))
            .map(|(c, _)| watch.model.clusters[*c].identity.name.as_str())
            .collect();
        crate::errln!(
            "ontop: interrupted: not followed to their end: {}: the clusters finish them, \
             and the audit log may lack how they ended (ontop packages shows the result)",
            open.join(", ")
        );
        engine.finish(Duration::from_secs(5)).await;
        engine.shutdown();
        return Exit::Interrupted;
    }
    engine.finish(FINISH_GRACE).await;
    watch.drain();
    engine.shutdown();
    let mut failed = Vec::new();
    for (cluster, version) in send_to {
        let c = &watch.model.clusters[*cluster];
        if let Some(Some(ending)) = removal(c) {
            if !ending.is_success() {
                failed.push(c.identity.name.as_str());
            }
            print_outcome(c, version, ending);
        }
    }
    if !failed.is_empty() {
        reasons.push(format!(
            "{} of {} removals did not succeed ({})",
            failed.len(),
            send_to.len(),
            failed.join(", ")
        ));
    }
    if !watch.not_recorded.is_empty() {
        reasons.push(format!(
            "{} record(s) could not be written (see NOT RECORDED above)",
            watch.not_recorded.len()
        ));
    }
    Exit::unless(&reasons)
}

/// "; did you mean 9.16.1P3 (held by 6)?" when a release the chosen clusters hold (or
/// run) is close to `version`, else nothing.
fn did_you_mean(model: &Model, version: &str) -> String {
    let mut held: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for c in &model.clusters {
        let listed = c.packages.iter().flat_map(|(_, list)| list);
        for v in listed.filter_map(|p| p.version.as_deref()) {
            *held.entry(v.to_owned()).or_default() += 1;
        }
    }
    let versions: Vec<&str> = held.keys().map(String::as_str).collect();
    let close = crate::text::suggest::best_match(version, &versions);
    match close {
        Some(v) => format!("; did you mean {v} (held by {})?", held[v]),
        None if !versions.is_empty() => format!("; they hold {}", versions.join(", ")),
        None => String::new(),
    }
}

/// The removal followed on `c`: `None` before it is followed, `Some(None)` while it
/// runs, `Some(Some(ending))` once it ended.
fn removal(c: &ClusterState) -> Option<Option<&Ending>> {
    c.operation(OperationKind::Removal).map(|f| f.ending())
}

/// Who is sent a removal, and who was left out.
struct Looked {
    /// Each cluster with the version as it lists it.
    send_to: Vec<(usize, String)>,
    read_only: usize,
    /// The clusters whose repository could not be read (not answering, login refused).
    unread: Vec<String>,
}

impl Looked {
    /// The closing line's reason when a chosen cluster could not be read.
    fn unread_reason(&self) -> Vec<String> {
        if self.unread.is_empty() {
            return Vec::new();
        }
        vec![format!(
            "{} could not be read ({}): whether they hold it is not known",
            crate::text::count_clusters(self.unread.len()),
            self.unread.join(", ")
        )]
    }
}

/// Who is sent a removal: the clusters that hold the version, may be changed, and
/// answered, each with the version as it lists it. The others get a skip line.
fn plan(model: &Model, session: Session, version: &str) -> Looked {
    let mut looked = Looked {
        send_to: Vec::new(),
        read_only: 0,
        unread: Vec::new(),
    };
    let mut skips: Vec<(&str, String)> = Vec::new();
    for (index, c) in model.clusters.iter().enumerate() {
        let name = &c.identity.name;
        if session.keeps_read_only(c.identity.read_only) {
            looked.read_only += 1;
            skips.push((name, "read-only (nothing is sent)".into()));
            continue;
        }
        if c.login_paused.is_some() {
            looked.unread.push(name.clone());
            skips.push((name, "the login was refused: nothing is sent to it".into()));
            continue;
        }
        let Some((_, packages)) = &c.packages else {
            looked.unread.push(name.clone());
            let why = (c.repository_error()).map_or("no answer".to_string(), |e| {
                format!("{}: {}", e.kind, e.message)
            });
            skips.push((name, format!("not answering: {why}")));
            continue;
        };
        match packages
            .iter()
            .filter_map(|p| p.version.as_deref())
            .find(|v| v.eq_ignore_ascii_case(version))
        {
            Some(listed) => looked.send_to.push((index, listed.to_owned())),
            None => skips.push((name, format!("does not hold {version}"))),
        }
    }
    print_skips(skips);
    looked
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
