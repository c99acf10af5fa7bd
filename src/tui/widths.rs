//! The widths the table's columns want, measured once per change instead of once per
//! frame: the widest name (with its badges), version and labels of the fleet.
//!
//! The [`App`](super::App) keeps one [`CellWidths`] beside the model and measures a
//! cluster again when an update changed it; a frame reads the maxima. With a thousand
//! clusters, measuring every cell on every frame was the idle dashboard's largest cost.
//! (Its test is with the column fit's, in `views/columns.rs`.)

use crate::state::table::labels_text;
use crate::state::{ClusterState, Model};
use crate::text::width;
use crate::tui::views::columns::name_width;

/// One cluster's cells as measured: name with badges, version, labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Measured {
    name: usize,
    version: usize,
    labels: usize,
}

impl Measured {
    fn of(c: &ClusterState) -> Self {
        Self {
            name: name_width(c),
            version: c.version.as_deref().map_or(0, width),
            labels: width(&labels_text(c)),
        }
    }
}

/// The measured cells of every cluster, and their maxima.
#[derive(Debug, Clone, Default)]
pub(crate) struct CellWidths {
    each: Vec<Measured>,
    widest: Measured,
}

impl CellWidths {
    /// Measures every cluster of `model`.
    pub(crate) fn new(model: &Model) -> Self {
        let each: Vec<Measured> = model.clusters.iter().map(Measured::of).collect();
        let mut widths = Self {
            each,
            widest: Measured::default(),
        };
        widths.widest = widths.maxima();
        widths
    }

    /// Measures `cluster` again after it changed. The maxima are scanned again only
    /// when the cluster that held one got narrower.
    pub(crate) fn update(&mut self, cluster: usize, c: &ClusterState) {
        let Some(old) = self.each.get_mut(cluster) else {
            return;
        };
        let new = Measured::of(c);
        if *old == new {
            return;
        }
        let shrank = |old: usize, new: usize, widest: usize| old == widest && new < old;
        let rescan = shrank(old.name, new.name, self.widest.name)
            || shrank(old.version, new.version, self.widest.version)
            || shrank(old.labels, new.labels, self.widest.labels);
        *old = new;
        if rescan {
            self.widest = self.maxima();
        } else {
            self.widest.name = self.widest.name.max(new.name);
            self.widest.version = self.widest.version.max(new.version);
            self.widest.labels = self.widest.labels.max(new.labels);
        }
    }

    fn maxima(&self) -> Measured {
        self.each.iter().fold(Measured::default(), |m, c| Measured {
            name: m.name.max(c.name),
            version: m.version.max(c.version),
            labels: m.labels.max(c.labels),
        })
    }

    /// The widest name with its badges.
    pub(crate) fn name(&self) -> usize {
        self.widest.name
    }

    /// The widest version.
    pub(crate) fn version(&self) -> usize {
        self.widest.version
    }

    /// The widest labels text (0: no cluster has labels).
    pub(crate) fn labels(&self) -> usize {
        self.widest.labels
    }
}
