//! The dashboard screen: terminal setup and restore, the event loop, and the views.
//!
//! One task owns the [`App`] (and so the model). It waits on three things at once:
//! terminal input, fleet events, and a 1 s tick for the ages on screen. It draws only when
//! one of them changed something, never in a busy loop, so an idle dashboard on a jump
//! host costs next to nothing. The first frame is drawn before any cluster answers.
//!
//! - [`app`]: the state and key handling, pure and testable without a terminal;
//! - [`keymap`]: the one table of keys behind both the handling and the help;
//! - [`views`]: one file per panel, plus the frame layout ([`draw`]);
//! - [`theme`]: colours and symbols, and the plain theme for `NO_COLOR`.
//!
//! The screen opens no file and knows neither the audit log nor the journal: the
//! download engine records, and says so in events the screen shows.

pub(crate) mod app;
pub(crate) mod carry;
pub(crate) mod format;
mod input;
pub(crate) mod keymap;
pub(crate) mod line;
pub(crate) mod theme;
pub(crate) mod views;
mod widths;

use std::io;
use std::time::Duration;

use crossterm::event::Event as TermEvent;
use jiff::Timestamp;
use tokio::sync::mpsc;
use tokio::time::{MissedTickBehavior, interval};

pub use app::{App, AppCommand, Mode};
pub use theme::Palette;

use crate::engine::{Engine, Update};
use crate::launch::ScreenOptions;
use crate::state::Model;

/// Everything the dashboard needs from `main`: the model, the running engine, and how
/// to present it.
pub(crate) struct DashboardSetup {
    /// Identities in the engine's cluster order; update indices refer to this order.
    pub model: Model,
    /// The running engine; the dashboard sends it commands and stops it on exit.
    pub engine: Engine,
    /// The engine's updates.
    pub updates: mpsc::Receiver<Update>,
    /// Shown in the header: the config path, or "demo (simulated fleet)".
    pub config_label: String,
    /// `--read-only`, colours, the bell.
    pub options: ScreenOptions,
    /// What the download form offers: the config's `[download]` URL and server user.
    pub form: FormDefaults,
}

/// What the download form offers before anything is typed: the config's `[download]`
/// URL and server user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormDefaults {
    /// `[download] url`: the package's address.
    pub url: Option<String>,
    /// `[download] username`: the user of the server behind it.
    pub username: Option<String>,
}

/// Draws one frame at `now`: the rows derived again if something they depend on
/// changed, the views drawn from the app as it is, and what the frame found out about
/// scrolling handed back to it.
pub fn draw(frame: &mut ratatui::Frame, app: &mut App, now: Timestamp) {
    app.sync(now);
    let drawn = views::render(frame, app, now);
    app.drawn(drawn);
}

/// What the event loop needs besides the app: the engine, and whether to ring the bell.
struct Outside<'a> {
    engine: &'a Engine,
    bell: bool,
}

/// How long quitting waits for requests already sent (download starts, removals) and
/// for the recorder: above the default request timeout, so a slow cluster's answer
/// still lands in the audit log.
const FINISH_GRACE: Duration = Duration::from_secs(35);

/// Runs the dashboard until the user quits; the terminal is restored on every way out,
/// errors and panics included.
pub(crate) async fn run(setup: DashboardSetup) -> io::Result<()> {
    let DashboardSetup {
        model,
        engine,
        updates,
        config_label,
        options,
        form,
    } = setup;
    let access = crate::fleet::Session::from_flag(options.read_only);
    let palette = theme::Palette::colors_if(options.color);
    let mut app = App::new(model, config_label, access, palette)
        .with_form_defaults(form)
        .with_mirrors(engine.mirrors())
        .with_journal(engine.journaled());
    // `try_init` installs a panic hook that restores the terminal before the panic is
    // printed; the guard restores on errors and when this future is dropped.
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            // Undo whatever half of the setup happened, quietly: the error says enough.
            let _ = ratatui::try_restore();
            return Err(e);
        }
    };
    let guard = TerminalGuard;
    // A pasted URL arrives as one piece of text, not as keys (Enter in it would submit).
    let _ = crossterm::execute!(io::stdout(), crossterm::event::EnableBracketedPaste);
    let outside = Outside {
        engine: &engine,
        bell: options.bell,
    };
    let result = event_loop(&mut terminal, &mut app, &outside, updates).await;
    drop(guard);
    // The screen is restored; a request sent just before `q` still gets its answer and
    // its audit line (bounded by the clusters' own timeouts).
    let pending = engine.sends_in_flight();
    if pending > 0 {
        crate::errln!("ontop: waiting for {pending} request(s) to be answered and recorded...");
    }
    let finished = engine.finish(FINISH_GRACE).await;
    if finished.unanswered > 0 {
        crate::errln!(
            "ontop: {} request(s) got no answer; check with ontop status (their audit lines may be missing)",
            finished.unanswered
        );
    }
    if !finished.recorded {
        crate::errln!(
            "ontop: the audit log or the journal could not be written within {}s (another \
             ontop holding the journal lock?); the last records may be missing",
            FINISH_GRACE.as_secs()
        );
    }
    engine.shutdown();
    result
}

/// Rings the terminal bell (BEL) through the screen's own writer, so it reaches the
/// terminal in order with the frames (and through tmux and SSH like any output).
pub(crate) fn ring(out: &mut impl io::Write) -> io::Result<()> {
    out.write_all(b"\x07")?;
    out.flush()
}

/// Restores the terminal when dropped: bracketed paste off, raw mode off, main screen
/// back. The mouse is never captured, so there is nothing to release there.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = crossterm::execute!(io::stdout(), crossterm::event::DisableBracketedPaste);
        ratatui::restore();
    }
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    outside: &Outside<'_>,
    mut events: mpsc::Receiver<Update>,
) -> io::Result<()> {
    let (mut carrier, mut files) = carry::Carrier::new(outside.engine);
    let mut input = input::Input::start();
    let mut tick = interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut fleet_open = true;
    let mut quit_signal = crate::signals::Stop::new();
    let mut pace = Pace::new();
    // After fleet events are read, the channel is left alone for a moment: see DRAIN_PAUSE.
    let mut held: Option<tokio::time::Instant> = None;
    terminal.draw(|f| draw(f, app, Timestamp::now()))?;
    let mut shown = app.tick_key(Timestamp::now());
    loop {
        let wake = pace.due();
        let asked = tokio::select! {
            term = input.next() => match term {
                // Keys are answered at once, whatever the pace.
                Some(Ok(TermEvent::Key(key))) => {
                    let commands = app.handle_key(key, Timestamp::now());
                    if carrier.carry_out(commands) {
                        return Ok(());
                    }
                    carrier.follow(app);
                    Redraw::Now
                }
                Some(Ok(TermEvent::Paste(mut text))) => {
                    let commands = app.paste(&text, Timestamp::now());
                    // It may have been a password: no copy of it is left behind.
                    secrecy::zeroize::Zeroize::zeroize(&mut text);
                    carrier.carry_out(commands);
                    Redraw::Now
                }
                Some(Ok(TermEvent::Resize(..))) => Redraw::Now,
                Some(Ok(_)) => Redraw::No,
                Some(Err(e)) => return Err(e),
                // The terminal is gone (hung-up SSH session): nothing left to draw on.
                None => return Ok(()),
            },
            event = after_hold(&mut events, held), if fleet_open => match event {
                Some(event) => {
                    let now = Timestamp::now();
                    let mut changed = app.apply(event, now);
                    // Drain whatever else is pending: a burst costs at most one frame.
                    while let Ok(event) = events.try_recv() {
                        changed |= app.apply(event, now);
                    }
                    held = Some(tokio::time::Instant::now() + DRAIN_PAUSE);
                    if app.take_bell() && outside.bell {
                        ring(terminal.backend_mut())?;
                    }
                    if changed { Redraw::Soon } else { Redraw::No }
                }
                None => {
                    fleet_open = false;
                    Redraw::No
                }
            },
            Some(news) = files.recv() => {
                let changed = app.file_news(news, Timestamp::now());
                carrier.follow(app);
                if changed { Redraw::Soon } else { Redraw::No }
            }
            // Ages on screen: a frame only when one of them reads differently.
            _ = tick.tick() => {
                app.time_passed();
                if app.tick_key(Timestamp::now()) != shown { Redraw::Soon } else { Redraw::No }
            }
            () = sleep_until_opt(wake) => Redraw::Due,
            () = quit_signal.requested() => return Ok(()),
        };
        if pace.wants_frame(asked) {
            terminal.draw(|f| draw(f, app, Timestamp::now()))?;
            shown = app.tick_key(Timestamp::now());
        }
    }
}

/// What a wake-up asks of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redraw {
    /// Nothing visible changed.
    No,
    /// Something visible changed: a frame, at the pace.
    Soon,
    /// A key or a resize: a frame at once.
    Now,
    /// The paced frame is due.
    Due,
}

/// At most [`FRAMES_PER_SECOND`] frames from the fleet's events, keys at once: a fleet
/// of thousands sending hundreds of events a second costs ten frames, not hundreds.
struct Pace {
    last: tokio::time::Instant,
    /// A change is waiting for its frame.
    pending: bool,
}

/// The most frames a second the network's events may cause.
const FRAMES_PER_SECOND: u32 = 10;

/// How long the loop leaves fleet events in their channel after reading some: a frame's
/// time. A fleet of a thousand clusters answers two hundred times a second, and each
/// wake-up of the loop cost more than the event it read; read at the frame rate, a burst
/// is one wake-up. The channel holds a thousand events, five seconds of such a fleet.
const DRAIN_PAUSE: Duration = Duration::from_millis(1000 / FRAMES_PER_SECOND as u64);

impl Pace {
    fn new() -> Self {
        Self {
            last: tokio::time::Instant::now(),
            pending: false,
        }
    }

    /// When the pending frame may be drawn, if one is pending.
    fn due(&self) -> Option<tokio::time::Instant> {
        self.pending
            .then(|| self.last + Duration::from_secs(1) / FRAMES_PER_SECOND)
    }

    /// Whether to draw now; keeps the books of when the last frame was.
    fn wants_frame(&mut self, asked: Redraw) -> bool {
        let now = tokio::time::Instant::now();
        let draw = match asked {
            Redraw::No => false,
            Redraw::Now => true,
            Redraw::Soon | Redraw::Due => {
                self.pending = true;
                self.due().is_some_and(|due| due <= now)
            }
        };
        if draw {
            self.last = now;
            self.pending = false;
        }
        draw
    }
}

/// The next fleet event, once `held` (the end of the last read's pause) has passed.
async fn after_hold(
    events: &mut mpsc::Receiver<Update>,
    held: Option<tokio::time::Instant>,
) -> Option<Update> {
    if let Some(until) = held {
        tokio::time::sleep_until(until).await;
    }
    events.recv().await
}

/// Sleeps until `when`, or for ever without one.
async fn sleep_until_opt(when: Option<tokio::time::Instant>) {
    match when {
        Some(when) => tokio::time::sleep_until(when).await,
        None => std::future::pending().await,
    }
}
