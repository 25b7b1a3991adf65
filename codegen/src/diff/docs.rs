//! Documentation changes: summaries, descriptions and titles.
//!
//! They reach SDK users as doc comments, so a reviewer should see each one, but they
//! change no behaviour and call for a patch release only. Short one-line texts are quoted
//! in the message; longer ones are only named, to keep one line per change.

use super::report::Findings;

/// Texts longer than this are named but not quoted.
const QUOTE_LIMIT: usize = 80;

/// Records a change of the text called `what` (`summary`,
/// ``description of request field `ttl` ``), if it changed.
pub(super) fn compare(what: &str, old: Option<&str>, new: Option<&str>, out: &mut Findings) {
    let message = match (old, new) {
        (Some(old), Some(new)) if old == new => return,
        (None, None) => return,
        (Some(old), Some(new)) => match (quoted(old), quoted(new)) {
            (Some(old), Some(new)) => format!("{what} changed from {old} to {new}"),
            _ => format!("{what} changed"),
        },
        (None, Some(new)) => match quoted(new) {
            Some(new) => format!("{what} added: {new}"),
            None => format!("{what} added"),
        },
        (Some(_), None) => format!("{what} removed"),
    };
    out.documentation(message);
}

/// `text` in quotes, if it is short enough to print on a report line.
fn quoted(text: &str) -> Option<String> {
    let short = text.chars().count() <= QUOTE_LIMIT && !text.contains(['\n', '\r']);
    short.then(|| format!("{text:?}"))
}
