//! The trust keys of the config: `fingerprint` is checked when the file is loaded (32
//! bytes of SHA-256, in any of the ways people paste it), `tls_server_name` must be a
//! name or an address, and a pin or a `ca_file` and `insecure = true` resolve the way
//! the more specific table says.

use crate::support::config::{Fixture, ONE_CLUSTER, assert_says};
use ontop::testing::fleet::targets::trust_for;
use ontop::testing::ontap::TlsTrust;

const HEX: &str = "3a9f00112233445566778899aabbccddeeff00112233445566778899aabbccdd";

fn with_cluster_keys(keys: &str) -> String {
    format!("{ONE_CLUSTER}{keys}\n")
}

#[test]
fn a_fingerprint_is_accepted_in_any_case_with_or_without_colons() {
    let colons: Vec<String> = HEX
        .as_bytes()
        .chunks(2)
        .map(|p| String::from_utf8_lossy(p).to_uppercase())
        .collect();
    let canonical = format!("sha256:{}", colons.join(":"));
    for written in [
        canonical.clone(),
        canonical.to_lowercase(),
        format!("sha256:{HEX}"),
        colons.join(":"),
    ] {
        let config = Fixture::new().ok(&with_cluster_keys(&format!("fingerprint = \"{written}\"")));
        let cluster = &config.clusters[0];
        assert_eq!(
            cluster.fingerprint.map(|f| f.to_string()),
            Some(canonical.clone()),
            "{written}"
        );
        assert!(matches!(trust_for(cluster), TlsTrust::Pinned(_)));
    }
}

#[test]
fn a_fingerprint_that_is_not_32_bytes_of_sha256_is_refused_at_load() {
    for (written, says) in [
        ("sha256:3A:9F", "this one has 4 hex digits"),
        (&format!("sha256:{HEX}00")[..], "this one has 66 hex digits"),
        (
            &format!("sha256:{}xy", &HEX[2..])[..],
            "'x' is not a hex digit",
        ),
        (
            "sha1:AB:CD:EF",
            "only SHA-256 fingerprints can be pinned, not sha1",
        ),
    ] {
        let message =
            Fixture::new().error(&with_cluster_keys(&format!("fingerprint = \"{written}\"")));
        assert_says(
            &message,
            &[
                "[[cluster]] #1 \"prod-1\": fingerprint:",
                says,
                "ontop trust NAME",
            ],
        );
    }
}

#[test]
fn a_pin_and_insecure_in_one_table_contradict_each_other() {
    let message = Fixture::new().error(&with_cluster_keys(&format!(
        "fingerprint = \"{HEX}\"\ninsecure = true"
    )));
    assert_says(
        &message,
        &[
            "insecure = true contradicts fingerprint",
            "remove insecure = true",
        ],
    );
}

#[test]
fn the_more_specific_table_wins_between_pins_ca_files_and_insecure() {
    let fx = Fixture::new();
    fx.write(
        "ca.pem",
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    );
    let config = fx.ok(&format!(
        r#"
        [defaults]
        username = "u"
        password_command = ["printf", "pw"]
        insecure = true

        [[cluster]]
        name = "pinned"
        url = "https://a"
        fingerprint = "{HEX}"

        [[cluster]]
        name = "loose"
        url = "https://b"
        "#
    ));
    assert!(matches!(
        trust_for(&config.clusters[0]),
        TlsTrust::Pinned(_)
    ));
    assert!(
        !config.clusters[0].insecure,
        "the cluster's own pin turns insecure off"
    );
    assert_eq!(trust_for(&config.clusters[1]), TlsTrust::Insecure);

    let config = fx.ok(&format!(
        r#"
        [defaults]
        username = "u"
        password_command = ["printf", "pw"]
        ca_file = "ca.pem"
        fingerprint = "{HEX}"

        [[cluster]]
        name = "inherits"
        url = "https://a"

        [[cluster]]
        name = "opts-out"
        url = "https://b"
        insecure = true
        "#
    ));
    let [inherits, opts_out] = &config.clusters[..] else {
        panic!("two clusters")
    };
    assert!(
        matches!(trust_for(inherits), TlsTrust::Pinned(_)),
        "a pin decides over a ca_file"
    );
    assert!(inherits.ca_file.is_some());
    assert_eq!(trust_for(opts_out), TlsTrust::Insecure);
    assert!(opts_out.fingerprint.is_none() && opts_out.ca_file.is_none());
}

#[test]
fn tls_server_name_must_be_a_name_or_an_address_and_stays_per_cluster() {
    let config = Fixture::new().ok(&with_cluster_keys(
        "tls_server_name = \"cluster1.example.com\"",
    ));
    assert_eq!(
        config.clusters[0].tls_server_name.as_deref(),
        Some("cluster1.example.com")
    );
    let message = Fixture::new().error(&with_cluster_keys("tls_server_name = \"not a name!\""));
    assert_says(
        &message,
        &["tls_server_name", "neither a DNS name nor an IP address"],
    );
    let message = Fixture::new().error(&ONE_CLUSTER.replace(
        "[defaults]\n",
        "[defaults]\ntls_server_name = \"x.example\"\n",
    ));
    assert_says(
        &message,
        &["[defaults]: tls_server_name:", "cannot be a default"],
    );
}
