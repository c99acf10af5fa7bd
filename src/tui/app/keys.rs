//! What each key map action means in each context, pasted text, and the hint for a key
//! that means nothing where it was pressed.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use super::navigation::typed_char;
use super::{App, AppCommand, Dialog, Mode};
use crate::engine::Again;
use crate::tui::keymap::{self, Action, Context, key_for};
use crate::tui::line::Edit;

impl App {
    /// Reacts to one key press at `now`; returns what the event loop must do.
    pub fn handle_key(&mut self, key: KeyEvent, now: Timestamp) -> Vec<AppCommand> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        self.resync(now);
        let context = self.context();
        let before = self.package_text();
        let mut commands = match keymap::lookup(context, &key) {
            Some(action) => self.act(context, action, now),
            None => {
                self.unbound_key(context, key, now);
                Vec::new()
            }
        };
        commands.extend(self.package_edited(before));
        commands
    }

    /// Text pasted into the terminal (bracketed paste): typed into the filter or the
    /// focused field, trimmed and on one line; ignored anywhere else. Answers what the
    /// event loop must do (look at a file pasted into the package field).
    pub(crate) fn paste(&mut self, text: &str, now: Timestamp) -> Vec<AppCommand> {
        let before = self.package_text();
        match self.context() {
            Context::Filter => {
                self.filter
                    .insert_str(&crate::tui::line::pasted_terms(text));
                self.filter_changed(now);
            }
            Context::Form => self.edit_form(|form| form.paste(text)),
            Context::Password => self.edit_password(|prompt| prompt.paste(text)),
            Context::Version => self.paste_version(text),
            _ => {}
        }
        self.package_edited(before)
    }

    /// A key no binding has in `context`: typing where text is edited, else a hint.
    fn unbound_key(&mut self, context: Context, key: KeyEvent, now: Timestamp) {
        let typed = typed_char(&key);
        match (context, typed) {
            (Context::Filter, _) => self.type_into_filter(key, now),
            (Context::Form, Some(c)) => self.edit_form(|form| form.type_char(c)),
            (Context::Password, Some(c)) => self.edit_password(|prompt| prompt.type_char(c)),
            (Context::Version, Some(c)) => self.edit_version(None, Some(c)),
            (Context::Form | Context::Password | Context::Version, None) => {}
            // A modifier alone is no key press worth a word.
            _ if matches!(key.code, KeyCode::Modifier(_) | KeyCode::Null) => {}
            _ => {
                let text = format!("{} does nothing here: {}", key_name(&key), offer(context));
                self.say(text, now);
            }
        }
    }

    /// Carries out one action of the key map. A flat dispatch: one arm per action, each
    /// a line or two handing over to the place that owns it; split, it would only hide
    /// which action goes where.
    pub(super) fn act(
        &mut self,
        context: Context,
        action: Action,
        now: Timestamp,
    ) -> Vec<AppCommand> {
        match action {
            Action::Down if context == Context::Details => return self.details_step(1),
            Action::Up if context == Context::Details => return self.details_step(-1),
            Action::Down => self.move_by(context, 1),
            Action::Up => self.move_by(context, -1),
            Action::PageDown => self.move_by(context, self.page as isize),
            Action::PageUp => self.move_by(context, -(self.page as isize)),
            Action::Top => self.move_by(context, isize::MIN),
            Action::Bottom => self.move_by(context, isize::MAX),
            Action::StartFilter => self.mode = Mode::Filter,
            Action::KeepFilter => {
                self.mode = Mode::Table;
                // A label no cluster has is a typo until proven otherwise.
                let filter = crate::state::filter::Filter::parse(self.filter.text());
                if let Some(hint) = filter.label_hint(&self.model.clusters) {
                    self.say(hint, now);
                }
            }
            Action::ClearFilter => {
                self.mode = Mode::Table;
                if !self.filter.is_empty() {
                    self.filter.clear();
                    self.resync(now);
                }
            }
            Action::OpenSort => self.dialog = Some(Dialog::Sort),
            Action::SortBy(column) => {
                self.dialog = None;
                self.set_sort(self.sort.by(column), now);
            }
            Action::ReverseSort => {
                if context == Context::Sort {
                    self.dialog = None;
                }
                self.set_sort(self.sort.reversed(), now);
            }
            Action::OpenDetails => {
                if let Some(cluster) = self.selected {
                    self.mode = Mode::details(cluster);
                    return vec![AppCommand::FetchPackages(cluster)];
                }
            }
            Action::Back if context == Context::Validation => self.validation_back(),
            Action::Back if context == Context::Packages => self.packages_back(),
            Action::Back => {
                if self.help.is_some() {
                    self.help = None;
                } else {
                    self.leave_details();
                }
            }
            Action::Refresh => return self.refresh_one(now),
            Action::RefreshAll => return self.refresh_all(now),
            Action::ToggleHelp => {
                self.help = match self.help {
                    Some(_) => None,
                    None => Some(0),
                };
            }
            Action::ToggleMark => self.toggle_mark(),
            Action::MarkAll => self.mark_all(now),
            Action::ClearMarks => self.clear_marks(now),
            Action::Download => self.open_form(now),
            Action::NextField => self.edit_form(super::DownloadForm::next_field),
            Action::PreviousField => self.edit_form(super::DownloadForm::previous_field),
            Action::Edit(edit) => self.edit_line(context, edit, now),
            Action::SubmitForm => return self.submit_form(now),
            Action::SendPassword => return self.submit_password(now),
            Action::PlanValidation => self.submit_version(now),
            Action::ConfirmStart => return self.confirm_start(now),
            Action::ConfirmRemoval => return self.confirm_removal(now),
            Action::ConfirmValidation => return self.confirm_validation(now),
            Action::ConfirmStopUpload => return self.stop_upload(now),
            Action::Cancel => self.cancel_dialog(now),
            Action::EnterPassword => self.open_password(now),
            Action::ToggleOthers => self.edit_password(super::PasswordPrompt::toggle_others),
            Action::OpenPackages => {
                self.mode = Mode::packages();
            }
            Action::ToggleHolders if context == Context::Validation => self.toggle_check(),
            Action::ToggleHolders => self.toggle_holders(),
            Action::Validate => self.open_validate(now),
            Action::OpenValidation => self.open_validation(),
            Action::NextRelease => self.edit_version(None, None),
            Action::MarkLacking => self.mark_lacking(now),
            Action::ForceHolders => self.force_holders(now),
            Action::RemovePackage => self.ask_removal(now),
            Action::Quit if context == Context::QuitConfirm => return vec![AppCommand::Quit],
            Action::Quit => return self.quit(),
            Action::ConfirmQuit => return vec![AppCommand::Quit],
        }
        Vec::new()
    }

    fn edit_line(&mut self, context: Context, edit: Edit, now: Timestamp) {
        match context {
            Context::Filter => {
                self.filter.apply(edit);
                self.filter_changed(now);
            }
            Context::Password => self.edit_password(|prompt| prompt.edit(edit)),
            Context::Version => self.edit_version(Some(edit), None),
            _ => self.edit_form(|form| form.edit(edit)),
        }
    }

    /// `r`: poll now. A cluster paused after a refused login is not asked again with
    /// the same password: its source is read again (when it has one that can change);
    /// when the last `r` met a refused password, this one sends it anyway.
    fn refresh_one(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let Some(cluster) = self.target() else {
            return Vec::new();
        };
        let c = &self.model.clusters[cluster];
        let name = c.identity.name.clone();
        if c.login_paused.is_some() {
            // What the cluster's poller finds is the answer to this key.
            self.asked_login.insert(cluster);
        }
        let (text, command) = match c.login_pause() {
            None => (
                format!("polling {name} now"),
                AppCommand::Refresh(Some(cluster)),
            ),
            Some(pause) if pause.again == Some(Again::Source) => (
                format!("{name}: sending the refused login once more, as asked"),
                AppCommand::RetryLogin(cluster),
            ),
            Some(pause) => (
                match &pause.source {
                    Some(source) => format!("{name}: reading {source} again"),
                    None => format!(
                        "{name}: the login was refused: {} enters the password",
                        key_for(Context::Table, Action::EnterPassword)
                    ),
                },
                AppCommand::Refresh(Some(cluster)),
            ),
        };
        self.say(text, now);
        vec![command]
    }

    /// `R`: polls every cluster now, and says what that does to the paused ones: their
    /// password source is read again (the refused password is never sent again).
    fn refresh_all(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let n = self.model.clusters.len();
        let paused: Vec<_> = self
            .model
            .clusters
            .iter()
            .filter_map(|c| c.login_pause())
            .collect();
        let text = if paused.is_empty() {
            format!("polling every cluster now ({n})")
        } else {
            let reread = if paused.iter().any(|p| p.source.is_some()) {
                " (their password sources are read again)"
            } else {
                ""
            };
            format!(
                "polling {} now; {} paused after a refused login{reread}: {} enters the password",
                crate::text::count_clusters(n - paused.len()),
                paused.len(),
                key_for(Context::Table, Action::EnterPassword)
            )
        };
        self.say(text, now);
        vec![AppCommand::Refresh(None)]
    }

    /// `q` or Ctrl-C: quits at once, unless operations are followed: then it asks. What
    /// counts is the model's one fact per operation, the one the JOB column shows.
    fn quit(&mut self) -> Vec<AppCommand> {
        if self.model.open_operations().is_empty() {
            return vec![AppCommand::Quit];
        }
        self.help = None;
        let under = self.dialog.take().map(Box::new);
        self.dialog = Some(Dialog::Quit { under });
        Vec::new()
    }
}

/// What the hint for an unbound key points to: `?` where it opens the help, else the
/// keys the dialog takes ("y start, n/Esc cancel").
fn offer(context: Context) -> String {
    let help = keymap::lookup(context, &KeyEvent::from(KeyCode::Char('?')));
    if help == Some(Action::ToggleHelp) {
        return "? for help".to_string();
    }
    keymap::footer_hints(context)
        .filter_map(|b| b.footer)
        .map(|(keys, word)| format!("{keys} {word}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How the hint names a key: "x", "Ctrl-X", "Alt-K", "F5".
fn key_name(key: &KeyEvent) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{}", name.to_uppercase())
    } else if key.modifiers.contains(KeyModifiers::ALT) {
        format!("Alt-{name}")
    } else {
        name
    }
}
