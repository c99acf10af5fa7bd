//! The command line of `ontop sim`: one definition of its flags, and turning them into
//! [`SimOptions`]. Behind the `cli` feature, so that tests using the library need no clap.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::{CertStyle, Fault, Scenario, SimError, SimOptions, parse_fault_arg, run_foreground};

/// `ontop sim` options.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// How many simulated clusters
    #[arg(long, default_value_t = 3)]
    pub clusters: usize,
    /// First port (clusters take consecutive ports) [default: ephemeral ports]
    #[arg(long)]
    pub port: Option<u16>,
    /// Plain HTTP instead of HTTPS
    #[arg(long)]
    pub http: bool,
    /// Delay added to every API response, in milliseconds
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    #[arg(long = "fault", value_name = "NAME=KIND", value_parser = parse_fault_arg,
          help = crate::fault::FAULT_HELP)]
    pub faults: Vec<(String, Fault)>,
    /// The fleet to simulate: idle (sim-1..sim-N, nothing started), demo (every state) or
    /// window (updates in progress)
    #[arg(long, default_value = "idle")]
    pub scenario: Scenario,
    /// The admin password [default: generated]
    #[arg(long, env = "ONTOP_SIM_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Certificates the clusters present: ca, self-signed, or expiring (in 10 days)
    #[arg(long, default_value = "ca")]
    pub cert_style: CertStyle,
    /// Once every listener is up, write a dashboard config for this fleet here
    #[arg(long, value_name = "PATH")]
    pub write_config: Option<PathBuf>,
}

impl SimArgs {
    /// The options these flags ask for.
    pub fn options(&self) -> SimOptions {
        SimOptions {
            clusters: self.clusters,
            scenario: self.scenario,
            http: self.http,
            latency: Duration::from_millis(self.latency_ms),
            faults: self.faults.clone(),
            password: self.password.clone(),
            port: self.port,
            cert_style: self.cert_style,
            ..SimOptions::default()
        }
    }

    /// Runs the fleet in the foreground until SIGINT or SIGTERM.
    pub async fn run(&self) -> Result<(), SimError> {
        run_foreground(self.options(), self.write_config.clone()).await
    }
}
