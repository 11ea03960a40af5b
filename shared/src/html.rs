//! Text put into HTML that is built as a string (popups drawn by Leaflet, emails, the small 429 page).

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape_html("<a href=\"x\">L'acqua & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;L&#39;acqua &amp; co&lt;/a&gt;"
        );
    }
}
