//! Reading single values of the config tree: strings, flags, durations, command lines,
//! paths, rates and labels (addresses and certificates are in [`super::addresses`]), as
//! the key list says each key is read. Each reader returns `None` after recording a [`Problem`] that says
//! how to write the value instead, so one pass finds every bad value.
//!
//! Values set by environment overrides arrive as strings, and are read leniently where
//! a shell cannot say otherwise: `"true"`/`"false"` for flags, and a space-separated
//! `password_command`.
//!
//! [`Problem`]: super::error::Problem

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use config::{Value, ValueKind};
use secrecy::SecretString;

use super::paths::resolve_relative;
use super::render;
use super::schema::{Reader, Scope, sorted_keys};
use crate::text::{escaped, is_clean};

const DURATION_FORM: &str = "write it like \"5s\", \"1m\" or \"500ms\"";

/// The longest text value: far above any name, user or path, far below what a table or
/// a terminal line could hold.
pub(super) const MAX_TEXT: usize = 1024;

impl Reader<'_> {
    /// A non-empty string of at most [`MAX_TEXT`] characters, without control, bidi or
    /// invisible characters (they would reach the terminal, or hide what a name says).
    pub(super) fn text(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<String> {
        let ValueKind::String(text) = &value.kind else {
            self.problem(
                scope,
                key,
                format!("expected a string, found {}", kind(value)),
                format!("write it in quotes: {key} = \"...\""),
            );
            return None;
        };
        if text.trim().is_empty() {
            let message = "the value is empty".to_owned();
            self.problem(scope, key, message, "give it a value, or remove the key");
            return None;
        }
        if text.chars().count() > MAX_TEXT {
            let message = format!("the value is {} characters long", text.chars().count());
            let fix = format!("keep it under {MAX_TEXT} characters");
            self.problem(scope, key, message, fix);
            return None;
        }
        if !is_clean(text) {
            // Shown escaped: the raw value would do on screen what it does, and a cleaned
            // one would hide what to remove.
            let message = format!(
                "{} holds control, bidi or invisible characters",
                escaped(text)
            );
            let fix = "write it with printable characters only (no escapes, no right-to-left \
                       overrides, no zero-width characters)";
            self.problem(scope, key, message, fix);
            return None;
        }
        Some(text.clone())
    }

    /// A cluster name: [`Self::text`], at most [`super::MAX_NAME`] characters.
    pub(super) fn name(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<String> {
        let text = self.text(scope, key, value)?;
        let length = text.chars().count();
        if length > super::MAX_NAME {
            let message = format!("the name is {length} characters long");
            let fix = format!(
                "give it a short name (at most {} characters); it only has to be unique",
                super::MAX_NAME
            );
            self.problem(scope, key, message, fix);
            return None;
        }
        if text.trim() != text {
            // "a" and "a " look alike in every table, and `--cluster a` picks only one.
            let message = format!("{text:?} starts or ends with a space");
            let fix = format!("write it without: name = {:?}", text.trim());
            self.problem(scope, key, message, fix);
            return None;
        }
        Some(text)
    }

    /// Like [`Self::text`], but the value never appears in a message.
    pub(super) fn secret(
        &mut self,
        scope: &Scope,
        key: &str,
        value: &Value,
    ) -> Option<SecretString> {
        match &value.kind {
            ValueKind::String(text) if !text.is_empty() => Some(SecretString::from(text.clone())),
            _ => {
                let message = "expected a non-empty string".to_owned();
                self.problem(
                    scope,
                    key,
                    message,
                    "write it in quotes, or better use password_command",
                );
                None
            }
        }
    }

    /// A whole number from 1 to `max` (from the environment, its digits).
    pub(super) fn count(
        &mut self,
        scope: &Scope,
        key: &str,
        value: &Value,
        max: usize,
    ) -> Option<usize> {
        let number = match &value.kind {
            ValueKind::I64(n) => Some(*n),
            ValueKind::U64(n) => i64::try_from(*n).ok(),
            ValueKind::String(s) if self.env_var(scope, key).is_some() => s.trim().parse().ok(),
            _ => None,
        };
        match number {
            Some(n) if n >= 1 && (n as u64) <= max as u64 => Some(n as usize),
            _ => {
                let found = number.map_or_else(|| kind(value).to_owned(), |n| n.to_string());
                let message = format!("expected a whole number from 1 to {max}, found {found}");
                let fix = format!("write it like {key} = 20 (or leave it out: no limit)");
                self.problem(scope, key, message, fix);
                None
            }
        }
    }

    /// `true` or `false`; from the environment, those words in any case.
    pub(super) fn flag(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<bool> {
        let from_env = self.env_var(scope, key).is_some();
        match &value.kind {
            ValueKind::Boolean(b) => return Some(*b),
            ValueKind::String(s) if from_env => match s.to_ascii_lowercase().as_str() {
                "true" => return Some(true),
                "false" => return Some(false),
                _ => {}
            },
            _ => {}
        }
        let message = format!("expected true or false, found {}", kind(value));
        let fix = if from_env {
            "set it to true or false".to_owned()
        } else {
            format!("write {key} = true or {key} = false, without quotes")
        };
        self.problem(scope, key, message, fix);
        None
    }

    /// A duration like "5s", between `min` and `max`.
    pub(super) fn duration(
        &mut self,
        scope: &Scope,
        key: &str,
        value: &Value,
        (min, max): (Duration, Duration),
    ) -> Option<Duration> {
        let ValueKind::String(text) = &value.kind else {
            let message = format!("expected a duration string, found {}", kind(value));
            self.problem(scope, key, message, DURATION_FORM);
            return None;
        };
        match crate::text::duration::parse(text) {
            Some(d) if d >= min && d <= max => Some(d),
            Some(d) if d > max => {
                let message = format!("{text:?} is too long (at most {})", render::duration(max));
                self.problem(scope, key, message, DURATION_FORM);
                None
            }
            Some(_) => {
                let message = format!("{text:?} is too short (at least {})", render::duration(min));
                self.problem(scope, key, message, DURATION_FORM);
                None
            }
            None if crate::text::duration::too_large(text) => {
                let message = format!("{text:?} is too long (at most {})", render::duration(max));
                self.problem(scope, key, message, DURATION_FORM);
                None
            }
            None => {
                self.problem(
                    scope,
                    key,
                    format!("{text:?} is not a duration"),
                    DURATION_FORM,
                );
                None
            }
        }
    }

    /// A command line as a list of strings; from the environment, a space-separated string.
    pub(super) fn argv(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<Vec<String>> {
        let argv: Option<Vec<String>> = match &value.kind {
            ValueKind::Array(items) => items
                .iter()
                .map(|v| match &v.kind {
                    ValueKind::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            ValueKind::String(s) if self.env_var(scope, key).is_some() => {
                Some(s.split_whitespace().map(str::to_owned).collect())
            }
            _ => None,
        };
        match argv {
            Some(argv) if argv.first().is_some_and(|cmd| !cmd.trim().is_empty()) => Some(argv),
            _ => {
                let message = "expected a non-empty list of strings (the command and its arguments; no shell)".to_owned();
                self.problem(
                    scope,
                    key,
                    message,
                    "write it like password_command = [\"pass\", \"show\", \"ontap/monitor\"]",
                );
                None
            }
        }
    }

    /// A file path: `~/` is the home directory; a relative path starts at the config
    /// file's directory, or at the current directory for an environment value.
    pub(super) fn path(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<PathBuf> {
        let text = self.text(scope, key, value)?;
        let base = match self.env_var(scope, key) {
            Some(_) => self.cwd.as_path(),
            None => self.base_dir,
        };
        Some(resolve_relative(base, &text))
    }

    /// A byte rate (`"50MiB/s"`), in bytes per second.
    pub(super) fn rate(&mut self, scope: &Scope, key: &str, value: &Value) -> Option<u64> {
        let text = self.text(scope, key, value)?;
        match crate::text::rate::parse_rate(&text) {
            Ok(rate) => Some(rate),
            Err(why) => {
                self.problem(scope, key, why, "e.g. upload_rate = \"50MiB/s\"");
                None
            }
        }
    }

    /// A table of string labels.
    pub(super) fn labels(&mut self, scope: &Scope, value: &Value) -> BTreeMap<String, String> {
        let mut labels = BTreeMap::new();
        let ValueKind::Table(table) = &value.kind else {
            let message = format!("expected a table, found {}", kind(value));
            self.problem(
                scope,
                "labels",
                message,
                "write it like labels = { site = \"ams\", env = \"prod\" }",
            );
            return labels;
        };
        for key in sorted_keys(table) {
            if key.trim().is_empty() || key.chars().count() > super::MAX_NAME || !is_clean(key) {
                let message = format!(
                    "the label name {} is empty, too long or holds control, bidi or invisible characters",
                    escaped(key)
                );
                let fix = "name labels with a short printable word, e.g. site or env";
                self.problem(scope, "labels", message, fix);
                continue;
            }
            if let Some(text) = self.text(scope, &format!("labels.{key}"), &table[key]) {
                labels.insert(key.clone(), text);
            }
        }
        labels
    }
}

/// A value's type in words, for "expected X, found Y".
pub(super) fn kind(value: &Value) -> &'static str {
    match value.kind {
        ValueKind::Nil => "nothing",
        ValueKind::Boolean(_) => "true/false",
        ValueKind::I64(_) | ValueKind::I128(_) | ValueKind::U64(_) | ValueKind::U128(_) => {
            "a number"
        }
        ValueKind::Float(_) => "a number",
        ValueKind::String(_) => "a string",
        ValueKind::Table(_) => "a table",
        ValueKind::Array(_) => "a list",
    }
}
