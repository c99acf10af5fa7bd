//! Label sets for the metrics: every series of a cluster carries `cluster`, `datacenter`
//! (from a config label of that name) and the config's other labels, as Harvest's do, so
//! ontop's series join Harvest's on the same labels.
//!
//! Values are escaped here: the metrics encoder writes label values as given, and a
//! version string from a cluster (or a cluster name from a config) may hold `"` or `\`.

use std::collections::BTreeMap;
use std::fmt::Write;

use prometheus_client::encoding::{EncodeLabelValue, LabelValueEncoder};

/// Labels ontop sets itself: a config label of the same name is renamed `label_<name>`
/// so it cannot replace them (Prometheus's own `job` and `instance` included).
const RESERVED: &[&str] = &[
    "cluster",
    "datacenter",
    "state",
    "version",
    "kind",
    "job",
    "instance",
    "le",
    "quantile",
];

/// A label value escaped for the text formats (`\\`, `\"`, `\n`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Escaped(pub String);

impl EncodeLabelValue for Escaped {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        for c in self.0.chars() {
            match c {
                '\\' => encoder.write_str("\\\\")?,
                '"' => encoder.write_str("\\\"")?,
                '\n' => encoder.write_str("\\n")?,
                c => encoder.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// One label: a valid name and an escaped value.
pub(crate) type Label = (String, Escaped);

/// The labels every series of one cluster starts with.
pub(crate) fn for_cluster(name: &str, config_labels: &BTreeMap<String, String>) -> Vec<Label> {
    let mut labels = vec![("cluster".to_owned(), Escaped(name.to_owned()))];
    if let Some(dc) = config_labels.get("datacenter") {
        labels.push(("datacenter".to_owned(), Escaped(dc.clone())));
    }
    let mut seen: Vec<String> = labels.iter().map(|(k, _)| k.clone()).collect();
    for (key, value) in config_labels {
        if key == "datacenter" {
            continue;
        }
        let mut name = label_name(key);
        if RESERVED.contains(&name.as_str()) {
            name = format!("label_{name}");
        }
        // Two config keys may sanitize to one name ("a-b", "a_b"): the first keeps it.
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        labels.push((name, Escaped(value.clone())));
    }
    labels
}

/// `labels` plus one more.
pub(crate) fn with(labels: &[Label], key: &str, value: &str) -> Vec<Label> {
    let mut all = labels.to_vec();
    all.push((key.to_owned(), Escaped(value.to_owned())));
    all
}

/// A Prometheus label name from a config label key: `[a-zA-Z_][a-zA-Z0-9_]*`, other
/// characters as `_`, and never the `__` prefix Prometheus keeps for itself.
pub(crate) fn label_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if name.starts_with("__") {
        name = format!("label{}", name.trim_start_matches('_'));
        if name == "label" {
            name.push('_');
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_for_the_text_format() {
        use prometheus_client::encoding::text::encode;
        use prometheus_client::metrics::family::Family;
        use prometheus_client::metrics::gauge::Gauge;
        use prometheus_client::registry::Registry;
        let family = Family::<Vec<Label>, Gauge>::default();
        family
            .get_or_create(&vec![("v".to_owned(), Escaped("a\\b\"c\nd".to_owned()))])
            .set(1);
        let mut registry = Registry::default();
        registry.register("x", "X", family);
        let mut text = String::new();
        encode(&mut text, &registry).unwrap();
        assert!(text.contains("x{v=\"a\\\\b\\\"c\\nd\"} 1\n"), "{text}");
    }

    #[test]
    fn label_names_are_valid_and_never_replace_ontops_own() {
        assert_eq!(label_name("site"), "site");
        assert_eq!(label_name("rack-no.2"), "rack_no_2");
        assert_eq!(label_name("2nd"), "_2nd");
        assert_eq!(label_name("__meta"), "labelmeta");
        assert_eq!(label_name("ünï"), "_n_");
        let config = BTreeMap::from([
            ("cluster".to_owned(), "x".to_owned()),
            ("datacenter".to_owned(), "ams".to_owned()),
            ("a-b".to_owned(), "1".to_owned()),
            ("a_b".to_owned(), "2".to_owned()),
        ]);
        let names: Vec<String> = for_cluster("c1", &config)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(names, ["cluster", "datacenter", "a_b", "label_cluster"]);
    }
}
