//! The requests that change a cluster (or, for a validation, ask it to work): starting a
//! download, uploading an image, removing a package and validating a release.
//! Read-only is enforced below both, in `Client::send`: a read-only client sends
//! nothing but GETs.

use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode};

use super::{Client, job_from_body, job_from_location};
use crate::ontap::{DownloadRequest, DownloadStarted, OntapError};

impl Client {
    /// `POST /api/cluster/software/download`: asks the cluster to fetch a package.
    ///
    /// `return_timeout` 0 (what ontop uses) answers 202 at once with the job to follow;
    /// a larger value may answer 201/200 when the job ended in time.
    pub async fn start_download(
        &self,
        request: &DownloadRequest,
        return_timeout: u32,
    ) -> Result<DownloadStarted, OntapError> {
        self.remember_secrets(&request.secrets());
        let timeout = return_timeout.to_string();
        let query = [("return_timeout", timeout.as_str())];
        let sent = self.request_to(Method::POST, self.download_url.clone(), &query);
        let sent = self.with_json(sent, request)?;
        self.job_answer(sent, "a download request").await
    }

    /// `DELETE /api/cluster/software/packages/{version}`: removes a package from the
    /// cluster's repository. Answers with the job that does it (202), or with none when
    /// it ended within `return_timeout` (200).
    pub(crate) async fn delete_package(
        &self,
        version: &str,
        return_timeout: u32,
    ) -> Result<DownloadStarted, OntapError> {
        let timeout = return_timeout.to_string();
        let query = [("return_timeout", timeout.as_str())];
        let path = ["cluster", "software", "packages", version];
        let sent = self.request(Method::DELETE, &path, &query);
        self.job_answer(sent, "a package removal").await
    }

    /// `PATCH /api/cluster/software?validate_only=true`: checks whether an update to
    /// `version` (a package the cluster holds) would go through, without updating.
    /// Answers with the job that runs the checks; their results are read from
    /// [`Client::software`] once it ends.
    pub(crate) async fn validate(&self, version: &str) -> Result<DownloadStarted, OntapError> {
        let query = [("validate_only", "true"), ("return_timeout", "0")];
        let sent = self.request(Method::PATCH, &["cluster", "software"], &query);
        let sent = self.with_json(sent, &serde_json::json!({ "version": version }))?;
        self.job_answer(sent, "a validation").await
    }

    /// `POST /api/cluster/software/upload`: the image itself, as one `multipart/form-data`
    /// part named `file` (ONTAP 9.8 and later), streamed from `body` (`length` bytes, never
    /// held in memory). The whole request may take `limit` (an image takes minutes, not
    /// the client's usual timeout). Answers with the job that files the image.
    pub(crate) async fn upload_image(
        &self,
        file_name: &str,
        body: reqwest::Body,
        length: u64,
        limit: std::time::Duration,
    ) -> Result<DownloadStarted, OntapError> {
        let part = reqwest::multipart::Part::stream_with_length(body, length)
            .file_name(file_name.to_owned())
            .mime_str("application/octet-stream")
            .map_err(|e| self.decode_error(&format!("cannot build the upload: {e}"), b""))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let path = ["cluster", "software", "upload"];
        let sent = self.request(Method::POST, &path, &[("return_timeout", "0")]);
        let sent = reqwest::RequestBuilder::from_parts(self.uploads()?.clone(), sent)
            .timeout(limit)
            .multipart(form)
            .build()
            .map_err(|e| self.transport_error(&e, None))?;
        self.job_answer(sent, "an upload").await
    }

    /// Sends a change and reads its answer: 202 with the job to follow (in the body or
    /// the `Location` header), or 200/201/204 when it ended within `return_timeout`.
    async fn job_answer(
        &self,
        request: reqwest::Request,
        what: &str,
    ) -> Result<DownloadStarted, OntapError> {
        let answered = self.send(request).await?;
        let status = answered.response.status();
        let location = (answered.response.headers())
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = self.body(answered).await?;
        let job = job_from_body(&body).or_else(|| location.as_deref().and_then(job_from_location));
        match status {
            StatusCode::ACCEPTED => job
                .map(|job| DownloadStarted::Accepted { job })
                .ok_or_else(|| self.decode_error("a 202 answer without a job", &body)),
            StatusCode::OK | StatusCode::CREATED | StatusCode::NO_CONTENT => {
                Ok(DownloadStarted::Completed { job })
            }
            other => Err(self.decode_error(
                &format!("HTTP {} is no answer to {what}", other.as_u16()),
                &body,
            )),
        }
    }
}
