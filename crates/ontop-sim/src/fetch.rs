//! The simulated cluster really fetching a package URL.
//!
//! A download in the sim is not a timer: the cluster opens the URL and reads
//! every byte, so a wrong host, a 404 or a slow server show up the way they do
//! on a real cluster. `http`/`https` go through reqwest (trusting the run's CA),
//! `file://` reads a local file, and `ftp://` is always unreachable (the sim
//! has no FTP client). The caller turns an error into code 10551885.

use super::cluster::DownloadRequest;

/// Fetches the whole package; returns its size, or a short reason for the
/// failure message (never containing the URL's credentials).
pub(crate) async fn fetch(client: &reqwest::Client, req: &DownloadRequest) -> Result<u64, String> {
    match req.url.scheme() {
        "file" => fetch_file(&req.url).await,
        "ftp" => Err(format!(
            "FTP server {} is unreachable",
            req.url.host_str().unwrap_or("(none)")
        )),
        _ => fetch_http(client, req).await,
    }
}

async fn fetch_file(url: &reqwest::Url) -> Result<u64, String> {
    let path = url
        .to_file_path()
        .map_err(|()| "the file URL does not name a local path".to_string())?;
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    // Read it for real, like the cluster copying it into its repository.
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(bytes.len() as u64)
}

async fn fetch_http(client: &reqwest::Client, req: &DownloadRequest) -> Result<u64, String> {
    let mut url = req.url.clone();
    // Credentials travel as basic auth, never inside a message.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let mut get = client.get(url);
    if let Some(user) = &req.username {
        get = get.basic_auth(user, req.password.as_deref());
    } else if !req.url.username().is_empty() {
        get = get.basic_auth(req.url.username(), req.url.password());
    }
    let mut resp = get.send().await.map_err(|e| describe(&e))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!("the server answered HTTP {status}"));
    }
    let mut total = 0u64;
    while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e))? {
        total += chunk.len() as u64;
    }
    Ok(total)
}

/// A reqwest error in a few words, without the URL.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "cannot connect to the server"
    } else if e.is_timeout() {
        "the server timed out"
    } else if e.is_body() || e.is_decode() {
        "the transfer was interrupted"
    } else if e.is_redirect() {
        "too many redirects"
    } else {
        "the request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({detail})")
    }
}

/// The HTTP client a cluster fetches with: trusts the run's CA only, gives up
/// connecting after 10 s, and has no overall timeout (the time limit rules).
pub(crate) fn client(ca_pem: Option<&str>) -> Result<reqwest::Client, super::SimError> {
    let tls = super::tls::client_config(ca_pem)?;
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(std::time::Duration::from_secs(10))
        .user_agent("ontop-sim-cluster")
        .no_proxy()
        .build()
        .map_err(|e| super::SimError::Tls(e.to_string()))
}
