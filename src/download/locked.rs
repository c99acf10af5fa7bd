//! ONTAP refuses changes for a while when it records a configuration baseline, saying
//! the cluster is "temporarily locked"; nothing was started then, so the request is
//! sent again, a few times, as NetApp's own Ansible collection does. Used for download
//! starts and package removals alike.

use std::time::Duration;

use crate::ontap::OntapError;

/// How often, and how far apart, a change refused as "temporarily locked" is tried again
/// (as NetApp's own Ansible collection does).
pub(crate) const LOCKED_RETRIES: u32 = 3;
pub(crate) const LOCKED_PAUSE: Duration = Duration::from_secs(30);

/// Runs `send` until it is not refused as "temporarily locked", at most
/// [`LOCKED_RETRIES`] more times, [`LOCKED_PAUSE`] apart; each retry is said.
pub(crate) async fn when_unlocked<T, F, Fut>(
    name: &str,
    say: &(dyn Fn(String) + Sync),
    mut send: F,
) -> Result<T, OntapError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, OntapError>>,
{
    let mut tries = 0;
    loop {
        match send().await {
            Err(e) if is_locked(&e) && tries < LOCKED_RETRIES => {
                tries += 1;
                say(format!(
                    "{name}: temporarily locked ({}); trying again in {}s ({tries} of {LOCKED_RETRIES})",
                    e.message,
                    LOCKED_PAUSE.as_secs()
                ));
                tokio::time::sleep(LOCKED_PAUSE).await;
            }
            other => return other,
        }
    }
}

/// ONTAP's refusal while it records a configuration baseline: nothing was started.
pub(crate) fn is_locked(error: &OntapError) -> bool {
    error.conflict() == Some(crate::ontap::codes::Conflict::Locked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontap::ErrorKind;

    #[tokio::test(start_paused = true)]
    async fn a_locked_refusal_is_tried_three_more_times_30s_apart() {
        let said = std::sync::Mutex::new(Vec::new());
        let tries = std::sync::atomic::AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let outcome: Result<(), OntapError> =
            when_unlocked("c1", &|line| said.lock().unwrap().push(line), || async {
                tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Err(OntapError::new(
                    "c1",
                    ErrorKind::Http,
                    "The cluster is temporarily locked",
                ))
            })
            .await;
        assert!(outcome.is_err());
        assert_eq!(tries.load(std::sync::atomic::Ordering::SeqCst), 4);
        assert_eq!(started.elapsed(), LOCKED_PAUSE * 3);
        let said = said.lock().unwrap();
        assert_eq!(said.len(), 3);
        assert!(said[2].contains("(3 of 3)"), "{said:?}");
        let other = OntapError::new("c1", ErrorKind::Http, "no such package");
        assert!(!is_locked(&other));
    }
}
