//! `ontop packages delete VERSION`: removes a package from the chosen clusters'
//! repositories. One look first (who holds it; read-only and unreachable clusters are
//! named and sent nothing), a question naming every cluster and the version, then the
//! DELETEs, each audited before it is sent and followed to the end of its job.

use std::sync::Arc;

use crate::cli::PackageDeleteArgs;
use crate::commands::{CliError, Context, Exit};
use crate::config::Credentials;
use crate::download::audit::AuditLog;
use crate::download::removal::{Removal, remove_each};
use crate::fleet::inventory::{Inventory, inventory};
use crate::fleet::{self, Target};
use crate::ontap::Client;

/// Removes the package; 0 when it is gone wherever it was.
pub async fn run(ctx: &Context, args: &PackageDeleteArgs) -> Result<Exit, CliError> {
    let config = ctx.config()?;
    let version = args.version.trim();
    if !crate::download::removal::is_version(version) {
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
    let credentials = Credentials::new(ctx.interactive);
    let targets = tokio::task::block_in_place(|| {
        fleet::targets_from_config(&subset, &credentials, ctx.read_only)
    });
    let found = inventory(&targets).await;
    let (send_to, read_only) = plan(&targets, &found, version);
    if send_to.is_empty() {
        if read_only > 0 && read_only == targets.len() {
            return Err(CliError::Usage(
                "nothing was sent: every chosen cluster is read-only".into(),
            ));
        }
        crate::outln!("nothing to remove: no chosen cluster holds {version}");
        return Ok(Exit::from_ok(found.iter().all(|i| i.packages.is_ok())));
    }
    let names: Vec<&str> = send_to.iter().map(|(c, _)| c.name()).collect();
    if !args.yes && !tokio::task::block_in_place(|| confirm(version, &names)) {
        crate::errln!("ontop: cancelled: nothing was removed");
        return Ok(Exit::Failed);
    }
    let audit = Arc::new(AuditLog::new(ctx.data_dir.as_deref()));
    let sent = send_to.len();
    let outcomes = remove_all(send_to, audit).await;
    let mut all_well = found.iter().all(|i| i.packages.is_ok()) && outcomes.len() == sent;
    for (client, outcome) in &outcomes {
        all_well &= matches!(outcome, Removal::Removed { .. });
        print_outcome(client, version, outcome, &found);
    }
    Ok(Exit::from_ok(all_well))
}

/// Who is sent a DELETE: the clusters that hold the version, may be changed, and
/// answered. The others get a skip line; returns them and how many were read-only.
fn plan(
    targets: &[Target],
    found: &[Inventory],
    version: &str,
) -> (Vec<(Arc<Client>, String)>, usize) {
    let mut send_to = Vec::new();
    let mut read_only = 0;
    for (target, inventory) in targets.iter().zip(found) {
        let name = &target.name;
        let client = match &target.client {
            Ok(client) => client,
            Err(e) => {
                crate::outln!("skip {name}: {}", e.message);
                continue;
            }
        };
        if client.is_read_only() {
            read_only += 1;
            crate::outln!("skip {name}: read-only (nothing is sent)");
            continue;
        }
        match &inventory.packages {
            Err(e) => crate::outln!("skip {name}: not answering: {}: {}", e.kind, e.message),
            // Each cluster is sent the version as it lists it.
            Ok(_) => match inventory
                .versions()
                .into_iter()
                .find(|v| v.eq_ignore_ascii_case(version))
            {
                Some(listed) => send_to.push((client.clone(), listed.to_owned())),
                None => crate::outln!("skip {name}: does not hold {version}"),
            },
        }
    }
    (send_to, read_only)
}

/// Sends the removals, a few at a time, each followed to its end; the outcomes in the
/// targets' order.
async fn remove_all(
    targets: Vec<(Arc<Client>, String)>,
    audit: Arc<AuditLog>,
) -> Vec<(Arc<Client>, Removal)> {
    let done = Arc::new(std::sync::Mutex::new(Vec::new()));
    let collected = done.clone();
    let say = |line: String| crate::errln!("ontop: {line}");
    remove_each(targets, audit, say, move |index, client, _, outcome| {
        let collected = collected.clone();
        async move {
            let mut done = collected.lock().unwrap_or_else(|e| e.into_inner());
            done.push((index, client, outcome));
        }
    })
    .await;
    let mut done = std::mem::take(&mut *done.lock().unwrap_or_else(|e| e.into_inner()));
    done.sort_by_key(|(index, _, _)| *index);
    done.into_iter()
        .map(|(_, client, outcome)| (client, outcome))
        .collect()
}

fn print_outcome(client: &Client, version: &str, outcome: &Removal, found: &[Inventory]) {
    let name = client.name();
    match outcome {
        Removal::Removed { job } => {
            let job = job
                .as_deref()
                .map(|j| format!("  job {j}"))
                .unwrap_or_default();
            crate::outln!("{name}  removed  {version}{job}");
        }
        Removal::NotSent(why) => crate::outln!("{name}  not sent  {why}"),
        Removal::Failed(e) => {
            let runs = found
                .iter()
                .find(|i| i.name == name)
                .and_then(|i| i.running.as_deref())
                .is_some_and(|r| r.eq_ignore_ascii_case(version));
            let hint = if runs {
                "it is the release the cluster runs: ONTAP keeps the running release's package"
            } else {
                e.hint()
            };
            let code = e
                .code
                .map(|c| format!(" (ONTAP code {c})"))
                .unwrap_or_default();
            crate::outln!("{name}  refused  {}{code}; what to do: {hint}", e.message);
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
