//! The REST client for one cluster.
//!
//! One [`Client`] per cluster, built once from its settings and reused for every call, so
//! that steady polling keeps one TLS connection alive instead of a handshake per request
//! (kept by the client itself, `super::kept`; reqwest carries only uploads). Every
//! failure comes back as an [`OntapError`] naming the cluster.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::Duration;

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONNECTION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT,
};
use reqwest::{Method, Request, Url};
use secrecy::SecretString;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::certificate::CertificateFacts;
use super::error::{ErrorKind, OntapError};
use super::kept::Kept;
use super::login::{Login, PasswordChange};
use super::model::JobLink;
use super::presented::Presented;
use super::tls::{TlsTrust, client_config};
use super::transport::Timeouts;

use crate::text::{Secrets, clean};

mod changes;
mod exchange;
mod reads;

/// Everything needed to talk to one cluster.
#[derive(Clone)]
pub struct ClientSettings {
    /// The configured name, used in every error.
    pub name: String,
    /// The management address (`https://host[:port]`); plain `http://` is allowed for labs.
    pub url: Url,
    pub username: String,
    pub password: SecretString,
    pub trust: TlsTrust,
    /// The name the certificate is checked against instead of the URL's host
    /// (`tls_server_name`), for clusters reached by an address the certificate does not
    /// name.
    pub tls_server_name: Option<String>,
    /// The whole request, from connect to the last body byte, counted once the cluster's
    /// connection is free (its requests go one after the other).
    pub timeout: Duration,
    /// Just the TCP + TLS connection, so an unreachable cluster fails fast.
    pub connect_timeout: Duration,
    /// Nothing that changes the cluster may be sent through this client (`--read-only`
    /// or the cluster's `read_only`): no download, no package removal. Enforced where
    /// every request is sent, so no screen or command can get around it.
    pub read_only: bool,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("name", &self.name)
            .field("url", &self.url.as_str())
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("trust", &self.trust)
            .field("tls_server_name", &self.tls_server_name)
            .field("timeout", &self.timeout)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// A client for one cluster. Cheap to share behind an `Arc`.
pub struct Client {
    name: String,
    base: Url,
    /// `/api/cluster/software/download`, built once: every poll asks it, and building a
    /// URL (parsing it again) was a visible part of a poll's cost.
    download_url: Url,
    /// Who it logs in as, the header built once, and the logins the cluster refused.
    login: Login,
    /// The cluster's TLS settings: the kept connection's, and the uploads' client's.
    tls: Arc<rustls::ClientConfig>,
    /// Sends the uploads (a streamed body), built at the first one: most clusters never
    /// get one, and a client costs some 2.7 KiB a cluster (measured side by side, the
    /// idle dashboard over 1,000 clusters).
    uploads: OnceLock<reqwest::Client>,
    /// The connection every other request goes over, kept by the client itself: idle,
    /// it holds no HTTP buffers. `None` only for a URL without a host.
    kept: Option<Kept>,
    read_only: bool,
    /// The certificate the cluster presented, as its connection's verifier noted it:
    /// the dashboard and `ontop status` show when it expires.
    presented: Arc<Presented>,
    /// Every request asks the cluster to close the connection after its answer.
    no_keep_alive: AtomicBool,
    /// The limits the HTTP client was built with: a timeout says which one ran out.
    timeouts: Timeouts,
    /// The package servers' secrets of every download started through this client,
    /// hidden in all the cluster says from then on: a refusal or a job may quote them.
    package_secrets: Mutex<Secrets>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("name", &self.name)
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds the client; fails (kind `tls`) when the trust settings cannot be used, for
    /// example an unreadable `ca_file`.
    pub fn new(settings: ClientSettings) -> Result<Self, OntapError> {
        let (tls, presented) = client_config(
            &settings.trust,
            settings.tls_server_name.as_deref(),
            &settings.name,
        )
        .map_err(|message| OntapError::new(&settings.name, ErrorKind::Tls, message))?;
        let tls = Arc::new(tls);
        let https = settings.url.scheme() == "https";
        let connector = https.then(|| tokio_rustls::TlsConnector::from(tls.clone()));
        let kept = Kept::new(&settings.url, connector, &STANDARD_HEADERS);
        let login = Login::new(&settings.username, &settings.password);
        let timeouts = Timeouts {
            request: settings.timeout,
            connect: settings.connect_timeout,
        };
        let mut base = settings.url;
        base.set_path("/api/");
        base.set_query(None);
        let download_url = api_url(&base, &["cluster", "software", "download"]);
        Ok(Self {
            name: settings.name,
            base,
            download_url,
            login,
            tls,
            uploads: OnceLock::new(),
            kept,
            read_only: settings.read_only,
            presented,
            no_keep_alive: AtomicBool::new(false),
            timeouts,
            package_secrets: Mutex::default(),
        })
    }

    /// Closes the connection after every answer from now on (`Connection: close`), for
    /// clusters past what the open-file limit lets ontop keep open: their polls cost a
    /// handshake each, and hold no descriptor between polls.
    pub fn close_after_each_answer(&self, close: bool) {
        self.no_keep_alive.store(close, Ordering::Relaxed);
    }

    /// The certificate the cluster presented at its last full handshake (a resumed one
    /// presents none), with its days left as of now; `None` over plain HTTP or before
    /// any handshake.
    pub fn certificate(&self) -> Option<CertificateFacts> {
        self.presented.facts()
    }

    /// The configured cluster name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Logs in with `password` from now on (typed after a 401, or read again from its
    /// source), unless the cluster refused it before.
    pub(crate) fn set_password(&self, password: &SecretString) -> PasswordChange {
        self.login.set_password(password)
    }

    /// Sends a refused login again from now on: `password` (else the current one) is
    /// taken off the refused list, because the operator asked twice.
    pub fn retry_refused(&self, password: Option<&SecretString>) {
        self.login.forgive(password);
    }

    /// True when the cluster refused the current login: the client sends nothing (every
    /// refused login counts towards locking the account) until a new password is set.
    pub fn login_refused(&self) -> bool {
        self.login.is_refused()
    }

    /// The user the client logs in as.
    pub(crate) fn username(&self) -> &str {
        self.login.username()
    }

    /// `/api/` followed by `segments`, each percent-encoded as one path segment, so a
    /// job uuid from a cluster cannot climb out of its place (`../`, `?`, `#`).
    fn url(&self, segments: &[&str]) -> Url {
        api_url(&self.base, segments)
    }

    /// A request to `/api/segments…?query`.
    fn request(&self, method: Method, segments: &[&str], query: &[(&str, &str)]) -> Request {
        self.request_to(method, self.url(segments), query)
    }

    /// A request to `url` with `query` added; without credentials when the current login
    /// was refused (`send` then sends nothing). The headers every request carries are
    /// added where it is sent.
    fn request_to(&self, method: Method, mut url: Url, query: &[(&str, &str)]) -> Request {
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut request = Request::new(method, url);
        let headers = request.headers_mut();
        if self.no_keep_alive.load(Ordering::Relaxed) {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(header) = self.login.header() {
            headers.insert(AUTHORIZATION, header);
        }
        request
    }

    /// `request` with `value` as its JSON body.
    fn with_json(
        &self,
        mut request: Request,
        value: &impl Serialize,
    ) -> Result<Request, OntapError> {
        let body = serde_json::to_vec(value).map_err(|e| {
            let message = format!("cannot write the request's JSON body: {e}");
            OntapError::new(&self.name, ErrorKind::Decode, message)
        })?;
        (request.headers_mut()).insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        *request.body_mut() = Some(body.into());
        Ok(request)
    }

    /// The client uploads go through, built at the first one (two racing uploads may
    /// both build one; the first kept is used by both).
    fn uploads(&self) -> Result<&reqwest::Client, OntapError> {
        if let Some(client) = self.uploads.get() {
            return Ok(client);
        }
        let built = reqwest::Client::builder()
            .tls_backend_preconfigured(rustls::ClientConfig::clone(&self.tls))
            // A proxy from the environment must never see cluster credentials, and
            // loopback tests must never go through one.
            .no_proxy()
            // Never: a 3xx is an error that names where it pointed (see `answer.rs`).
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(STANDARD_HEADERS.clone())
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.request)
            // Uploads only (every other request goes over `kept`): at most one kept.
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(1)
            .build()
            .map_err(|e| {
                let message = format!("cannot build the HTTP client for uploads: {e}");
                OntapError::new(&self.name, ErrorKind::Tls, message)
            })?;
        Ok(self.uploads.get_or_init(|| built))
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T, OntapError> {
        self.get_json_from(self.url(path), query).await
    }

    async fn get_json_from<T: DeserializeOwned>(
        &self,
        url: Url,
        query: &[(&str, &str)],
    ) -> Result<T, OntapError> {
        let answered = self.send(self.request_to(Method::GET, url, query)).await?;
        let body = self.body(answered).await?;
        parse(&body).map_err(|what| self.decode_error(&what, &body))
    }
}

/// An answer's JSON as `T`, or what could not be read, naming the field by its path
/// ("field records[0].version: invalid type: …"): which value of which answer was odd
/// is what someone reading the cluster's output needs to find it.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        match path.as_str() {
            "." => e.inner().to_string(),
            _ => format!("field {path}: {}", e.inner()),
        }
    })?;
    // Anything after the value is no JSON answer either.
    json.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// `base` (`/api/`) followed by `segments`, each percent-encoded as one path segment.
fn api_url(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    // A "." or ".." segment (a job uuid a cluster sent, say) would be dropped as a
    // path step: it goes as a literal name instead, and cannot climb.
    fn literal<'s>(segment: &&'s str) -> &'s str {
        match *segment {
            "." => "%2E",
            ".." => "%2E%2E",
            other => other,
        }
    }
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments.iter().map(literal));
    }
    url
}

/// The headers of every request: how ontop names itself to ONTAP (the User-Agent, and
/// `X-Dot-Client-App`, which ONTAP applies its per-application session limits by:
/// `docs/ontap-api.md#transport`), and the answers it reads. One map for every cluster.
static STANDARD_HEADERS: LazyLock<HeaderMap> = LazyLock::new(|| {
    let name = HeaderValue::from_static(concat!("ontop/", env!("CARGO_PKG_VERSION")));
    let mut headers = HeaderMap::new();
    headers.insert(USER_AGENT, name.clone());
    headers.insert("x-dot-client-app", name);
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/hal+json, application/json"),
    );
    headers
});

pub(super) fn job_from_body(body: &[u8]) -> Option<JobLink> {
    #[derive(serde::Deserialize)]
    struct JobBody {
        job: JobLink,
    }
    serde_json::from_slice::<JobBody>(body).ok().map(|b| b.job)
}

/// `Location: /api/cluster/jobs/<uuid>`, for servers that send no body.
pub(super) fn job_from_location(location: &str) -> Option<JobLink> {
    let uuid = location.trim_end_matches('/').rsplit('/').next()?;
    let uuid = clean(uuid);
    // A job's uuid goes into the path of its polls: a UUID, as in an answer's body.
    (super::model::is_job_uuid(&uuid) && location.contains("/jobs/")).then_some(JobLink { uuid })
}

#[cfg(test)]
mod tests;
