use super::*;

fn check(name: &str, status: CheckStatus, issue: &str) -> Check {
    Check {
        name: name.into(),
        status,
        issue: Some(issue.into()),
        action: Some("do this".into()),
    }
}

fn manual() -> Check {
    check("Manual checks", CheckStatus::Warning, "read the plan")
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn manual_checks_alone_is_ready_and_counted_as_a_note() {
    let settings = ValidateSettings::default();
    let checks = [manual()];
    let v = Validation {
        checks: &checks,
        version: Some("9.16.1P3"),
        at: Some(at("2026-12-06T10:00:00Z")),
    };
    let now = at("2026-12-06T11:00:00Z");
    assert_eq!(v.verdict(Some("9.16.1p3"), now, &settings), Verdict::Ready);
    assert_eq!(
        v.counts(&settings),
        Counts {
            warnings: 0,
            errors: 0,
            notes: 1
        }
    );
    let strict = ValidateSettings {
        ignore: Vec::new(),
        ..settings
    };
    assert_eq!(v.verdict(None, now, &strict), Verdict::Warnings(1));
}

#[test]
fn errors_outweigh_warnings_and_age_or_another_release_make_it_stale() {
    let settings = ValidateSettings::default();
    let checks = [
        manual(),
        check("NFS mounts", CheckStatus::Warning, "mounted"),
        check("High Availability status", CheckStatus::Error, "no partner"),
    ];
    let fresh = Validation {
        checks: &checks,
        version: Some("9.16.1P3"),
        at: Some(at("2026-12-06T10:00:00Z")),
    };
    let now = at("2026-12-06T10:05:00Z");
    let verdict = fresh.verdict(Some("9.16.1P3"), now, &settings);
    assert_eq!(
        (verdict.describe(), matches!(verdict, Verdict::Errors(_))),
        ("1 error".into(), true)
    );
    assert_eq!(
        fresh.verdict(Some("9.17.1"), now, &settings),
        Verdict::Stale(Stale::OtherVersion("9.16.1P3".into()))
    );
    let later = at("2026-12-08T10:00:00Z");
    assert_eq!(
        fresh.verdict(None, later, &settings).describe(),
        "stale (2d old)"
    );
    let someone_elses = Validation {
        version: None,
        at: None,
        ..fresh
    };
    assert_eq!(
        someone_elses.verdict(Some("9.16.1P3"), now, &settings),
        Verdict::Unknown,
        "results of an unknown release say nothing about this one"
    );
    assert_eq!(
        someone_elses.verdict(None, now, &settings),
        Verdict::Errors(1)
    );
    assert_eq!(verdict_of(None, None, now, &settings), Verdict::Unknown);
}

#[test]
fn findings_group_by_check_with_each_text_once() {
    let settings = ValidateSettings::default();
    let nfs = |issue: &str| check("NFS mounts", CheckStatus::Warning, issue);
    let a = [manual(), nfs("mounted on node a")];
    let b = [manual(), nfs("mounted on node a")];
    let c = [
        manual(),
        nfs("mounted on node c"),
        check("High Availability status", CheckStatus::Error, "no partner"),
    ];
    let v = |checks| Validation {
        checks,
        version: None,
        at: None,
    };
    let groups = by_check([("a", v(&a)), ("b", v(&b)), ("c", v(&c))], &settings);
    let names: Vec<(&str, Weight, usize)> = groups
        .iter()
        .map(|g| (g.check.as_str(), g.weight, g.clusters()))
        .collect();
    assert_eq!(
        names,
        [
            ("High Availability status", Weight::Error, 1),
            ("NFS mounts", Weight::Warning, 3),
            ("Manual checks", Weight::Note, 3),
        ]
    );
    let nfs = &groups[1];
    assert_eq!(nfs.texts.len(), 2, "two different texts");
    assert_eq!(nfs.texts[0].clusters, ["a", "b"]);
    assert_eq!(groups[2].texts.len(), 1, "the same text is said once");
}
