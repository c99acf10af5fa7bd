//! Certificate expiry on screen: a badge in the row under 30 days, the facts in details.

use crate::support::tui::{app, find, now, render, text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::SignedDuration;
use ontop::testing::engine::Update as Event;
use ontop::testing::ontap::{CertificateFacts, Fingerprint};

fn facts(days: i64, pinned: bool) -> Box<CertificateFacts> {
    Box::new(CertificateFacts {
        expires: now() + SignedDuration::from_hours(24 * days),
        days_left: days,
        pinned,
        insecure: false,
        self_signed: true,
        fingerprint: Fingerprint::of(b"a certificate"),
        subject: "CN=cluster".into(),
    })
}

#[test]
fn a_certificate_expiring_within_30_days_is_flagged_in_the_row_and_explained_in_details() {
    let mut app = app(true, false);
    app.apply(
        Event::Certificate {
            cluster: 0,
            at: now(),
            facts: facts(9, true),
        },
        now(),
    );
    app.apply(
        Event::Certificate {
            cluster: 1,
            at: now(),
            facts: facts(200, false),
        },
        now(),
    );
    let table = render(&mut app, 120, 40);
    let screen = text(&table);
    assert_eq!(screen.matches("!cert").count(), 1, "{screen}");
    let (x, y) = find(&table, "!cert").unwrap();
    assert_ne!(
        table[(x, y)].fg,
        ratatui::style::Color::Reset,
        "the badge is a warning"
    );

    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), now());
    let details = text(&render(&mut app, 120, 40));
    assert!(details.contains("expires in 9 days"), "{details}");
    assert!(details.contains("pinned, self-signed"), "{details}");
    assert!(
        details.contains(&Fingerprint::of(b"a certificate").to_string()[..20]),
        "{details}"
    );
}
