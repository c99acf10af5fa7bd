//! The client's own rules: where a job is found, and paths a cluster cannot climb out of.

use super::*;
use crate::ontap::ClusterInfo;

#[test]
fn a_job_is_found_in_the_location_header() {
    let job = job_from_location("/api/cluster/jobs/f587d316-5feb-11e8-b0e0-005056bb6a0a").unwrap();
    assert_eq!(job.uuid, "f587d316-5feb-11e8-b0e0-005056bb6a0a");
    assert!(job_from_location("/api/cluster/software/download").is_none());
    // Not a UUID: no job (it would be put into the path of every poll).
    assert!(job_from_location("/api/cluster/jobs/f587d316-5feb-11e8").is_none());
    assert!(job_from_location("/api/cluster/jobs/").is_none());
}

#[test]
fn odd_job_uuids_cannot_escape_the_path() {
    let client = Client::new(ClientSettings {
        name: "c".into(),
        url: Url::parse("https://cluster.example").unwrap(),
        username: "u".into(),
        password: SecretString::from("p"),
        trust: TlsTrust::Insecure,
        tls_server_name: None,
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        read_only: true,
    })
    .unwrap();
    let url = client.url(&["cluster", "jobs", "../x?y#z"]);
    assert_eq!(url.path(), "/api/cluster/jobs/..%2Fx%3Fy%23z");
    assert_eq!(url.query(), None);
    assert_eq!(
        client.url(&["cluster", "jobs", "ab-12"]).path(),
        "/api/cluster/jobs/ab-12"
    );
    // A dot segment is a name, not a step up: ".." never reaches the collection.
    for dots in [".", ".."] {
        let path = client
            .url(&["cluster", "software", "packages", dots])
            .path()
            .to_owned();
        assert!(
            path.starts_with("/api/cluster/software/packages/%25"),
            "{path}"
        );
    }
}

/// An answer that cannot be read names the field by its path, so the odd value can be
/// found in what the cluster sent; what follows a whole value is refused too.
#[test]
fn an_unreadable_answer_names_its_field() {
    let odd = parse::<ClusterInfo>(br#"{"name": ["x"], "uuid": "u"}"#).unwrap_err();
    assert!(
        odd.starts_with("field name: invalid type: sequence"),
        "{odd}"
    );
    let nested = parse::<ClusterInfo>(br#"{"version": {"generation": "nine"}}"#).unwrap_err();
    assert!(nested.starts_with("field version.generation: "), "{nested}");
    let trailing = parse::<ClusterInfo>(br#"{"name": "c1"} {"#).unwrap_err();
    assert!(trailing.contains("trailing"), "{trailing}");
    let whole = parse::<ClusterInfo>(br#"{"name": "c1"}"#).unwrap();
    assert_eq!(whole.name.as_deref(), Some("c1"));
}
