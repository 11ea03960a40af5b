//! Addresses people are sent back to: only paths of this site, never an open redirect.

/// `p` if it is a path of this site to send someone back to; `None` otherwise.
///
/// A local path starts with one `/` followed by something other than `/`, `\` or a space (browsers read
/// `//host` and `/\host` as another site), and holds no control characters: browsers drop tabs and line breaks
/// from addresses, so `/\t/example.org` becomes `//example.org`. `p` is the value as decoded from the query
/// (`/%09/` arrives here as `/\t/`); the same checks run once more on its percent-decoding, so a value that
/// would become such an address if decoded again is refused as well. `https:`, `javascript:` and the like do
/// not start with `/`.
pub fn local_path(p: &str) -> Option<&str> {
    fn ok(p: &str) -> bool {
        let mut chars = p.chars();
        chars.next() == Some('/')
            && !chars
                .next()
                .is_some_and(|c| c == '/' || c == '\\' || c.is_whitespace())
            && !p.chars().any(char::is_control)
    }
    (ok(p) && ok(&percent_decoded(p))).then_some(p)
}

/// `s` with `%XX` escapes decoded (bytes that are not UTF-8 become U+FFFD); malformed escapes stay as they are.
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A local path for a query parameter, percent-encoded; anything that is not one ([`local_path`]) becomes `/`.
pub fn encode_local_path(back: &str) -> String {
    encode(local_path(back).unwrap_or("/"), true)
}

/// Any text as one query parameter's value (a `mailto:` subject), percent-encoded.
pub fn encode_component(text: &str) -> String {
    encode(text, false)
}

fn encode(text: &str, keep_slash: bool) -> String {
    let mut encoded = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => encoded.push(b as char),
            b'/' if keep_slash => encoded.push('/'),
            _ => encoded.push_str(&format!("%{b:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site() {
        for good in [
            "/",
            "/segnalazioni/SEG-2026-000001",
            "/elenco?stato=risolte&q=buca",
            "/a/b%20c",
            "/elenco?q=via roma",
        ] {
            assert_eq!(local_path(good), Some(good), "{good:?}");
        }
    }

    /// The usual open-redirect bypasses, as they arrive after the query's decoding (`%09` is a tab by then).
    #[test]
    fn the_usual_bypasses_are_refused() {
        for bad in [
            "//example.org",
            "/\\example.org",
            "/\t/example.org",
            "/\n/example.org",
            "/\r\n/example.org",
            "/ /example.org",
            "/%09/example.org",
            "/%2F/example.org",
            "/%2f/example.org",
            "/%5C/example.org",
            "/%5c/example.org",
            "\\/\\/example.org",
            "\\\\example.org",
            "https://example.org",
            "http:example.org",
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "example.org",
            "",
            " /x",
            "/x\u{0}",
            "/\u{2028}/example.org",
            "/\u{3000}/example.org",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn encoded_for_a_query_or_the_map() {
        assert_eq!(
            encode_local_path("/elenco?q=via roma"),
            "/elenco%3Fq%3Dvia%20roma"
        );
        assert_eq!(encode_local_path("//evil.example"), "/");
        assert_eq!(encode_local_path("/\t/evil.example"), "/");
    }
}
