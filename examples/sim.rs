//! A stand-alone `ontop sim`: runs the ONTAP simulator in the foreground.
//!
//! Same options as the `ontop sim` subcommand, for use before (or without) the
//! main CLI, e.g. by `scripts/python_fidelity.py`:
//! `cargo run --example sim -- --clusters 3 --write-config /tmp/sim.toml`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use ontop::sim::{Fault, Scenario, SimOptions, parse_fault_arg, run_foreground};

/// Run simulated ONTAP clusters on 127.0.0.1 until Ctrl-C.
#[derive(Debug, Parser)]
struct Args {
    /// Number of clusters.
    #[arg(long, default_value_t = 3)]
    clusters: usize,
    /// First cluster port (clusters use consecutive ports); default: free ports.
    #[arg(long)]
    port: Option<u16>,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    http: bool,
    /// Delay added to every API response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// A fault for one cluster, NAME=KIND (repeatable).
    #[arg(long = "fault", value_parser = parse_fault_arg)]
    faults: Vec<(String, Fault)>,
    /// Starting fleet: idle or demo.
    #[arg(long, default_value = "idle")]
    scenario: Scenario,
    /// The admin password (default: random).
    #[arg(long)]
    password: Option<String>,
    /// Write a dashboard config (and the CA beside it) here once the fleet is up.
    #[arg(long)]
    write_config: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let opts = SimOptions {
        clusters: args.clusters,
        scenario: args.scenario,
        http: args.http,
        latency: Duration::from_millis(args.latency_ms),
        faults: args.faults,
        password: args.password,
        port: args.port,
        ..SimOptions::default()
    };
    match run_foreground(opts, args.write_config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
