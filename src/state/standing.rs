//! Where a cluster stands, in the words of the dashboard's HEALTH column (`PAUSED`,
//! `STALE 5m`, `FAILING`, `ok`, `?`), with the filter word for each and a sentence for a
//! reader who does not know the screen: one place for the words the status page and the
//! JSON use, so they say what the screen says.

use std::time::Duration;

use jiff::Timestamp;

use super::cluster::{ClusterState, Health, STALE_AFTER_POLLS, age, format_age};

/// A cluster's standing at one moment, the worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// The cluster refused ontop's login, and polls stopped so the account is not locked.
    Paused,
    /// The values shown are old: no good answer for [`STALE_AFTER_POLLS`] poll intervals
    /// (how long since the last one); `failing` when the polls since failed.
    Stale { old: Duration, failing: bool },
    /// The last poll failed.
    Failing,
    /// No answer yet.
    Unknown,
    /// The last poll answered, recently enough.
    Ok,
}

impl Standing {
    /// Where `c` stands at `now`, decided in the order the HEALTH column decides it: a
    /// paused login first, then old values, then the last poll.
    pub(crate) fn of(c: &ClusterState, now: Timestamp) -> Self {
        if c.login_paused.is_some() {
            return Self::Paused;
        }
        let health = c.health(now);
        if let Some(ok) = c.last_success.filter(|_| c.is_stale(now)) {
            return Self::Stale {
                old: age(ok, now),
                failing: health == Health::Failing,
            };
        }
        match health {
            Health::Failing => Self::Failing,
            Health::Unknown => Self::Unknown,
            Health::Ok | Health::Stale => Self::Ok,
        }
    }

    /// The HEALTH column's text: `PAUSED`, `STALE 5m`, `FAILING`, `ok`, `?`.
    pub(crate) fn word(&self) -> String {
        match self {
            Self::Paused => "PAUSED".into(),
            Self::Stale { old, .. } => format!("STALE {}", format_age(*old)),
            Self::Failing => "FAILING".into(),
            Self::Unknown => "?".into(),
            Self::Ok => "ok".into(),
        }
    }

    /// The filter's word for it (`paused`, `stale`, `failing`, `unknown`, `ok`): what a
    /// script reads in the JSON, and what `/` or `?filter=` finds it by.
    pub(crate) fn filter_word(&self) -> &'static str {
        match self {
            Self::Paused => "paused",
            Self::Stale { .. } => "stale",
            Self::Failing => "failing",
            Self::Unknown => "unknown",
            Self::Ok => "ok",
        }
    }

    /// What the word means, for a reader who does not know the screen.
    pub(crate) fn explanation(&self) -> String {
        match self {
            Self::Paused => {
                "the cluster refused ontop's login: polls stopped so the account is not locked"
                    .into()
            }
            Self::Stale { old, failing: true } => format!(
                "not answering: the values shown are {} old",
                format_age(*old)
            ),
            Self::Stale { old, .. } => format!(
                "no answer for {} (more than {STALE_AFTER_POLLS} poll intervals): the values shown are old",
                format_age(*old)
            ),
            Self::Failing => "not answering: the last poll failed".into(),
            Self::Unknown => "no answer yet".into(),
            Self::Ok => "answering".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ClusterIdentity;

    #[test]
    fn the_words_are_the_health_columns() {
        let now = Timestamp::from_second(1_000_000).unwrap();
        let mut c = ClusterState::new(ClusterIdentity {
            poll_interval: Duration::from_secs(5),
            ..ClusterIdentity::default()
        });
        assert_eq!(Standing::of(&c, now).word(), "?");
        c.last_success = Some(now);
        assert_eq!(Standing::of(&c, now).word(), "ok");
        let next = now + jiff::SignedDuration::from_secs(1);
        c.last_failure = Some(next);
        let failing = Standing::of(&c, next);
        assert_eq!(
            (failing.word(), failing.filter_word()),
            ("FAILING".into(), "failing")
        );
        let later = now + jiff::SignedDuration::from_secs(300);
        let stale = Standing::of(&c, later);
        assert_eq!(stale.word(), "STALE 5m");
        assert!(stale.explanation().starts_with("not answering"));
        c.last_failure = None;
        assert!(
            Standing::of(&c, later)
                .explanation()
                .starts_with("no answer for 5m")
        );
    }
}
