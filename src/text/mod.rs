//! Text from outside, made safe to show and to store.
//!
//! Everything a cluster sends (messages, names, versions) may end up on an operator's
//! terminal. A hostile or broken server could move the cursor, retitle the window,
//! reorder text with bidi overrides, or leave characters whose width the terminal and
//! the screen library disagree on (zero-width and format characters), which leaves stale
//! text behind. So every string is cleaned once, right where it is parsed, and the rest
//! of the program only ever sees printable text.
//!
//! URLs carry secrets too: a password in `user:password@` or a token in the query. They
//! are masked in `mask`, below every module that shows, logs or stores one. Widths and
//! cuts by width, for the screen and for printed tables, are in `width`.

pub(crate) mod duration;
mod mask;
pub(crate) mod rate;
mod secrets;
pub(crate) mod suggest;
pub mod table;
mod width;

pub use mask::mask_url;
pub use mask::mask_url_text;
pub(crate) use mask::{hide_url_secrets, mask_urls_in};
pub(crate) use secrets::Secrets;
pub use width::truncate;
pub use width::width;
pub(crate) use width::{pad, push_wrapped, wrap};

use serde::{Deserialize, Deserializer};

/// Strips C0/C1 controls, DEL, bidi controls and invisible format characters, and drops
/// whole ANSI escape sequences (CSI and OSC) so that no residue like `[31m` is left. Line
/// breaks, tabs and the Unicode line and paragraph separators become one space, since
/// every place that shows this text is a single line. Cleaning twice changes nothing.
pub fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if is_stripped(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// True when `text` is already what [`clean`] would make of it: no control, bidi or
/// invisible character, no line break. Config names and labels must be.
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(|c| {
        is_stripped(c) || matches!(c, '\u{1b}' | '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}')
    })
}

/// `text` in quotes with every character [`is_clean`] refuses written as an escape
/// (`\u{1b}`, `\t`, `\u{202e}`), the rest as it is: an error can then show what to
/// remove, where a cleaned value would look as if nothing were wrong.
pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if is_clean(c.encode_utf8(&mut [0; 4])) => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// True for characters that must never reach a terminal.
fn is_stripped(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c,
            '\u{00AD}'                                    // soft hyphen
            | '\u{034F}'                                  // combining grapheme joiner
            | '\u{061C}' | '\u{200E}' | '\u{200F}'        // ALM, LRM, RLM
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
            | '\u{180E}'                                  // Mongolian vowel separator
            | '\u{200B}'..='\u{200D}'                     // zero-width space, (non-)joiner
            | '\u{202A}'..='\u{202E}'                     // embeddings and overrides
            | '\u{2060}'..='\u{2064}'                     // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}'                     // isolates, deprecated formats
            | '\u{FE00}'..='\u{FE0F}'                     // variation selectors
            | '\u{FEFF}'                                  // byte order mark
            | '\u{FFF9}'..='\u{FFFB}'                     // interlinear annotations
            | '\u{E0000}'..='\u{E007F}'                   // tag characters
            | '\u{E0100}'..='\u{E01EF}') // variation selectors supplement
}

/// Consumes the rest of an escape sequence whose ESC was already read.
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        // CSI: parameters and intermediates, then one final byte in @..~
        Some('[') => {
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        // OSC: up to BEL or ST (ESC \)
        Some(']') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' || c == '\u{9c}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-character sequences (ESC c, ESC 7, ...): drop the one that follows.
        Some(c) if ('@'..='~').contains(c) => {
            chars.next();
        }
        _ => {}
    }
}

/// The most characters kept of one string field from the wire: more than any ONTAP
/// message, few enough that a model holding twenty of them per cluster stays small.
pub const MAX_FIELD: usize = 2048;

/// [`clean`], URLs masked ([`mask_urls_in`]: a cluster may quote the package URL ontop
/// sent it, password and token included), then cut to [`MAX_FIELD`] characters (with
/// "…" when something was cut).
pub fn clean_field(input: &str) -> String {
    let cleaned = mask_urls_in(&clean(input));
    if cleaned.chars().count() <= MAX_FIELD {
        return cleaned;
    }
    let mut cut: String = cleaned.chars().take(MAX_FIELD - 1).collect();
    cut.push('…');
    cut
}

/// Serde helper: an optional string, cleaned and capped as it is parsed.
pub(crate) fn clean_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(|s| clean_field(&s)))
}

/// Serde helper: a string, cleaned and capped as it is parsed.
pub(crate) fn clean_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(clean_field(&String::deserialize(d)?))
}

/// "1 cluster", "3 clusters": how every message counts clusters.
pub(crate) fn count_clusters(n: usize) -> String {
    if n == 1 {
        "1 cluster".to_string()
    } else {
        format!("{n} clusters")
    }
}

/// Names listed in a one-line message before "and N more".
const NAMES_IN_A_LINE: usize = 3;

/// "a", "a and b", "a, b and c", or "a, b, c and 4 more".
pub(crate) fn names_line(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        _ if names.len() <= NAMES_IN_A_LINE => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..NAMES_IN_A_LINE].join(", "),
            names.len() - NAMES_IN_A_LINE
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_kept() {
        assert_eq!(
            clean("Package download in progress"),
            "Package download in progress"
        );
        assert_eq!(clean("café – 9.16.1P3 日本"), "café – 9.16.1P3 日本");
    }

    #[test]
    fn csi_and_osc_sequences_leave_no_residue() {
        assert_eq!(clean("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(clean("a\u{1b}]0;pwned\u{7}b"), "ab");
        assert_eq!(clean("a\u{1b}]0;pwned\u{1b}\\b"), "ab");
        assert_eq!(clean("x\u{1b}cy"), "xy");
    }

    #[test]
    fn controls_del_c1_and_bidi_are_stripped() {
        assert_eq!(clean("a\u{7}b\u{7f}c\u{9b}d"), "abcd");
        assert_eq!(clean("evil\u{202E}txt.exe\u{2066}"), "eviltxt.exe");
    }

    #[test]
    fn an_escaped_value_shows_every_character_to_remove_and_nothing_raw() {
        assert_eq!(escaped("a\u{1b}[31mevil"), r#""a\u{1b}[31mevil""#);
        assert_eq!(escaped("x\u{1b}]0;pwned\u{7}"), r#""x\u{1b}]0;pwned\u{7}""#);
        assert_eq!(
            escaped("a\tb\u{202e}c\u{200b}"),
            r#""a\tb\u{202e}c\u{200b}""#
        );
        assert_eq!(escaped("café \"q\""), r#""café \"q\"""#);
        assert!(is_clean(&escaped("\u{1b}\u{9b}\u{2066}\u{e0041}\n")));
    }

    #[test]
    fn invisible_characters_whose_width_terminals_disagree_on_are_stripped() {
        let sneaky = "a\u{200B}b\u{FEFF}c\u{115F}d\u{E0041}e\u{2060}f\u{00AD}g";
        assert_eq!(clean(sneaky), "abcdefg");
        assert_eq!(clean("one\u{2028}two\u{2029}three"), "one two three");
        assert!(!is_clean(sneaky));
        assert!(is_clean("prod-ams-1 (Amsterdam)"));
    }

    #[test]
    fn line_breaks_become_one_space() {
        assert_eq!(clean("line one\r\nline two\tend"), "line one line two end");
    }

    #[test]
    fn names_line_lists_three_then_counts() {
        assert_eq!(names_line(&[]), "");
        assert_eq!(names_line(&["a"]), "a");
        assert_eq!(names_line(&["a", "b", "c"]), "a, b and c");
        assert_eq!(names_line(&["a", "b", "c", "d", "e"]), "a, b, c and 2 more");
    }
}
