//! `ontop config check [--full] [--login]`: the verdict first (is the config good, did
//! every credential resolve), then one line per group of clusters that share their
//! settings, so forty clusters read in a screen rather than five hundred lines; `--full`
//! adds every setting as ontop understood it (defaults applied, secrets redacted), and
//! `--login` logs in to each cluster once, with a read-only GET, and says how it went.

use std::collections::BTreeMap;

use super::{CliError, Context, Exit};

mod logins;
use crate::config::{ClusterConfig, Config, Credentials};

/// Names listed in a group's line on a terminal before "and N more" (all when piped).
const NAMES_ON_A_SCREEN: usize = 4;

/// Checks the config (and, with `login`, each login); see the module docs.
pub(super) async fn run(ctx: &Context, full: bool, login: bool) -> Result<Exit, CliError> {
    let config = ctx.config()?;
    // Without --login no password is sent: one to be asked for at start is fine as it
    // is (the dashboard asks on its terminal), and none is asked for here.
    let prompting = if login {
        ctx.prompting()
    } else {
        crate::config::Prompting::Never
    };
    let credentials = Credentials::new(prompting);
    let asked_at_start = |c: &&crate::config::ClusterConfig| {
        !login && matches!(c.credential, crate::config::CredentialSource::Prompt)
    };
    // Password commands and prompts block: keep them off the async workers.
    let unresolved: Vec<(String, String)> = tokio::task::block_in_place(|| {
        credentials.resolve_all(&config.clusters);
        config
            .clusters
            .iter()
            .filter(|c| !asked_at_start(c))
            .filter_map(|c| {
                let error = credentials.password_for(c).err()?;
                Some((c.name.clone(), error.to_string()))
            })
            .collect()
    });
    let asked = config.clusters.iter().filter(asked_at_start).count();
    verdict(config, &unresolved, asked);
    let width = crate::output::stdout_width();
    let terminal = width.is_some();
    groups(config, width);
    if let Some(url) = &config.download.url {
        let user = config
            .download
            .username
            .as_deref()
            .map(|u| format!(" (server user {u})"))
            .unwrap_or_default();
        crate::outln!("package: {}{user}", crate::text::mask_url(url));
    }
    mirrors(config, terminal);
    if full {
        crate::outln!();
        crate::out!("{}", config.render_redacted());
    } else {
        crate::outln!("(ontop config check --full prints every setting of every cluster)");
    }
    if !unresolved.is_empty() {
        for (_, error) in &unresolved {
            crate::errln!("ontop: {error}");
        }
        crate::errln!(
            "ontop: {} no usable password: {}",
            match unresolved.len() {
                1 => "1 cluster has".to_string(),
                n => format!("{n} clusters have"),
            },
            names(unresolved.iter().map(|(n, _)| n.as_str()), usize::MAX)
        );
        return Ok(Exit::Usage);
    }
    if !login {
        return Ok(Exit::Ok);
    }
    Ok(logins::check(config, &credentials).await)
}

/// The first line: good or not, and how many clusters and warnings; `asked` clusters
/// have no password source (ontop asks for theirs at start, on a terminal).
fn verdict(config: &Config, unresolved: &[(String, String)], asked: usize) {
    let warnings = match config.warnings.len() {
        0 => String::new(),
        1 => ", 1 warning (said above)".to_string(),
        n => format!(", {n} warnings (said above)"),
    };
    let count = crate::text::count_clusters(config.clusters.len());
    let resolved = match asked {
        0 => "every credential resolved".to_string(),
        n if n == config.clusters.len() => {
            "every password asked for at start (no password source)".to_string()
        }
        n => {
            format!("every other credential resolved, {n} asked for at start (no password source)")
        }
    };
    if unresolved.is_empty() {
        crate::outln!(
            "ok: {}: {count}, {resolved}{warnings}",
            config.path.display()
        );
    } else {
        crate::outln!(
            "NOT OK: {}: {count}, {} without a usable password{warnings}",
            config.path.display(),
            unresolved.len()
        );
    }
}

/// What a group of clusters shares: the settings that decide how ontop reaches them.
fn settings(c: &ClusterConfig) -> String {
    let trust = match (&c.fingerprint, &c.ca_file, c.insecure) {
        (Some(_), _, _) => "pinned certificate".to_string(),
        (None, _, true) => "TLS NOT VERIFIED (insecure)".to_string(),
        (None, Some(ca), false) => format!("CA {}", ca.display()),
        (None, None, false) if c.url.scheme() == "http" => "plain HTTP".to_string(),
        (None, None, false) => "system CAs".to_string(),
    };
    let mut text = format!(
        "user {}, {}, {trust}, polls every {}s (timeout {}s)",
        c.username,
        c.credential.describe(),
        c.poll_interval.as_secs(),
        c.timeout.as_secs()
    );
    if c.read_only {
        text.push_str(", read-only");
    }
    text
}

/// One line per group of clusters sharing their settings, biggest group first.
fn groups(config: &Config, width: Option<usize>) {
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for c in &config.clusters {
        groups.entry(settings(c)).or_default().push(c.name.as_str());
    }
    let mut groups: Vec<(String, Vec<&str>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let shown = if width.is_some() {
        NAMES_ON_A_SCREEN
    } else {
        usize::MAX
    };
    for (settings, members) in groups {
        crate::outln!(
            "{}: {settings}\n  {}",
            crate::text::count_clusters(members.len()),
            names(members.iter().copied(), shown)
        );
    }
}

/// Which site mirror serves which clusters; the mirrors that serve none, and the
/// clusters none serves (they fetch from the URL as given).
fn mirrors(config: &Config, terminal: bool) {
    let list = &config.download.mirrors;
    if list.is_empty() {
        return;
    }
    let shown = if terminal {
        NAMES_ON_A_SCREEN
    } else {
        usize::MAX
    };
    for mirror in list {
        let served = config
            .clusters
            .iter()
            .filter(|c| {
                crate::config::mirror_for(list, &c.labels).is_some_and(|i| list[i] == *mirror)
            })
            .map(|c| c.name.as_str());
        let served: Vec<&str> = served.collect();
        let base = crate::text::mask_url(&mirror.base);
        if served.is_empty() {
            crate::outln!("mirror {base} ({}): serves no cluster", mirror.selector());
        } else {
            crate::outln!(
                "mirror {base} ({}): {}",
                mirror.selector(),
                names(served.into_iter(), shown)
            );
        }
    }
    let (_, unserved) = crate::config::coverage(list, &config.clusters);
    if !unserved.is_empty() {
        crate::outln!(
            "no mirror serves {} (they fetch from [download] url): {}",
            crate::text::count_clusters(unserved.len()),
            names(unserved.into_iter(), shown)
        );
    }
}

/// "a, b, c, d and 26 more".
fn names<'a>(names: impl Iterator<Item = &'a str>, shown: usize) -> String {
    let all: Vec<&str> = names.collect();
    if all.len() <= shown {
        return all.join(", ");
    }
    format!("{} and {} more", all[..shown].join(", "), all.len() - shown)
}
