//! What the dashboard costs per event and per frame, for fleets from 50 to 2000 clusters.
//!
//! `cargo bench --bench dashboard`. The budget (`docs/architecture.md`): a frame renders only the
//! visible rows, so drawing 2000 clusters costs about what drawing 50 does.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use ontop::testing::engine::Update as Event;
use ontop::testing::fleet::Session;
use ontop::testing::ontap::{DownloadState, DownloadStatus};
use ontop::testing::state::{ClusterIdentity, Model, SortOrder, visible_rows};
use ontop::testing::tui::{App, Palette, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn now() -> Timestamp {
    "2026-11-27T10:00:00Z".parse().unwrap()
}

fn model(clusters: usize) -> Model {
    let mut model = Model::new((0..clusters).map(|i| ClusterIdentity {
        name: format!("cluster-{i:04}"),
        url: format!("https://10.0.{}.{}", i / 250, i % 250),
        poll_interval: Duration::from_secs(5),
        ..ClusterIdentity::default()
    }));
    for i in 0..clusters {
        model.apply(poll(i, i as i64 % 7));
    }
    model
}

fn poll(cluster: usize, variant: i64) -> Event {
    let state = match variant % 4 {
        0 => DownloadState::Running,
        1 => DownloadState::Success,
        2 => DownloadState::Failure,
        _ => DownloadState::NotStarted,
    };
    Event::Polled {
        cluster,
        at: now() - SignedDuration::from_secs(variant),
        info: None,
        download: DownloadStatus {
            state: Some(state),
            message: Some("Package download in progress".into()),
            code: Some(10551382),
        },
        job: None,
        took: std::time::Duration::ZERO,
    }
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_120x40");
    for clusters in [50, 500, 2000] {
        let mut app = App::new(
            model(clusters),
            "bench",
            Session::AsConfigured,
            Palette::Colors,
        );
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(clusters), &clusters, |b, _| {
            b.iter(|| {
                terminal.draw(|f| draw(f, &mut app, now())).unwrap();
            });
        });
    }
    group.finish();
}

fn events(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply_event");
    for clusters in [50, 2000] {
        let mut app = App::new(
            model(clusters),
            "bench",
            Session::AsConfigured,
            Palette::Colors,
        );
        group.bench_with_input(BenchmarkId::from_parameter(clusters), &clusters, |b, &n| {
            let mut i = 0usize;
            b.iter(|| {
                i = (i + 1) % n;
                black_box(app.apply(poll(i, i as i64), now()))
            });
        });
    }
    group.finish();
}

fn filter_and_sort(c: &mut Criterion) {
    let model = model(2000);
    let sort = SortOrder::default().by(Some(ontop::testing::state::Column::Labels));
    c.bench_function("visible_rows_2000_filtered_sorted", |b| {
        b.iter(|| visible_rows(black_box(&model), "running", sort, now()))
    });
}

criterion_group!(benches, frames, events, filter_and_sort);
criterion_main!(benches);
