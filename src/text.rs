//! Cleaning of server-provided text.
//!
//! Everything a cluster sends (messages, names, versions) may end up on an operator's
//! terminal. A hostile or broken server could move the cursor, retitle the window or
//! reorder text with bidi overrides. So every string is cleaned once, right where it is
//! parsed, and the rest of the program only ever sees printable text.

use serde::{Deserialize, Deserializer};

/// Strips C0/C1 controls, DEL and bidi controls, and drops whole ANSI escape sequences
/// (CSI and OSC) so that no residue like `[31m` is left. Line breaks and tabs become a
/// space, since every place that shows this text is a single line.
pub fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            '\n' | '\r' | '\t' => {
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

/// True for characters that must never reach a terminal.
fn is_stripped(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c,
            '\u{061C}' | '\u{200E}' | '\u{200F}'          // ALM, LRM, RLM
            | '\u{202A}'..='\u{202E}'                     // embeddings and overrides
            | '\u{2066}'..='\u{2069}') // isolates
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

/// Serde helper: an optional string, cleaned as it is parsed.
pub fn clean_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(|s| clean(&s)))
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn plain_text_is_kept() {
        assert_eq!(
            clean("Package download in progress"),
            "Package download in progress"
        );
        assert_eq!(clean("café – 9.16.1P3"), "café – 9.16.1P3");
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
    fn line_breaks_become_one_space() {
        assert_eq!(clean("line one\r\nline two\tend"), "line one line two end");
    }
}
