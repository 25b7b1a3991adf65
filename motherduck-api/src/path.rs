//! Path parameters are encoded so that no value can leave its segment.
//!
//! `progenitor_client::encode_path` leaves `\` unescaped (the URL parser reads it as `/`)
//! and cannot help with `.` and `..`, which the URL parser resolves, in their
//! percent-encoded forms too. The generated client calls [`encode`] instead (the
//! generator redirects the calls on the syntax tree), which escapes every byte that is not
//! an RFC 3986 unreserved character; the request builders refuse empty, `.` and `..`
//! values before a call (see `validate::segment`).

use std::fmt::Write;

/// Percent-encodes `value` for use as one path segment.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_end_or_change_a_segment() {
        assert_eq!(encode("alice"), "alice");
        assert_eq!(encode("a/b"), "a%2Fb");
        assert_eq!(encode(r"a\b"), "a%5Cb");
        assert_eq!(encode("a?b#c%d e"), "a%3Fb%23c%25d%20e");
        assert_eq!(encode("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(encode("%2e%2e"), "%252e%252e");
    }
}
