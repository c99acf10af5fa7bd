//! From `v` to a confirmed validation, and the state of the validation view (`V`).
//!
//! `v` takes the marked clusters (else the one the keys act on) and offers the release
//! they hold in their repositories and do not run yet (the one most of them hold first;
//! Tab offers the others, and any release can be typed). `Enter` plans it with the
//! engine's rules from what the model knows now ([`crate::state::Model::plan_validation`],
//! the plan `ontop validate` makes): every target named, every skip with its reason.
//! Only `y` produces [`AppCommand::Validate`]. Read-only is enforced once more, for real,
//! in the client that sends the PATCH.

use jiff::Timestamp;

use super::{App, AppCommand, Dialog, Mode};
use crate::download::Plan;
use crate::fleet::inventory::release_order;
use crate::state::table::held_packages;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::line::{Edit, LineEdit};

/// The release to validate, before the plan (after `v`).
#[derive(Debug)]
pub struct VersionForm {
    chosen: Vec<usize>,
    line: LineEdit,
    /// The releases the chosen clusters hold and do not run: (release, how many hold it).
    offers: Vec<(String, usize)>,
    offer: usize,
    hidden: usize,
    error: Option<String>,
}

impl VersionForm {
    /// The release as typed.
    pub fn text(&self) -> &str {
        self.line.text()
    }

    /// Where the cursor is, in characters.
    pub(crate) fn cursor(&self) -> usize {
        self.line.cursor()
    }

    /// The releases on offer, with how many chosen clusters hold each.
    pub fn offers(&self) -> &[(String, usize)] {
        &self.offers
    }

    /// The chosen clusters (config order).
    pub(crate) fn chosen(&self) -> &[usize] {
        &self.chosen
    }

    /// Chosen clusters the filter hides.
    pub(crate) fn hidden(&self) -> usize {
        self.hidden
    }

    /// Why the last `Enter` was not taken.
    pub(crate) fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Tab: the next release on offer.
    fn next_offer(&mut self) {
        if self.offers.is_empty() {
            return;
        }
        let typed = self.line.text().trim();
        self.offer = match self.offers.iter().position(|(v, _)| v == typed) {
            Some(i) => (i + 1) % self.offers.len(),
            None => self.offer.min(self.offers.len() - 1),
        };
        self.line = LineEdit::new(&self.offers[self.offer].0);
        self.error = None;
    }
}

/// The plan of a validation, before anything is sent.
#[derive(Debug)]
pub struct ValidateConfirm {
    /// The release asked about.
    pub version: String,
    /// The engine's plan: the clusters asked, and those skipped with their reason.
    pub plan: Plan,
    /// Chosen clusters the filter hides (listed too).
    pub hidden: usize,
    /// Lines scrolled down (a long list of targets and skips).
    pub(super) scroll: usize,
}

/// One row of the validation view: a check, and how it weighs on each cluster it is on
/// (its groups, the worst first).
#[derive(Debug, Clone)]
pub(crate) struct CheckRow {
    pub check: String,
    pub groups: Vec<crate::state::validation::CheckGroup>,
}

impl CheckRow {
    /// The worst weight it has anywhere.
    pub(crate) fn weight(&self) -> crate::state::validation::Weight {
        self.groups
            .iter()
            .map(|g| g.weight)
            .min()
            .unwrap_or(crate::state::validation::Weight::Note)
    }

    /// How it weighs on `cluster`, when it is there.
    pub(crate) fn on(&self, cluster: &str) -> Option<crate::state::validation::Weight> {
        self.groups
            .iter()
            .find(|g| {
                g.texts
                    .iter()
                    .any(|t| t.clusters.iter().any(|c| c == cluster))
            })
            .map(|g| g.weight)
    }

    /// Every cluster it is on, with its weight there (the worst first).
    pub(crate) fn clusters(&self) -> Vec<(&str, crate::state::validation::Weight)> {
        self.groups
            .iter()
            .flat_map(|g| {
                g.texts
                    .iter()
                    .flat_map(move |t| t.clusters.iter().map(move |c| (c.as_str(), g.weight)))
            })
            .collect()
    }
}

/// Where the validation view (`V`) stands: the selected check, and whether its texts
/// are shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidationView {
    /// The selected check (its index among the fleet's findings by check).
    pub row: usize,
    /// Whether the selected check's texts are shown.
    pub open: bool,
    /// The first line on screen, as of the last frame.
    pub top: usize,
}

impl App {
    /// `v`: the release form for the chosen clusters, or why there is none.
    pub(super) fn open_validate(&mut self, now: Timestamp) {
        let chosen: Vec<usize> = if self.marks.is_empty() {
            self.target().into_iter().collect()
        } else {
            self.marked().collect()
        };
        if chosen.is_empty() {
            return self.say("no cluster selected".into(), now);
        }
        if self.read_only() {
            return self.say(
                "read-only: validations are disabled (--read-only)".into(),
                now,
            );
        }
        let offers = self.offers(&chosen);
        let line = LineEdit::new(offers.first().map_or("", |(v, _)| v.as_str()));
        let hidden = self.hidden_among(&chosen);
        self.dialog = Some(Dialog::Version(VersionForm {
            chosen,
            line,
            offers,
            offer: 0,
            hidden,
            error: None,
        }));
    }

    /// The releases `chosen` hold in their repositories and do not run, the one most
    /// hold first (then the newest).
    fn offers(&self, chosen: &[usize]) -> Vec<(String, usize)> {
        let mut offers: Vec<(String, usize)> = Vec::new();
        for &i in chosen {
            let c = &self.model.clusters[i];
            for p in held_packages(c).unwrap_or_default() {
                let Some(v) = p.version else { continue };
                if c.version
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&v))
                {
                    continue;
                }
                match offers.iter_mut().find(|(o, _)| o.eq_ignore_ascii_case(&v)) {
                    Some((_, n)) => *n += 1,
                    None => offers.push((v, 1)),
                }
            }
        }
        offers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| release_order(&b.0, &a.0)));
        offers
    }

    /// Keys in the release form: editing, Tab for the next release on offer.
    pub(super) fn edit_version(&mut self, edit: Option<Edit>, c: Option<char>) {
        let Some(Dialog::Version(form)) = &mut self.dialog else {
            return;
        };
        match (edit, c) {
            (Some(edit), _) => form.line.apply(edit),
            (None, Some(c)) => form.line.insert(c),
            (None, None) => form.next_offer(),
        }
        if edit.is_some() || c.is_some() {
            form.error = None;
        }
    }

    /// Text pasted into the release form: one line, trimmed.
    pub(super) fn paste_version(&mut self, text: &str) {
        if let Some(Dialog::Version(form)) = &mut self.dialog {
            form.line.paste(text, true);
            form.error = None;
        }
    }

    /// `Enter` in the release form: a release that is not one stays with its reason;
    /// else the plan, made from what the model knows now.
    pub(super) fn submit_version(&mut self, now: Timestamp) {
        let Some(Dialog::Version(form)) = &mut self.dialog else {
            return;
        };
        let version = form.line.text().trim().to_string();
        if !crate::download::is_version(&version) {
            form.error = Some(if version.is_empty() {
                "type the release to validate (e.g. 9.16.1P3)".into()
            } else {
                format!("{version:?} is not a release (e.g. 9.16.1P3)")
            });
            return;
        }
        let chosen = form.chosen.clone();
        let hidden = form.hidden;
        let plan = self
            .model
            .plan_validation(&chosen, &version, self.access, now);
        self.dialog = Some(Dialog::ValidateConfirm(ValidateConfirm {
            version,
            plan,
            hidden,
            scroll: 0,
        }));
    }

    /// `y` in the validation's confirmation: the command for the event loop.
    pub(super) fn confirm_validation(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let Some(Dialog::ValidateConfirm(confirm)) = self.dialog.take() else {
            return Vec::new();
        };
        if confirm.plan.targets.is_empty() {
            self.say(
                "nothing to validate: every chosen cluster is skipped".into(),
                now,
            );
            return Vec::new();
        }
        self.say(
            format!(
                "validating {} on {}: READY fills as each job ends ({} shows the findings)",
                confirm.version,
                crate::text::count_clusters(confirm.plan.targets.len()),
                key_for(Context::Table, Action::OpenValidation)
            ),
            now,
        );
        self.marks.clear();
        vec![AppCommand::Validate {
            plan: confirm.plan,
            version: confirm.version,
        }]
    }

    /// `V`: the validation view, its first check selected.
    pub(super) fn open_validation(&mut self) {
        self.mode = Mode::Validation(ValidationView::default());
    }

    /// `Enter` in the validation view: shows or hides the selected check's texts.
    pub(super) fn toggle_check(&mut self) {
        if let Mode::Validation(view) = &mut self.mode {
            view.open = !view.open;
        }
    }

    /// `Esc` in the validation view: closes the texts, else back to the table.
    pub(super) fn validation_back(&mut self) {
        match &mut self.mode {
            Mode::Validation(view) if view.open => view.open = false,
            _ => self.mode = Mode::Table,
        }
    }

    /// Moves the selected check by `delta`, within the checks there are.
    pub(super) fn move_check(&mut self, delta: isize) {
        let rows = self.check_rows().len();
        let last = rows.saturating_sub(1) as isize;
        if let Mode::Validation(view) = &mut self.mode {
            view.row = (view.row as isize)
                .saturating_add(delta)
                .clamp(0, last.max(0)) as usize;
        }
    }

    /// The fleet's findings by check name: the groups `ontop validate` prints (by check
    /// and weight, errors first), those of one name together, in the order of the first.
    pub(crate) fn check_rows(&self) -> Vec<CheckRow> {
        let groups = crate::state::validation::by_check(self.validations(), &self.model.validate);
        let mut rows: Vec<CheckRow> = Vec::new();
        for group in groups {
            match rows
                .iter_mut()
                .find(|r| r.check.eq_ignore_ascii_case(&group.check))
            {
                Some(row) => row.groups.push(group),
                None => rows.push(CheckRow {
                    check: group.check.clone(),
                    groups: vec![group],
                }),
            }
        }
        rows
    }

    /// Every cluster that holds a validation, with it (config order).
    pub(crate) fn validations(&self) -> Vec<(&str, crate::state::validation::Validation<'_>)> {
        self.model
            .clusters
            .iter()
            .filter_map(|c| Some((c.identity.name.as_str(), c.readiness.validation()?)))
            .collect()
    }

    /// The validation view's state (its default outside the view).
    pub(crate) fn validation_view(&self) -> ValidationView {
        match self.mode {
            Mode::Validation(view) => view,
            _ => ValidationView::default(),
        }
    }

    /// Keeps `line` (and `lines` after it) on screen in `height` lines; the first line.
    pub(crate) fn validation_top(&self, line: usize, lines: usize, height: usize) -> usize {
        let top = self.validation_view().top;
        let end = line + lines.min(height.max(1));
        if line < top {
            line
        } else if end > top + height {
            end.saturating_sub(height)
        } else {
            top
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::app;
    use crate::ontap::software::Software;
    use crate::state::validation::Weight;

    #[test]
    fn a_check_that_weighs_differently_on_two_clusters_is_one_row() {
        let mut app = app(3);
        let findings = |status: &str| {
            serde_json::json!({"validation_results": [
                {"update_check": "NFS mounts", "status": status, "issue": {"message": "i"}},
            ]})
        };
        for (cluster, status) in [(0, "error"), (1, "warning")] {
            app.model.clusters[cluster].readiness.software = Some((
                jiff::Timestamp::UNIX_EPOCH,
                Software::from_value(&findings(status)),
            ));
        }
        let rows = app.check_rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].weight(), Weight::Error, "the worst");
        assert_eq!(rows[0].on("c0"), Some(Weight::Error));
        assert_eq!(rows[0].on("c1"), Some(Weight::Warning));
        assert_eq!(rows[0].on("c2"), None);
        assert_eq!(
            rows[0].clusters(),
            [("c0", Weight::Error), ("c1", Weight::Warning)]
        );
    }
}
