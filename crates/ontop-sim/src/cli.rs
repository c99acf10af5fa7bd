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
    /// First port (clusters take consecutive ports; with --shared-port, the one port)
    /// [default: ephemeral ports]
    #[arg(long)]
    pub port: Option<u16>,
    /// Every cluster on one port, each at a loopback address of its own (127.1.0.1,
    /// 127.1.0.2, ...) or by its name in TLS SNI: for fleets of thousands
    #[arg(long)]
    pub shared_port: bool,
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
    /// How fast each cluster takes an upload: bytes a second, with an optional KiB, MiB
    /// or GiB (0 = as fast as it comes)
    #[arg(long, value_name = "RATE", default_value = "16MiB", value_parser = parse_rate)]
    pub upload_rate: u64,
    /// Run a cluster on another release than the scenario's, e.g. sim-2=9.7.0 (before
    /// 9.8 a cluster takes no uploads)
    #[arg(long = "cluster-version", value_name = "NAME=VERSION", value_parser = parse_version_arg)]
    pub versions: Vec<(String, String)>,
}

/// `16MiB`, `512KiB/s`, `1048576`: bytes a second.
fn parse_rate(s: &str) -> Result<u64, String> {
    let spec = s.trim();
    let spec = spec.strip_suffix("/s").unwrap_or(spec);
    let digits = spec
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(spec.len());
    let (number, unit) = spec.split_at(digits);
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "invalid rate {s:?}: expected bytes a second, e.g. 16MiB or 0"
            ));
        }
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("invalid rate {s:?}: expected bytes a second, e.g. 16MiB or 0"))
}

/// `NAME=VERSION`, e.g. `sim-2=9.7.0`.
fn parse_version_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, version)) if !name.trim().is_empty() && !version.trim().is_empty() => {
            Ok((name.trim().to_string(), version.trim().to_string()))
        }
        _ => Err(format!(
            "expected NAME=VERSION, e.g. sim-2=9.7.0; got {s:?}"
        )),
    }
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
            upload_bandwidth: self.upload_rate,
            shared_port: self.shared_port,
            versions: self.versions.clone(),
            ..SimOptions::default()
        }
    }

    /// Runs the fleet in the foreground until SIGINT or SIGTERM.
    pub async fn run(&self) -> Result<(), SimError> {
        run_foreground(self.options(), self.write_config.clone()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_with_or_without_a_unit() {
        assert_eq!(parse_rate("0"), Ok(0));
        assert_eq!(parse_rate("1048576"), Ok(1 << 20));
        assert_eq!(parse_rate("16MiB"), Ok(16 << 20));
        assert_eq!(parse_rate("512KiB/s"), Ok(512 << 10));
        assert_eq!(parse_rate("1g"), Ok(1 << 30));
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("99999999999999GiB").is_err());
    }

    #[test]
    fn versions_are_name_equals_release() {
        let parsed = parse_version_arg("sim-2=9.7.0");
        assert_eq!(parsed, Ok(("sim-2".to_string(), "9.7.0".to_string())));
        assert!(parse_version_arg("sim-2").is_err());
        assert!(parse_version_arg("=9.7.0").is_err());
    }
}
