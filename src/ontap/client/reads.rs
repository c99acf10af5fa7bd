//! The questions ontop asks a cluster: identity, the download state, jobs, the software
//! (an update, a validation's findings) and the package repository. Each is a GET.

use super::Client;
use crate::ontap::model::{JobList, PackageList};
use crate::ontap::software::Software;
use crate::ontap::{ClusterInfo, DownloadStatus, ErrorKind, Job, OntapError};
use crate::sync::Lock;
use crate::text::Secrets;

impl Client {
    /// `GET /api/cluster`: name, uuid and version.
    ///
    /// An answer that names neither the cluster nor its release is refused: every
    /// cluster has both, and `{}` is what a generic JSON service or a portal in front of
    /// the address says, which must not show as a healthy cluster.
    pub async fn cluster(&self) -> Result<ClusterInfo, OntapError> {
        let info: ClusterInfo = self
            .get_json(&["cluster"], &[("fields", "name,uuid,version")])
            .await?;
        if info.name.is_none() && info.version.is_none() {
            let message = "the answer to GET /api/cluster gives no cluster name and no \
                           version: not a cluster's answer";
            return Err(OntapError::new(&self.name, ErrorKind::Decode, message));
        }
        Ok(info)
    }

    /// `GET /api/cluster/software/download`: the state of the cluster-wide download.
    ///
    /// An answer with no state, message or code is refused, as `{}` is for the cluster.
    pub async fn download_status(&self) -> Result<DownloadStatus, OntapError> {
        let mut status: DownloadStatus = self.get_json_from(self.download_url.clone(), &[]).await?;
        if status.state.is_none() && status.message.is_none() && status.code.is_none() {
            let message = "the answer to GET /api/cluster/software/download gives no state, \
                           message or code: not a cluster's answer";
            return Err(OntapError::new(&self.name, ErrorKind::Decode, message));
        }
        self.hide_secrets_in(&mut status.message);
        Ok(status)
    }

    /// `GET /api/cluster/jobs/{uuid}`. A 404 (code 4) means the job ended long enough
    /// ago to be deleted: callers fall back to [`Client::download_status`].
    ///
    /// An answer about another job is refused: its state is not this job's.
    pub async fn job(&self, uuid: &str) -> Result<Job, OntapError> {
        // A journal entry or an answer that names no job is never turned into a request
        // for another path (an empty uuid would ask for the whole job list).
        if !crate::ontap::model::is_job_uuid(uuid) {
            let shown = crate::text::truncate(uuid, 40);
            let message = format!("{shown:?} is not a job's UUID: nothing was asked");
            return Err(OntapError::new(&self.name, ErrorKind::Decode, message));
        }
        let mut job: Job = self.get_json(&["cluster", "jobs", uuid], &[]).await?;
        if !job.uuid.eq_ignore_ascii_case(uuid) {
            let message = format!(
                "the answer to GET /api/cluster/jobs/{uuid} is about another job ({}): its \
                 state is not this job's",
                crate::text::truncate(&job.uuid, 64)
            );
            return Err(OntapError::new(&self.name, ErrorKind::Decode, message));
        }
        self.hide_secrets_in_job(&mut job);
        Ok(job)
    }

    /// `GET /api/cluster/jobs` for the jobs of package downloads that have not ended,
    /// newest last: how ontop finds the job of a download it attaches to.
    pub(crate) async fn download_jobs(&self) -> Result<Vec<Job>, OntapError> {
        let list: JobList = self
            .get_json(
                &["cluster", "jobs"],
                &[
                    (
                        "fields",
                        "uuid,description,state,message,code,start_time,end_time",
                    ),
                    ("state", "queued|running|paused"),
                    ("description", "*software/download*"),
                ],
            )
            .await?;
        Ok(list
            .records
            .into_iter()
            .filter(|j| {
                j.description
                    .as_deref()
                    .is_some_and(|d| d.contains("software/download"))
            })
            .map(|mut job| {
                self.hide_secrets_in_job(&mut job);
                job
            })
            .collect())
    }

    /// Remembers the secrets of a package download this client sends, to hide them in
    /// everything the cluster says from then on.
    pub(super) fn remember_secrets(&self, secrets: &Secrets) {
        self.package_secrets.locked().extend(secrets);
    }

    /// `text` with every package secret this client has sent hidden.
    pub(super) fn hide_secrets(&self, text: String) -> String {
        let secrets = self.package_secrets.locked();
        if secrets.is_empty() {
            return text;
        }
        secrets.hide_in(&text)
    }

    fn hide_secrets_in(&self, text: &mut Option<String>) {
        if let Some(said) = text.take() {
            *text = Some(self.hide_secrets(said));
        }
    }

    fn hide_secrets_in_job(&self, job: &mut Job) {
        self.hide_secrets_in(&mut job.message);
        self.hide_secrets_in(&mut job.description);
        if let Some(error) = &mut job.error {
            self.hide_secrets_in(&mut error.message);
            self.hide_secrets_in(&mut error.target);
        }
    }

    /// `GET /api/cluster/software`: each node's release, an update in progress and the
    /// last validation's results, read in whatever shape the cluster's release sends.
    pub(crate) async fn software(&self) -> Result<Software, OntapError> {
        let value: serde_json::Value = self
            .get_json(
                &["cluster", "software"],
                &[(
                    "fields",
                    "version,state,pending_version,elapsed_duration,estimated_duration,\
                     nodes,update_details,status_details,validation_results",
                )],
            )
            .await?;
        Ok(Software::from_value(&value))
    }

    /// `GET /api/cluster/software/packages`: the packages already on the cluster.
    pub async fn packages(&self) -> Result<PackageList, OntapError> {
        self.get_json(
            &["cluster", "software", "packages"],
            &[("fields", "version,create_time")],
        )
        .await
    }
}
