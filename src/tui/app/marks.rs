//! Marks: several clusters chosen for one download. Held by cluster, like the selection,
//! so they survive sorting and filtering; `d` then acts on all of them.

use jiff::Timestamp;

use super::App;

impl App {
    /// `space`: marks or unmarks the cluster the keys act on; the selection stays put.
    pub(super) fn toggle_mark(&mut self) {
        if let Some(cluster) = self.target()
            && !self.marks.remove(&cluster)
        {
            self.marks.insert(cluster);
        }
    }

    /// `a`: marks every row the filter lets through.
    pub(super) fn mark_all(&mut self, now: Timestamp) {
        self.marks.extend(self.rows.iter().copied());
        let text = if self.rows.len() == self.model.clusters.len() {
            format!("marked all {} clusters", self.rows.len())
        } else {
            format!("marked the {} clusters shown", self.rows.len())
        };
        self.say(text, now);
    }

    /// `A`: forgets every mark.
    pub(super) fn clear_marks(&mut self, now: Timestamp) {
        if !self.marks.is_empty() {
            self.marks.clear();
            self.say("marks cleared".to_string(), now);
        }
    }

    /// Whether `cluster` is marked.
    pub fn is_marked(&self, cluster: usize) -> bool {
        self.marks.contains(&cluster)
    }

    /// The marked clusters, in config order.
    pub fn marked(&self) -> impl Iterator<Item = usize> + '_ {
        self.marks.iter().copied()
    }

    /// How many clusters are marked.
    pub(crate) fn marked_count(&self) -> usize {
        self.marks.len()
    }
}
