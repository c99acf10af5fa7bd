//! The text of `/metrics`: OpenMetrics as prometheus-client writes it, for Prometheus
//! (which asks for it), or the classic Prometheus text format for anyone else (`curl`,
//! `promtool check metrics`), made from it by a line rewrite.

use prometheus_client::registry::Registry;

/// The two text formats a scraper may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Format {
    /// OpenMetrics 1.0, what the encoder writes and Prometheus asks for first.
    OpenMetrics,
    /// The classic Prometheus text format 0.0.4, for anyone who does not ask for
    /// OpenMetrics (`curl`, `promtool check metrics`, older scrapers).
    Classic,
}

impl Format {
    /// OpenMetrics when the `Accept` header names it (and not with `q=0`), else the
    /// classic format.
    pub(crate) fn negotiate(accept: Option<&axum::http::HeaderValue>) -> Self {
        let accept = accept.and_then(|a| a.to_str().ok()).unwrap_or("");
        let asks = accept.split(',').any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            media.eq_ignore_ascii_case("application/openmetrics-text") && !refused
        });
        if asks {
            Self::OpenMetrics
        } else {
            Self::Classic
        }
    }

    /// The answer's `Content-Type`.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Self::Classic => "text/plain; version=0.0.4; charset=utf-8",
        }
    }
}

/// The whole page in `format`.
pub(crate) fn encode(registry: &Registry, format: Format) -> Result<String, std::fmt::Error> {
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, registry)?;
    Ok(match format {
        Format::OpenMetrics => text,
        Format::Classic => classic(&text),
    })
}

/// The classic text format from the encoder's OpenMetrics: the two differ, for what
/// ontop exposes, only in that a counter's HELP and TYPE name its `_total` series, and
/// that `# UNIT` and `# EOF` are not part of it.
fn classic(openmetrics: &str) -> String {
    let mut out = String::with_capacity(openmetrics.len());
    let mut help: Option<(&str, &str)> = None;
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            help = rest.split_once(' ').or(Some((rest, "")));
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "untyped"));
            let name = if kind == "counter" {
                format!("{name}_total")
            } else {
                name.to_owned()
            };
            if let Some((_, text)) = help.take() {
                out.push_str(&format!("# HELP {name} {text}\n"));
            }
            out.push_str(&format!("# TYPE {name} {kind}\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openmetrics_only_when_asked_for() {
        let ask =
            |a: &'static str| Format::negotiate(Some(&axum::http::HeaderValue::from_static(a)));
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(ask(prometheus), Format::OpenMetrics);
        assert_eq!(ask("text/plain"), Format::Classic);
        assert_eq!(
            ask("application/openmetrics-text;q=0, text/plain"),
            Format::Classic
        );
        assert_eq!(Format::negotiate(None), Format::Classic);
    }

    #[test]
    fn the_classic_format_names_counters_by_their_series() {
        let om = "# HELP x_errors Errors.\n# TYPE x_errors counter\nx_errors_total{a=\"1\"} 2\n\
                  # HELP x_seconds Time.\n# TYPE x_seconds histogram\n# UNIT x_seconds seconds\n\
                  x_seconds_sum 1.0\n# EOF\n";
        assert_eq!(
            classic(om),
            "# HELP x_errors_total Errors.\n# TYPE x_errors_total counter\nx_errors_total{a=\"1\"} 2\n\
             # HELP x_seconds Time.\n# TYPE x_seconds histogram\nx_seconds_sum 1.0\n"
        );
    }
}
