//! "Did you mean": the one way ontop guesses what a mistyped name meant, for cluster
//! names, config keys and label keys alike; and when two names are one.

/// The candidates that look like a mistyped `wanted`, best first (at most five): a small
/// edit away (case aside), or containing it.
pub(crate) fn close_matches<'a>(wanted: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let distance = strsim::damerau_levenshtein(&wanted, &lower);
            let near = distance <= (lower.chars().count() / 3).max(2);
            let contains = wanted.chars().count() >= 2 && lower.contains(&wanted);
            (near || contains).then_some((distance, *candidate))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// `name` in Unicode's composed form (NFC): names that differ only in how an accent is
/// encoded are one name, in the config and on the command line alike.
pub(crate) fn composed(name: &str) -> std::borrow::Cow<'_, str> {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(name)
}

/// What two cluster names that read alike share: compatibility-composed (NFKC: a
/// full-width "ｃ１" is "c1") and lowercase. Two configured names with one key are one
/// name to the eye, and the config refuses the second.
pub(crate) fn name_key(name: &str) -> String {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfkc()
        .normalize(name)
        .to_lowercase()
}

/// Whether `typed` names `configured`: the same text once composed ([`composed`]).
pub(crate) fn same_name(typed: &str, configured: &str) -> bool {
    typed == configured || composed(typed) == composed(configured)
}

/// The single best guess, when one is close enough.
pub(crate) fn best_match<'a>(wanted: &str, candidates: &[&'a str]) -> Option<&'a str> {
    close_matches(wanted, candidates).into_iter().next()
}

/// `"; did you mean a, b?"`, or nothing when no candidate is close.
pub(crate) fn did_you_mean(wanted: &str, candidates: &[&str]) -> String {
    let close = close_matches(wanted, candidates);
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 4] = ["prod-ams-1", "prod-ams-2", "lab-fra-1", "dr-nyc"];

    /// A name typed with a composed accent chooses the cluster configured with a
    /// combining one, and the other way round; other names stay apart.
    #[test]
    fn a_name_is_one_name_however_its_accents_are_encoded() {
        let (composed_name, combining) = ("caf\u{e9}-1", "cafe\u{301}-1");
        assert!(same_name(composed_name, combining));
        assert!(same_name(combining, composed_name));
        assert!(!same_name("cafe-1", composed_name));
        let chosen = crate::commands::selection::choose(
            &["prod-1", combining],
            &[composed_name.to_string()],
            false,
            std::path::Path::new("c.toml"),
        );
        assert_eq!(chosen.ok(), Some(vec![1]));
    }

    #[test]
    fn a_typo_or_a_part_of_a_name_is_close_enough() {
        assert_eq!(close_matches("ams", &NAMES), ["prod-ams-1", "prod-ams-2"]);
        assert_eq!(close_matches("DR-NYX", &NAMES), ["dr-nyc"]);
        assert_eq!(
            best_match("usrname", &["username", "url"]),
            Some("username")
        );
        assert_eq!(did_you_mean("zzzzzz", &NAMES), "");
        assert_eq!(
            did_you_mean("prod-ams-3", &NAMES),
            "; did you mean prod-ams-1, prod-ams-2?"
        );
    }
}
