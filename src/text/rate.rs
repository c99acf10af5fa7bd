//! Byte rates as people write them: `50MiB/s`, `200MB/s`, `1.5 GiB/s`, `800k`. Binary
//! units (KiB, MiB, GiB) are powers of 1024, decimal ones (kB, MB, GB) of 1000, as curl
//! and the rest of the world read them; `/s` may be left out.

/// The fastest rate that is still a limit: 100 GiB/s.
pub(crate) const MAX_RATE: u64 = 100 << 30;

/// Bytes per second, or why the text is not a rate (with an example of one).
pub(crate) fn parse_rate(text: &str) -> Result<u64, String> {
    let refused = || {
        format!(
            "{text:?} is not a rate: write a number and a unit, such as \"50MiB/s\" or \
             \"200MB/s\" (at most 100GiB/s)"
        )
    };
    let trimmed = text.trim();
    let body = trimmed.strip_suffix("/s").unwrap_or(trimmed).trim();
    let split = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, unit) = body.split_at(split);
    let number: f64 = number.parse().map_err(|_| refused())?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(refused()),
    };
    let rate = number * factor;
    if !rate.is_finite() || rate < 1.0 || rate > MAX_RATE as f64 {
        return Err(refused());
    }
    Ok(rate as u64)
}

/// A rate for people: "50 MiB/s", "1.2 GiB/s", "800 KiB/s".
pub(crate) fn format_rate(bytes_per_second: f64) -> String {
    format!("{}/s", format_bytes(bytes_per_second))
}

/// A size for people: "512 B", "800 KiB", "42.0 MiB", "1.00 GiB".
pub(crate) fn format_bytes(bytes: f64) -> String {
    const KIB: f64 = 1024.0;
    match bytes {
        b if b < KIB => format!("{b:.0} B"),
        b if b < KIB * KIB => format!("{:.0} KiB", b / KIB),
        b if b < KIB * KIB * KIB => format!("{:.1} MiB", b / KIB / KIB),
        b => format!("{:.2} GiB", b / KIB / KIB / KIB),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_written_and_nonsense_is_refused() {
        assert_eq!(parse_rate("50MiB/s"), Ok(50 << 20));
        assert_eq!(parse_rate("200MB/s"), Ok(200_000_000));
        assert_eq!(parse_rate(" 1.5 GiB/s "), Ok(3 << 29));
        assert_eq!(parse_rate("800k"), Ok(800_000));
        assert_eq!(parse_rate("4096"), Ok(4096));
        for bad in [
            "", "fast", "-5MiB/s", "0", "5 MiBs", "1e400", "999GiB/s", "0.1",
        ] {
            assert!(parse_rate(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format_rate((50 << 20) as f64), "50.0 MiB/s");
        assert_eq!(format_bytes((1u64 << 30) as f64), "1.00 GiB");
    }
}
