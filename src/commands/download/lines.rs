//! What `ontop download` prints: the plan (skips grouped by reason, each name once), and
//! one line per cluster for how its request was answered, read from the model the
//! engine's updates keep.

use super::LINE_COLUMNS;
use crate::commands::watch::Following;
use crate::download::{Ending, Followed, OperationKind, Origin, Phase, Plan};
use crate::download::{Planned, Skipped};
use crate::state::Model;
use crate::text::table;

/// The skips, one line per reason with every cluster it holds for, and the running
/// downloads followed as they are.
pub(crate) fn print_plan(plan: &Plan) {
    let mut skipped: Vec<&Skipped> = plan.skipped.iter().collect();
    skipped.sort_by_key(|s| s.cluster);
    print_skips(
        skipped
            .into_iter()
            .map(|Skipped { name, reason, .. }| (name.as_str(), reason.to_string())),
    );
    for Planned { name, .. } in &plan.attach {
        crate::outln!("follow {name}: already downloading (no request is sent)");
    }
}

/// Skips grouped by reason, one line each with every cluster it holds for, so thirty
/// clusters that already hold a release are one line, not thirty. Lines and names keep
/// the order given (the config's), so two runs compare line by line.
pub(crate) fn print_skips<'a>(skips: impl IntoIterator<Item = (&'a str, String)>) {
    for line in skip_lines(skips) {
        crate::outln!("{line}");
    }
}

/// [`print_skips`]'s lines.
fn skip_lines<'a>(skips: impl IntoIterator<Item = (&'a str, String)>) -> Vec<String> {
    let mut by_reason: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, reason) in skips {
        match by_reason.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, names)) => names.push(name),
            None => by_reason.push((reason, vec![name])),
        }
    }
    let line = |(reason, names): (String, Vec<&str>)| match names.as_slice() {
        [one] => format!("skip {one}: {reason}"),
        many => format!(
            "skip {} ({reason}): {}",
            crate::text::count_clusters(many.len()),
            many.join(", ")
        ),
    };
    by_reason.into_iter().map(line).collect()
}

/// One line per target (and per download attached to): how the cluster answered. `None`
/// when no request was sent at all (the audit log could not be written first), else
/// whether every request was taken (started, attached or already there).
pub(super) fn print_starts(model: &Model, plan: &Plan, waiting: bool) -> Option<bool> {
    let mut rows = Vec::new();
    let mut refusals = Vec::new();
    let (mut taken, mut not_sent) = (true, 0);
    for Planned { cluster, name } in plan.targets.iter().chain(&plan.attach) {
        let c = &model.clusters[*cluster];
        let Some(followed) = c.operation(OperationKind::Download) else {
            continue;
        };
        let (word, detail) = start_line(followed, c.packages.as_ref().map(|(_, l)| l), waiting);
        rows.push(vec![name.clone(), word.to_string(), detail]);
        match followed.ending() {
            Some(Ending::NotSent { reason }) => {
                taken = false;
                not_sent += 1;
                refusals.push(format!("ontop: {name}: not sent: {reason}"));
            }
            Some(ending @ Ending::Refused(e)) => {
                taken = false;
                let code = e
                    .code
                    .map_or(e.kind.to_string(), |c| format!("ONTAP code {c}"));
                refusals.push(format!(
                    "ontop: {name}: {}: {} ({code}); what to do: {}",
                    ending.word(),
                    e.message,
                    e.hint()
                ));
            }
            Some(ending) if !ending.is_success() => taken = false,
            None if let Some(e) = &followed.unanswered => {
                taken = false;
                refusals.push(format!(
                    "ontop: {name}: no answer: {}; ontop looks for its download for {}s \
                     (ontop download --wait follows it if it shows up)",
                    e.message,
                    crate::download::UNANSWERED_LOOK.as_secs()
                ));
            }
            _ => {}
        }
    }
    crate::out!("{}", table::render(&LINE_COLUMNS, &rows));
    for line in refusals {
        crate::errln!("{line}");
    }
    if not_sent > 0 && not_sent == plan.targets.len() {
        return None;
    }
    Some(taken)
}

/// How one request was answered, in a word and a detail.
fn start_line(
    followed: &Followed,
    packages: Option<&Vec<crate::ontap::Package>>,
    waiting: bool,
) -> (&'static str, String) {
    let job = || followed.job.as_deref().map(|j| format!("job {j}"));
    match followed.ending() {
        Some(Ending::AlreadyPresent) => {
            let versions: Vec<&str> = packages
                .into_iter()
                .flatten()
                .filter_map(|p| p.version.as_deref())
                .collect();
            let detail = if versions.is_empty() {
                "the package is on the cluster".to_string()
            } else {
                format!(
                    "the package is on the cluster (packages: {})",
                    versions.join(", ")
                )
            };
            ("already present", detail)
        }
        Some(Ending::NotSent { reason }) => ("not sent", reason.clone()),
        Some(ending @ Ending::Refused(e)) if !ending.is_unanswered() => {
            ("refused", format!("{}: {}", e.kind, e.message))
        }
        Some(ending) => (ending.word(), ending.summary()),
        None if let Phase::Queued { position, of } = followed.phase => (
            "queued",
            format!("({position} of {of}): not sent yet, starts as others end"),
        ),
        None if let Some(e) = &followed.unanswered => (
            "no answer",
            format!("{}: {}; ontop looks for its download", e.kind, e.message),
        ),
        // Followed only while this run waits: without --wait it is not.
        None if followed.origin == Origin::Attached && waiting => (
            "attached",
            "a download was running: following it, no request sent".into(),
        ),
        None if followed.origin == Origin::Attached => (
            "attached",
            "a download was running: no request sent (--wait follows it; ontop status \
             shows it)"
                .into(),
        ),
        None => ("started", job().unwrap_or_default()),
    }
}

/// Why the downloads of the plan did not all end well, for the closing line: the ones
/// refused or not sent (and, once followed to their end, every ending that is not a
/// success), by name. Empty when all did.
pub(super) fn not_well(model: &Model, plan: &Plan, following: Following) -> Vec<String> {
    let mut bad = Vec::new();
    for Planned { cluster, name } in plan.targets.iter().chain(&plan.attach) {
        let Some(f) = model.clusters[*cluster].operation(OperationKind::Download) else {
            continue;
        };
        let counts = match f.ending() {
            Some(Ending::Refused(_) | Ending::NotSent { .. }) => true,
            Some(ending) => following == Following::ToTheEnd && !ending.is_success(),
            None => f.unanswered.is_some(),
        };
        if counts {
            let word = f.ending().map_or("no answer", Ending::word);
            bad.push(format!("{name}: {word}"));
        }
    }
    if bad.is_empty() {
        return Vec::new();
    }
    let all = plan.targets.len() + plan.attach.len();
    vec![format!(
        "{} of {all} downloads did not end well ({})",
        bad.len(),
        bad.join(", ")
    )]
}

/// What an interrupted run leaves behind, one line each on stderr: downloads still
/// running (whether the journal keeps them for the next ontop), starts never sent
/// (queued), and requests sent and not answered; returns the same in one short line.
pub(super) fn left_behind(model: &Model, plan: &Plan, journaled: bool) -> String {
    let (mut running, mut attached, mut unsent, mut unanswered, mut cut) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for Planned { cluster, name } in plan.targets.iter().chain(&plan.attach) {
        let Some(f) = model.clusters[*cluster].operation(OperationKind::Download) else {
            continue;
        };
        match (&f.phase, f.answered, f.origin) {
            (Phase::Ended(_), _, _) => {}
            (Phase::Queued { .. }, _, _) => unsent.push(name.as_str()),
            (Phase::Sending { .. }, _, _) => cut.push(name.as_str()),
            (_, false, _) => unanswered.push(name.as_str()),
            _ if f.unanswered.is_some() => unanswered.push(name.as_str()),
            (_, true, Origin::Attached) => attached.push(name.as_str()),
            (_, true, _) => running.push(name.as_str()),
        }
    }
    let keeps = if journaled {
        "they go on in their clusters; the journal keeps them, and the next ontop (the \
         dashboard, ontop serve, ontop status) follows them again"
    } else {
        "they go on in their clusters; no journal keeps them"
    };
    let lines = [
        (&running, format!("still running: {{}}: {keeps}")),
        (
            &attached,
            "still running, not started here: {}: they go on in their clusters".to_string(),
        ),
        (
            &unsent,
            "never sent (they waited in ontop for a place): {}".to_string(),
        ),
        (
            &unanswered,
            "sent, no answer yet: {}: they may have started; ontop status shows them".to_string(),
        ),
        (
            &cut,
            "stopped on their way: {}: an upload starts over when sent again".to_string(),
        ),
    ];
    let mut summary = Vec::new();
    for (names, line) in lines {
        if names.is_empty() {
            continue;
        }
        crate::errln!("ontop: {}", line.replacen("{}", &names.join(", "), 1));
        let what = line.split(':').next().unwrap_or_default();
        summary.push(format!("{} {what}", names.len()));
    }
    if summary.is_empty() {
        "every download had ended".into()
    } else {
        summary.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::skip_lines;

    #[test]
    fn skips_keep_the_order_given_reasons_by_their_first_cluster() {
        let skips = [
            ("sim-2", "not answering: timeout"),
            ("sim-3", "read-only"),
            ("sim-5", "not answering: timeout"),
            ("sim-7", "not answering: connect"),
            ("sim-8", "read-only"),
        ];
        let lines = skip_lines(skips.iter().map(|(n, r)| (*n, r.to_string())));
        assert_eq!(
            lines,
            [
                "skip 2 clusters (not answering: timeout): sim-2, sim-5",
                "skip 2 clusters (read-only): sim-3, sim-8",
                "skip sim-7: not answering: connect",
            ]
        );
    }
}
