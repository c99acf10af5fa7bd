//! The `ontop` binary: parse the command line, run one command, turn its outcome into an
//! exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use ontop::cli::{Cli, Command, ConfigCommand, SimArgs};
use ontop::config::{self, Credentials};
use ontop::fleet::{self, DEFAULT_MAX_IN_FLIGHT};
use ontop::{demo, download_cmd, launch, status, tui};

/// Usage or config errors: nothing was asked of any cluster.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dashboard = matches!(cli.command, None | Some(Command::Demo { .. }));
    // The dashboard owns the screen: its logs go to a file. Everything else logs to stderr.
    let _log_guard = if dashboard {
        init_file_logging()
    } else {
        init_stderr_logging(matches!(cli.command, Some(Command::Sim(_))));
        None
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            ontop::errln!("ontop: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let code = runtime.block_on(run(cli));
    // Hung connections must not hold the exit: their tasks are simply dropped.
    runtime.shutdown_background();
    ExitCode::from(code)
}

async fn run(cli: Cli) -> u8 {
    match cli.command {
        None => run_dashboard(&cli).await,
        Some(Command::Demo { clusters }) => run_demo(&cli, clusters).await,
        Some(Command::Status { json }) => run_status(&cli, json).await,
        Some(Command::Trust(ref args)) => {
            ontop::trust::run_trust(args, cli.config.as_deref()).await
        }
        Some(Command::Download(ref args)) => {
            match download_cmd::run(cli.config.as_deref(), cli.read_only, args).await {
                Ok(code) => code,
                Err(e) => {
                    ontop::errln!("ontop: {e}");
                    EXIT_USAGE
                }
            }
        }
        Some(Command::Sim(ref args)) => run_sim(args).await,
        Some(Command::Config(ConfigCommand::Check)) => run_config_check(&cli),
    }
}

async fn run_status(cli: &Cli, json: bool) -> u8 {
    let Some(config) = load_config(cli) else {
        return EXIT_USAGE;
    };
    let credentials = Credentials::new(std::io::stdin().is_terminal());
    // Password commands and prompts block: keep them off the async workers.
    let targets = tokio::task::block_in_place(|| {
        fleet::targets_from_config(&config, &credentials, cli.read_only)
    });
    // Jobs started by ontop (any session) and not yet seen to end: show them too.
    let journal = ontop::journal::Journal::open(config::data_dir().as_deref()).entries();
    let jobs: Vec<Option<String>> = config
        .clusters
        .iter()
        .map(|c| {
            journal
                .iter()
                .rev()
                .find(|e| e.cluster == c.name)
                .map(|e| e.job.clone())
        })
        .collect();
    let reports = fleet::sweep_with_jobs(&targets, &jobs, DEFAULT_MAX_IN_FLIGHT).await;
    print_reports(&reports, json);
    status::exit_code(&reports)
}

async fn run_dashboard(cli: &Cli) -> u8 {
    let Some(config) = load_config(cli) else {
        return EXIT_USAGE;
    };
    let credentials = std::sync::Arc::new(Credentials::new(std::io::stdin().is_terminal()));
    let options = launch::ScreenOptions::from_cli(cli);
    // Password commands and prompts block: keep them off the async workers.
    let setup = tokio::task::block_in_place(|| launch::from_config(&config, &credentials, options));
    screen_exit(tui::run(setup).await)
}

#[cfg(not(feature = "sim"))]
async fn run_demo(_cli: &Cli, _clusters: usize) -> u8 {
    ontop::errln!("ontop: {}", demo::NOT_BUILT_IN);
    EXIT_USAGE
}

#[cfg(feature = "sim")]
async fn run_demo(cli: &Cli, clusters: usize) -> u8 {
    let sim = match demo::start_fleet(clusters).await {
        Ok(sim) => sim,
        Err(e) => {
            ontop::errln!("ontop: cannot start the demo fleet: {e}");
            return EXIT_USAGE;
        }
    };
    let setup = demo::dashboard(&sim, launch::ScreenOptions::from_cli(cli));
    let code = screen_exit(tui::run(setup).await);
    sim.shutdown().await;
    code
}

fn screen_exit(result: std::io::Result<()>) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            ontop::errln!("ontop: terminal error: {e}");
            1
        }
    }
}

fn print_reports(reports: &[fleet::ClusterReport], json: bool) {
    if json {
        let doc = status::to_json(reports);
        ontop::outln!(
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "[]".into())
        );
    } else {
        ontop::out!("{}", status::to_table(reports));
    }
}

#[cfg(feature = "sim")]
async fn run_sim(args: &SimArgs) -> u8 {
    match args.run().await {
        Ok(()) => 0,
        Err(e) => {
            ontop::errln!("ontop sim: {e}");
            EXIT_USAGE
        }
    }
}

#[cfg(not(feature = "sim"))]
async fn run_sim(_args: &SimArgs) -> u8 {
    ontop::errln!("ontop: {}", demo::NOT_BUILT_IN);
    EXIT_USAGE
}

fn run_config_check(cli: &Cli) -> u8 {
    let Some(config) = load_config(cli) else {
        return EXIT_USAGE;
    };
    ontop::out!("{}", config.render_redacted());
    let credentials = Credentials::new(std::io::stdin().is_terminal());
    let mut failed = 0;
    for cluster in &config.clusters {
        if let Err(e) = credentials.password_for(cluster) {
            ontop::errln!("ontop: {e}");
            failed += 1;
        }
    }
    if failed > 0 {
        ontop::errln!("ontop: {failed} cluster(s) have no usable password");
        return EXIT_USAGE;
    }
    ontop::outln!(
        "\n# {}: {} cluster(s), every credential resolved",
        config.path.display(),
        config.clusters.len()
    );
    0
}

/// Loads the config, printing its warnings; `None` after printing why it cannot be used
/// (the caller exits 2).
fn load_config(cli: &Cli) -> Option<config::Config> {
    match config::load(cli.config.as_deref()) {
        Ok(config) => {
            for warning in &config.warnings {
                ontop::errln!("ontop: warning: {warning}");
                tracing::warn!("{warning}");
            }
            Some(config)
        }
        Err(e) => {
            ontop::errln!("ontop: {e}");
            None
        }
    }
}

/// Logs go to stderr, filtered by `ONTOP_LOG` (e.g. `ONTOP_LOG=debug`); warnings only by
/// default so that tables and JSON on stdout stay clean.
fn init_stderr_logging(verbose: bool) {
    let default = if verbose { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONTOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// The dashboard logs to `<data dir>/ontop/ontop.log`, never to the screen it draws.
/// Without a data dir it does not log at all rather than corrupt the screen.
fn init_file_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = config::data_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "ontop.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONTOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
