//! What `ontop validate` says: one line per chosen cluster (its verdict, or why it has
//! none), the fleet's findings grouped by check with each text said once, a count line,
//! and the same as one JSON document with `--json`. Read from the model the engine's
//! updates keep; verdicts and weights are the model's (`[validate]`).

use serde_json::{Value, json};

use jiff::Timestamp;

use crate::commands::watch::Following;
use crate::download::{Ending, OperationKind, Plan};
use crate::download::{Planned, Skipped};
use crate::state::Model;
use crate::state::validation::{CheckGroup, Counts, Validation, Verdict, by_check, weight};
use crate::text::table::{self, Column};

/// Names listed on a finding's line before "and N more" (`--json` lists them all).
const NAMES: usize = 12;

/// How each chosen cluster came out.
pub(super) struct Outcome {
    version: String,
    rows: Vec<Row>,
    /// Clusters that gave findings (with `--wait`), or accepted the request (without).
    pub(super) validated: usize,
}

struct Row {
    cluster: usize,
    name: String,
    state: RowState,
}

enum RowState {
    /// Findings read: the verdict about the release, and the counts.
    Judged(Verdict, Counts),
    /// Not asked: the plan's reason.
    Skipped(crate::download::SkipReason),
    /// Asked, and it ended without findings (refused, failed, gave up, no results).
    Ended(Ending),
    /// Asked and accepted; not waited for (no `--wait`), or still open.
    Open { job: Option<String> },
}

impl Outcome {
    /// Reads how each of the plan's clusters came out.
    pub(super) fn of(model: &Model, plan: &Plan, version: &str, now: Timestamp) -> Self {
        let mut rows = Vec::new();
        let mut validated = 0;
        for Planned { cluster, name } in &plan.targets {
            let c = &model.clusters[*cluster];
            let followed = c.operation(OperationKind::Validation);
            let state = match followed.and_then(|f| f.ending()) {
                Some(Ending::Validated { .. }) => match c.readiness.validation() {
                    Some(v) => {
                        validated += 1;
                        let verdict = v.verdict(Some(version), now, &model.validate);
                        RowState::Judged(verdict, v.counts(&model.validate))
                    }
                    None => RowState::Open { job: None },
                },
                Some(ending) => RowState::Ended(ending.clone()),
                None => {
                    let job = followed.and_then(|f| f.job.clone());
                    if job.is_some() {
                        validated += 1;
                    }
                    RowState::Open { job }
                }
            };
            rows.push(Row {
                cluster: *cluster,
                name: name.clone(),
                state,
            });
        }
        for Skipped {
            cluster,
            name,
            reason,
        } in &plan.skipped
        {
            rows.push(Row {
                cluster: *cluster,
                name: name.clone(),
                state: RowState::Skipped(reason.clone()),
            });
        }
        rows.sort_by_key(|r| r.cluster);
        Self {
            version: version.to_string(),
            rows,
            validated,
        }
    }

    /// The clusters that gave findings, with them.
    fn validations<'m>(&self, model: &'m Model) -> Vec<(&'m str, Validation<'m>)> {
        self.rows
            .iter()
            .filter(|r| matches!(r.state, RowState::Judged(..)))
            .filter_map(|r| {
                let c = &model.clusters[r.cluster];
                Some((c.identity.name.as_str(), c.readiness.validation()?))
            })
            .collect()
    }

    /// Without `--wait`: one line per cluster, how its request was answered.
    pub(super) fn print_started(&self, _model: &Model) {
        let rows: Vec<Vec<String>> = self.rows.iter().map(Row::cells).collect();
        crate::out!(
            "{}",
            table::render_for(&COLUMNS, &rows, crate::output::stdout_width())
        );
        if self.validated > 0 {
            crate::outln!(
                "the findings come when each job ends (a few minutes): they show in the \
                 dashboard's READY column and in ontop status --json (\"validation\")"
            );
        }
    }

    /// With `--wait`: the verdicts, then the findings by check, then the count line.
    pub(super) fn print(&self, model: &Model) {
        let rows: Vec<Vec<String>> = self.rows.iter().map(Row::cells).collect();
        crate::out!(
            "{}",
            table::render_for(&COLUMNS, &rows, crate::output::stdout_width())
        );
        let groups = by_check(self.validations(model), &model.validate);
        if !groups.is_empty() {
            crate::outln!();
            crate::outln!("{} — findings by check:", self.version);
            for group in &groups {
                print_group(group);
            }
        }
        crate::outln!();
        crate::outln!("{}", self.count_line());
    }

    /// "6 validated: 3 ready, 2 with warnings, 1 with errors; 2 skipped; 1 refused; 1
    /// without findings".
    fn count_line(&self) -> String {
        let (mut ready, mut warned, mut errored, mut other) = (0, 0, 0, 0);
        let (mut skipped, mut refused, mut failed) = (0, 0, 0);
        for row in &self.rows {
            match &row.state {
                RowState::Judged(Verdict::Ready, _) => ready += 1,
                RowState::Judged(Verdict::Warnings(_), _) => warned += 1,
                RowState::Judged(Verdict::Errors(_), _) => errored += 1,
                RowState::Judged(..) => other += 1,
                RowState::Skipped(_) => skipped += 1,
                // Refused: nothing was checked, which is not a check that found nothing.
                RowState::Ended(Ending::Refused(e)) if !e.may_have_arrived() => refused += 1,
                RowState::Ended(_) | RowState::Open { .. } => failed += 1,
            }
        }
        let mut line = format!(
            "{} validated {}: {ready} ready, {warned} with warnings, {errored} with errors",
            self.validated, self.version
        );
        if other > 0 {
            line.push_str(&format!(", {other} stale or unknown"));
        }
        if skipped > 0 {
            line.push_str(&format!("; {skipped} skipped"));
        }
        if refused > 0 {
            line.push_str(&format!("; {refused} refused"));
        }
        if failed > 0 {
            line.push_str(&format!("; {failed} without findings"));
        }
        line
    }

    /// Why the exit is not 0, for the closing line (empty when every cluster is ready).
    pub(super) fn reasons(&self, following: Following, not_recorded: &[String]) -> Vec<String> {
        let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
        for row in &self.rows {
            let kind = match &row.state {
                RowState::Judged(Verdict::Ready, _) => continue,
                RowState::Judged(Verdict::Errors(_), _) => "with errors",
                RowState::Judged(Verdict::Warnings(_), _) => "with warnings",
                RowState::Judged(..) => "stale or unknown",
                RowState::Skipped(_) => "skipped",
                RowState::Ended(Ending::Refused(e)) if !e.may_have_arrived() => "refused",
                RowState::Ended(_) => "without findings",
                RowState::Open { job: Some(_) } if following == Following::UntilAnswered => {
                    continue;
                }
                RowState::Open { .. } => "not answered",
            };
            match grouped.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, names)) => names.push(&row.name),
                None => grouped.push((kind, vec![&row.name])),
            }
        }
        let mut reasons: Vec<String> = grouped
            .into_iter()
            .map(|(kind, names)| {
                format!(
                    "{} {kind} ({})",
                    crate::text::count_clusters(names.len()),
                    names.join(", ")
                )
            })
            .collect();
        if !not_recorded.is_empty() {
            reasons.push(format!(
                "{} record(s) could not be written (see NOT RECORDED above)",
                not_recorded.len()
            ));
        }
        reasons
    }

    /// The `--json` document.
    pub(super) fn json(&self, model: &Model, following: Following) -> Value {
        let clusters: Vec<Value> = self.rows.iter().map(|r| r.json(model)).collect();
        let findings: Vec<Value> = by_check(self.validations(model), &model.validate)
            .iter()
            .map(group_json)
            .collect();
        json!({
            "version": self.version,
            "waited": following == Following::ToTheEnd,
            "validated": self.validated,
            "clusters": clusters,
            "findings": findings,
        })
    }
}

/// The reasons the plan skipped clusters, for a dry run's closing line.
pub(super) fn skip_reasons(plan: &Plan) -> Vec<String> {
    if plan.skipped.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = plan
        .skipped
        .iter()
        .map(|skipped| skipped.name.as_str())
        .collect();
    vec![format!(
        "{} skipped ({})",
        crate::text::count_clusters(names.len()),
        names.join(", ")
    )]
}

/// The columns of the per-cluster lines: name, verdict, details.
const COLUMNS: [Column; 3] = [
    Column {
        heading: "CLUSTER",
        cap: 40,
    },
    Column {
        heading: "VERDICT",
        cap: 16,
    },
    Column {
        heading: "DETAILS",
        cap: 160,
    },
];

impl Row {
    fn cells(&self) -> Vec<String> {
        let (word, detail) = match &self.state {
            RowState::Judged(verdict, counts) => {
                let detail = match counts.notes {
                    0 => String::new(),
                    1 => "1 note (a reviewed check)".into(),
                    n => format!("{n} notes (reviewed checks)"),
                };
                (verdict.describe(), detail)
            }
            RowState::Skipped(reason) => ("skipped".into(), reason.to_string()),
            RowState::Ended(ending) => (ending.word().into(), ending.describe()),
            RowState::Open { job: Some(job) } => ("started".into(), format!("job {job}")),
            RowState::Open { job: None } => ("no answer".into(), String::new()),
        };
        vec![self.name.clone(), word, detail]
    }

    fn json(&self, model: &Model) -> Value {
        let c = &model.clusters[self.cluster];
        let mut object = json!({ "name": self.name });
        match &self.state {
            RowState::Judged(verdict, counts) => {
                let v = c.readiness.validation();
                object["result"] = json!(verdict.word());
                object["summary"] = json!(verdict.describe());
                object["warnings"] = json!(counts.warnings);
                object["errors"] = json!(counts.errors);
                object["notes"] = json!(counts.notes);
                object["validated_at"] = json!(v.and_then(|v| v.at).map(|t| t.to_string()));
                object["checks"] = json!(v.map_or(Vec::new(), |v| {
                    v.checks
                        .iter()
                        .map(|check| {
                            json!({
                                "check": check.name,
                                "status": check.status.as_str(),
                                "weight": weight(check, &model.validate).word(),
                                "issue": check.issue,
                                "action": check.action,
                            })
                        })
                        .collect::<Vec<Value>>()
                }));
            }
            RowState::Skipped(reason) => {
                object["result"] = json!("skipped");
                object["summary"] = json!(reason.to_string());
                object["next_step"] = json!(reason.next_step());
            }
            RowState::Ended(ending) => {
                object["result"] = json!(ending.result_word());
                object["summary"] = json!(ending.summary());
                object["code"] = json!(ending.code());
                object["next_step"] = json!(ending.next_step());
            }
            RowState::Open { job } => {
                object["result"] = json!(if job.is_some() {
                    "started"
                } else {
                    "no_answer"
                });
                object["job"] = json!(job);
            }
        }
        object
    }
}

/// One check's lines: its weight, name and clusters, then each distinct text.
fn print_group(group: &CheckGroup) {
    let mark = match group.weight {
        crate::state::validation::Weight::Error => "error  ",
        crate::state::validation::Weight::Warning => "warning",
        crate::state::validation::Weight::Note => "note   ",
    };
    let clusters = crate::text::count_clusters(group.clusters());
    let reviewed = if group.weight == crate::state::validation::Weight::Note {
        " (reviewed: [validate] ignore; not counted)"
    } else {
        ""
    };
    match group.texts.as_slice() {
        [one] => {
            crate::outln!(
                "{mark} {} — on {clusters}: {}{reviewed}",
                group.check,
                names(&one.clusters)
            );
            print_text(one.issue.as_deref(), one.action.as_deref(), "          ");
        }
        many => {
            crate::outln!("{mark} {} — on {clusters}{reviewed}", group.check);
            for text in many {
                crate::outln!("          {}:", names(&text.clusters));
                print_text(
                    text.issue.as_deref(),
                    text.action.as_deref(),
                    "            ",
                );
            }
        }
    }
}

fn print_text(issue: Option<&str>, action: Option<&str>, indent: &str) {
    if let Some(issue) = issue {
        crate::outln!("{indent}issue:  {issue}");
    }
    if let Some(action) = action {
        crate::outln!("{indent}action: {action}");
    }
}

/// "a, b, c" or "a, b, … and 30 more".
fn names(clusters: &[String]) -> String {
    if clusters.len() <= NAMES {
        return clusters.join(", ");
    }
    format!(
        "{} and {} more",
        clusters[..NAMES].join(", "),
        clusters.len() - NAMES
    )
}

fn group_json(group: &CheckGroup) -> Value {
    json!({
        "check": group.check,
        "weight": group.weight.word(),
        "clusters": group.clusters(),
        "texts": group.texts.iter().map(|t| json!({
            "issue": t.issue,
            "action": t.action,
            "clusters": t.clusters,
        })).collect::<Vec<Value>>(),
    })
}
