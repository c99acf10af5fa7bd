//! Renderings of a page, shared by every request for a moment.
//!
//! At a thousand clusters `/metrics` is megabytes. Rendered for each request, a crowd of
//! clients that ask and never read would each hold a copy until their deadline; shared,
//! they hold a reference to the one copy (`Bytes` is counted, and hyper writes it from
//! where it is). A page is rendered at most once per [`FRESH_FOR`] for each of its
//! variants (a format, a query), one rendering at a time, off the async workers;
//! requests that come meanwhile wait for it. A rendering runs to its end even when the
//! request that started it is gone, so clients that ask and hang up at once cannot start
//! renderings side by side.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// How long one rendering is served: short next to any scrape interval and the pollers'
/// own, long enough that a crowd costs one rendering a second.
pub(super) const FRESH_FOR: Duration = Duration::from_secs(1);

/// The most variants of a page kept at once (queries of the status page, say): more are
/// rendered for their request alone.
const MAX_KEPT: usize = 8;

/// The fresh renderings of one page, by variant.
type Kept<K> = HashMap<K, (Instant, Bytes)>;

/// The renderings of one page, by the variant `K` that changes it.
#[derive(Debug)]
pub(super) struct Shared<K> {
    kept: Arc<Mutex<Kept<K>>>,
}

impl<K> Default for Shared<K> {
    fn default() -> Self {
        Self {
            kept: Arc::default(),
        }
    }
}

impl<K: Eq + Hash + Send + 'static> Shared<K> {
    /// The page's `variant`: its last rendering while it is fresh, else a new one from
    /// `render` (`None` when rendering failed).
    pub(super) async fn get<F>(&self, variant: K, render: F) -> Option<Bytes>
    where
        F: FnOnce() -> Option<Bytes> + Send + 'static,
    {
        let kept = self.kept.clone();
        // A task of its own: dropping this request does not drop the lock mid-rendering.
        tokio::spawn(fresh_or_rendered(kept, variant, render))
            .await
            .ok()
            .flatten()
    }
}

/// What [`Shared::get`] answers, with the page's lock held throughout.
async fn fresh_or_rendered<K, F>(kept: Arc<Mutex<Kept<K>>>, variant: K, render: F) -> Option<Bytes>
where
    K: Eq + Hash,
    F: FnOnce() -> Option<Bytes> + Send + 'static,
{
    let mut kept = kept.lock().await;
    // Stale renderings go first: the old page is freed before a new one is made.
    kept.retain(|_, (made, _)| made.elapsed() < FRESH_FOR);
    if let Some((_, body)) = kept.get(&variant) {
        return Some(body.clone());
    }
    let body = tokio::task::spawn_blocking(render).await.ok().flatten()?;
    if kept.len() < MAX_KEPT {
        kept.insert(variant, (Instant::now(), body.clone()));
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_page_is_rendered_once_per_moment_whoever_asks() {
        let shared = Arc::new(Shared::<()>::default());
        let renders = Arc::new(AtomicUsize::new(0));
        let ask = || {
            let (shared, renders) = (shared.clone(), renders.clone());
            async move {
                let n = renders.clone();
                let render = move || {
                    let n = n.fetch_add(1, Ordering::SeqCst) + 1;
                    Some(Bytes::from(format!("page {n}")))
                };
                shared.get((), render).await.unwrap()
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
        let shared = Arc::new(Shared::<()>::default());
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
            async move { shared.get((), slow).await }
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
        let second = tokio::spawn(async move { shared.get((), again).await });
        go.send(()).unwrap();
        assert_eq!(second.await.unwrap().unwrap(), "page");
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn each_variant_is_rendered_for_itself_and_only_a_few_are_kept() {
        let shared = Shared::<u32>::default();
        let page = |n: u32| move || Some(Bytes::from(format!("variant {n}")));
        for n in 0..20 {
            assert_eq!(
                shared.get(n, page(n)).await.unwrap(),
                format!("variant {n}")
            );
        }
        assert_eq!(shared.kept.lock().await.len(), MAX_KEPT);
        let other = || Some(Bytes::from_static(b"rendered again"));
        assert_eq!(shared.get(3, other).await.unwrap(), "variant 3");
        tokio::time::advance(FRESH_FOR).await;
        assert_eq!(shared.get(3, other).await.unwrap(), "rendered again");
        assert_eq!(shared.kept.lock().await.len(), 1, "the stale ones are gone");
    }
}
