//! Looking at a cluster's certificate without trusting it.
//!
//! [`inspect`] opens a TLS connection that accepts any certificate (the handshake
//! signatures are still verified, so the server proved it holds the key) and keeps the
//! chain exactly as presented. [`Inspection::render`] then says what an operator needs
//! to decide: who issued it, which names it holds, when it expires, whether it is valid
//! for the configured host, and whether the current config already trusts it.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::Url;
use rustls::client::verify_server_name;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::config::ClusterConfig;
use crate::fleet::targets::{CONNECT_TIMEOUT, trust_for};
use crate::ontap::tls::{client_config, verifier};
use crate::ontap::{
    CertificateDetails, Fingerprint, TlsTrust, certificate_words, not_signed_by_a_trusted_ca,
    pin_changed,
};
use crate::text::clean_field;

/// What one cluster presented, and what the current config makes of it.
#[derive(Debug, Clone)]
pub(crate) struct Inspection {
    /// The configured cluster name.
    pub cluster: String,
    /// The chain as presented, the cluster's own certificate first.
    pub chain: Vec<CertificateDetails>,
    /// The name certificates are checked against: `tls_server_name`, else the URL's host.
    pub name: String,
    /// `Ok` when the cluster's certificate holds [`Inspection::name`], else why not.
    pub name_check: Result<(), String>,
    /// What the current trust settings say about this certificate.
    pub verdict: String,
}

impl Inspection {
    /// The fingerprint of the cluster's own certificate: what a pin holds.
    pub(crate) fn fingerprint(&self) -> Fingerprint {
        self.chain[0].fingerprint
    }

    /// The report for the operator, ending with the `fingerprint = ...` line to pin.
    pub(crate) fn render(&self, url: &Url, now: Timestamp) -> String {
        let mut out = format!("{}  {}\n", self.cluster, url.origin().ascii_serialization());
        let count = self.chain.len();
        let plural = if count == 1 { "" } else { "s" };
        out.push_str(&format!("  presented {count} certificate{plural}:\n"));
        for (i, cert) in self.chain.iter().enumerate() {
            let role = if i == 0 {
                "the cluster's own"
            } else {
                "issuer chain"
            };
            out.push_str(&format!("  #{} ({role})\n", i + 1));
            out.push_str(&field("subject", &cert.subject));
            out.push_str(&field("issuer", &cert.issuer));
            let names = if cert.names.is_empty() {
                "(none)".to_string()
            } else {
                cert.names.join(", ")
            };
            out.push_str(&field("names", &names));
            out.push_str(&field(
                "valid",
                &format!(
                    "{} to {} ({})",
                    day(cert.not_before),
                    day(cert.not_after),
                    left(cert, now)
                ),
            ));
            out.push_str(&field("sha256", &cert.fingerprint.to_string()[7..]));
        }
        let own = &self.chain[0];
        let self_signed = if own.self_signed {
            "yes: issued by itself, as ONTAP does by default; pin it to trust it"
        } else {
            "no: issued by the CA named above"
        };
        out.push_str(&summary("self-signed", self_signed));
        let expired = if own.expired_at(now) {
            format!(
                "YES ({}); renew it on the cluster; a pin still works",
                left(own, now)
            )
        } else {
            format!("no ({})", left(own, now))
        };
        out.push_str(&summary("expired", &expired));
        let valid_for = match &self.name_check {
            Ok(()) => format!("{}: yes", self.name),
            Err(why) => format!("{}: NO ({why})", self.name),
        };
        out.push_str(&summary("valid for", &valid_for));
        out.push_str(&summary("trusted now", &self.verdict));
        out.push_str(&format!("fingerprint = \"{}\"\n", self.fingerprint()));
        out
    }
}

/// Connects to `cluster` without trusting it and reads what it presents.
///
/// The error is a sentence for the operator (no route, refused, no TLS, timeout).
pub(crate) async fn inspect(cluster: &ClusterConfig) -> Result<Inspection, String> {
    let chain = fetch_chain(&cluster.url, cluster.timeout.min(CONNECT_TIMEOUT)).await?;
    let details = chain
        .iter()
        .map(|der| CertificateDetails::parse(der.as_ref()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the cluster presented a certificate that {e}"))?;
    let url_name = server_name(&cluster.url)?;
    let name = cluster
        .tls_server_name
        .clone()
        .unwrap_or_else(|| host_text(&cluster.url));
    let name_check = check_name(&chain[0], &name);
    let verdict = judge(cluster, &chain, &url_name);
    Ok(Inspection {
        cluster: cluster.name.clone(),
        chain: details,
        name,
        name_check,
        verdict,
    })
}

/// The certificates the server at `url` presents, the end-entity first.
async fn fetch_chain(url: &Url, timeout: Duration) -> Result<Vec<CertificateDer<'static>>, String> {
    let port = url.port_or_known_default().unwrap_or(443);
    let address = host_text(url);
    // Accept any certificate: this is the look before trusting. Signatures still count.
    let (config, _) = client_config(&TlsTrust::Insecure, None, "")?;
    let connector = TlsConnector::from(Arc::new(config));
    let name = server_name(url)?;
    let connect = async {
        let tcp = match address.parse::<IpAddr>() {
            Ok(ip) => TcpStream::connect((ip, port)).await,
            Err(_) => TcpStream::connect((address.as_str(), port)).await,
        }
        .map_err(|e| format!("cannot connect to {address}:{port}: {e}"))?;
        let tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS handshake with {address}:{port} failed: {e}"))?;
        let (_, connection) = tls.get_ref();
        match connection.peer_certificates() {
            Some(chain) if !chain.is_empty() => {
                Ok(chain.iter().map(|c| c.clone().into_owned()).collect())
            }
            _ => Err(format!("{address}:{port} presented no certificate")),
        }
    };
    tokio::time::timeout(timeout, connect)
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "no TLS answer from {address}:{port} within {}s",
                timeout.as_secs_f32()
            ))
        })
}

/// Whether the current settings accept this chain, in words, using the very verifier
/// the dashboard would use.
fn judge(
    cluster: &ClusterConfig,
    chain: &[CertificateDer<'static>],
    name: &ServerName<'static>,
) -> String {
    let trust = trust_for(cluster);
    let how = match &trust {
        TlsTrust::System => "nothing set (the system trust store)".to_string(),
        TlsTrust::CaFile(path) => format!("ca_file {}", path.display()),
        TlsTrust::CaPem(_) => "the given CA".to_string(),
        TlsTrust::Pinned(_) => "the pinned fingerprint".to_string(),
        TlsTrust::Insecure => {
            return "not verified (insecure = true); pin it to stop relying on that".to_string();
        }
    };
    let verifier = match verifier(&trust, cluster.tls_server_name.as_deref(), &cluster.name) {
        Ok(v) => v,
        Err(e) => return format!("no: {e}"),
    };
    match verifier.verify_server_cert(&chain[0], &chain[1..], name, &[], UnixTime::now()) {
        Ok(_) => format!("yes, by {how}"),
        Err(e) => refusal(&how, &e),
    }
}

/// Why the current settings refuse a certificate, in words.
fn refusal(how: &str, err: &rustls::Error) -> String {
    if let Some(changed) = pin_changed(err) {
        return format!(
            "NO, by {how}: the certificate CHANGED since it was pinned (pinned {}); check \
             with the storage team (security certificate show) before pinning this one",
            changed.pinned
        );
    }
    if not_signed_by_a_trusted_ca(err) {
        return format!("no, by {how}: it is not signed by a CA trusted there");
    }
    match err {
        rustls::Error::InvalidCertificate(cert) => {
            format!("no, by {how}: {}", certificate_words(cert))
        }
        other => format!("no, by {how}: {}", clean_field(&other.to_string())),
    }
}

fn check_name(end_entity: &CertificateDer<'_>, name: &str) -> Result<(), String> {
    let name = ServerName::try_from(name)
        .map_err(|_| format!("{name:?} is neither a DNS name nor an IP address"))?;
    let parsed = ParsedCertificate::try_from(end_entity).map_err(|e| e.to_string())?;
    verify_server_name(&parsed, &name).map_err(|e| match e {
        rustls::Error::InvalidCertificate(cert) => {
            format!(
                "{}; set tls_server_name to one of its names, or pin it (a pin checks no names)",
                certificate_words(&cert)
            )
        }
        other => clean_field(&other.to_string()),
    })
}

/// The name rustls is given for `url`, as reqwest gives it.
fn server_name(url: &Url) -> Result<ServerName<'static>, String> {
    let host = host_text(url);
    match host.parse::<IpAddr>() {
        Ok(ip) => Ok(ServerName::IpAddress(ip.into())),
        Err(_) => ServerName::try_from(host.clone())
            .map_err(|_| format!("{host:?} is not a valid host name")),
    }
}

/// The URL's host as written, without the brackets of an IPv6 address.
fn host_text(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .to_string()
}

fn field(label: &str, value: &str) -> String {
    format!("     {label:<9} {value}\n")
}

fn summary(label: &str, value: &str) -> String {
    format!("  {label:<12} {value}\n")
}

fn day(t: Timestamp) -> String {
    crate::ontap::certificate::written_utc(t, "%Y-%m-%d %H:%M UTC")
}

fn left(cert: &CertificateDetails, now: Timestamp) -> String {
    match cert.days_left(now) {
        d if now < cert.not_before => {
            format!("not valid before {}; {d} days left", day(cert.not_before))
        }
        d if d < 0 => format!("expired {} days ago", -d),
        0 => "expires within a day".to_string(),
        1 => "expires in 1 day".to_string(),
        d => format!("expires in {d} days"),
    }
}
