//! What the integration tests (`tests/it`) and benchmarks (`benches/`) reach inside the
//! library, and nothing else: the modules stay private, so the compiler can tell dead code,
//! and this list is the one place that says what the tests lean on. Not an API: hidden
//! from the docs.

/// What the integration tests use of `commands`.
pub mod commands {
    pub use crate::commands::Exit;
    /// What the integration tests use of `commands::selection`.
    pub mod selection {
        pub use crate::commands::selection::{SelectionArgs, WhenUnnamed};
    }
    /// What the integration tests use of `commands::trust`.
    pub mod trust {
        pub use crate::commands::trust::{
            Console, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, TrustArgs, run, run_with,
        };
    }
}
/// What the integration tests use of `config`.
pub mod config {
    pub use crate::config::{
        Config, ConfigError, CredentialSource, Credentials, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT,
        Environment, Prompting, default_config_path, load_from, load_from_in, load_in,
        resolve_path_in,
    };
}
/// What the integration tests use of `download`.
pub mod download {
    pub use crate::download::{
        DownloadSpec, Ending, Followed, MAX_CONCURRENT_STARTS, Observation, Operation,
        OperationKind, Origin, Phase, Plan, Planned, Since, SkipReason, Skipped, StartOutcome,
        Tracker, Want,
    };
    /// What the integration tests use of `download::audit`.
    pub mod audit {
        pub use crate::download::audit::AuditLog;
    }
    /// What the integration tests use of `download::journal`.
    pub mod journal {
        pub use crate::download::journal::{Journal, JournalEntry};
    }
    /// What the integration tests use of `download::sources`.
    pub mod sources {
        pub use crate::download::sources::MirrorSource;
    }
    /// What the integration tests use of `download::tracker`.
    pub mod tracker {
        pub use crate::download::tracker::UploadFile;
    }
}
/// What the integration tests use of `engine`.
pub mod engine {
    pub use crate::engine::{
        Engine, EngineOptions, EngineSetup, JournalUse, LoginPause, Schedule, SoftwareReads, Update,
    };
    /// What the integration tests use of `engine::local_file`.
    pub mod local_file {
        pub use crate::engine::local_file::{FileNews, FoundFile};
    }
    /// What the integration tests use of `engine::upload`.
    pub mod upload {
        pub use crate::engine::upload::UploadSource;
    }
}
/// What the integration tests use of `fleet`.
pub mod fleet {
    pub use crate::fleet::{DEFAULT_MAX_IN_FLIGHT, Session, Target, sweep, targets_from_config};
    /// What the integration tests use of `fleet::targets`.
    pub mod targets {
        pub use crate::fleet::targets::{Session, targets_from_config, trust_for, with_reauth};
    }
}
/// What the integration tests use of `ontap`.
pub mod ontap {
    pub use crate::ontap::{
        CertificateFacts, Client, ClientSettings, ClusterInfo, DownloadRequest, DownloadStarted,
        DownloadState, DownloadStatus, ErrorKind, Fingerprint, Job, JobState, OntapError, Package,
        PackageList, TlsTrust, hint_for_code,
    };
    /// What the integration tests use of `ontap::model`.
    pub mod model {
        pub use crate::ontap::model::ClusterVersion;
    }
    /// What the integration tests use of `ontap::software`.
    pub mod software {
        pub use crate::ontap::software::Software;
    }
    /// What the integration tests use of `ontap::tls`.
    pub mod tls {
        pub use crate::ontap::tls::{client_config, crypto_provider};
    }
}
/// What the integration tests use of `serve`.
pub mod serve {
    pub use crate::serve::{Running, ServeOptions, StartError, start};
    /// What the integration tests use of `serve::page`.
    pub mod page {
        pub use crate::serve::page::escape;
    }
    /// What the integration tests use of `serve::web`.
    pub mod web {
        pub use crate::serve::web::{MAX_REQUESTS_PER_CONNECTION, STOP_GRACE};
    }
}
/// What the integration tests use of `state`.
pub mod state {
    pub use crate::state::{
        Change, ClusterIdentity, Column, Health, Model, SortOrder, visible_rows,
    };
    /// What the integration tests use of `state::filter`.
    pub mod filter {
        pub use crate::state::filter::Filter;
    }
}
/// What the integration tests use of `text`.
pub mod text {
    pub use crate::text::{
        MAX_FIELD, clean, clean_field, is_clean, mask_url, mask_url_text, table, truncate, width,
    };
}
/// What the integration tests use of `tui`.
pub mod tui {
    pub use crate::tui::{App, AppCommand, FormDefaults, Mode, Palette, draw};
    /// What the integration tests use of `tui::app`.
    pub mod app {
        pub use crate::tui::app::Dialog;
        /// What the integration tests use of `tui::app::upload`.
        pub mod upload {
            pub use crate::tui::app::upload::FileState;
        }
    }
    /// What the integration tests use of `tui::carry`.
    pub mod carry {
        pub use crate::tui::carry::Carrier;
    }
}
