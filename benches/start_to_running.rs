//! Time from the confirmation (`y`) to every row showing its job `running`, for 50
//! simulated HTTPS clusters: the dashboard's own path (the engine's pollers,
//! start_downloads, the model), without drawing. `cargo bench --bench start_to_running`.
//!
//! A scripted measurement rather than criterion: each run needs a fresh fleet (a
//! cluster refuses a second download of the same package), so it prints the median
//! and spread of a few runs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ontop::testing::download::audit::AuditLog;
use ontop::testing::download::journal::Journal;
use ontop::testing::download::{DownloadSpec, Phase, Plan, Planned};
use ontop::testing::engine::{Engine, EngineOptions, EngineSetup, Schedule};
use ontop::testing::fleet::Target;
use ontop::testing::ontap::{Client, ClientSettings, JobState, TlsTrust};
use ontop::testing::state::{ClusterIdentity, Model};
use ontop_sim::{SimFleet, SimOptions};

const CLUSTERS: usize = 50;
const RUNS: usize = 5;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let mut times: Vec<Duration> = (0..RUNS).map(|_| runtime.block_on(one_run())).collect();
    times.sort();
    println!(
        "start_to_running/{CLUSTERS}: median {:?} (min {:?}, max {:?}, {RUNS} runs)",
        times[RUNS / 2],
        times[0],
        times[RUNS - 1]
    );
}

async fn one_run() -> Duration {
    let sim = SimFleet::start(SimOptions {
        clusters: CLUSTERS,
        // Long enough that every download is still running when the last one starts.
        package_size: 8 * 1024 * 1024,
        bandwidth: 1024 * 1024,
        ..SimOptions::default()
    })
    .await
    .expect("the simulator starts");
    let trust = TlsTrust::CaPem(sim.ca_pem().unwrap().as_bytes().to_vec());
    let targets: Vec<(Target, Schedule)> = sim
        .clusters()
        .into_iter()
        .map(|c| {
            let client = Client::new(ClientSettings {
                name: c.name.clone(),
                url: c.url.parse().unwrap(),
                username: sim.username().into(),
                password: sim.password().to_string().into(),
                trust: trust.clone(),
                tls_server_name: None,
                timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(10),
                read_only: false,
            })
            .unwrap();
            let target = Target {
                name: c.name,
                url: c.url,
                labels: c.labels.into_iter().collect(),
                client: Ok(Arc::new(client)),
                reauth: None,
            };
            (target, Schedule::every(Duration::from_secs(5)))
        })
        .collect();
    let mut model = Model::new(targets.iter().map(|(t, s)| ClusterIdentity {
        name: t.name.clone(),
        url: t.url.clone(),
        poll_interval: s.interval,
        ..ClusterIdentity::default()
    }));
    let setup = EngineSetup {
        clusters: targets,
        audit: AuditLog::disabled(),
        journal: Journal::open(None),
        mirrors: Vec::new(),
    };
    let (engine, mut events) = Engine::start(setup, EngineOptions::default());
    // Let the first polls land, as they have by the time someone presses `y`.
    let settle = Instant::now();
    while model.clusters.iter().any(|c| c.last_success.is_none()) {
        model.apply(events.recv().await.unwrap());
        assert!(
            settle.elapsed() < Duration::from_secs(60),
            "the fleet answers"
        );
    }
    let spec = DownloadSpec::new(&sim.default_package_url(), None, None).unwrap();
    let started = Instant::now();
    let plan = Plan {
        targets: (0..CLUSTERS)
            .map(|cluster| Planned {
                cluster,
                name: format!("c{cluster}"),
            })
            .collect(),
        ..Plan::default()
    };
    engine.start_downloads(&plan, spec);
    while !model
        .clusters
        .iter()
        .all(|c| c.phase() == Some(&Phase::Job(JobState::Running)))
    {
        model.apply(events.recv().await.unwrap());
    }
    let elapsed = started.elapsed();
    engine.shutdown();
    sim.shutdown().await;
    elapsed
}
