//! Property tests on every parser of outside input: arbitrary bytes and strings never
//! panic, what comes out is clean, cleaning is idempotent, masking leaves no secret.

use std::path::Path;

use ontop::testing::download::journal::Journal;
use ontop::testing::ontap::{ClusterInfo, DownloadStatus, Job, PackageList};
use ontop::testing::text::{
    clean, clean_field, is_clean, mask_url, mask_url_text, table, truncate, width,
};
use proptest::prelude::*;

/// Strings with the characters that make trouble: controls, escapes, bidi, invisible
/// ones, wide ones, and plain text.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\u{1b}[31m".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{200b}\u{feff}\u{115f}\u{e0041}".to_string()),
        Just("\u{2028}\r\n\t".to_string()),
        Just("日本語".to_string()),
        "[a-z0-9 .:/@?=_-]{0,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn cleaning_never_panics_leaves_nothing_hostile_and_is_idempotent(s in hostile_text()) {
        let once = clean(&s);
        prop_assert!(is_clean(&once), "{once:?}");
        prop_assert_eq!(clean(&once), once.clone());
        prop_assert!(clean_field(&s).chars().count() <= ontop::testing::text::MAX_FIELD);
    }

    #[test]
    fn truncation_respects_the_width_whatever_the_text(s in hostile_text(), max in 0usize..40) {
        let cut = truncate(&clean(&s), max);
        prop_assert!(width(&cut) <= max);
    }

    #[test]
    fn tables_never_panic_and_keep_to_their_caps(cells in proptest::collection::vec(hostile_text(), 0..9)) {
        let columns = [
            table::Column { heading: "A", cap: 10 },
            table::Column { heading: "B", cap: 20 },
            table::Column { heading: "C", cap: 5 },
        ];
        let rows: Vec<Vec<String>> = cells.chunks(3).map(|c| c.iter().map(|s| clean(s)).collect()).collect();
        for line in table::render(&columns, &rows).lines() {
            prop_assert!(width(line) <= 10 + 20 + 5 + 4);
        }
    }

    #[test]
    fn wire_answers_of_any_bytes_never_panic_and_come_out_clean(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = serde_json::from_slice::<DownloadStatus>(&bytes);
        let _ = serde_json::from_slice::<Job>(&bytes);
        let _ = serde_json::from_slice::<ClusterInfo>(&bytes);
        let _ = serde_json::from_slice::<PackageList>(&bytes);
    }

    #[test]
    fn wire_strings_are_clean_once_parsed(state in hostile_text(), message in hostile_text(), code in any::<i64>()) {
        let body = serde_json::json!({"state": state, "message": message, "code": code.to_string()});
        let status: DownloadStatus = serde_json::from_value(body).unwrap();
        prop_assert!(is_clean(status.state.unwrap().as_str()));
        prop_assert!(is_clean(&status.message.unwrap()));
        prop_assert_eq!(status.code, Some(code));
    }

    #[test]
    fn masked_urls_hold_no_password_and_no_query(
        user in "[a-z]{1,8}",
        password in "[A-Za-z0-9]{6,16}",
        token in "[A-Za-z0-9]{6,16}",
        path in "[a-z0-9/]{0,20}",
    ) {
        let text = format!("https://{user}:{password}@repo.example/{path}i.tgz?token={token}");
        let url = reqwest::Url::parse(&text).unwrap();
        let masked = mask_url(&url);
        prop_assert!(!masked.contains(&format!(":{password}@")) && !masked.contains(&token), "{masked}");
        prop_assert!(!mask_url_text(&text).contains(&token));
    }

    #[test]
    fn a_journal_of_any_bytes_opens_and_is_set_aside(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("jobs.json"), &bytes).unwrap();
        let journal = Journal::open(Some(dir.path()));
        let _ = journal.entries();
    }
}

/// A config of arbitrary text (with a valid cluster or not) loads or says why.
fn load(text: &str) -> Result<ontop::testing::config::Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    ontop::testing::config::load_from(Path::new(&path)).map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn configs_of_any_text_load_or_say_why_without_a_panic(text in hostile_text()) {
        let _ = load(&text);
    }

    #[test]
    fn any_duration_text_is_read_or_refused_with_its_key(value in prop_oneof![
        hostile_text(),
        "[0-9]{1,25}(s|ms|m|h|d|y)",
        Just("9223372036854775807s".to_string()),
    ]) {
        let text = format!(
            "[defaults]\nusername = \"u\"\npassword_command = [\"true\"]\npoll_interval = {}\n[[cluster]]\nname = \"a\"\nurl = \"https://a\"\n",
            toml_string(&value)
        );
        if let Err(message) = load(&text) {
            prop_assert!(message.contains("poll_interval"), "{message}");
        }
    }

    #[test]
    fn names_and_labels_with_hostile_characters_are_refused_or_clean(name in hostile_text(), label in hostile_text()) {
        let text = format!(
            "[defaults]\nusername = \"u\"\npassword_command = [\"true\"]\n[[cluster]]\nname = {}\nurl = \"https://a\"\nlabels = {{ site = {} }}\n",
            toml_string(&name),
            toml_string(&label)
        );
        if let Ok(config) = load(&text) {
            prop_assert!(is_clean(&config.clusters[0].name));
            prop_assert!(config.clusters[0].labels.values().all(|v| is_clean(v)));
        }
    }
}

/// `value` as a TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
