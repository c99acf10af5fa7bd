//! The packages view's state: the fleet's releases as the model knows them, the one
//! selected, and marking the clusters that lack it so `d` downloads there.

use jiff::Timestamp;

use super::{App, Mode};
use crate::fleet::inventory::{VersionRow, by_version};
use crate::state::table::held_packages;
use crate::tui::keymap::{Action, Context, key_for};

/// A package removal, as the dialog shows it before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub version: String,
    /// Clusters that hold it and may be changed (config order).
    pub clusters: Vec<usize>,
    /// Holders left out: (name, why).
    pub skipped: Vec<(String, &'static str)>,
    /// How the clusters were chosen.
    pub chosen: Chosen,
    /// Holders outside the choice, left alone.
    pub not_chosen: usize,
}

/// Which clusters a removal acts on, as the user chose them: the marked ones, else the
/// ones the filter shows, else (said in the question) every holder in the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    Marked,
    Filtered,
    Fleet,
}

/// Who has a release, and who does not, among the clusters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holders {
    pub hold: Vec<usize>,
    pub run: Vec<usize>,
    /// Their repository is known and holds it not, nor do they run it.
    pub lack: Vec<usize>,
    /// Their repository is not known yet (not answered, or paused).
    pub unknown: Vec<usize>,
}

impl App {
    /// The fleet's releases, newest first, from each cluster's running release and the
    /// repository its poller last read.
    pub fn package_rows(&self) -> Vec<VersionRow> {
        let held: Vec<Option<Vec<crate::ontap::Package>>> =
            self.model.clusters.iter().map(held_packages).collect();
        by_version(self.model.clusters.iter().zip(&held).map(|(c, held)| {
            let versions = held
                .as_ref()
                .map(|list| list.iter().filter_map(|p| p.version.as_deref()).collect());
            (c.version.as_deref(), versions)
        }))
    }

    /// `Esc` in the packages view: closes the release's list of clusters, else back to
    /// the table (one level at a time, as in the validation view).
    pub(super) fn packages_back(&mut self) {
        match &mut self.mode {
            Mode::Packages { open, .. } if *open => *open = false,
            _ => self.mode = Mode::Table,
        }
    }

    /// `Enter` in the packages view: lists the selected release's clusters, or not.
    pub(super) fn toggle_holders(&mut self) {
        if let Mode::Packages { open, .. } = &mut self.mode {
            *open = !*open;
        }
    }

    /// The selected row of the packages view, clamped to the `rows` there are, and
    /// whether its clusters are listed.
    pub(crate) fn packages_selection(&self, rows: usize) -> (usize, bool) {
        (
            match self.mode {
                Mode::Packages { row, .. } => row.min(rows.saturating_sub(1)),
                _ => 0,
            },
            matches!(self.mode, Mode::Packages { open: true, .. }),
        )
    }

    /// Who holds, runs and lacks `row`'s release.
    pub fn holders(&self, row: &VersionRow) -> Holders {
        let mut holders = Holders {
            hold: row.holders.clone(),
            run: row.runners.clone(),
            ..Holders::default()
        };
        let has: std::collections::HashSet<usize> =
            row.holders.iter().chain(&row.runners).copied().collect();
        for (i, c) in self.model.clusters.iter().enumerate() {
            if has.contains(&i) {
                continue;
            }
            if c.packages.is_some() {
                holders.lack.push(i);
            } else {
                holders.unknown.push(i);
            }
        }
        holders
    }

    /// `x` in the packages view: the question before removing the selected release from
    /// the clusters the user chose that hold it: the marked ones, else the ones the
    /// filter shows, else every holder in the fleet (the question says which). Read-only
    /// ones and paused logins are named, left out.
    pub(super) fn ask_removal(&mut self, now: Timestamp) {
        let rows = self.package_rows();
        let (row, _) = self.packages_selection(rows.len());
        let Some(row) = rows.get(row) else {
            return;
        };
        if !crate::download::is_version(&row.version) {
            self.say(
                format!("{:?} is not a version ontop removes", row.version),
                now,
            );
            return;
        }
        if row.holders.is_empty() {
            self.say(
                format!("no cluster holds {} in its repository", row.version),
                now,
            );
            return;
        }
        let (chosen, among): (Chosen, Vec<usize>) = if !self.marks.is_empty() {
            (Chosen::Marked, self.marked().collect())
        } else if !self.filter.is_empty() {
            (Chosen::Filtered, self.rows.clone())
        } else {
            (Chosen::Fleet, row.holders.clone())
        };
        let holders: Vec<usize> = row
            .holders
            .iter()
            .copied()
            .filter(|c| among.contains(c))
            .collect();
        if holders.is_empty() {
            let in_table = |action, what| {
                format!(
                    "{} in the table clears {what}",
                    key_for(Context::Table, action)
                )
            };
            let (which, widen) = match chosen {
                Chosen::Marked => ("marked clusters", in_table(Action::ClearMarks, "the marks")),
                _ => (
                    "clusters the filter shows",
                    in_table(Action::ClearFilter, "it"),
                ),
            };
            let others = match row.holders.len() {
                1 => "1 other does".to_string(),
                n => format!("{n} others do"),
            };
            self.say(
                format!(
                    "none of the {which} holds {} ({others}: {widen})",
                    row.version
                ),
                now,
            );
            return;
        }
        let mut removal = Removal {
            version: row.version.clone(),
            clusters: Vec::new(),
            skipped: Vec::new(),
            chosen,
            not_chosen: row.holders.len() - holders.len(),
        };
        for &i in &holders {
            let Some(c) = self.model.clusters.get(i) else {
                continue;
            };
            let name = c.identity.name.clone();
            if self.read_only() || c.identity.read_only {
                removal.skipped.push((name, "read-only"));
            } else if c.login_paused.is_some() {
                removal.skipped.push((name, "login refused"));
            } else {
                removal.clusters.push(i);
            }
        }
        self.dialog = Some(super::Dialog::Remove(removal));
    }

    /// `y` in the removal question: the command for the event loop.
    pub(super) fn confirm_removal(&mut self, now: Timestamp) -> Vec<super::AppCommand> {
        let Some(super::Dialog::Remove(removal)) = self.dialog.take() else {
            return Vec::new();
        };
        if removal.clusters.is_empty() {
            self.say(
                "nothing to remove: every holder is read-only or paused".into(),
                now,
            );
            return Vec::new();
        }
        let text = format!(
            "removing package {} from {}",
            removal.version,
            crate::text::count_clusters(removal.clusters.len())
        );
        self.say(text, now);
        // The marks served their removal, as they serve a download.
        self.marks.clear();
        // Each cluster is sent the version as it lists it.
        let targets = removal
            .clusters
            .iter()
            .map(|&c| (c, self.listed_version(c, &removal.version)))
            .collect();
        vec![super::AppCommand::RemovePackages(targets)]
    }

    /// `version` as `cluster`'s repository lists it (the spelling may differ in case).
    fn listed_version(&self, cluster: usize, version: &str) -> String {
        self.model
            .clusters
            .get(cluster)
            .and_then(|c| c.packages.as_ref())
            .and_then(|(_, list)| {
                list.iter()
                    .filter_map(|p| p.version.as_deref())
                    .find(|v| v.eq_ignore_ascii_case(version))
            })
            .unwrap_or(version)
            .to_string()
    }

    /// `m` in the packages view: marks every cluster that lacks the selected release (not
    /// those that run a newer one) and goes back to the table, where `d` downloads there
    /// once given the URL of the release's image.
    pub(super) fn mark_lacking(&mut self, now: Timestamp) {
        let rows = self.package_rows();
        let (row, _) = self.packages_selection(rows.len());
        let Some(row) = rows.get(row) else {
            self.say(
                "no release known yet: the clusters' packages are still being read".into(),
                now,
            );
            return;
        };
        let holders = self.holders(row);
        // Those that run a newer release would only take it for a downgrade (as the
        // CLI's "lacking_running_newer" says): not marked.
        let (newer, lack): (Vec<usize>, Vec<usize>) = holders.lack.iter().partition(|&&i| {
            let running = self.model.clusters[i].version.as_deref();
            crate::fleet::inventory::runs_newer(running, &row.version)
        });
        self.marks.clear();
        self.marks.extend(lack.iter().copied());
        self.mode = Mode::Table;
        let mut apart = Vec::new();
        if !newer.is_empty() {
            apart.push(format!("{} run a newer release", newer.len()));
        }
        if !holders.unknown.is_empty() {
            apart.push(format!("{} not known yet", holders.unknown.len()));
        }
        let apart = match apart.is_empty() {
            true => String::new(),
            false => format!(" ({}: not marked)", apart.join(", ")),
        };
        let text = match lack.len() {
            0 => format!("no cluster to mark lacks {}{apart}", row.version),
            n => format!(
                "marked {n} that lack {}{apart}: {} then its image's URL downloads there",
                row.version,
                key_for(Context::Table, Action::Download)
            ),
        };
        self.say(text, now);
    }
}
