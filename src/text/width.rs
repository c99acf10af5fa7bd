//! Display widths: terminal cells, not bytes or chars, so a cluster name in CJK or with
//! combining marks cannot push a column out of line, in the dashboard or in a table
//! printed by a command. Every cut is by width and ends in "…".

use unicode_width::UnicodeWidthStr;

/// How many terminal cells `s` takes.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` cells, ending in "…" when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let w = width(c.encode_utf8(&mut buf));
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` padded with spaces (or truncated) to exactly `cells` cells.
pub(crate) fn pad(s: &str, cells: usize) -> String {
    let s = truncate(s, cells);
    let fill = cells.saturating_sub(width(&s));
    format!("{s}{}", " ".repeat(fill))
}

/// `s` broken into lines of at most `max` cells, at spaces where it can, mid-word where
/// a word alone is too long. Always at least one line.
pub(crate) fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let mut word = word.to_string();
        loop {
            let sep = usize::from(!line.is_empty());
            if width(&line) + sep + width(&word) <= max {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than a line: cut it, after its last ':' or '/' in the line
            // when that keeps half the line (a fingerprint then breaks between its
            // bytes, a URL between its parts), else where the line ends.
            let (mut head, mut tail) = split_at_width(&word, max);
            if let Some(at) = head.rfind([':', '/']).filter(|&at| 2 * (at + 1) >= max) {
                tail = format!("{}{tail}", &head[at + 1..]);
                head.truncate(at + 1);
            }
            lines.push(head);
            word = tail;
        }
    }
    lines.push(line);
    lines
}

fn split_at_width(s: &str, max: usize) -> (String, String) {
    let mut used = 0;
    let mut buf = [0u8; 4];
    for (i, c) in s.char_indices() {
        let w = width(c.encode_utf8(&mut buf));
        if used + w > max && i > 0 {
            return (s[..i].to_string(), s[i..].to_string());
        }
        used += w;
    }
    (s.to_string(), String::new())
}

/// `text` as a line after `indent`; on a terminal `width` wide, wrapped between words,
/// each further line indented two more cells.
pub(crate) fn push_wrapped(out: &mut String, text: &str, indent: &str, width: Option<usize>) {
    let Some(width) = width else {
        out.push_str(&format!("{indent}{text}\n"));
        return;
    };
    let room = width.saturating_sub(indent.len() + 2).max(20);
    for (i, line) in wrap(text, room).iter().enumerate() {
        let more = if i == 0 { "" } else { "  " };
        out.push_str(&format!("{indent}{more}{line}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_marks_the_cut_and_respects_width() {
        assert_eq!(truncate("Package download in progress", 10), "Package d…");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(width(&truncate("日本語のクラスタ", 7)), 7);
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(
            wrap("check the URL and retry", 10),
            ["check the", "URL and", "retry"]
        );
        assert_eq!(wrap("abcdefghijkl", 5), ["abcde", "fghij", "kl"]);
        assert_eq!(
            wrap("sha256:4D:63:00:67:7D", 11),
            ["sha256:4D:", "63:00:67:7D"]
        );
        assert_eq!(wrap("a:bcdefghijkl", 6), ["a:bcde", "fghijk", "l"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
