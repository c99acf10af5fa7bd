//! Wire types of the ONTAP REST subset that ontop speaks.
//!
//! Parsed once at the edge and forgiving in what they accept, because the fleet runs many
//! ONTAP releases at once: missing fields are `None`, unknown fields are ignored, unknown
//! enum values are kept as `Other`, `code` may be an integer or a string, and every string
//! is cleaned of control characters and has the secrets of any URL in it masked as it is
//! parsed (see [`crate::text`]).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::{clean_field, clean_opt, clean_string, mask_url_text};

/// `GET /api/cluster`: who the cluster is and what it runs.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ClusterInfo {
    #[serde(default, deserialize_with = "clean_opt")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "clean_opt")]
    pub uuid: Option<String>,
    #[serde(default)]
    pub version: Option<ClusterVersion>,
}

/// The running ONTAP release. `full` is the long banner; the numbers make a short form.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ClusterVersion {
    #[serde(default, deserialize_with = "clean_opt")]
    pub full: Option<String>,
    #[serde(default)]
    pub generation: Option<u32>,
    #[serde(default)]
    pub major: Option<u32>,
    #[serde(default)]
    pub minor: Option<u32>,
}

impl ClusterVersion {
    /// A short label for a table cell: "9.16.1P3" read off the banner when it has one,
    /// else "9.16.1" from the numbers.
    pub fn short(&self) -> Option<String> {
        if let Some(full) = &self.full {
            let release = full
                .strip_prefix("NetApp Release ")
                .and_then(|rest| rest.split([':', ' ']).next())
                .filter(|s| !s.is_empty());
            if let Some(release) = release {
                return Some(release.to_string());
            }
        }
        match (self.generation, self.major, self.minor) {
            (Some(g), Some(ma), Some(mi)) => Some(format!("{g}.{ma}.{mi}")),
            (Some(g), Some(ma), None) => Some(format!("{g}.{ma}")),
            _ => self.full.clone(),
        }
    }
}

/// Defines a state enum from its ONTAP wire words, once: the variants, `as_str`,
/// parsing (an unknown word is kept, cleaned, as `Other`), serde and Display. Every
/// state set has `Success` and `Failure`, the only terminal ones.
macro_rules! ontap_state {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $word:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this build does not know, kept and shown as sent.
            Other(String),
        }

        impl $name {
            /// Every word this build knows, in ONTAP's order (for the metrics' enum
            /// pattern: one series per state).
            pub const WORDS: &'static [&'static str] = &[$($word,)+];

            /// The raw ONTAP value, as `ontop status --json` prints it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $word,)+
                    Self::Other(s) => s,
                }
            }

            /// Only `success` and `failure` are terminal.
            pub fn is_terminal(&self) -> bool {
                matches!(self, Self::Success | Self::Failure)
            }

            fn parse(raw: &str) -> Self {
                match raw {
                    $($word => Self::$variant,)+
                    other => Self::Other(clean_field(other)),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::parse(&String::deserialize(d)?))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

ontap_state!(
    /// A value of `state` in `GET /cluster/software/download`.
    DownloadState {
        NotStarted => "not_started",
        Running => "running",
        Success => "success",
        Failure => "failure",
    }
);

ontap_state!(
    /// A value of `state` in `GET /cluster/jobs/{uuid}`.
    JobState {
        Queued => "queued",
        Running => "running",
        /// Not terminal: a paused job may resume (Terraform's reading, not Ansible's).
        Paused => "paused",
        Success => "success",
        Failure => "failure",
    }
);

/// `GET /api/cluster/software/download`: a singleton with no `records` wrapper.
///
/// State and message are shown as given: the vendor's own example pairs
/// `state: success` with "Package download in progress".
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct DownloadStatus {
    #[serde(default)]
    pub state: Option<DownloadState>,
    #[serde(default, deserialize_with = "clean_opt")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "code_opt")]
    pub code: Option<i64>,
}

/// Body of `POST /api/cluster/software/download`.
///
/// The password is a secret until the moment it is serialized onto the wire; the URL
/// may carry `user:password@` too, so Debug masks it.
#[derive(Serialize)]
pub struct DownloadRequest {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_secret_opt"
    )]
    pub password: Option<SecretString>,
}

impl DownloadRequest {
    /// What of this request is secret (the server's password, the URL's password and
    /// query), to hide in whatever the cluster says back.
    pub(crate) fn secrets(&self) -> crate::text::Secrets {
        crate::text::Secrets::of_package(
            &self.url,
            self.password.as_ref().map(|p| p.expose_secret()),
        )
    }
}

impl fmt::Debug for DownloadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = mask_url_text(&self.url);
        f.debug_struct("DownloadRequest")
            .field("url", &url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

fn expose_secret_opt<S: Serializer>(v: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

/// A link to the job an asynchronous request started.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct JobLink {
    /// Checked to be a UUID: it goes into the path of every poll of the job (an empty
    /// one would ask for the whole job list).
    #[serde(deserialize_with = "job_uuid")]
    pub uuid: String,
}

/// Whether `text` is a UUID as ONTAP writes a job's: 8-4-4-4-12 hexadecimal digits.
pub(crate) fn is_job_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = groups.iter().map(|g| g.len()).collect::<Vec<_>>();
    lengths == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn job_uuid<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let uuid = clean_string(d)?;
    if !is_job_uuid(&uuid) {
        let shown = crate::text::truncate(&uuid, 40);
        return Err(serde::de::Error::custom(format!(
            "the job's uuid {shown:?} is not a UUID"
        )));
    }
    Ok(uuid)
}

/// The answer to a download POST.
#[derive(Debug, Clone, PartialEq)]
pub enum DownloadStarted {
    /// 202: the job runs on; follow it.
    Accepted { job: JobLink },
    /// 201 or 200: the job already ended within `return_timeout`; some versions still
    /// name it.
    Completed { job: Option<JobLink> },
}

impl DownloadStarted {
    /// The job to follow, when the server named one.
    pub fn job(&self) -> Option<&JobLink> {
        match self {
            Self::Accepted { job } => Some(job),
            Self::Completed { job } => job.as_ref(),
        }
    }
}

/// `GET /api/cluster/jobs/{uuid}`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Job {
    #[serde(deserialize_with = "clean_string")]
    pub uuid: String,
    #[serde(default, deserialize_with = "clean_opt")]
    pub description: Option<String>,
    #[serde(default)]
    pub state: Option<JobState>,
    #[serde(default, deserialize_with = "clean_opt")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "code_opt")]
    pub code: Option<i64>,
    #[serde(default, deserialize_with = "clean_opt")]
    pub start_time: Option<String>,
    #[serde(default, deserialize_with = "clean_opt")]
    pub end_time: Option<String>,
    /// Newer releases repeat the failure here.
    #[serde(default)]
    pub error: Option<ErrorBody>,
}

/// `GET /api/cluster/jobs`: a collection of jobs.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub(crate) struct JobList {
    #[serde(default)]
    pub records: Vec<Job>,
}

/// `GET /api/cluster/software/packages`: what is already on the cluster.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct PackageList {
    #[serde(default)]
    pub records: Vec<Package>,
    /// Often absent; count `records` instead.
    #[serde(default)]
    pub num_records: Option<u64>,
}

/// One package in the cluster's repository.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Package {
    #[serde(default, deserialize_with = "clean_opt")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "clean_opt")]
    pub create_time: Option<String>,
}

/// The error envelope ONTAP sends with any status >= 400.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub(crate) struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The inside of the error envelope.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "clean_opt")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "code_opt")]
    pub code: Option<i64>,
    #[serde(default, deserialize_with = "clean_opt")]
    pub target: Option<String>,
}

/// ONTAP documents `code` as an integer and sends it as a string ("4", "262197") in
/// error envelopes. Both are accepted; anything else (a non-numeric string, a number
/// past 64 bits, a fraction, a list) is treated as absent: a code only explains an
/// answer, and an odd one must not make the whole answer unreadable.
fn code_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Code {
        Int(i64),
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<Code>::deserialize(d)? {
        Some(Code::Int(n)) => Some(n),
        Some(Code::Text(s)) => s.trim().parse().ok(),
        Some(Code::Other(_)) | None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_accepted_as_integer_or_string() {
        let a: DownloadStatus = serde_json::from_str(r#"{"code": 10551382}"#).unwrap();
        let b: DownloadStatus = serde_json::from_str(r#"{"code": "10551382"}"#).unwrap();
        let c: DownloadStatus = serde_json::from_str(r#"{"code": null}"#).unwrap();
        assert_eq!(a.code, Some(10551382));
        assert_eq!(b.code, Some(10551382));
        assert_eq!(c.code, None);
        // An odd code leaves the rest of the answer readable.
        for odd in ["99999999999999999999999999", "1.5", "[4]", "{}", "true"] {
            let s: DownloadStatus =
                serde_json::from_str(&format!(r#"{{"state": "running", "code": {odd}}}"#))
                    .unwrap_or_else(|e| panic!("{odd}: {e}"));
            assert_eq!(s.code, None, "{odd}");
            assert!(s.state.is_some(), "{odd}");
        }
    }

    #[test]
    fn unknown_states_are_kept_and_unknown_fields_ignored() {
        let s: DownloadStatus =
            serde_json::from_str(r#"{"state": "verifying", "extra": {"x": 1}}"#).unwrap();
        assert_eq!(s.state, Some(DownloadState::Other("verifying".into())));
        let j: Job = serde_json::from_str(r#"{"uuid": "u", "state": "paused"}"#).unwrap();
        assert_eq!(j.state, Some(JobState::Paused));
        assert!(!JobState::Paused.is_terminal());
    }

    #[test]
    fn server_text_is_cleaned_while_parsing() {
        let s: DownloadStatus =
            serde_json::from_str(r#"{"message": "ok\u001b[2J\u202eevil"}"#).unwrap();
        assert_eq!(s.message.as_deref(), Some("okevil"));
    }

    #[test]
    fn a_url_a_cluster_quotes_loses_its_password_and_query_while_parsing() {
        let said = r#"{"message": "Failed to fetch https://fetch:Leak-PW-4411@host/x?token=Leak-Tok-5522", "state": "failure"}"#;
        let s: DownloadStatus = serde_json::from_str(said).unwrap();
        assert_eq!(
            s.message.as_deref(),
            Some("Failed to fetch https://fetch:***@host/x?***")
        );
        let job: Job = serde_json::from_str(
            r#"{"uuid": "u", "message": "ftp://a:Leak-PW-4411@h", "error": {"message": "at https://h/?Leak-Tok-5522"}}"#,
        )
        .unwrap();
        let shown = format!("{job:?}");
        assert!(
            !shown.contains("Leak-PW") && !shown.contains("Leak-Tok"),
            "{shown}"
        );
    }

    #[test]
    fn short_version_comes_from_the_banner_or_the_numbers() {
        let v = ClusterVersion {
            full: Some("NetApp Release 9.16.1P3: Mon Jan 01 00:00:00 UTC 2026".into()),
            generation: Some(9),
            major: Some(16),
            minor: Some(1),
        };
        assert_eq!(v.short().as_deref(), Some("9.16.1P3"));
        let v = ClusterVersion { full: None, ..v };
        assert_eq!(v.short().as_deref(), Some("9.16.1"));
    }

    #[test]
    fn the_download_request_debug_hides_the_password() {
        let req = DownloadRequest {
            url: "http://server/package".into(),
            username: Some("admin".into()),
            password: Some(SecretString::from("hunter2-secret")),
        };
        assert!(!format!("{req:?}").contains("hunter2-secret"));
        let in_url = DownloadRequest {
            url: "http://fetch:url-secret@server/package".into(),
            username: None,
            password: None,
        };
        assert!(!format!("{in_url:?}").contains("url-secret"));
        let wire = serde_json::to_string(&req).unwrap();
        assert!(wire.contains("hunter2-secret"));
    }
}

#[cfg(test)]
mod job_uuid_tests {
    use super::*;

    /// A job link's uuid is a UUID or the answer is refused: it becomes a request path.
    #[test]
    fn a_job_link_must_name_a_uuid() {
        let good = "6c4a2cd9-cfc0-4bfd-9f56-7c24ca34608a";
        assert!(is_job_uuid(good) && is_job_uuid(&good.to_uppercase()));
        for bad in [
            "",
            "job-1",
            "../../cluster",
            "6c4a2cd9cfc04bfd9f567c24ca34608a",
            &format!("{good}0"),
        ] {
            assert!(!is_job_uuid(bad), "{bad:?}");
            let json = serde_json::json!({ "uuid": bad });
            assert!(serde_json::from_value::<JobLink>(json).is_err(), "{bad:?}");
        }
        let link: JobLink = serde_json::from_value(serde_json::json!({ "uuid": good })).unwrap();
        assert_eq!(link.uuid, good);
    }
}
