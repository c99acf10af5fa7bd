//! Where each cluster fetches the package from: the first site mirror whose labels the
//! cluster has (its own server, the same file name, its own credentials), else the URL
//! as given. The one rule the engine starts by and the confirmations show.

use std::collections::BTreeMap;

use reqwest::Url;
use secrecy::SecretString;

use super::spec::DownloadSpec;
use crate::text::mask_url;

/// A site mirror, its credentials resolved.
#[derive(Clone)]
pub struct MirrorSource {
    /// The labels a cluster must have, all of them.
    pub labels: BTreeMap<String, String>,
    /// The directory the files are in (ends with `/`).
    pub base: Url,
    pub username: Option<String>,
    pub password: Option<SecretString>,
}

impl std::fmt::Debug for MirrorSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MirrorSource")
            .field("labels", &self.labels)
            .field("base", &mask_url(&self.base))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl MirrorSource {
    /// Whether a cluster with `labels` fetches from here.
    pub(crate) fn serves(&self, labels: &BTreeMap<String, String>) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
    }

    /// The same mirror without its password, for what is only shown.
    pub(crate) fn shown(&self) -> Self {
        Self {
            password: None,
            ..self.clone()
        }
    }

    /// The URL of `file_name` on this mirror.
    fn url_of(&self, file_name: &str) -> Option<Url> {
        self.base.join(file_name).ok()
    }
}

/// The spec a cluster with `labels` fetches `spec`'s package by: from the first mirror
/// that serves it (same file name, the mirror's own user and password), else `spec`.
pub(crate) fn spec_for(
    spec: &DownloadSpec,
    mirrors: &[MirrorSource],
    labels: &BTreeMap<String, String>,
) -> DownloadSpec {
    let Some(mirror) = mirrors.iter().find(|m| m.serves(labels)) else {
        return spec.clone();
    };
    match mirror.url_of(spec.file_name()) {
        Some(url) => DownloadSpec::new(
            url.as_str(),
            mirror.username.clone(),
            mirror.password.clone(),
        )
        .unwrap_or_else(|_| spec.clone()),
        None => spec.clone(),
    }
}

/// The targets grouped by the (masked) URL each will fetch, in first-seen order: what a
/// confirmation names. `targets` are (name, labels).
pub(crate) fn by_source<'a>(
    spec: &DownloadSpec,
    mirrors: &[MirrorSource],
    targets: impl IntoIterator<Item = (&'a str, &'a BTreeMap<String, String>)>,
) -> Vec<(String, Vec<&'a str>)> {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, labels) in targets {
        let url = spec_for(spec, mirrors, labels).masked_url();
        match groups.iter_mut().find(|(u, _)| *u == url) {
            Some((_, names)) => names.push(name),
            None => groups.push((url, vec![name])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(site: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("site".to_string(), site.to_string())])
    }

    #[test]
    fn a_cluster_fetches_from_its_sites_mirror_with_the_mirrors_credentials() {
        let spec = DownloadSpec::new(
            "https://fetch:pw@pkgs.example.com/ontap/9161P3_q_image.tgz?token=t",
            Some("fetch".into()),
            None,
        )
        .unwrap();
        let ams = MirrorSource {
            labels: labels("ams"),
            base: "https://pkgs-ams.example.com/ontap/".parse().unwrap(),
            username: Some("ams-user".into()),
            password: Some(SecretString::from("ams-pw")),
        };
        let mirrors = [ams];
        let here = spec_for(&spec, &mirrors, &labels("ams"));
        assert_eq!(
            here.url().as_str(),
            "https://pkgs-ams.example.com/ontap/9161P3_q_image.tgz"
        );
        assert_eq!(here.username.as_deref(), Some("ams-user"));
        assert!(here.has_password());
        let there = spec_for(&spec, &mirrors, &labels("nyc"));
        assert_eq!(there.url(), spec.url());
        let (ams_labels, nyc_labels) = (labels("ams"), labels("nyc"));
        let groups = by_source(
            &spec,
            &mirrors,
            [("a", &ams_labels), ("n", &nyc_labels), ("b", &ams_labels)],
        );
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].1, ["a", "b"]);
        assert!(groups[1].0.ends_with("?***"), "{:?}", groups[1].0);
    }
}
