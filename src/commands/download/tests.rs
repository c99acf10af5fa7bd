//! The command's pure parts: choosing clusters, the URL and password rules, the question.

use std::path::Path;

use super::*;
use crate::commands::selection::choose;
use crate::config::Config;

fn args(url: Option<&str>, username: Option<&str>, password_env: Option<&str>) -> DownloadArgs {
    DownloadArgs {
        config: Default::default(),
        read_only: false,
        select: crate::commands::selection::SelectionArgs {
            all: true,
            ..Default::default()
        },
        url: url.map(str::to_string),
        username: username.map(str::to_string),
        password_env: password_env.map(str::to_string),
        wait: false,
        timeout: None,
        yes: true,
        force: false,
        dry_run: false,
        file: None,
        sha256: None,
        limit_rate: None,
        max_running: None,
    }
}

fn config(download_url: Option<&str>, download_user: Option<&str>) -> Config {
    Config {
        path: "/etc/ontop/config.toml".into(),
        clusters: Vec::new(),
        download: crate::config::DownloadDefaults {
            url: download_url.map(|u| u.parse().unwrap()),
            username: download_user.map(str::to_string),
            max_running: None,
            ..Default::default()
        },
        serve: Default::default(),
        validate: Default::default(),
        warnings: Vec::new(),
    }
}

const NAMES: [&str; 4] = ["prod-ams-1", "prod-ams-2", "lab-fra-1", "dr-nyc"];

#[test]
fn clusters_are_chosen_in_config_order_once_and_typos_get_suggestions() {
    let path = Path::new("/c.toml");
    let wanted = ["dr-nyc", "prod-ams-1", "dr-nyc"].map(String::from);
    assert_eq!(choose(&NAMES, &wanted, false, path).unwrap(), [0, 3]);
    assert_eq!(choose(&NAMES, &[], true, path).unwrap(), [0, 1, 2, 3]);

    let err = choose(&NAMES, &["prod-ams-3".into()], false, path).unwrap_err();
    let said =
        "no cluster is named \"prod-ams-3\" in /c.toml; did you mean prod-ams-1, prod-ams-2?";
    assert_eq!(err.to_string(), said);
    let two = ["x1".to_string(), "prod-ams-1".into(), "zz".into()];
    let err = choose(&NAMES, &two, false, path).unwrap_err();
    assert_eq!(
        err.to_string().lines().count(),
        2,
        "one line per unknown name: {err}"
    );

    let err = choose(&NAMES, &["zzzzzzzzzzzz".into()], false, path).unwrap_err();
    assert!(
        err.to_string()
            .contains("configured: prod-ams-1, prod-ams-2"),
        "{err}"
    );
}

#[test]
fn the_url_comes_from_the_flag_else_the_download_table() {
    let none = |_: &str| None;
    let cfg = config(Some("https://repo/img/97_q_image.tgz"), Some("fetch"));
    let spec = spec_for(
        &cfg,
        &args(Some("https://other/pkg.tgz"), None, None),
        false,
        none,
    )
    .unwrap();
    assert_eq!(spec.masked_url(), "https://other/pkg.tgz");
    assert_eq!(
        spec.username, None,
        "[download] username goes with its URL only"
    );

    let err = spec_for(&cfg, &args(None, None, None), false, none).unwrap_err();
    assert!(
        err.to_string().contains("user fetch needs a password"),
        "{err}"
    );
    let env = |v: &str| (v == "PW").then(|| "pw".to_string());
    let spec = spec_for(&cfg, &args(None, None, Some("PW")), false, env).unwrap();
    assert_eq!(spec.masked_url(), "https://repo/img/97_q_image.tgz");
    assert_eq!(spec.username.as_deref(), Some("fetch"));

    let err = spec_for(&config(None, None), &args(None, None, None), false, none).unwrap_err();
    assert!(
        err.to_string().contains("--url") && err.to_string().contains("[download]"),
        "{err}"
    );
}

#[test]
fn a_bad_url_is_refused_before_any_password_is_looked_for() {
    let cfg = config(None, None);
    let err = spec_for(
        &cfg,
        &args(Some("gopher://x/p.tgz"), Some("u"), None),
        true,
        |_| panic!("no password lookup for a bad URL"),
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("--url: unsupported scheme"),
        "{err}"
    );
}

#[test]
fn the_password_comes_only_from_a_named_variable_that_is_set() {
    let cfg = config(None, None);
    let url = Some("https://repo/p.tgz");
    let empty = |_: &str| Some(String::new());
    let err = spec_for(&cfg, &args(url, Some("u"), Some("PKG_PW")), false, empty).unwrap_err();
    assert!(
        err.to_string().contains("PKG_PW") && err.to_string().contains("not set"),
        "{err}"
    );
    let err = spec_for(&cfg, &args(url, None, Some("PKG_PW")), false, |_| None).unwrap_err();
    assert!(err.to_string().contains("needs --username"), "{err}");
    let secret = |_: &str| Some("hunter2-unique".to_string());
    let spec = spec_for(&cfg, &args(url, Some("u"), Some("PKG_PW")), false, secret).unwrap();
    assert!(!format!("{spec:?}").contains("hunter2-unique"));
    assert!(spec_for(&cfg, &args(url, None, None), false, |_| None).is_ok());
}

#[test]
fn the_question_names_every_target_and_masks_the_url() {
    let q = question(&[("https://u:***@repo/p.tgz".into(), vec!["a", "b", "c"])]);
    assert_eq!(
        q,
        "Start downloading https://u:***@repo/p.tgz on 3 clusters: a, b, c? [y/N] "
    );
    assert!(question(&[("x".into(), vec!["a"])]).contains("on 1 cluster: a?"));
    // Each site's mirror: the clusters named under the URL each fetches.
    let q = question(&[
        ("https://pkgs-ams/p.tgz".into(), vec!["a", "b"]),
        ("https://pkgs/p.tgz".into(), vec!["c"]),
    ]);
    assert!(
        q.starts_with("Start downloading on 3 clusters, each from its site:"),
        "{q}"
    );
    assert!(
        q.contains("  https://pkgs-ams/p.tgz: a, b\n  https://pkgs/p.tgz: c\n"),
        "{q}"
    );
}

#[test]
fn the_follow_limit_reads_friendly_durations_and_refuses_the_rest() {
    assert_eq!(follow_limit(None).unwrap(), None);
    assert_eq!(
        follow_limit(Some("90m")).unwrap(),
        Some(Duration::from_secs(90 * 60))
    );
    assert_eq!(
        follow_limit(Some("1h 30m")).unwrap(),
        Some(Duration::from_secs(90 * 60))
    );
    for bad in ["soon", "-5m", "0s", "", "9223372036854775807s", "400d"] {
        assert!(follow_limit(Some(bad)).is_err(), "{bad}");
    }
}
