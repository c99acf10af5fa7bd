//! `ontop trust` against the simulator (self-signed certificates, real TLS on loopback),
//! driven through `ontop::testing::commands::trust::run` with a scripted console: what it shows, what
//! `--write` does to a commented config file, and when it refuses.

use std::path::{Path, PathBuf};

use crate::support::fleet::start_fleet;
use ontop::testing::commands::Exit;
use ontop::testing::commands::trust::{
    Console, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, TrustArgs, run_with,
};
use ontop::testing::config::{Credentials, Prompting, load_from};
use ontop::testing::fleet::{DEFAULT_MAX_IN_FLIGHT, Session, sweep, targets_from_config};
use ontop::testing::ontap::{ErrorKind, Fingerprint};
use ontop_sim::{CertStyle, Fault, SimFleet};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// A console that records what is said and answers the y/N question as told.
struct Script {
    out: String,
    err: String,
    /// The answer to a confirmation; `None` plays "no terminal".
    answer: Option<bool>,
    asked: Vec<String>,
}

impl Script {
    fn answering(answer: Option<bool>) -> Self {
        Self {
            out: String::new(),
            err: String::new(),
            answer,
            asked: Vec::new(),
        }
    }
}

impl Console for Script {
    fn out(&mut self, text: &str) {
        self.out.push_str(text);
    }
    fn err(&mut self, text: &str) {
        self.err.push_str(text);
    }
    fn confirm(&mut self, question: &str) -> Option<bool> {
        self.asked.push(question.to_string());
        self.answer
    }
}

fn args(name: Option<&str>, all: bool, write: bool, yes: bool) -> TrustArgs {
    TrustArgs {
        config: Default::default(),
        name: name.map(str::to_string),
        all,
        write,
        yes,
    }
}

async fn trust(config: &Path, args: TrustArgs, answer: Option<bool>) -> (Exit, Script) {
    let mut console = Script::answering(answer);
    // As `main` does: a config that does not load is a usage error, said once.
    let code = match ontop::testing::config::load_from(config) {
        Ok(config) => run_with(&args, &config, &mut console).await,
        Err(e) => {
            console.err(&format!("ontop: {e}\n"));
            Exit::Usage
        }
    };
    (code, console)
}

fn fingerprint(fleet: &SimFleet, cluster: &str) -> Fingerprint {
    let pem = fleet.cluster_cert_pem(cluster).unwrap();
    Fingerprint::of(
        CertificateDer::from_pem_slice(pem.as_bytes())
            .unwrap()
            .as_ref(),
    )
}

/// A hand-written, commented config for the fleet; `extra[i]` is added to cluster i.
fn write_config(fleet: &SimFleet, dir: &Path, extra: &[&str]) -> (PathBuf, String) {
    let mut text = format!(
        "# The lab fleet. Keep this comment.\n[defaults]\nusername = \"{}\"   # the sim's user\npassword = \"{}\"\ntimeout = \"5s\"\n",
        fleet.username(),
        fleet.password()
    );
    for (i, c) in fleet.clusters().iter().enumerate() {
        text.push_str(&format!(
            "\n# cluster {n}, on loopback\n[[cluster]]\nname = \"{}\"\nurl = \"{}\"  # port from the sim\nlabels = {{ site = \"lab\" }}\n{}",
            c.name,
            c.url,
            extra.get(i).copied().unwrap_or_default(),
            n = i + 1
        ));
    }
    let path = dir.join("ontop.toml");
    std::fs::write(&path, &text).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    (path, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_shows_the_presented_certificate_and_the_line_to_pin() {
    let fleet = start_fleet(1, |o| o.cert_style = CertStyle::SelfSigned).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, text) = write_config(&fleet, dir.path(), &[]);

    let (code, said) = trust(&config, args(Some("sim-1"), false, false, false), None).await;
    assert_eq!(code, EXIT_OK, "{}", said.err);
    let fp = fingerprint(&fleet, "sim-1");
    for part in [
        "sim-1  https://127.0.0.1:".to_string(),
        "presented 1 certificate:".to_string(),
        "subject   CN=sim-1, O=ontop sim".to_string(),
        "issuer    CN=sim-1, O=ontop sim".to_string(),
        "names     DNS:localhost, IP:127.0.0.1".to_string(),
        "(expires in 36".to_string(),
        format!("sha256    {}", &fp.to_string()[7..]),
        "self-signed  yes".to_string(),
        "expired      no".to_string(),
        "valid for    127.0.0.1: yes".to_string(),
        "trusted now  no, by nothing set (the system trust store): it is not signed by a CA trusted there".to_string(),
        format!("fingerprint = \"{fp}\"\n"),
        "then pin with: ontop trust sim-1 --write".to_string(),
    ] {
        assert!(said.out.contains(&part), "{part:?} not in:\n{}", said.out);
    }
    assert!(said.asked.is_empty());
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        text,
        "nothing written"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_write_adds_one_line_and_the_pin_then_works_until_the_certificate_changes() {
    let fleet = start_fleet(2, |o| o.cert_style = CertStyle::SelfSigned).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, text) = write_config(&fleet, dir.path(), &[]);

    let (code, said) = trust(&config, args(Some("sim-1"), false, true, true), None).await;
    assert_eq!(code, EXIT_OK, "{}", said.err);
    let fp = fingerprint(&fleet, "sim-1");
    let url = &fleet.clusters()[0].url;
    let anchor = format!("url = \"{url}\"  # port from the sim\nlabels = {{ site = \"lab\" }}\n");
    let expected = text.replacen(&anchor, &format!("{anchor}fingerprint = \"{fp}\"\n"), 1);
    assert_ne!(expected, text);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), expected);
    assert!(said.out.contains("config updated"), "{}", said.out);
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&config).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the permissions are kept");

    // The written pin is what the fleet now trusts; the other cluster has no trust yet.
    let loaded = load_from(&config).unwrap();
    let targets = targets_from_config(
        &loaded,
        &Credentials::new(Prompting::Never),
        Session::ReadOnly,
    );
    let reports = sweep(&targets, DEFAULT_MAX_IN_FLIGHT).await;
    assert!(reports[0].answered(), "{:?}", reports[0].error);
    let tls = reports[0].tls.as_ref().unwrap();
    assert!(tls.pinned && tls.self_signed && tls.fingerprint == fp);
    assert_eq!(reports[1].error.as_ref().unwrap().kind, ErrorKind::Tls);

    // A changed certificate is refused, and `trust` says so, then re-pins in place.
    fleet.rotate_certificate("sim-1").unwrap();
    let reports = sweep(
        &targets_from_config(
            &loaded,
            &Credentials::new(Prompting::Never),
            Session::ReadOnly,
        ),
        8,
    )
    .await;
    let err = reports[0].error.as_ref().expect("refused");
    assert!(
        err.kind == ErrorKind::Tls && err.message.contains("CHANGED"),
        "{err}"
    );
    let (code, said) = trust(&config, args(Some("sim-1"), false, false, false), None).await;
    assert_eq!(code, EXIT_OK);
    assert!(
        said.out
            .contains("trusted now  NO, by the pinned fingerprint"),
        "{}",
        said.out
    );
    let (code, _) = trust(&config, args(Some("sim-1"), false, true, true), None).await;
    assert_eq!(code, EXIT_OK);
    let new_fp = fingerprint(&fleet, "sim-1");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        expected.replace(&fp.to_string(), &new_fp.to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_needs_a_confirmation_or_yes() {
    let fleet = start_fleet(1, |o| o.cert_style = CertStyle::SelfSigned).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, text) = write_config(&fleet, dir.path(), &[]);
    let write = || args(Some("sim-1"), false, true, false);

    let (code, said) = trust(&config, write(), None).await;
    assert_eq!(code, EXIT_USAGE, "no terminal, no --yes: refused");
    assert!(said.err.contains("--write --yes"), "{}", said.err);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);

    let (code, said) = trust(&config, write(), Some(false)).await;
    assert_eq!(code, EXIT_OK);
    assert!(said.out.contains("nothing written"));
    assert!(said.asked[0].contains(&fingerprint(&fleet, "sim-1").to_string()));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);

    let (code, _) = trust(&config, write(), Some(true)).await;
    assert_eq!(code, EXIT_OK);
    assert_ne!(std::fs::read_to_string(&config).unwrap(), text);
    let (code, said) = trust(&config, write(), None).await;
    assert_eq!(code, EXIT_OK, "already pinned: nothing to confirm");
    assert!(said.out.contains("already pinned"), "{}", said.out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pins_the_clusters_without_trust_and_reports_the_unreachable() {
    let fleet = start_fleet(3, |o| o.cert_style = CertStyle::SelfSigned).await;
    fleet.set_fault("sim-3", Fault::Down);
    let dir = tempfile::tempdir().unwrap();
    let (config, text) = write_config(&fleet, dir.path(), &["", "insecure = true\n"]);

    let (code, said) = trust(&config, args(None, true, true, true), None).await;
    assert_eq!(code, EXIT_UNREACHABLE, "{}", said.err);
    assert!(said.err.contains("sim-3: cannot connect"), "{}", said.err);
    assert!(
        !said.out.contains("sim-2"),
        "insecure clusters have their trust set"
    );
    let written = std::fs::read_to_string(&config).unwrap();
    let fp = fingerprint(&fleet, "sim-1");
    assert_eq!(written.matches("fingerprint = ").count(), 1, "{written}");
    assert!(written.contains(&format!("fingerprint = \"{fp}\"")));
    assert_eq!(written.lines().count(), text.lines().count() + 1);

    fleet.set_fault("sim-3", Fault::None);
    let (code, said) = trust(&config, args(None, true, false, false), None).await;
    assert_eq!(code, EXIT_OK, "{}", said.err);
    assert!(
        said.out.starts_with("sim-3  "),
        "only sim-3 is left:\n{}",
        said.out
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() {
    let fleet = start_fleet(1, |o| o.cert_style = CertStyle::SelfSigned).await;
    let http = start_fleet(1, |o| o.http = true).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, _) = write_config(&fleet, dir.path(), &[]);

    let (code, said) = trust(&config, args(Some("sim-l"), false, false, false), None).await;
    assert_eq!(code, EXIT_USAGE);
    assert!(said.err.contains("did you mean sim-1?"), "{}", said.err);
    let (code, _) = trust(&config, args(None, false, false, false), None).await;
    assert_eq!(code, EXIT_USAGE);
    let missing = dir.path().join("absent.toml");
    let (code, _) = trust(&missing, args(Some("sim-1"), false, false, false), None).await;
    assert_eq!(code, EXIT_USAGE);

    let http_dir = tempfile::tempdir().unwrap();
    let (config, _) = write_config(&http, http_dir.path(), &[]);
    let (code, said) = trust(&config, args(Some("sim-1"), false, false, false), None).await;
    assert_eq!(code, EXIT_USAGE);
    assert!(said.err.contains("plain http"), "{}", said.err);
}
