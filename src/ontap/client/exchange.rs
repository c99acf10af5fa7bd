//! Sending a request and taking its answer as ontop takes it: over the kept connection
//! unless it is an upload; a refused login noted; a redirect or a status >= 400 made an
//! error that names the cluster; a body read within its cap and its deadline, then the
//! connection given back.

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, Request, Response, StatusCode};
use tokio::time::Instant;

use super::Client;
use crate::ontap::answer::{
    BodyError, MAX_ANSWER, error_body, read_capped, redirect_message, size_words,
};
use crate::ontap::error::{ErrorKind, OntapError};
use crate::ontap::kept::{Failed, InUse, Kept};
use crate::ontap::login::hide_credential;
use crate::ontap::model::ErrorEnvelope;
use crate::ontap::transport::{classify_cause, classify_transport, timeout_message};
use crate::text::{clean, mask_urls_in};

/// An answer whose body is still to read, and the kept connection it came on.
pub(super) struct Answered {
    pub(super) response: Response,
    /// Given back once the body is read, which it bounds by its deadline; `None` for an
    /// answer through reqwest (whose own timeout applies).
    connection: Option<InUse>,
}

impl Client {
    /// Why a request over the kept connection got no answer; one that went out is
    /// marked [`OntapError::unanswered`].
    fn failed(&self, failed: Failed) -> OntapError {
        let (kind, message, went) = match failed {
            Failed::TimedOut { connecting } => (
                ErrorKind::Timeout,
                timeout_message(connecting, None, self.timeouts),
                !connecting,
            ),
            Failed::Transport(error) => {
                let (kind, message) = classify_cause(error.as_ref(), &self.name, None);
                (kind, message, true)
            }
            Failed::Connecting(error) => {
                let (kind, message) = classify_cause(error.as_ref(), &self.name, None);
                (kind, message, false)
            }
        };
        let error = OntapError::new(&self.name, kind, message);
        if went { error.unanswered() } else { error }
    }

    /// Nothing is sent: the cluster refused this login before.
    fn not_sent(&self) -> OntapError {
        let message = "not sent: the cluster refused this login before (another refused \
                       login could lock the account); enter the password again, or fix its \
                       source";
        OntapError::new(&self.name, ErrorKind::Auth, message)
    }

    /// Sends a request, over the kept connection unless it is an upload; a redirect, and
    /// any status >= 400, becomes an error (the latter carrying the envelope).
    pub(super) async fn send(&self, request: Request) -> Result<Answered, OntapError> {
        // The one place read-only is enforced: nothing but a GET leaves a read-only client,
        // whichever front end or command built the request.
        if self.read_only && request.method() != Method::GET {
            let message = "read-only: downloads are disabled for this cluster (nothing that \
                           changes it is sent)";
            return Err(OntapError::new(&self.name, ErrorKind::ReadOnly, message));
        }
        let Some(sent) = request.headers().get(AUTHORIZATION).cloned() else {
            return Err(self.not_sent());
        };
        let (response, connection) = match &self.kept {
            Some(kept) if Kept::takes(&request) => {
                let (response, connection) = (kept.send(request, self.timeouts).await)
                    .map_err(|failed| self.failed(failed))?;
                (response, Some(connection))
            }
            _ => {
                let uploads = self.uploads()?;
                let response =
                    (uploads.execute(request).await).map_err(|e| self.transport_error(&e, None))?;
                (response, None)
            }
        };
        let deadline = connection.as_ref().map(InUse::deadline);
        match self.judge(response, &sent, deadline).await {
            Ok(response) => Ok(Answered {
                response,
                connection,
            }),
            Err(error) => {
                give_back(connection).await;
                Err(error)
            }
        }
    }

    /// An answer as ontop takes it: a refused login is noted, and anything but a 2xx
    /// becomes an error (a status >= 400 carrying the envelope, read by `deadline`).
    async fn judge(
        &self,
        response: Response,
        sent: &HeaderValue,
        deadline: Option<Instant>,
    ) -> Result<Response, OntapError> {
        if response.status() == StatusCode::UNAUTHORIZED {
            self.login.refused(sent);
        }
        let status = response.status();
        if status.is_redirection() {
            let message = redirect_message(&response);
            return Err(
                OntapError::new(&self.name, ErrorKind::Http, message).with_status(status.as_u16())
            );
        }
        if status.is_success() {
            return Ok(response);
        }
        if !status.is_client_error() && !status.is_server_error() {
            // 1xx after the head, or past 599: no ONTAP web server answers so.
            let message = format!(
                "HTTP {}: a status no ONTAP web server answers with",
                status.as_u16()
            );
            return Err(OntapError::new(&self.name, ErrorKind::Protocol, message)
                .with_status(status.as_u16()));
        }
        let body = error_body(response, deadline).await;
        Err(self.status_error(status, &body, sent))
    }

    /// The body of an answer, at most [`MAX_ANSWER`] of it, by its deadline; then its
    /// connection is given back.
    pub(super) async fn body(&self, answered: Answered) -> Result<Vec<u8>, OntapError> {
        let Answered {
            response,
            connection,
        } = answered;
        let deadline = connection.as_ref().map(InUse::deadline);
        // The answer had begun: its status tells a cut answer from no connection.
        let status = response.status().as_u16();
        let body = read_capped(response, MAX_ANSWER, deadline).await;
        give_back(connection).await;
        body.map_err(|e| match e {
            BodyError::TooLarge { cap } => {
                let message = format!(
                    "answer larger than {}: stopped reading (an ONTAP answer is a few KiB)",
                    size_words(cap)
                );
                OntapError::new(&self.name, ErrorKind::Decode, message)
            }
            BodyError::Transport { error, read } => (self.transport_error(&error, Some(read)))
                .with_status(status)
                .unanswered(),
            BodyError::TimedOut { read } => OntapError::new(
                &self.name,
                ErrorKind::Timeout,
                timeout_message(false, Some(read), self.timeouts),
            ),
        })
    }

    /// The error of a status >= 400, from its envelope; the credential `sent` is hidden
    /// in whatever the cluster says.
    fn status_error(&self, status: StatusCode, body: &[u8], sent: &HeaderValue) -> OntapError {
        let envelope = serde_json::from_slice::<ErrorEnvelope>(body).ok();
        let (message, code, target) = match envelope {
            Some(ErrorEnvelope { error }) => (error.message, error.code, error.target),
            None => (None, None, None),
        };
        let hide = |text: String| self.hide_secrets(hide_credential(sent, &text));
        let (message, target) = (message.map(hide), target.map(hide));
        let kind = match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ErrorKind::Auth,
            _ => ErrorKind::Http,
        };
        let message = message
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| match status {
                StatusCode::UNAUTHORIZED => {
                    "authentication failed: the cluster refused the username or password"
                        .to_string()
                }
                _ => format!(
                    "HTTP {} {}",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or("error")
                ),
            });
        OntapError {
            code,
            target,
            // A 5xx no ONTAP code explains (a proxy's 502 page, a web server restarting)
            // says nothing of whether the request was carried out.
            unanswered: status.is_server_error() && code.is_none(),
            ..OntapError::new(&self.name, kind, message).with_status(status.as_u16())
        }
    }

    pub(super) fn decode_error(&self, what: &str, body: &[u8]) -> OntapError {
        let snippet = self.hide_secrets(self.login.hide_in(&clean(&String::from_utf8_lossy(body))));
        let snippet: String = mask_urls_in(&snippet).chars().take(80).collect();
        // A parser's message may quote the offending value, which may be huge.
        let what: String = clean(what).chars().take(160).collect();
        let message = format!("unexpected answer ({what}): {snippet:?}");
        // A 2xx that is not what ONTAP sends: whatever was asked may have been done.
        OntapError::new(&self.name, ErrorKind::Decode, message).unanswered()
    }

    /// A request that got no (whole) answer; `read` is how much of the body had come
    /// when the body was being read.
    pub(super) fn transport_error(&self, err: &reqwest::Error, read: Option<usize>) -> OntapError {
        let (kind, message) = classify_transport(err, &self.name, read, self.timeouts);
        OntapError::new(&self.name, kind, message)
    }
}

/// Keeps the kept connection an answer came on for the next request, when it can take
/// one (an answer through reqwest has none).
async fn give_back(connection: Option<InUse>) {
    if let Some(connection) = connection {
        connection.give_back().await;
    }
}
