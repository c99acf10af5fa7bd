//! An upload from the dashboard in the real binary (issue 21): a file's path typed into
//! the form's package field, its name and size shown, confirmed, `up N%` counting in
//! the JOB column, then the job's end and PKG turning `has`.

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, fleet_config, keys, row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_file_is_uploaded_counted_up_and_filed() {
    let fleet = start_fleet(1, |o| {
        o.upload_bandwidth = 1 << 20;
        o.upload_processing = std::time::Duration::from_millis(300);
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    // The config's [download] url is release 9.16.1P3: the PKG column asks about it.
    let image = dir.path().join("9161P3_q_image.tgz");
    std::fs::write(&image, vec![7u8; 4 << 20]).unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("the row, lacking the release", |t| {
        row(t, "sim-1").contains(" no ")
    });
    s.keys("d");
    s.wait_text("Download a package");
    s.keys(keys::CTRL_U);
    s.keys(image.to_str().unwrap());
    s.wait_for("the file named, with its size", |t| {
        t.contains("Upload a package from this host")
            && t.contains("9161P3_q_image.tgz, 4.0 MiB, from this host")
    });
    s.keys("\r");
    s.wait_for("the confirmation, hash and all", |t| {
        t.contains("Upload this image?") && t.contains("Upload to 1 cluster")
    });
    assert!(fleet.uploads("sim-1").is_empty(), "nothing sent before y");
    s.keys("y");
    s.wait_for("the JOB column counting up", |t| {
        row(t, "sim-1").contains(" up ") && row(t, "sim-1").contains('%')
    });
    s.wait_for("the job's end and PKG saying has", |t| {
        row(t, "sim-1").contains(" has ") && row(t, "sim-1").contains("success")
    });
    s.wait_text("sim-1: the image was uploaded");
    s.keys("q");
    s.wait_exit();
    s.assert_restored();
}

/// `ontop download --file --wait` on a terminal: a byte bar and a total while the image
/// goes, then, once the cluster answered with its job, a spinner that follows the job,
/// never an empty byte bar counting nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_upload_shows_bytes_then_follows_the_job_with_a_spinner() {
    let fleet = start_fleet(1, |o| {
        o.upload_bandwidth = 2 << 20;
        o.upload_processing = std::time::Duration::from_millis(300);
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("9161P3_q_image.tgz");
    std::fs::write(&image, vec![7u8; 3 << 20]).unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let args = [
        "download",
        "--cluster",
        "sim-1",
        "--file",
        image.to_str().unwrap(),
        "--wait",
        "--yes",
    ];
    let mut s = Session::start(&args, Some(&config), &[], (120, 24));
    assert_eq!(s.wait_exit().exit_code(), 0, "{}", s.contents());
    assert!(s.contents().contains("success"), "{}", s.contents());
    // Everything drawn, in order (the bars are cleared at the end).
    let drawn = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
    let answered = drawn.find("started  job").expect("the start's line");
    let (sending, following) = drawn.split_at(answered);
    assert!(
        sending.contains("uploading") && sending.contains("total ["),
        "bytes and a total while the image goes:\n{drawn:?}"
    );
    assert!(
        following.contains("running")
            && !following.contains(" B/")
            && !following.contains("total ["),
        "a spinner on the job, no byte bar once the image is sent:\n{following:?}"
    );
}
