//! One line of text edited the way readline edits it: a cursor that moves, characters
//! typed and deleted where it is, Ctrl-U and Ctrl-W, and pasted text.
//!
//! The form's fields hold secrets (a password, a URL that may carry one), so the buffer
//! never leaves a stale copy behind: it grows by hand (copy, then wipe the old one) and
//! is wiped when dropped. `Debug` shows only its length.

use std::fmt;

use secrecy::zeroize::Zeroize;

/// An edit at the cursor, as the line-editing keys ask for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edit {
    /// The character before the cursor goes.
    Backspace,
    /// The character under the cursor goes.
    Delete,
    /// One character left.
    Left,
    /// One character right.
    Right,
    /// To the start.
    Home,
    /// To the end.
    End,
    /// Ctrl-U: everything before the cursor.
    KillToStart,
    /// Ctrl-W: the word before the cursor.
    KillWord,
}

/// A line of text and a cursor (in characters, `0..=len`).
#[derive(Default)]
pub(crate) struct LineEdit {
    text: String,
    cursor: usize,
}

/// The most characters a line holds: room for any password, URL or filter, never for a
/// file pasted by mistake (which would make every keystroke slower).
pub(crate) const MAX_CHARS: usize = 4096;

impl LineEdit {
    /// Room for a long password or URL before the first growth.
    const CAPACITY: usize = 64;

    /// A line holding `text`, the cursor at its end.
    pub(crate) fn new(text: &str) -> Self {
        let mut line = Self {
            text: String::with_capacity(Self::CAPACITY.max(text.len())),
            cursor: 0,
        };
        line.insert_str(text);
        line
    }

    /// The text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The cursor, in characters from the start.
    pub(crate) fn cursor(&self) -> usize {
        self.cursor
    }

    /// Characters in the line.
    pub(crate) fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// Whether the line is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Makes room for `extra` bytes without leaving the old buffer behind unwiped.
    fn reserve_wiping(&mut self, extra: usize) {
        if self.text.len() + extra <= self.text.capacity() {
            return;
        }
        let mut bigger =
            String::with_capacity((self.text.capacity() * 2).max(self.text.len() + extra));
        bigger.push_str(&self.text);
        self.text.zeroize();
        self.text = bigger;
    }

    /// Types `c` at the cursor, unless the line is full ([`MAX_CHARS`]).
    pub(crate) fn insert(&mut self, c: char) {
        if self.chars() >= MAX_CHARS {
            return;
        }
        self.reserve_wiping(c.len_utf8());
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Types `text` at the cursor, as much of it as the line has room for.
    pub(crate) fn insert_str(&mut self, text: &str) {
        let room = MAX_CHARS.saturating_sub(self.chars());
        let text = match text.char_indices().nth(room) {
            Some((end, _)) => &text[..end],
            None => text,
        };
        self.reserve_wiping(text.len());
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, text);
        self.cursor += text.chars().count();
    }

    /// Deletes the character before the cursor (Backspace).
    pub(crate) fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    /// Deletes the character under the cursor (Delete).
    pub(crate) fn delete(&mut self) {
        if self.cursor < self.chars() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    /// One character left.
    pub(crate) fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// One character right.
    pub(crate) fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.chars());
    }

    /// To the start (Home, Ctrl-A).
    pub(crate) fn home(&mut self) {
        self.cursor = 0;
    }

    /// To the end (End, Ctrl-E).
    pub(crate) fn end(&mut self) {
        self.cursor = self.chars();
    }

    /// Deletes everything before the cursor (Ctrl-U); at the end, that is the whole line.
    pub(crate) fn kill_to_start(&mut self) {
        let at = self.byte_at(self.cursor);
        self.text.replace_range(..at, "");
        self.cursor = 0;
    }

    /// Deletes the word before the cursor and the spaces after it (Ctrl-W). A word ends
    /// at a space or at `/`, so Ctrl-W in a URL takes one path segment at a time.
    pub(crate) fn kill_word(&mut self) {
        let before: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut start = before.len();
        while start > 0 && before[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && before[start - 1] == '/' {
            start -= 1;
        }
        while start > 0 && !matches!(before[start - 1], ' ' | '/') {
            start -= 1;
        }
        let from = self.byte_at(start);
        let to = self.byte_at(self.cursor);
        self.text.replace_range(from..to, "");
        self.cursor = start;
    }

    /// Types pasted `text` at the cursor in one edit (the copy it makes is wiped),
    /// leaving out line breaks and other control characters, as much as the line has
    /// room for; `trim` leaves out the whitespace around it too (a URL copied from a
    /// terminal often ends in some).
    pub(crate) fn paste(&mut self, text: &str, trim: bool) {
        let text = if trim { text.trim() } else { text };
        let room = MAX_CHARS.saturating_sub(self.chars());
        let mut kept: String = (text.chars().filter(|c| !c.is_control()))
            .take(room)
            .collect();
        self.insert_str(&kept);
        kept.zeroize();
    }

    /// Applies one line-editing key.
    pub(crate) fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::Backspace => self.backspace(),
            Edit::Delete => self.delete(),
            Edit::Left => self.left(),
            Edit::Right => self.right(),
            Edit::Home => self.home(),
            Edit::End => self.end(),
            Edit::KillToStart => self.kill_to_start(),
            Edit::KillWord => self.kill_word(),
        }
    }

    /// Empties the line.
    pub(crate) fn clear(&mut self) {
        self.text.zeroize();
        self.cursor = 0;
    }

    /// The text, moved out exactly as long as it is (so turning it into a boxed str does
    /// not copy it), and the line wiped.
    pub(crate) fn take(&mut self) -> String {
        let mut exact = String::with_capacity(self.text.len());
        exact.push_str(&self.text);
        self.clear();
        exact
    }
}

impl Drop for LineEdit {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl fmt::Debug for LineEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "LineEdit({} chars, cursor {})",
            self.chars(),
            self.cursor
        )
    }
}

/// What a paste becomes in the filter: one line, its line breaks turned into spaces
/// (each pasted line a term), other control characters dropped.
pub(crate) fn pasted_terms(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A paste of megabytes (a file, by mistake) is one edit, cut at the line's limit,
    /// at once; typing past the limit adds nothing.
    #[test]
    fn a_huge_paste_is_cut_to_the_limit_in_one_edit() {
        let mut line = LineEdit::new("pw");
        let huge = "é".repeat(2_000_000);
        line.paste(&huge, false);
        assert_eq!(line.chars(), MAX_CHARS);
        assert_eq!(line.cursor(), MAX_CHARS);
        line.insert('x');
        line.insert_str("more");
        assert_eq!(line.chars(), MAX_CHARS);
        assert!(line.text().starts_with("pwé"));
    }

    #[test]
    fn edits_happen_at_the_cursor() {
        let mut line = LineEdit::new("https://repo/image.tgz");
        line.home();
        (0..5).for_each(|_| line.right());
        line.insert('x');
        assert_eq!(line.text(), "httpsx://repo/image.tgz");
        line.backspace();
        line.delete();
        assert_eq!(line.text(), "https//repo/image.tgz");
        line.insert(':');
        assert_eq!(line.text(), "https://repo/image.tgz");
        line.end();
        line.left();
        line.left();
        line.left();
        line.left();
        line.kill_word();
        assert_eq!(line.text(), "https://repo/.tgz");
        assert_eq!(line.cursor(), 13);
        line.kill_to_start();
        assert_eq!((line.text(), line.cursor()), (".tgz", 0));
        line.left();
        line.backspace();
        assert_eq!(line.cursor(), 0);
    }

    #[test]
    fn multibyte_text_and_long_lines_edit_by_character() {
        let mut line = LineEdit::new("pässwörd");
        line.left();
        line.left();
        line.backspace();
        assert_eq!(line.text(), "pässwrd");
        let long = "x".repeat(LineEdit::CAPACITY * 3);
        line.insert_str(&long);
        assert_eq!(line.chars(), 7 + long.len());
        assert_eq!(line.take().len(), 8 + long.len());
        assert!(line.is_empty());
        assert_eq!(format!("{line:?}"), "LineEdit(0 chars, cursor 0)");
    }

    #[test]
    fn ctrl_w_takes_words_and_path_segments() {
        let mut line = LineEdit::new("https://repo/ontap/ image.tgz  ");
        line.kill_word();
        assert_eq!(line.text(), "https://repo/ontap/ ");
        line.kill_word();
        assert_eq!(line.text(), "https://repo/");
        line.kill_word();
        assert_eq!(line.text(), "https://");
    }

    #[test]
    fn a_paste_loses_its_line_breaks_and_is_trimmed_when_asked() {
        let pasted = |text: &str, trim: bool| {
            let mut line = LineEdit::default();
            line.paste(text, trim);
            line.take()
        };
        assert_eq!(pasted("  https://repo/a.tgz\n", true), "https://repo/a.tgz");
        assert_eq!(pasted("https://repo/\r\na.tgz", true), "https://repo/a.tgz");
        assert_eq!(pasted("https://repo/a b.tgz", true), "https://repo/a b.tgz");
        assert_eq!(pasted(" p@ss word \n", false), " p@ss word ");
        assert_eq!(pasted_terms("site=ams\nprod\n"), "site=ams prod");
    }
}
