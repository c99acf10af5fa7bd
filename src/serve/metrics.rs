//! `/metrics`: the fleet as the model knows it, in the Prometheus formats.
//!
//! Names sit beside Harvest's: `ontap_<object>_<metric>` for what a cluster says,
//! `ontop_<metric>` for what ontop saw while asking. Gauges are read from the model at
//! scrape time (a [`Collector`]), so a scrape never waits on a cluster; the poll error
//! counter and the poll duration histogram count as events arrive.

use std::sync::Arc;

use jiff::Timestamp;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use super::Served;
use super::labels::{Escaped, Label, with};
use crate::config::ValidateSettings;
use crate::engine::Update;
use crate::ontap::{DownloadState, JobState};
use crate::state::{ClusterState, Health, age};
use crate::sync::ReadWrite;

/// What ontop counts as events arrive (the rest is read from the model at scrape time).
#[derive(Debug)]
pub struct PollStats {
    errors: Family<Vec<Label>, Counter>,
    duration: Histogram,
}

impl Default for PollStats {
    fn default() -> Self {
        Self::new()
    }
}

impl PollStats {
    /// Buckets from 5 ms to about 40 s: a loopback simulator to a cluster timing out.
    pub(crate) fn new() -> Self {
        Self {
            errors: Family::default(),
            duration: Histogram::new(exponential_buckets(0.005, 2.0, 14)),
        }
    }

    /// Counts one update: a failed poll by its kind, and how long each poll took.
    pub(crate) fn observe(&self, update: &Update, labels: &[Label]) {
        match update {
            Update::Polled { took, .. } => self.duration.observe(took.as_secs_f64()),
            Update::PollFailed { error, took, .. } => {
                self.errors
                    .get_or_create(&with(labels, "kind", error.kind.as_str()))
                    .inc();
                if let Some(took) = took {
                    self.duration.observe(took.as_secs_f64());
                }
            }
            _ => {}
        }
    }
}

/// The registry a scrape encodes: the counted metrics and the model's gauges.
pub(crate) fn registry(served: Arc<Served>) -> Registry {
    let mut registry = Registry::default();
    registry.register(
        "ontop_poll_errors",
        "Polls of a cluster that failed, by error kind (auth, tls, timeout, connect, http, decode, protocol, password)",
        served.stats.errors.clone(),
    );
    registry.register_with_unit(
        "ontop_poll_duration",
        "Time one poll took, from the first question sent to the last answer, over all clusters",
        Unit::Seconds,
        served.stats.duration.clone(),
    );
    registry.register_collector(Box::new(ModelGauges(served)));
    registry
}

/// The gauges read from the model at each scrape.
#[derive(Debug)]
struct ModelGauges(Arc<Served>);

/// The labels ontop adds to a cluster's own for one series.
#[derive(PartialEq)]
enum Extra {
    None,
    /// `state`: a fixed word.
    State(&'static str),
    /// `version`: a version a cluster gave (escaped).
    Version(Escaped),
    /// Several, for the rarer families (an update's phases, a validation's findings).
    Labels(Vec<(&'static str, Escaped)>),
}

/// One value of a gauge family: the cluster (an index into the served labels), the
/// label added, the value.
struct Series {
    cluster: usize,
    extra: Extra,
    value: f64,
}

/// One gauge family: its name, help, and its series.
struct Gauge {
    name: &'static str,
    help: &'static str,
    series: Vec<Series>,
}

impl Gauge {
    fn new(name: &'static str, help: &'static str, capacity: usize) -> Self {
        Self {
            name,
            help,
            series: Vec::with_capacity(capacity),
        }
    }

    fn push(&mut self, cluster: usize, value: f64) {
        self.push_with(cluster, Extra::None, value);
    }

    /// Adds a series; one the cluster already has in this family (a version it lists
    /// twice) keeps its first value, as OpenMetrics forbids a repeated series. A
    /// cluster's series are pushed together, so only the last few are compared.
    fn push_with(&mut self, cluster: usize, extra: Extra, value: f64) {
        let repeated = self
            .series
            .iter()
            .rev()
            .take_while(|s| s.cluster == cluster)
            .any(|s| s.extra == extra);
        if repeated {
            return;
        }
        self.series.push(Series {
            cluster,
            extra,
            value,
        });
    }

    /// Writes the family; each series borrows its cluster's labels from `labels`, so a
    /// scrape copies no label set.
    fn encode(
        self,
        labels: &[Vec<Label>],
        encoder: &mut DescriptorEncoder,
    ) -> Result<(), std::fmt::Error> {
        let mut family =
            encoder.encode_descriptor(self.name, self.help, None, MetricType::Gauge)?;
        for Series {
            cluster,
            extra,
            value,
        } in self.series
        {
            let base = labels.get(cluster).map_or(&[][..], Vec::as_slice);
            let gauge = ConstGauge::new(value);
            match extra {
                Extra::None => gauge.encode(family.encode_family(&base)?)?,
                Extra::State(word) => {
                    gauge.encode(family.encode_family(&(base, [("state", word)]))?)?;
                }
                Extra::Version(version) => {
                    gauge.encode(family.encode_family(&(base, [("version", version)]))?)?;
                }
                Extra::Labels(extra) => {
                    gauge.encode(family.encode_family(&(base, extra.as_slice()))?)?;
                }
            }
        }
        Ok(())
    }
}

impl Collector for ModelGauges {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let now = Timestamp::now();
        // The model is locked only while its values are copied out (numbers, and the
        // versions clusters gave), not while encoding.
        let gauges = {
            let model = self.0.model.reading();
            let mut gauges = Gauges::new(model.clusters.len());
            for (index, cluster) in model.clusters.iter().enumerate() {
                gauges.add(index, cluster, now, &model.validate);
            }
            gauges
        };
        for gauge in gauges.all() {
            gauge.encode(&self.0.labels, &mut encoder)?;
        }
        Ok(())
    }
}

/// Every gauge family, filled one cluster at a time.
struct Gauges {
    up: Gauge,
    last_success: Gauge,
    login_paused: Gauge,
    certificate: Gauge,
    info: Gauge,
    state: Gauge,
    code: Gauge,
    state_seconds: Gauge,
    job_state: Gauge,
    job_start: Gauge,
    packages: Gauge,
    readiness: readiness::ReadinessGauges,
}

impl Gauges {
    /// Room for `clusters` clusters' series, so a scrape grows no vector as it goes.
    fn new(clusters: usize) -> Self {
        let states = clusters * (DownloadState::WORDS.len() + 1);
        Self {
            up: Gauge::new(
                "ontop_cluster_up",
                "1 when the cluster's last poll answered and is recent, 0 when it failed, is stale (no answer for three poll intervals) or has not answered yet.",
                clusters,
            ),
            last_success: Gauge::new(
                "ontop_cluster_last_success_timestamp_seconds",
                "Unix time of the cluster's last answered poll.",
                clusters,
            ),
            login_paused: Gauge::new(
                "ontop_cluster_login_paused",
                "1 when the cluster refused ontop's login and polls stopped so the account is not locked (fix the password source: ontop serve reads a password_file or password_command again every minute, never sending a refused password twice; a password in the config needs a restart).",
                clusters,
            ),
            certificate: Gauge::new(
                "ontop_certificate_expiry_timestamp_seconds",
                "Unix time the cluster's TLS certificate expires (clusters reached over HTTPS that answered).",
                clusters,
            ),
            info: Gauge::new(
                "ontap_cluster_info",
                "Always 1: the ONTAP version the cluster runs, as the version label.",
                clusters,
            ),
            state: Gauge::new(
                "ontap_software_download_state",
                "1 for the cluster's current package download state (GET /cluster/software/download), 0 for the others; other means a state this ontop does not know.",
                states,
            ),
            code: Gauge::new(
                "ontap_software_download_code",
                "The ONTAP message code of the download state (10551382 running, 10551384 not started, 0 success, others a failure's cause).",
                clusters,
            ),
            state_seconds: Gauge::new(
                "ontap_software_download_state_seconds",
                "Seconds the download state has held, at least: counted from when ontop saw it change, or first saw it.",
                clusters,
            ),
            job_state: Gauge::new(
                "ontop_followed_job_state",
                "1 for the state of the download job ontop follows on the cluster (started by ontop, from its journal), 0 for the others.",
                0,
            ),
            job_start: Gauge::new(
                "ontop_followed_job_start_timestamp_seconds",
                "Unix time the followed download job started, as the cluster says.",
                0,
            ),
            packages: Gauge::new(
                "ontap_software_package_info",
                "Always 1: one series per package in the cluster's repository (GET /cluster/software/packages), as the version label.",
                clusters,
            ),
            readiness: readiness::ReadinessGauges::new(),
        }
    }

    fn all(self) -> impl Iterator<Item = Gauge> {
        [
            self.up,
            self.last_success,
            self.login_paused,
            self.certificate,
            self.info,
            self.state,
            self.code,
            self.state_seconds,
            self.job_state,
            self.job_start,
            self.packages,
        ]
        .into_iter()
        .chain(self.readiness.all())
    }

    fn add(&mut self, i: usize, c: &ClusterState, now: Timestamp, rules: &ValidateSettings) {
        self.readiness.add(i, c, rules);
        let up = c.health(now) == Health::Ok && c.login_paused.is_none();
        self.up.push(i, f64::from(u8::from(up)));
        self.login_paused
            .push(i, f64::from(u8::from(c.login_paused.is_some())));
        if let Some(at) = c.last_success {
            self.last_success.push(i, seconds(at));
        }
        if let Some(cert) = &c.certificate {
            self.certificate.push(i, seconds(cert.expires));
        }
        if let Some(version) = &c.version {
            self.info
                .push_with(i, Extra::Version(Escaped(version.clone())), 1.0);
        }
        if let Some(download) = &c.download {
            let current = download.state.as_ref().map(state_word);
            for word in DownloadState::WORDS.iter().copied().chain(["other"]) {
                let value = f64::from(u8::from(current == Some(word)));
                self.state.push_with(i, Extra::State(word), value);
            }
            if let Some(code) = download.code {
                self.code.push(i, code as f64);
            }
            if let Some(since) = c.state_since {
                let held = age(since.at(), now).as_secs_f64();
                self.state_seconds.push(i, held);
            }
        }
        if let Some(job) = &c.job {
            let current = job.state.as_ref().map(job_word);
            for word in JobState::WORDS.iter().copied().chain(["other"]) {
                let value = f64::from(u8::from(current == Some(word)));
                self.job_state.push_with(i, Extra::State(word), value);
            }
            if let Some(start) = job.start_time.as_deref().and_then(parse_time) {
                self.job_start.push(i, seconds(start));
            }
        }
        if let Some((_, packages)) = &c.packages {
            for version in packages.iter().filter_map(|p| p.version.as_deref()) {
                self.packages
                    .push_with(i, Extra::Version(Escaped(version.to_owned())), 1.0);
            }
        }
    }
}

fn state_word(state: &DownloadState) -> &str {
    match state {
        DownloadState::Other(_) => "other",
        known => known.as_str(),
    }
}

fn job_word(state: &JobState) -> &str {
    match state {
        JobState::Other(_) => "other",
        known => known.as_str(),
    }
}

/// An ONTAP time (`2026-12-01T10:00:00+01:00`), when it is one.
fn parse_time(text: &str) -> Option<Timestamp> {
    text.parse::<Timestamp>().ok()
}

/// Seconds since the Unix epoch, for the `*_timestamp_seconds` gauges.
fn seconds(at: Timestamp) -> f64 {
    at.as_millisecond() as f64 / 1000.0
}

mod readiness;
#[cfg(test)]
mod tests;
