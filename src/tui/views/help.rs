//! The `?` overlay, generated from the key map so it cannot drift from the handling.
//!
//! It lists the keys of the place it was opened from (the table, the details pane or
//! the packages view), each once, with what they mean there; from the table, also the
//! keys of filter typing and of the sort menu, which open from it. Dialogs are not
//! listed: each shows its own keys on its bottom border, so no key is listed twice with
//! two meanings. Keys that come in families (the sort menu's letters, the line editor's
//! keys) flow on a few lines instead of one line each, so the table's help fits a
//! 120x40 terminal without scrolling.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::text::{pad, width};
use crate::tui::app::App;
use crate::tui::keymap::{
    Action, BINDINGS, Binding, Context, key_for, keys_for, keys_label, scroll_keys,
};
use crate::tui::theme::Theme;

/// Cells for the keys column.
const KEYS: usize = 14;
/// The overlay's widest width.
const MAX_WIDTH: u16 = 100;

/// One section of the help: a title and the context whose keys it lists.
struct Section {
    title: &'static str,
    context: Context,
}

/// The sections for help opened from `context`.
fn sections(context: Context) -> Vec<Section> {
    let section = |title, context| Section { title, context };
    match context {
        Context::Details => vec![section("Details of one cluster", Context::Details)],
        Context::Packages => vec![section("Packages view (after P)", Context::Packages)],
        Context::Validation => vec![section("Validation view (after V)", Context::Validation)],
        _ => vec![
            section("Cluster table", Context::Table),
            section("Typing a filter (after /)", Context::Filter),
            section("Sort menu (after s)", Context::Sort),
        ],
    }
}

/// Bindings that flow together on shared lines rather than one line each.
fn flows(b: &Binding) -> bool {
    matches!(
        b.action,
        Action::Edit(_)
            | Action::SortBy(_)
            | Action::Top
            | Action::Bottom
            | Action::PageDown
            | Action::PageUp
            | Action::OpenPackages
            | Action::OpenValidation
    )
}

/// Draws the help overlay centred over `area`, for the place it was opened from.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App, drawn: &mut super::Drawn) {
    let theme = app.theme();
    let width = area.width.min(MAX_WIDTH);
    let inner_width = width.saturating_sub(2) as usize;
    let lines = lines(theme, inner_width, app.context_under_help());
    let wanted = lines.len() as u16 + 2;
    let height = area.height.min(wanted);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let inner_height = height.saturating_sub(2) as usize;
    let top = app.help_top(lines.len().saturating_sub(inner_height));
    drawn.help_top = Some(top);
    let mut block = Block::bordered()
        .title(Span::styled(" Keys ", theme.heading()))
        .title_bottom(Line::from(closing_keys()).right_aligned())
        .border_style(theme.border());
    if lines.len() > inner_height {
        let scroll = format!(" {} scroll ", scroll_keys(Context::Help));
        block = block.title_bottom(Line::from(scroll).left_aligned());
    }
    let visible: Vec<Line> = lines.into_iter().skip(top).take(inner_height).collect();
    super::clear_under(frame, popup, area);
    frame.render_widget(Paragraph::new(visible).block(block), popup);
}

/// " Esc, q or ? closes ": the keys that close the help, from the key map.
fn closing_keys() -> String {
    let mut keys = keys_for(Context::Help, Action::Back);
    let toggle = key_for(Context::Help, Action::ToggleHelp);
    let last = if keys.contains(&toggle) {
        keys.pop().unwrap_or_default()
    } else {
        toggle
    };
    if keys.is_empty() {
        format!(" {last} closes ")
    } else {
        format!(" {} or {last} closes ", keys.join(", "))
    }
}

/// Bindings side by side, "keys help · keys help", on as few lines of `cells` as they
/// take (a binding is never cut across two lines).
fn flow(bindings: &[&Binding], cells: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for b in bindings {
        let keys = keys_label(b);
        let item = width(&keys) + 1 + width(b.help);
        if !line.is_empty() && used + 3 + item > cells {
            lines.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        if line.is_empty() {
            line.push(Span::raw("   "));
        } else {
            line.push(Span::raw(" · "));
            used += 3;
        }
        line.push(Span::styled(keys, theme.key()));
        line.push(Span::raw(format!(" {}", b.help)));
        used += item;
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}

/// One binding: its keys, then what it does, wrapped under itself when it is longer
/// than the line (never cut).
fn binding_lines(b: &Binding, cells: usize, theme: Theme) -> Vec<Line<'static>> {
    let keys = keys_label(b);
    let lead = KEYS.max(width(&keys) + 1);
    let room = cells.saturating_sub(lead + 3).max(10);
    let mut parts = crate::text::wrap(b.help, room).into_iter();
    let mut out = vec![Line::from(vec![
        Span::raw("   "),
        Span::styled(pad(&keys, lead), theme.key()),
        Span::raw(parts.next().unwrap_or_default()),
    ])];
    for part in parts {
        out.push(Line::from(format!("   {}{part}", " ".repeat(lead))));
    }
    out
}

/// Every line of the help for `context` at `cells` cells wide.
fn lines(theme: Theme, cells: usize, context: Context) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    // A key that means the same in a later section is listed once, in the first.
    let mut listed: Vec<(String, Action)> = Vec::new();
    for section in sections(context) {
        let bindings: Vec<&Binding> = BINDINGS
            .iter()
            .filter(|b| b.contexts.contains(&section.context))
            .filter(|b| !listed.contains(&(keys_label(b), b.action)))
            .collect();
        listed.extend(bindings.iter().map(|b| (keys_label(b), b.action)));
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::styled(format!(" {}", section.title), theme.heading()));
        for b in bindings.iter().filter(|b| !flows(b)) {
            out.extend(binding_lines(b, cells, theme));
        }
        let flowing: Vec<&Binding> = bindings.iter().copied().filter(|b| flows(b)).collect();
        out.extend(flow(&flowing, cells.saturating_sub(4), theme));
    }
    let note = "Dialogs (download, validation, removal, password, quit) show their keys on \
                their border.";
    out.extend(super::wrapped(note, cells.saturating_sub(2), theme.dim()));
    out
}

/// Every place's keys, each binding listed once (in the first place it works), for the
/// man page: the overlay lists one place's, this lists them all, dialogs included.
pub(crate) fn man_sections() -> Vec<(&'static str, Vec<&'static Binding>)> {
    const PLACES: [(&str, Context); 15] = [
        ("Cluster table", Context::Table),
        ("Typing a filter (after /)", Context::Filter),
        ("Sort menu (after s)", Context::Sort),
        ("Details of one cluster", Context::Details),
        ("Packages view (after P)", Context::Packages),
        ("Validation view (after V)", Context::Validation),
        ("Help (after ?)", Context::Help),
        ("Download form (after d)", Context::Form),
        ("Password (after p)", Context::Password),
        ("Confirming a download", Context::Confirm),
        ("Confirming a removal (after x)", Context::Remove),
        ("Validating: the release (after v)", Context::Version),
        ("Confirming a validation", Context::ValidateConfirm),
        ("Quitting while operations run", Context::QuitConfirm),
        (
            "Stopping an upload (Esc in its details)",
            Context::StopUpload,
        ),
    ];
    let mut listed: Vec<*const Binding> = Vec::new();
    let mut sections = Vec::new();
    for (title, context) in PLACES {
        let bindings: Vec<&'static Binding> = BINDINGS
            .iter()
            .filter(|b| b.contexts.contains(&context))
            .filter(|b| !listed.contains(&(*b as *const Binding)))
            .collect();
        listed.extend(bindings.iter().map(|b| *b as *const Binding));
        if !bindings.is_empty() {
            sections.push((title, bindings));
        }
    }
    sections
}
