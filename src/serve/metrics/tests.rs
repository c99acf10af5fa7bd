use super::*;
use crate::ontap::Package;
use crate::serve::format::{Format, encode};
use crate::state::{ClusterIdentity, ClusterState};

#[test]
fn a_cluster_listing_a_version_twice_makes_one_series() {
    let identity = ClusterIdentity {
        name: "c1".into(),
        ..ClusterIdentity::default()
    };
    let mut cluster = ClusterState::new(identity);
    let package = |v: &str| Package {
        version: Some(v.into()),
        create_time: None,
    };
    let listed = vec![package("9.16.1"), package("9.15.1"), package("9.16.1")];
    cluster.packages = Some((Timestamp::now(), listed));
    let mut gauges = Gauges::new(1);
    gauges.add(0, &cluster, Timestamp::now(), &Default::default());
    gauges.add(0, &cluster, Timestamp::now(), &Default::default());
    let versions: Vec<_> = gauges
        .packages
        .series
        .iter()
        .filter_map(|s| match &s.extra {
            Extra::Version(v) => Some(v.0.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(versions, ["9.16.1", "9.15.1"]);
    assert_eq!(gauges.up.series.len(), 1, "one cluster, one up series");
}

#[test]
fn the_classic_format_of_a_real_registry_names_every_series_family() {
    let stats = PollStats::new();
    let labels = vec![(
        "cluster".to_owned(),
        super::super::labels::Escaped("c1".into()),
    )];
    let error = crate::ontap::OntapError {
        cluster: "c1".into(),
        kind: crate::ontap::ErrorKind::Timeout,
        http_status: None,
        code: None,
        message: "no answer".into(),
        target: None,
        unanswered: false,
    };
    let event = Update::PollFailed {
        cluster: 0,
        at: Timestamp::now(),
        error,
        took: Some(std::time::Duration::from_millis(30)),
    };
    stats.observe(&event, &labels);
    let mut registry = Registry::default();
    registry.register("t_errors", "Errors", stats.errors.clone());
    registry.register_with_unit("t_took", "Took", Unit::Seconds, stats.duration.clone());
    let text = encode(&registry, Format::Classic).unwrap();
    assert!(text.contains("# TYPE t_errors_total counter\n"), "{text}");
    assert!(text.contains("# HELP t_errors_total Errors.\n"), "{text}");
    assert!(
        text.contains("t_errors_total{cluster=\"c1\",kind=\"timeout\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("# TYPE t_took_seconds histogram\n"), "{text}");
    assert!(text.contains("t_took_seconds_count 1\n"), "{text}");
    assert!(
        !text.contains("# UNIT") && !text.contains("# EOF"),
        "{text}"
    );
    // Every sample belongs to the family its TYPE line names.
    let mut family = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            family = rest.split(' ').next().unwrap().to_owned();
        } else if !line.starts_with('#') {
            assert!(line.starts_with(&family), "{line} outside {family}");
        }
    }
}
