//! Secrets in URLs, hidden wherever a URL is shown, logged or stored.

use reqwest::Url;

/// The URL fit to show, log and store: a password in the user info becomes `***` (the
/// user stays, it says whose credentials), and the whole query becomes `?***`, since
/// package servers put tokens there (`?token=...`, signed URLs).
pub fn mask_url(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    if shown.query().is_some() {
        shown.set_query(Some("***"));
    }
    shown.to_string()
}

/// [`mask_url`] for text that may not even be a URL: what cannot be parsed is never
/// shown, since it may still hold a secret.
pub fn mask_url_text(text: &str) -> String {
    match Url::parse(text.trim()) {
        Ok(url) => mask_url(&url),
        Err(_) => "<not a URL>".to_string(),
    }
}

/// `text` with every URL in it masked: what a cluster says may quote the package URL
/// ontop sent it, `user:password@` and `?token=` included. A URL with neither part is
/// kept as written; one with either goes through [`mask_url_text`], and when it does
/// not parse, its user info after the first `:` and its query are hidden by hand.
pub(crate) fn mask_urls_in(text: &str) -> String {
    if !text.contains("://") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let start = scheme_start(&rest[..at]);
        let end = rest[at + 3..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .map_or(rest.len(), |n| at + 3 + n);
        out.push_str(&rest[..start]);
        out.push_str(&mask_one(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where the scheme before a `://` begins: letters, digits, `+`, `-` and `.` going back,
/// from the first letter among them.
fn scheme_start(before: &str) -> usize {
    let mut start = before.len();
    for (i, c) in before.char_indices().rev() {
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            break;
        }
        start = i;
    }
    before[start..]
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or(before.len(), |letter| start + letter)
}

/// One URL (or what looks like one) from running text, its secrets hidden.
fn mask_one(token: &str) -> String {
    let (_, after) = token.split_once("://").unwrap_or(("", token));
    let before_query = after.split(['?', '#']).next().unwrap_or("");
    if !before_query.contains('@') && !after.contains('?') {
        return token.to_owned();
    }
    let masked = mask_url_text(token);
    if masked != "<not a URL>" {
        return masked;
    }
    mask_by_hand(token)
}

/// The secrets of a URL that does not parse: the user info after its first `:` (up to
/// the last `@` before the query, so a password holding `/` goes too) and the query.
fn mask_by_hand(token: &str) -> String {
    let (scheme, after) = token.split_once("://").unwrap_or(("", token));
    let query_at = after.find(['?', '#']).unwrap_or(after.len());
    let (mut address, mut tail) = after.split_at(query_at);
    let mut shown = format!("{scheme}://");
    if let Some(at) = address.rfind('@') {
        let userinfo = &address[..at];
        shown.push_str(userinfo.split(':').next().unwrap_or(""));
        if userinfo.contains(':') {
            shown.push_str(":***");
        }
        address = &address[at..];
    }
    shown.push_str(address);
    if let Some(query) = tail.strip_prefix('?') {
        shown.push_str("?***");
        tail = query.find('#').map_or("", |hash| &query[hash..]);
    }
    shown.push_str(tail);
    shown
}

/// A URL as typed, with the characters of its secret parts (user-info password, query)
/// replaced one for one by `•`: what a form shows while the URL is edited, so the cursor
/// stays where it is in the real text. Text that does not parse is shown as typed, after
/// its `user:password@` part (if it has what looks like one) is hidden the same way.
pub(crate) fn hide_url_secrets(text: &str) -> String {
    let mut hidden: Vec<char> = text.chars().collect();
    let mut hide = |from: usize, to: usize| {
        for c in hidden.iter_mut().take(to).skip(from) {
            *c = '•';
        }
    };
    let chars: Vec<char> = text.chars().collect();
    let find = |needle: char, from: usize| (from..chars.len()).find(|&i| chars[i] == needle);
    let authority = text.find("://").map(|i| text[..i].chars().count() + 3);
    if let Some(start) = authority {
        let end = (start..chars.len())
            .find(|&i| chars[i] == '/' || chars[i] == '?' || chars[i] == '#')
            .unwrap_or(chars.len());
        let at = (start..end).rev().find(|&i| chars[i] == '@');
        if let Some(at) = at
            && let Some(colon) = (start..at).find(|&i| chars[i] == ':')
        {
            hide(colon + 1, at);
        }
    }
    if let Some(q) = find('?', authority.unwrap_or(0)) {
        let end = find('#', q).unwrap_or(chars.len());
        hide(q + 1, end);
    }
    hidden.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_query_strings_of_urls_are_masked() {
        let url = Url::parse("https://fetch:s3cret@repo/i.tgz?token=abc&x=1").unwrap();
        assert_eq!(mask_url(&url), "https://fetch:***@repo/i.tgz?***");
        assert_eq!(mask_url_text("not a url ?token=abc"), "<not a URL>");
        let plain = Url::parse("https://repo/ontap/97_q_image.tgz").unwrap();
        assert_eq!(mask_url(&plain), "https://repo/ontap/97_q_image.tgz");
    }

    #[test]
    fn urls_inside_text_lose_their_secrets_and_the_rest_stays_as_written() {
        let said =
            "Failed to download \"https://fetch:Leak-PW-4411@host/x?token=Leak-Tok-5522\": 404";
        assert_eq!(
            mask_urls_in(said),
            "Failed to download \"https://fetch:***@host/x?***\": 404"
        );
        let plain = "see HTTPS://Repo/ontap/97_q_image.tgz (or ftp://a/b) now";
        assert_eq!(mask_urls_in(plain), plain);
        assert_eq!(mask_urls_in("no url here: a:b@c"), "no url here: a:b@c");
        // Not URLs to a parser, still masked: a password with a '/', no scheme at all.
        assert_eq!(
            mask_urls_in("at https://u:pa/ss@host/x?t=1#top."),
            "at https://u:***@host/x?***#top."
        );
        assert_eq!(mask_urls_in("x ://u:p@h y"), "x ://u:***@h y");
        assert_eq!(mask_urls_in("1https://u:p@h"), "1https://u:***@h/");
        for text in [
            "https://fetch:Leak-PW-4411@host/x?token=Leak-Tok-5522",
            "ftp://a:Leak-PW-4411@h:notaport/x",
            "http://[::1:Leak-PW-4411@h/?Leak-Tok-5522",
            "https://u:Leak-PW-4411@h@h2/?a=Leak-Tok-5522#f",
        ] {
            let shown = mask_urls_in(&format!("(quoted {text}, twice {text})"));
            assert!(
                !shown.contains("Leak-PW") && !shown.contains("Leak-Tok"),
                "{shown}"
            );
        }
    }

    #[test]
    fn a_url_being_typed_hides_its_secrets_one_character_for_one() {
        let typed = "https://fetch:pw@repo/i.tgz?token=abc";
        let hidden = hide_url_secrets(typed);
        assert_eq!(hidden, "https://fetch:••@repo/i.tgz?•••••••••");
        assert_eq!(hidden.chars().count(), typed.chars().count());
        assert_eq!(hide_url_secrets("https://repo/i.tgz"), "https://repo/i.tgz");
        assert_eq!(hide_url_secrets("https://u:p"), "https://u:p");
    }
}
