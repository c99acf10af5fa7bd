//! One rendering of a page, shared by every request for a moment.
//!
//! At a thousand clusters `/metrics` is megabytes. Rendered for each request, a crowd of
//! clients that ask and never read would each hold a copy until their deadline; shared,
//! they hold a reference to the one copy (`Bytes` is counted, and hyper writes it from
//! where it is). A page is rendered at most once per [`FRESH_FOR`], off the async
//! workers, and requests that come while it is rendered wait for that rendering. A
//! rendering runs to its end even when the request that started it is gone, so clients
//! that ask and hang up at once cannot start renderings side by side.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// How long one rendering is served: short next to any scrape interval and the pollers'
/// own, long enough that a crowd costs one rendering a second.
pub(super) const FRESH_FOR: Duration = Duration::from_secs(1);

/// The last rendering of one page, and when it was made.
#[derive(Debug, Default)]
pub(super) struct Shared {
    last: Arc<Mutex<Option<(Instant, Bytes)>>>,
}

impl Shared {
    /// The page: the last rendering while it is fresh, else a new one from `render`
    /// (`None` when rendering failed).
    pub(super) async fn get<F>(&self, render: F) -> Option<Bytes>
    where
        F: FnOnce() -> Option<Bytes> + Send + 'static,
    {
        let last = self.last.clone();
        // A task of its own: dropping this request does not drop the lock mid-rendering.
        tokio::spawn(fresh_or_rendered(last, render))
            .await
            .ok()
            .flatten()
    }
}

/// What [`Shared::get`] answers, with the page's lock held throughout.
async fn fresh_or_rendered<F>(
    last: Arc<Mutex<Option<(Instant, Bytes)>>>,
    render: F,
) -> Option<Bytes>
where
    F: FnOnce() -> Option<Bytes> + Send + 'static,
{
    let mut last = last.lock().await;
    if let Some((made, body)) = last.as_ref()
        && made.elapsed() < FRESH_FOR
    {
        return Some(body.clone());
    }
    // Dropped first: the old page is freed before the new one is made, not after.
    *last = None;
    let body = tokio::task::spawn_blocking(render).await.ok().flatten()?;
    *last = Some((Instant::now(), body.clone()));
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_page_is_rendered_once_per_moment_whoever_asks() {
        let shared = Arc::new(Shared::default());
        let renders = Arc::new(AtomicUsize::new(0));
        let ask = || {
            let (shared, renders) = (shared.clone(), renders.clone());
            async move {
                let n = renders.clone();
                let render = move || {
                    let n = n.fetch_add(1, Ordering::SeqCst) + 1;
                    Some(Bytes::from(format!("page {n}")))
                };
                shared.get(render).await.unwrap()
            }
        };
        let crowd: Vec<_> = (0..50).map(|_| tokio::spawn(ask())).collect();
        for asked in crowd {
            assert_eq!(asked.await.unwrap(), "page 1");
        }
        tokio::time::advance(FRESH_FOR).await;
        assert_eq!(ask().await, "page 2");
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_rendering_outlives_the_request_that_started_it() {
        let shared = Arc::new(Shared::default());
        let renders = Arc::new(AtomicUsize::new(0));
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let counted = renders.clone();
        let slow = move || {
            counted.fetch_add(1, Ordering::SeqCst);
            wait.recv().ok();
            Some(Bytes::from_static(b"page"))
        };
        let first = tokio::spawn({
            let shared = shared.clone();
            async move { shared.get(slow).await }
        });
        while renders.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        first.abort();
        // A request that hung up leaves its rendering running: the next one waits for
        // it instead of starting another beside it.
        let counted = renders.clone();
        let again = move || {
            counted.fetch_add(1, Ordering::SeqCst);
            Some(Bytes::from_static(b"another"))
        };
        let second = tokio::spawn(async move { shared.get(again).await });
        go.send(()).unwrap();
        assert_eq!(second.await.unwrap().unwrap(), "page");
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }
}
