//! Reading a cluster's answer, as hostile input: a body is read in chunks and never past
//! a cap, whatever the server sends (an endless stream, 800 MB of JSON, a lying
//! `Content-Length`), and a redirect is refused, never followed.
//!
//! Following a redirect would re-send the request, credentials and a POST body holding
//! the package server's password included, to wherever the `Location` points, plain
//! `http://` too (`docs/ontap-api.md#transport`: no ONTAP endpoint redirects).

use reqwest::Response;
use reqwest::header::LOCATION;
use tokio::time::Instant;

use crate::text::{clean, mask_url_text};

/// The largest answer read into memory: far above any ONTAP answer ontop asks for (a
/// package list of a few hundred entries is tens of KiB).
pub(super) const MAX_ANSWER: usize = 4 * 1024 * 1024;
/// The longest error body read into a message; enough for any ONTAP envelope.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Why a body was not read to its end.
#[derive(Debug)]
pub(super) enum BodyError {
    /// The body is (or claims to be) larger than the cap; reading stopped there.
    TooLarge { cap: usize },
    /// The transfer failed (timeout, reset, broken chunking) after `read` bytes.
    Transport { error: reqwest::Error, read: usize },
    /// The request's deadline came after `read` bytes.
    TimedOut { read: usize },
}

/// The body, at most `cap` bytes of it, by `deadline` (`None`: reqwest's own timeout
/// applies). A declared length over the cap is refused before a byte is read; a body
/// that goes on past the cap is cut off there.
pub(super) async fn read_capped(
    mut response: Response,
    cap: usize,
    deadline: Option<Instant>,
) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|declared| declared > cap as u64)
    {
        return Err(BodyError::TooLarge { cap });
    }
    let mut body = Vec::new();
    loop {
        let Some(chunk) = within(deadline, response.chunk()).await else {
            return Err(BodyError::TimedOut { read: body.len() });
        };
        match chunk {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > cap {
                    return Err(BodyError::TooLarge { cap });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(error) => {
                return Err(BodyError::Transport {
                    error,
                    read: body.len(),
                });
            }
        }
    }
}

/// What an error answer says, as far as it can be read by `deadline` (as for
/// [`read_capped`]): at most [`MAX_ERROR_BODY`], and nothing when it cannot be read at
/// all (the status alone is then the message).
pub(super) async fn error_body(response: Response, deadline: Option<Instant>) -> Vec<u8> {
    let mut response = response;
    let mut body = Vec::new();
    while let Some(Ok(Some(chunk))) = within(deadline, response.chunk()).await {
        let room = MAX_ERROR_BODY - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    body
}

/// `work`'s output, unless `deadline` comes first (`None`: no deadline of ours).
async fn within<T>(deadline: Option<Instant>, work: impl Future<Output = T>) -> Option<T> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, work).await.ok(),
        None => Some(work.await),
    }
}

/// The sentence for a 3xx: the status, where it points (cleaned, secrets masked), and
/// that ontop does not go there.
pub(super) fn redirect_message(response: &Response) -> String {
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .map(|raw| {
            let shown = if raw.contains("://") {
                mask_url_text(&raw)
            } else {
                raw.split(['?', '#']).next().unwrap_or("").to_string()
            };
            let shown: String = clean(&shown).chars().take(200).collect();
            format!(" to {shown:?}")
        })
        .unwrap_or_default();
    format!(
        "HTTP {} redirect{location}: ontop never follows redirects (it would send the \
         credentials, and a download's package password, elsewhere); set url to the \
         cluster's real management address",
        status.as_u16()
    )
}

/// A cap in words: "4 MiB", "64 KiB".
pub(super) fn size_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_said_in_binary_units() {
        assert_eq!(size_words(MAX_ANSWER), "4 MiB");
        assert_eq!(size_words(MAX_ERROR_BODY), "64 KiB");
        assert_eq!(size_words(1000), "1000 bytes");
    }
}
