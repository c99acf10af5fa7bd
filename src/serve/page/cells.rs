//! What each cell of a row says, in the dashboard's words: the state's word, the ONTAP
//! code of a failure and the next step from the code table (`Ending::next_step`,
//! `OntapError::hint`), the package column's `runs`/`has`/`no`/`?`, the HEALTH word.

use jiff::Timestamp;

use crate::download::{Ending, Holding, holding};
use crate::ontap::DownloadState;
use crate::state::table::{labels_text, time_in_state};
use crate::state::{ClusterState, Column, Standing, age, format_age};

/// One cell: its column, its text, and a few words explaining it (shown small beside).
pub(super) struct Cell {
    pub column: PageColumn,
    pub text: String,
    pub why: Option<String>,
    /// An extra class for the cell's colour (`failure`, `running`, `success`).
    pub tone: &'static str,
}

/// The page's columns, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PageColumn {
    Cluster,
    Labels,
    Version,
    Package,
    Download,
    Code,
    Message,
    NextStep,
    Job,
    InState,
    Health,
    LastAnswer,
}

impl PageColumn {
    /// Every column, left to right.
    pub(super) const ALL: [PageColumn; 12] = [
        Self::Cluster,
        Self::Labels,
        Self::Version,
        Self::Package,
        Self::Download,
        Self::Code,
        Self::Message,
        Self::NextStep,
        Self::Job,
        Self::InState,
        Self::Health,
        Self::LastAnswer,
    ];

    /// The heading (and, at phone width, the label before each value).
    pub(super) fn title(self) -> &'static str {
        match self {
            Self::Cluster => "Cluster",
            Self::Labels => "Labels",
            Self::Version => "Version",
            Self::Package => "Package",
            Self::Download => "Download",
            Self::Code => "Code",
            Self::Message => "Message",
            Self::NextStep => "Next step",
            Self::Job => "Job",
            Self::InState => "In state",
            Self::Health => "Health",
            Self::LastAnswer => "Last answer",
        }
    }

    /// The cell's class: the title in lower case, `-` for spaces.
    pub(super) fn class(self) -> String {
        self.title().to_lowercase().replace(' ', "-")
    }

    /// The dashboard's column it sorts by (`?sort=`), when it sorts.
    pub(super) fn sorts_by(self) -> Option<Column> {
        match self {
            Self::Cluster => Some(Column::Name),
            Self::Labels => Some(Column::Labels),
            Self::Version => Some(Column::Version),
            Self::Download => Some(Column::Download),
            Self::Code => Some(Column::Code),
            Self::Message => Some(Column::Message),
            Self::Job => Some(Column::Job),
            Self::InState => Some(Column::InState),
            Self::Health => Some(Column::Health),
            Self::LastAnswer => Some(Column::LastPoll),
            Self::Package | Self::NextStep => None,
        }
    }
}

/// "Package download has not started": what an idle cluster answers (no news).
const IDLE_CODE: i64 = 10551384;

/// The cells of `c` for `columns`; `release` is the config's package's release.
pub(super) fn cells(
    c: &ClusterState,
    columns: &[PageColumn],
    release: Option<&str>,
    now: Timestamp,
) -> Vec<Cell> {
    let standing = Standing::of(c, now);
    columns
        .iter()
        .map(|&column| cell(c, column, standing, release, now))
        .collect()
}

fn cell(
    c: &ClusterState,
    column: PageColumn,
    standing: Standing,
    release: Option<&str>,
    now: Timestamp,
) -> Cell {
    let plain = |text: String| Cell {
        column,
        text,
        why: None,
        tone: "",
    };
    let dash = || "-".to_owned();
    match column {
        PageColumn::Cluster => plain(name(c)),
        PageColumn::Labels => plain(
            Some(labels_text(c))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(dash),
        ),
        PageColumn::Version => plain(c.version.clone().unwrap_or_else(dash)),
        PageColumn::Package => plain(package(c, release).to_owned()),
        PageColumn::Download => Cell {
            tone: match c.download_state() {
                Some(DownloadState::Running) => " running",
                Some(DownloadState::Success) => " success",
                Some(DownloadState::Failure) => " failure",
                _ => "",
            },
            ..plain(
                c.download_state()
                    .map_or_else(dash, |s| s.as_str().to_owned()),
            )
        },
        PageColumn::Code => plain(code(c, standing).map_or_else(dash, |code| code.to_string())),
        PageColumn::Message => plain(message(c, standing)),
        PageColumn::NextStep => plain(next_step(c, standing).unwrap_or_else(dash)),
        PageColumn::Job => plain(c.phase().map_or_else(dash, |p| p.word().to_owned())),
        PageColumn::InState => plain(match time_in_state(c, now) {
            Some((d, true)) => format!("≥{}", format_age(d)),
            Some((d, false)) => format_age(d),
            None => dash(),
        }),
        PageColumn::Health => Cell {
            why: (standing != Standing::Ok).then(|| standing.explanation()),
            ..plain(standing.word())
        },
        PageColumn::LastAnswer => plain(c.last_success.map_or("never".to_owned(), |at| {
            format!("{} ago", format_age(age(at, now)))
        })),
    }
}

/// The name, then the screen's badges: `!tls`, `plain-http`, `!cert`, `ro`.
fn name(c: &ClusterState) -> String {
    let mut text = c.identity.name.clone();
    let badges = [
        (c.identity.insecure, "!tls"),
        (c.plain_http(), "plain-http"),
        (
            c.certificate.as_ref().is_some_and(|f| f.expires_soon()),
            "!cert",
        ),
        (c.identity.read_only, "ro"),
    ];
    for (_, badge) in badges.iter().filter(|(on, _)| *on) {
        text.push(' ');
        text.push_str(badge);
    }
    text
}

/// Whether the cluster has the config's release, in the dashboard's PKG words: it
/// `runs` it, `has` it in its repository, `no`, or `?` while the repository is unknown.
pub(super) fn package(c: &ClusterState, release: Option<&str>) -> &'static str {
    let Some(release) = release else {
        return "-";
    };
    let packages = c.packages.as_ref().map(|(_, list)| list.as_slice());
    match holding(release, c.version.as_deref(), packages) {
        Some(Holding::Runs(_)) => "runs",
        Some(Holding::Holds(_)) => "has",
        None if packages.is_some() => "no",
        None => "?",
    }
}

/// How the followed operations ended, when one ended badly (a download or a removal).
pub(super) fn bad_ending(c: &ClusterState) -> Option<&Ending> {
    [
        c.ending(),
        c.removal.as_ref().and_then(|r| r.phase.ending()),
    ]
    .into_iter()
    .flatten()
    .find(|e| !e.is_success())
}

/// The cluster's own failure, when its download state says one.
fn download_failure(c: &ClusterState) -> Option<Ending> {
    c.download
        .as_ref()
        .and_then(Ending::from_download)
        .filter(|e| !e.is_success())
}

/// The ONTAP code worth a search: a refused poll's, a bad ending's, a failed download's.
fn code(c: &ClusterState, standing: Standing) -> Option<i64> {
    let error = c.last_error.as_ref().filter(|_| is_failing(standing));
    error
        .and_then(|e| e.code)
        .or_else(|| bad_ending(c).and_then(Ending::code))
        .or_else(|| download_failure(c).and_then(|e| e.code()))
        .filter(|&code| code != IDLE_CODE)
}

/// The cluster's own words, or while it does not answer, why.
fn message(c: &ClusterState, standing: Standing) -> String {
    if let Some(pause) = c.login_pause() {
        return match &pause.note {
            Some(note) => format!("login refused for {}: {note}", pause.user),
            None => format!("login refused for {}: polls stopped", pause.user),
        };
    }
    if let Some(e) = c.last_error.as_ref().filter(|_| is_failing(standing)) {
        return format!("{}: {}", e.kind, e.message);
    }
    if standing == Standing::Unknown && c.download.is_none() {
        return "waiting for the first answer".into();
    }
    if let Some(ending) = bad_ending(c) {
        return ending.summary();
    }
    c.download
        .as_ref()
        .and_then(|d| d.message.clone())
        .unwrap_or_else(|| "-".into())
}

/// What to do now, from the code table and the endings' own next steps.
fn next_step(c: &ClusterState, standing: Standing) -> Option<String> {
    if let Some(pause) = c.login_pause() {
        return Some(match pause.source.as_deref() {
            Some(source) => format!(
                "fix {source} for {}: ontop serve reads it again every minute and never sends a refused password twice",
                pause.user
            ),
            // A password written in the config or a variable cannot change while ontop
            // serve runs.
            None => format!(
                "fix the password for {} in the config (or its variable), then restart ontop serve; a password_file or password_command would be read again every minute",
                pause.user
            ),
        });
    }
    if let Some(e) = c.last_error.as_ref().filter(|_| is_failing(standing)) {
        return Some(e.hint().to_owned());
    }
    if let Standing::Stale { .. } = standing {
        return Some(
            "the last poll has not come back: the cluster may be slow or hung; its timeout decides when it counts as failing"
                .into(),
        );
    }
    bad_ending(c)
        .and_then(Ending::next_step)
        .or_else(|| download_failure(c).and_then(|e| e.next_step()))
        .map(str::to_owned)
}

fn is_failing(standing: Standing) -> bool {
    matches!(
        standing,
        Standing::Failing | Standing::Stale { failing: true, .. }
    )
}

/// Whether the column says anything for this fleet (LABELS when a cluster has labels,
/// PACKAGE when the config names a package whose release its name says).
pub(super) fn shown(column: PageColumn, clusters: &[ClusterState], release: Option<&str>) -> bool {
    match column {
        PageColumn::Labels => clusters.iter().any(|c| !c.identity.labels.is_empty()),
        PageColumn::Package => release.is_some(),
        _ => true,
    }
}
