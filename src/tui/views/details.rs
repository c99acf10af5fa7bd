//! The details pane: everything known about one cluster, with the next step to take.
//!
//! Sections: the cluster (url, labels, version, connection flags, health), the download
//! started from ontop (URL, where it stands, how it ended, with the code and the next
//! step), the cluster's download (full message, ONTAP code with its meaning and hint), the
//! followed job, the last error (kind, HTTP status, code, hint), the packages on the
//! cluster, and the history of transitions, newest first. Long content scrolls with the
//! movement keys.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

mod connection;
mod lists;
mod readiness;
mod upload;

use crate::download::{MAX_FOLLOW_ERRORS, Origin, Phase, Since, UNANSWERED_LOOK};
use crate::ontap::{hint_for_code, meaning_of_code};
use crate::state::{ClusterState, Health, short_uuid};
use crate::text::{width, wrap};
use crate::tui::app::App;
use crate::tui::format::{ago, clock};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;

/// Cells taken by the indent and the field label.
const LABEL: usize = 15;
/// The indent of field labels under their heading.
const INDENT: &str = "   ";

/// Draws the details of `cluster` into `area`.
pub(crate) fn render(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    cluster: usize,
    now: Timestamp,
    drawn: &mut super::Drawn,
) {
    let theme = app.theme();
    let Some(c) = app.model().clusters.get(cluster) else {
        return;
    };
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", c.identity.name),
            theme.heading(),
        ))
        .border_style(theme.border());
    let inner = block.inner(area);
    // One cell of margin on the right keeps wrapped text off the border.
    let rules = app.model().validate.clone();
    let lines = Details::new(theme, inner.width.saturating_sub(1) as usize, now, rules).build(c);
    let height = inner.height as usize;
    let total = lines.len();
    let top = app.details_top(total.saturating_sub(height));
    drawn.details_top = Some(top);
    let block = if total > height {
        let last = (top + height).min(total);
        let keys = format!(
            "{}/{}",
            key_for(Context::Details, Action::PageDown),
            key_for(Context::Details, Action::PageUp)
        );
        let position = format!(" lines {}-{last} of {total}, {keys} scroll ", top + 1);
        block.title_bottom(Line::from(position).right_aligned())
    } else {
        block
    };
    let visible: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}

/// Builds the lines of the pane at a given width.
struct Details {
    theme: Theme,
    width: usize,
    now: Timestamp,
    /// How a validation is judged (`[validate]`).
    rules: crate::config::ValidateSettings,
    lines: Vec<Line<'static>>,
}

impl Details {
    fn new(
        theme: Theme,
        width: usize,
        now: Timestamp,
        rules: crate::config::ValidateSettings,
    ) -> Self {
        Self {
            theme,
            width,
            now,
            rules,
            lines: Vec::new(),
        }
    }

    fn build(mut self, c: &ClusterState) -> Vec<Line<'static>> {
        self.cluster(c);
        self.update(c);
        self.validation(c);
        self.followed(c);
        self.download(c);
        self.job(c);
        self.last_error(c);
        self.packages(c);
        self.history(c);
        self.lines
    }

    fn cluster(&mut self, c: &ClusterState) {
        self.heading("Cluster");
        self.field("url", &c.identity.url, Style::new());
        let labels: Vec<String> = c
            .identity
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        self.field("labels", &or_dash(&labels.join(" ")), Style::new());
        // Read less often than the download status: say when.
        let version = match (&c.version, c.version_read) {
            (Some(version), Some(read)) => {
                format!("{version} (read {})", ago(Some(read), self.now))
            }
            (Some(version), None) => version.clone(),
            (None, _) => "not known yet".to_string(),
        };
        self.field("version", &version, Style::new());
        self.connection(c);
        self.health(c);
    }

    /// The download the engine follows here, when there is one, in the engine's words.
    fn followed(&mut self, c: &ClusterState) {
        let Some(f) = &c.followed else {
            return;
        };
        let url = f.operation.url();
        match f.origin {
            _ if f.operation.upload().is_some() => self.upload(f),
            Origin::Started => {
                self.heading("Download started from ontop");
                self.field("package", url, Style::new());
                self.field("requested", &self.moment(f.since_request), Style::new());
            }
            Origin::Resumed => {
                self.heading("Download started by an earlier ontop (from the journal)");
                self.field("package", url, Style::new());
                self.field("requested", &self.moment(f.since_request), Style::new());
            }
            Origin::Attached => {
                self.heading("Download followed (it was running when chosen)");
                self.field(
                    "package",
                    "not known: the cluster does not say what it fetches",
                    self.theme.dim(),
                );
                self.field("followed", &self.moment(f.since_request), Style::new());
            }
        }
        if let Some(job) = &f.job {
            self.field("job", job, Style::new());
        }
        let (word, style) = self.theme.phase(Some(&f.phase));
        let since = self.since(f.since);
        let Some(ending) = f.phase.ending() else {
            let how = match (&f.phase, &f.job) {
                (Phase::Starting, None) if let Some(e) = &f.unanswered => format!(
                    "{}; looking for its download on the cluster (up to {}s)",
                    e.message,
                    UNANSWERED_LOOK.as_secs()
                ),
                (Phase::Starting, None) => "waiting for the cluster to answer".to_string(),
                (Phase::Queued { position, of }, _) => format!(
                    "queued in ontop ({position} of {of}): nothing sent yet, starts when a place frees up (max_running)"
                ),
                (Phase::Download(_), _) => "following the cluster's download status".into(),
                (Phase::Sending { .. }, _) => "sending the image from this host".into(),
                (_, Some(job)) => format!("following job {}", short_uuid(job)),
                (_, None) => "following".to_string(),
            };
            self.field("state", &format!("{word}: {how}, since {since}"), style);
            if let Some(error) = &f.last_error {
                let text = format!(
                    "{} of {MAX_FOLLOW_ERRORS} polls in a row failed, the last: {error}",
                    f.errors
                );
                self.field("retrying", &text, self.theme.warning_badge());
            }
            return;
        };
        self.field("ended", &since, Style::new());
        self.field("result", &ending.summary(), style);
        if let Some(code) = ending.code() {
            self.code(code);
        } else if let Some(step) = ending.next_step() {
            self.field("next step", step, self.theme.heading());
        }
    }

    /// When a state began: "3m ago, 12:00:05 UTC", or "3m ago or earlier, …" when only
    /// ontop's first sight of it is known.
    fn since(&self, since: Since) -> String {
        match since {
            Since::Exactly(t) => self.moment(t),
            Since::AtLeast(t) => format!("{} or earlier, {}", ago(Some(t), self.now), clock(t)),
        }
    }

    /// A moment the one way details shows it: "3m ago, 12:00:05 UTC".
    fn moment(&self, t: Timestamp) -> String {
        format!("{}, {}", ago(Some(t), self.now), clock(t))
    }

    fn download(&mut self, c: &ClusterState) {
        self.heading("Download");
        let (word, style) = self.theme.download(c.download_state());
        let since = c
            .state_since
            .map(|since| format!(" since {}", self.since(since)))
            .unwrap_or_default();
        let Some(d) = &c.download else {
            self.field("state", &format!("{word} (no answer yet)"), style);
            return;
        };
        self.field("state", &format!("{word}{since}"), style);
        self.field("message", d.message.as_deref().unwrap_or("-"), Style::new());
        if d.state == Some(crate::ontap::DownloadState::Failure) {
            // What failed to come: the package ontop asked for, when it did.
            let ours = c
                .followed
                .as_ref()
                .filter(|f| matches!(f.ending(), Some(crate::download::Ending::Failure { .. })))
                .map(|f| f.operation.url())
                .filter(|url| *url != "-");
            let (url, style) = match ours {
                Some(url) => (url.to_string(), Style::new()),
                None => (
                    "not known: not a download ontop followed".to_string(),
                    self.theme.dim(),
                ),
            };
            self.field("package", &url, style);
        }
        if let Some(code) = d.code {
            self.code(code);
        }
    }

    fn job(&mut self, c: &ClusterState) {
        self.heading("Job");
        let Some(job) = &c.job else {
            self.field("", "none followed", self.theme.dim());
            return;
        };
        self.field("uuid", &job.uuid, Style::new());
        if let Some(description) = &job.description {
            self.field("description", description, Style::new());
        }
        let (word, style) = self.theme.job(job.state.as_ref());
        self.field("state", &word, style);
        if let Some(message) = &job.message {
            self.field("message", message, Style::new());
        }
        if let Some(code) = job.code.filter(|&code| code != 0) {
            self.code(code);
        }
        let time = |t: &Option<String>| match t.as_deref() {
            Some(text) => match text.parse::<Timestamp>() {
                Ok(t) => self.moment(t),
                Err(_) => text.to_string(),
            },
            None => "-".to_string(),
        };
        let (started, ended) = (time(&job.start_time), time(&job.end_time));
        self.field("started", &started, Style::new());
        self.field("ended", &ended, Style::new());
    }

    fn last_error(&mut self, c: &ClusterState) {
        self.heading("Last error");
        let Some(e) = &c.last_error else {
            self.field("", "none this session", self.theme.dim());
            return;
        };
        let failing = c.health(self.now) == Health::Failing;
        let (_, alarm) = self.theme.health(Health::Failing);
        let when = match c.last_failure {
            Some(t) => self.moment(t),
            None => "-".to_string(),
        };
        let when = if failing {
            when
        } else {
            format!("{when}; recovered since")
        };
        self.field("when", &when, Style::new());
        let mut kind = e.kind.to_string();
        if let Some(status) = e.http_status {
            kind.push_str(&format!(", HTTP {status}"));
        }
        if let Some(code) = e.code {
            kind.push_str(&format!(", ONTAP code {code}"));
            if let Some(meaning) = meaning_of_code(code) {
                kind.push_str(&format!(" ({meaning})"));
            }
        }
        self.field("kind", &kind, if failing { alarm } else { Style::new() });
        self.field("message", &e.message, Style::new());
        if let Some(target) = &e.target {
            self.field("target", target, Style::new());
        }
        self.field("next step", e.hint(), self.theme.heading());
    }

    /// A code with what it means, then the next step when the table knows one.
    fn code(&mut self, code: i64) {
        let text = match meaning_of_code(code) {
            Some(meaning) => format!("{code}: {meaning}"),
            None => code.to_string(),
        };
        self.field("code", &text, Style::new());
        // "Start a download first" is no step to take: every idle cluster says it.
        let idle = code == 0 || code == super::table::IDLE_CODE;
        if let Some(hint) = hint_for_code(code).filter(|_| !idle) {
            self.field("next step", hint, self.theme.heading());
        }
    }

    fn heading(&mut self, text: &str) {
        if !self.lines.is_empty() {
            self.lines.push(Line::default());
        }
        self.lines
            .push(Line::styled(format!(" {text}"), self.theme.heading()));
    }

    /// "  label        value", the value wrapped under itself.
    fn field(&mut self, label: &str, value: &str, style: Style) {
        let pad = LABEL.saturating_sub(INDENT.len() + width(label)).max(1);
        let lead = format!("{INDENT}{label}{}", " ".repeat(pad));
        let room = self.width.saturating_sub(width(&lead)).max(10);
        for (i, part) in wrap(value, room).into_iter().enumerate() {
            let lead = if i == 0 {
                lead.clone()
            } else {
                " ".repeat(width(&lead))
            };
            self.lines.push(Line::from(vec![
                Span::styled(lead, self.theme.dim()),
                Span::styled(part, style),
            ]));
        }
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "-".to_string()
    } else {
        s.to_string()
    }
}
