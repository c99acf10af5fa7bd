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

/// A URL as typed, with the characters of its secret parts (user-info password, query)
/// replaced one for one by `•`: what a form shows while the URL is edited, so the cursor
/// stays where it is in the real text. Text that does not parse is shown as typed, after
/// its `user:password@` part (if it has what looks like one) is hidden the same way.
pub fn hide_url_secrets(text: &str) -> String {
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
    fn a_url_being_typed_hides_its_secrets_one_character_for_one() {
        let typed = "https://fetch:pw@repo/i.tgz?token=abc";
        let hidden = hide_url_secrets(typed);
        assert_eq!(hidden, "https://fetch:••@repo/i.tgz?•••••••••");
        assert_eq!(hidden.chars().count(), typed.chars().count());
        assert_eq!(hide_url_secrets("https://repo/i.tgz"), "https://repo/i.tgz");
        assert_eq!(hide_url_secrets("https://u:p"), "https://u:p");
    }
}
