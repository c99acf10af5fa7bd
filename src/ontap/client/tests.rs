//! The client's own rules: where a job is found, and paths a cluster cannot climb out of.

use super::*;

#[test]
fn a_job_is_found_in_the_location_header() {
    let job = job_from_location("/api/cluster/jobs/f587d316-5feb-11e8").unwrap();
    assert_eq!(job.uuid, "f587d316-5feb-11e8");
    assert!(job_from_location("/api/cluster/software/download").is_none());
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
