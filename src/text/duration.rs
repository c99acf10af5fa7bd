//! Durations in words, both ways, in the one spelling the config, the flags and every
//! screen share: "90m", "1h 30m", "500ms" (jiff's friendly format).

use std::time::Duration;

use jiff::SignedDuration;

/// A duration as a person writes it ("5s", "1m 30s", "1h30m", "500ms"); `None` for
/// anything else, a negative one included.
pub(crate) fn parse(text: &str) -> Option<Duration> {
    text.parse::<SignedDuration>()
        .ok()
        .and_then(|d| Duration::try_from(d).ok())
}

/// True when `text`, which [`parse`] refused, holds a number of more than twelve digits:
/// a duration too large to hold (a trillion seconds is 31,000 years), not a misspelt one.
pub(crate) fn too_large(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|digits| digits.len() > 12)
}

/// A duration the way a config file or a flag writes it: "5s", "1m 30s", "500ms".
pub(crate) fn written(d: Duration) -> String {
    match SignedDuration::try_from(d) {
        Ok(d) => format!("{d:#}"),
        Err(_) => format!("{}s", d.as_secs()),
    }
}

/// Time gone by, as a running clock reads: "4s", "2m05s", "1h02m".
pub(crate) fn elapsed(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

/// A compact age for table cells, in its largest unit: "42s", "5m", "3h", "2d".
pub(crate) fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_durations_read_back_as_themselves() {
        for (d, text) in [
            (Duration::from_secs(5), "5s"),
            (Duration::from_secs(90), "1m 30s"),
            (Duration::from_millis(500), "500ms"),
            (Duration::from_secs(5400), "1h 30m"),
        ] {
            assert_eq!(written(d), text);
            assert_eq!(parse(text), Some(d));
        }
        assert_eq!(parse("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse("99999999999999999999s"), None);
        assert!(too_large("99999999999999999999s"));
        assert!(too_large("18446744073709551615s"));
        assert!(!too_large("5 seconds and a bit"));
        assert_eq!(parse("-5s"), None);
        assert_eq!(parse("soon"), None);
    }

    #[test]
    fn elapsed_and_ages_read_like_a_person_wrote_them() {
        assert_eq!(elapsed(Duration::from_millis(4200)), "4s");
        assert_eq!(elapsed(Duration::from_secs(125)), "2m05s");
        assert_eq!(elapsed(Duration::from_secs(3720)), "1h02m");
        assert_eq!(age(Duration::from_secs(42)), "42s");
        assert_eq!(age(Duration::from_secs(3720)), "1h");
        assert_eq!(age(Duration::from_secs(3 * 86400)), "3d");
    }
}
