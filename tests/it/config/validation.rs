//! Every way a config file can be wrong gets a message that names the file, the key and
//! the fix. These tests never change the process environment (see `config_env.rs`).

use crate::support::config::{Fixture, ONE_CLUSTER, assert_says, chmod};
use ontop::testing::config::{ConfigError, load_from};

#[test]
fn an_unknown_key_names_the_cluster_and_the_nearest_valid_key() {
    let fx = Fixture::new();
    let text = format!(
        "{ONE_CLUSTER}\n[[cluster]]\nname = \"prod-2\"\nurl = \"https://10.0.0.2\"\nusrname = \"x\"\n"
    );
    let message = fx.error(&text);
    let file = fx.dir.path().join("config.toml");
    assert_says(
        &message,
        &[
            &file.display().to_string(),
            "[[cluster]] #2 \"prod-2\"",
            "usrname",
            "did you mean \"username\"?",
        ],
    );
}

#[test]
fn unknown_keys_are_caught_in_every_table() {
    let fx = Fixture::new();
    let text = format!("[clusters]\n[download]\nurll = \"x\"\n{ONE_CLUSTER}timout = \"1s\"\n");
    let message = fx.error(&text.replace("[defaults]\n", "[defaults]\npoll_intervall = \"5s\"\n"));
    assert_says(
        &message,
        &[
            "top level: clusters: unknown key \"clusters\" — did you mean \"cluster\"?",
            "[download]: urll: unknown key \"urll\" — did you mean \"url\"?",
            "[defaults]: poll_intervall: unknown key \"poll_intervall\" — did you mean \"poll_interval\"?",
            "[[cluster]] #1 \"prod-1\": timout: unknown key \"timout\" — did you mean \"timeout\"?",
        ],
    );
}

#[test]
fn a_cluster_only_key_in_defaults_says_where_it_belongs() {
    let fx = Fixture::new();
    let message =
        fx.error(&ONE_CLUSTER.replace("[defaults]\n", "[defaults]\nurl = \"https://x\"\n"));
    assert_says(
        &message,
        &[
            "[defaults]: url:",
            "cannot be a default",
            "set it in each [[cluster]]",
        ],
    );
}

#[test]
fn all_problems_are_reported_at_once_one_per_line() {
    let fx = Fixture::new();
    let text = format!("{ONE_CLUSTER}typo_one = 1\ntimeout = \"soon\"\npoll_interval = 5\n");
    let message = fx.error(&text);
    assert_eq!(message.lines().count(), 3, "{message}");
    assert!(
        message
            .lines()
            .all(|l| l.contains("config.toml: [[cluster]] #1 \"prod-1\"")),
        "{message}"
    );
}

#[test]
fn missing_name_and_url_are_named_with_what_to_add() {
    let fx = Fixture::new();
    let message = fx.error(&format!(
        "{ONE_CLUSTER}\n[[cluster]]\nlabels = {{ site = \"ams\" }}\n"
    ));
    assert_says(
        &message,
        &[
            "[[cluster]] #2: name: missing name — add name = ",
            "[[cluster]] #2: url: missing url — add url = \"https://",
        ],
    );
}

#[test]
fn a_cluster_without_any_username_is_refused() {
    let fx = Fixture::new();
    let message = fx.error("[[cluster]]\nname = \"a\"\nurl = \"https://a\"\n");
    assert_says(
        &message,
        &[
            "username: missing username",
            "set username in [defaults] or in this cluster",
        ],
    );
}

#[test]
fn duplicate_cluster_names_point_at_the_first_one() {
    let fx = Fixture::new();
    let message = fx.error(&format!(
        "{ONE_CLUSTER}\n[[cluster]]\nname = \"prod-1\"\nurl = \"https://10.0.0.2\"\n"
    ));
    assert_says(
        &message,
        &[
            "[[cluster]] #2 \"prod-1\": name:",
            "also the name of [[cluster]] #1",
            "unique name",
        ],
    );
}

/// "café" written with a composed é and with e and a combining accent looks the same on
/// every screen: one name, refused as a duplicate that says why.
#[test]
fn names_that_differ_only_in_how_an_accent_is_encoded_are_one_name() {
    let fx = Fixture::new();
    let message = fx.error(
        "[defaults]\nusername = \"admin\"\npassword_env = \"PW\"\n\
         [[cluster]]\nname = \"caf\u{e9}-1\"\nurl = \"https://10.0.0.1\"\n\
         [[cluster]]\nname = \"cafe\u{301}-1\"\nurl = \"https://10.0.0.2\"\n",
    );
    assert_says(
        &message,
        &[
            "[[cluster]] #2",
            "reads the same as \"caf\u{e9}-1\", the name of [[cluster]] #1",
            "differ only in letter case, character width or how an accent is encoded",
            "unique name",
        ],
    );
    // Letter case and full-width letters read the same too.
    for (first, second) in [("c1", "C1"), ("c1", "\u{ff43}\u{ff11}")] {
        let message = fx.error(&format!(
            "[defaults]\nusername = \"admin\"\npassword_env = \"PW\"\n\
             [[cluster]]\nname = {first:?}\nurl = \"https://10.0.0.1\"\n\
             [[cluster]]\nname = {second:?}\nurl = \"https://10.0.0.2\"\n"
        ));
        assert_says(&message, &["reads the same as", "unique name"]);
    }
}

/// One typo in [defaults] leaves every cluster without its username: said once, for the
/// first cluster and a count, under the line that says why; a few are each said.
#[test]
fn a_problem_every_cluster_shares_is_said_once() {
    let fx = Fixture::new();
    let clusters = |n: usize| -> String {
        (1..=n)
            .map(|i| format!("[[cluster]]\nname = \"c{i}\"\nurl = \"https://10.0.0.{i}\"\n"))
            .collect()
    };
    let head = "[defaults]\nusrname = \"admin\"\npassword_command = [\"true\"]\n";
    let message = fx.error(&format!("{head}{}", clusters(50)));
    assert_eq!(message.matches("missing username").count(), 1, "{message}");
    assert!(message.contains("\"c1\""), "{message}");
    assert!(message.contains("and 49 more clusters"), "{message}");
    assert!(message.contains("usrname"), "the typo is said: {message}");
    let few = fx.error(&format!("{head}{}", clusters(3)));
    assert_eq!(few.matches("missing username").count(), 3, "{few}");
}

/// Two clusters at one address are one cluster polled twice: a warning names them.
#[test]
fn the_same_address_twice_is_a_warning_naming_both() {
    let fx = Fixture::new();
    let config = fx
        .load(
            "[defaults]\nusername = \"admin\"\npassword_command = [\"true\"]\n\
         [[cluster]]\nname = \"a\"\nurl = \"https://10.0.0.1\"\n\
         [[cluster]]\nname = \"b\"\nurl = \"https://10.0.0.1/\"\n",
        )
        .unwrap();
    let warned = config.warnings.join("\n");
    assert!(
        warned.contains("the same address twice: \"a\" and \"b\""),
        "{warned}"
    );
}

#[test]
fn a_config_without_clusters_offers_the_starter_and_the_demo() {
    let fx = Fixture::new();
    let message = fx.error("[defaults]\nusername = \"monitor\"\n");
    assert_says(
        &message,
        &[
            "cluster: no clusters configured",
            "ontop config init",
            "ontop demo",
        ],
    );
    assert_says(&fx.error(""), &["no clusters configured"]);
}

#[test]
fn a_single_bracket_cluster_table_asks_for_two_brackets() {
    let fx = Fixture::new();
    let message = fx.error("[cluster]\nname = \"a\"\nurl = \"https://a\"\n");
    assert_says(&message, &["cluster:", "[[cluster]], with two brackets"]);
}

#[test]
fn bad_urls_say_what_is_wrong_and_how_to_write_one() {
    let fx = Fixture::new();
    let bad = |url: &str| fx.error(&ONE_CLUSTER.replace("https://10.20.0.10", url));
    assert_says(
        &bad("10.20.0.10"),
        &["url:", "has no scheme", "\"https://10.20.0.10\""],
    );
    assert_says(
        &bad("ftp://10.20.0.10"),
        &["url:", "scheme \"ftp\"", "use https://"],
    );
    assert_says(
        &bad("https://"),
        &[
            "url:",
            "is not a URL",
            "write it like \"https://10.20.0.10\"",
        ],
    );
    assert_says(&bad("unix:/var/run/x"), &["url:", "has no scheme"]);
    let with_password = bad("https://admin:hunter2@10.20.0.10");
    assert_says(
        &with_password,
        &[
            "url:",
            "user name or password",
            "use the username and password_* keys",
        ],
    );
    assert!(!with_password.contains("hunter2"), "{with_password}");
}

#[test]
fn a_url_path_is_dropped_with_a_warning() {
    let fx = Fixture::new();
    let config = fx.ok(&ONE_CLUSTER.replace(
        "https://10.20.0.10",
        "https://10.20.0.10:8443/api/cluster?x=1",
    ));
    assert_eq!(config.clusters[0].url.as_str(), "https://10.20.0.10:8443/");
    assert_says(&config.warnings.join("\n"), &["url:", "only the address"]);
}

#[test]
fn bad_durations_give_the_accepted_form() {
    let fx = Fixture::new();
    let with = |line: &str| fx.error(&format!("{ONE_CLUSTER}{line}\n"));
    let form = "write it like \"5s\", \"1m\" or \"500ms\"";
    assert_says(
        &with("poll_interval = \"5 parsecs\""),
        &["poll_interval:", "not a duration", form],
    );
    assert_says(
        &with("poll_interval = 5"),
        &["poll_interval:", "found a number", form],
    );
    assert_says(
        &with("poll_interval = \"500ms\""),
        &["poll_interval:", "too short (at least 1s)", form],
    );
    assert_says(&with("timeout = \"0s\""), &["timeout:", "too short", form]);
    assert_says(
        &with("timeout = \"-5s\""),
        &["timeout:", "not a duration", form],
    );
}

#[test]
fn two_password_sources_in_one_table_are_refused() {
    let fx = Fixture::new();
    let message = fx.error(&format!(
        "{ONE_CLUSTER}password_env = \"A\"\npassword = \"x\"\n"
    ));
    assert_says(
        &message,
        &[
            "[[cluster]] #1 \"prod-1\"",
            "more than one password source (password, password_env)",
            "keep exactly one",
        ],
    );
}

#[test]
fn a_cluster_password_source_replaces_the_inherited_one() {
    let fx = Fixture::new();
    let pw = fx.write("pw", "secret\n");
    let config = fx.ok(&format!(
        "{ONE_CLUSTER}password_file = {:?}\n",
        pw.display().to_string()
    ));
    assert!(
        matches!(&config.clusters[0].credential, ontop::testing::config::CredentialSource::File(p) if *p == pw)
    );
}

#[test]
fn an_unset_password_env_variable_is_named() {
    let fx = Fixture::new();
    let message = fx.error(&format!(
        "{ONE_CLUSTER}password_env = \"ONTOP_TEST_SURELY_UNSET_VAR\"\n"
    ));
    assert_says(
        &message,
        &[
            "password_env: environment variable ONTOP_TEST_SURELY_UNSET_VAR is not set",
            "export ONTOP_TEST_SURELY_UNSET_VAR=",
        ],
    );
}

#[test]
fn a_password_file_readable_by_others_is_refused_with_the_chmod_to_run() {
    let fx = Fixture::new();
    let pw = fx.write("pw", "secret\n");
    chmod(&pw, 0o644);
    let message = fx.error(&format!("{ONE_CLUSTER}password_file = \"pw\"\n"));
    assert_says(
        &message,
        &[
            "password_file:",
            "readable by group or others (mode 644)",
            &format!("chmod 600 {}", pw.display()),
        ],
    );
}

#[test]
fn a_missing_password_file_is_named() {
    let fx = Fixture::new();
    let message = fx.error(&format!("{ONE_CLUSTER}password_file = \"nope.txt\"\n"));
    let path = fx.dir.path().join("nope.txt");
    assert_says(
        &message,
        &[
            "password_file:",
            &path.display().to_string(),
            "create the file (mode 600)",
        ],
    );
}

#[test]
fn an_empty_password_command_shows_how_to_write_one() {
    let fx = Fixture::new();
    let message = fx.error(&ONE_CLUSTER.replace("[\"printf\", \"pw\"]", "[]"));
    assert_says(
        &message,
        &[
            "[defaults]: password_command:",
            "non-empty list",
            "password_command = [\"pass\"",
        ],
    );
    let message = fx.error(&ONE_CLUSTER.replace("[\"printf\", \"pw\"]", "\"pass show x\""));
    assert_says(&message, &["password_command:", "list of strings"]);
}

#[test]
fn a_plain_password_warns_only_when_the_file_is_readable_by_others() {
    let fx = Fixture::new();
    let text = ONE_CLUSTER.replace(
        "password_command = [\"printf\", \"pw\"]",
        "password = \"hunter2\"",
    );
    assert!(fx.ok(&text).warnings.is_empty());
    let path = fx.config(&text);
    chmod(&path, 0o644);
    let warnings = load_from(&path).expect("still valid").warnings.join("\n");
    assert_says(
        &warnings,
        &[
            "plain password in [defaults]",
            &format!("chmod 600 {}", path.display()),
        ],
    );
    assert!(!warnings.contains("hunter2"));
}

#[test]
fn a_missing_ca_file_is_named() {
    let fx = Fixture::new();
    let message = fx.error(&format!("{ONE_CLUSTER}ca_file = \"ca.pem\"\n"));
    let path = fx.dir.path().join("ca.pem");
    assert_says(
        &message,
        &[
            "ca_file:",
            &path.display().to_string(),
            "PEM file of the CA",
        ],
    );
}

#[test]
fn insecure_with_a_ca_file_is_a_contradiction() {
    let fx = Fixture::new();
    fx.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    let message = fx.error(&format!(
        "{ONE_CLUSTER}ca_file = \"ca.pem\"\ninsecure = true\n"
    ));
    assert_says(
        &message,
        &[
            "[[cluster]] #1 \"prod-1\": insecure:",
            "contradicts ca_file",
            "remove one of them",
        ],
    );
}

#[test]
fn a_cluster_may_turn_off_the_inherited_ca_file_with_insecure() {
    let fx = Fixture::new();
    let ca = fx.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    let text = ONE_CLUSTER.replace("[defaults]\n", "[defaults]\nca_file = \"ca.pem\"\n");
    let config = fx.ok(&format!(
        "{text}insecure = true\n[[cluster]]\nname = \"b\"\nurl = \"https://b\"\n"
    ));
    assert!(config.clusters[0].insecure && config.clusters[0].ca_file.is_none());
    assert_eq!(
        config.clusters[1].ca_file.as_deref(),
        Some(ca.as_path()),
        "relative to the config file"
    );
    assert!(!config.clusters[1].insecure);
}

#[test]
fn wrong_value_types_say_how_to_write_the_value() {
    let fx = Fixture::new();
    let message = fx.error(&format!(
        "{ONE_CLUSTER}read_only = \"yes\"\nlabels = \"prod\"\nusername = 7\n"
    ));
    assert_says(
        &message,
        &[
            "read_only: expected true or false, found a string — write read_only = true or read_only = false",
            "labels: expected a table, found a string — write it like labels = {",
            "username: expected a string, found a number — write it in quotes",
        ],
    );
}

#[test]
fn a_missing_file_says_where_it_looked_and_offers_the_demo_and_the_example() {
    let fx = Fixture::new();
    let path = fx.dir.path().join("absent.toml");
    let error = load_from(&path).expect_err("no file");
    assert!(
        matches!(&error, ConfigError::NotFound { searched } if searched == &vec![path.clone()])
    );
    assert_says(
        &error.to_string(),
        &[
            &path.display().to_string(),
            "ontop demo",
            "ontop config init",
            "ontop config import harvest.yml",
        ],
    );
}

#[test]
fn a_toml_syntax_error_shows_the_line() {
    let fx = Fixture::new();
    let message = fx.error("[[cluster]]\nname = = \"a\"\n");
    assert_says(&message, &["config.toml: not valid TOML", "line 2"]);
}

#[test]
fn the_default_package_url_follows_the_download_rule_not_the_cluster_rule() {
    let fx = Fixture::new();
    for ok in [
        "ftp://repo.example.com/97_q_image.tgz",
        "file:///mroot/97_q_image.tgz",
    ] {
        let config = fx.ok(&format!("[download]\nurl = \"{ok}\"\n{ONE_CLUSTER}"));
        assert_eq!(config.download.url.unwrap().as_str(), ok);
    }
    let message = fx.error(&format!(
        "[download]\nurl = \"gopher://repo/x.tgz\"\n{ONE_CLUSTER}"
    ));
    assert_says(
        &message,
        &["[download]", "url", "unsupported scheme", "97_q_image.tgz"],
    );
}
