//! The checks that generated code runs before a request is sent.
//!
//! `generated/api.rs` calls these for every constraint the spec states; each failure is an
//! [`Error`] of kind `InvalidInput` naming the field by its path and the rule, and the
//! request is not sent. The rules follow JSON Schema as the server applies it: lengths
//! count Unicode scalar values, patterns are ECMAScript regexes with the `u` flag.

use std::fmt;
use std::ops::{Bound, RangeBounds};
use std::time::Duration;

use crate::error::{Error, Result};

/// Implemented by generated code for every type a request can carry.
pub(crate) trait Validate {
    /// Checks `self`, naming problems relative to `field`.
    fn validate(&self, field: &Field<'_>) -> Result<()>;
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, field: &Field<'_>) -> Result<()> {
        (**self).validate(field)
    }
}

/// Where a value stands in a call's arguments, as a path: `required_resources[1].url`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    parent: Option<&'a Field<'a>>,
    step: Step<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Field<'a> {
    /// The call itself; its keys are the argument and body field names.
    pub(crate) fn root() -> Field<'static> {
        Field { parent: None, step: Step::Root }
    }

    /// A named member of this value.
    pub(crate) fn key(&'a self, name: &'a str) -> Field<'a> {
        Field { parent: Some(self), step: Step::Key(name) }
    }

    /// An element of this array.
    pub(crate) fn index(&'a self, i: usize) -> Field<'a> {
        Field { parent: Some(self), step: Step::Index(i) }
    }
}

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            fmt::Display::fmt(parent, f)?;
        }
        match self.step {
            Step::Root => Ok(()),
            Step::Key(k) if self.parent.is_some_and(|p| !matches!(p.step, Step::Root)) => {
                write!(f, ".{k}")
            }
            Step::Key(k) => f.write_str(k),
            Step::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path parameter: not empty, and not a `.` or `..` segment, which URL parsers resolve
/// to another route.
pub(crate) fn segment(field: &Field<'_>, value: &str) -> Result<()> {
    match value {
        "" => Err(Error::invalid(field, "must not be empty")),
        "." | ".." => Err(Error::invalid(
            field,
            format!("must not be `{value}`, which would change the request's route"),
        )),
        _ => Ok(()),
    }
}

/// `minLength` and `maxLength`, in Unicode scalar values: `1..=255`, `..=255`, `1..`.
pub(crate) fn length(field: &Field<'_>, value: &str, limits: impl RangeBounds<u64>) -> Result<()> {
    let (min, max) = (lowest(limits.start_bound()), highest(limits.end_bound()));
    let n = value.chars().count() as u64;
    if let Some(min) = min.filter(|m| n < *m) {
        let rule = if min == 1 {
            "must not be empty".to_string()
        } else {
            format!("must be at least {min} characters long, got {n}")
        };
        return Err(Error::invalid(field, rule));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters long, got {n}"),
        ));
    }
    Ok(())
}

/// The least whole number a start bound admits.
fn lowest<T: Whole>(bound: Bound<&T>) -> Option<T> {
    match bound {
        Bound::Included(v) => Some(*v),
        Bound::Excluded(v) => Some(v.next()),
        Bound::Unbounded => None,
    }
}

/// The greatest whole number an end bound admits.
fn highest<T: Whole>(bound: Bound<&T>) -> Option<T> {
    match bound {
        Bound::Included(v) => Some(*v),
        Bound::Excluded(v) => Some(v.previous()),
        Bound::Unbounded => None,
    }
}

/// The integer types limits are given in.
trait Whole: Copy {
    fn next(self) -> Self;
    fn previous(self) -> Self;
}

impl Whole for u64 {
    fn next(self) -> Self {
        self.saturating_add(1)
    }
    fn previous(self) -> Self {
        self.saturating_sub(1)
    }
}

impl Whole for i128 {
    fn next(self) -> Self {
        self.saturating_add(1)
    }
    fn previous(self) -> Self {
        self.saturating_sub(1)
    }
}

/// `pattern`: the regex must match somewhere in the value (JSON Schema does not anchor).
pub(crate) fn pattern(
    field: &Field<'_>,
    value: &str,
    regex: &regress::Regex,
    source: &str,
) -> Result<()> {
    if regex.find(value).is_some() {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("must match the pattern `{source}`")))
    }
}

/// `format`, for the formats this SDK knows; others are left to the server.
pub(crate) fn format(field: &Field<'_>, value: &str, format: &str) -> Result<()> {
    let ok = match format {
        "uuid" => is_uuid(value),
        _ => true,
    };
    if ok { Ok(()) } else { Err(Error::invalid(field, format!("must be a valid {format}"))) }
}

/// The hyphenated form JSON Schema validators accept for `format: uuid` (8-4-4-4-12 hex
/// digits, optionally after `urn:uuid:`); `Uuid::try_parse` also takes the simple and
/// braced forms, which the server refuses.
fn is_uuid(value: &str) -> bool {
    let hex = value.strip_prefix("urn:uuid:").unwrap_or(value);
    hex.len() == 36
        && hex.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() }
        })
}

/// Integer `minimum`/`maximum` (`60..=86400`, `1..`), exclusive forms folded in by the
/// generator.
pub(crate) fn integer(
    field: &Field<'_>,
    value: i128,
    limits: impl RangeBounds<i128>,
) -> Result<()> {
    match (lowest(limits.start_bound()), highest(limits.end_bound())) {
        (Some(lo), Some(hi)) if value < lo || value > hi => {
            Err(Error::invalid(field, format!("must be from {lo} to {hi}, got {value}")))
        }
        (Some(lo), None) if value < lo => {
            Err(Error::invalid(field, format!("must be at least {lo}, got {value}")))
        }
        (None, Some(hi)) if value > hi => {
            Err(Error::invalid(field, format!("must be at most {hi}, got {value}")))
        }
        _ => Ok(()),
    }
}

/// A JSON number: finite (JSON has no NaN or infinity, and serde would send `null`), and
/// within `limits` (`0.0..=64.0`; an exclusive minimum as a `(Bound, Bound)` pair).
pub(crate) fn number(field: &Field<'_>, value: f64, limits: impl RangeBounds<f64>) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::invalid(field, format!("must be a finite number, got {value}")));
    }
    if let (Bound::Included(lo), Bound::Included(hi)) = (limits.start_bound(), limits.end_bound())
        && (value < *lo || value > *hi)
    {
        return Err(Error::invalid(field, format!("must be from {lo} to {hi}, got {value}")));
    }
    match limits.start_bound() {
        Bound::Included(lo) if value < *lo => {
            return Err(Error::invalid(field, format!("must be at least {lo}, got {value}")));
        }
        Bound::Excluded(lo) if value <= *lo => {
            return Err(Error::invalid(field, format!("must be greater than {lo}, got {value}")));
        }
        _ => {}
    }
    match limits.end_bound() {
        Bound::Included(hi) if value > *hi => {
            Err(Error::invalid(field, format!("must be at most {hi}, got {value}")))
        }
        Bound::Excluded(hi) if value >= *hi => {
            Err(Error::invalid(field, format!("must be less than {hi}, got {value}")))
        }
        _ => Ok(()),
    }
}

/// `minItems` and `maxItems`: `1..`, `..=10`.
#[allow(dead_code, reason = "generated code calls it when the spec limits an array")]
pub(crate) fn items(field: &Field<'_>, len: usize, limits: impl RangeBounds<u64>) -> Result<()> {
    let n = len as u64;
    if let Some(min) = lowest(limits.start_bound()).filter(|m| n < *m) {
        return Err(Error::invalid(field, format!("must have at least {min} items, got {n}")));
    }
    if let Some(max) = highest(limits.end_bound()).filter(|m| n > *m) {
        return Err(Error::invalid(field, format!("must have at most {max} items, got {n}")));
    }
    Ok(())
}

/// An enum value this SDK does not know was received from the server; it cannot be sent.
pub(crate) fn known(field: &Field<'_>, is_known: bool, value: &str, known: &[&str]) -> Result<()> {
    if is_known {
        return Ok(());
    }
    let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    Err(Error::invalid(
        field,
        format!("must be one of {list}; `{value}` is not a value the API accepts"),
    ))
}

/// A duration sent as a whole number of seconds.
#[allow(dead_code, reason = "generated code calls it for a top-level integer duration")]
pub(crate) fn whole_seconds(field: &Field<'_>, value: Duration) -> Result<u64> {
    if value.subsec_nanos() == 0 {
        Ok(value.as_secs())
    } else {
        Err(Error::invalid(field, format!("must be a whole number of seconds, got {value:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(r: Result<()>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn field_paths_read_like_the_json() {
        let root = Field::root();
        let config = root.key("config");
        let list = config.key("items");
        let item = list.index(2);
        assert_eq!(item.key("url").to_string(), "config.items[2].url");
        assert_eq!(root.key("ttl").to_string(), "ttl");
    }

    #[test]
    fn refuses_empty_and_dot_segments_only() {
        let f = Field::root();
        let f = f.key("username");
        assert!(rule(segment(&f, "")).contains("must not be empty"));
        assert!(rule(segment(&f, ".")).contains("route"));
        assert!(rule(segment(&f, "..")).contains("route"));
        for ok in ["...", ".alice", "a..b", "%2e"] {
            assert!(segment(&f, ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let f = Field::root();
        assert!(length(&f, &"é".repeat(255), ..=255).is_ok());
        assert!(
            rule(length(&f, &"é".repeat(256), ..=255))
                .contains("at most 255 characters long, got 256")
        );
    }

    #[test]
    fn numbers_must_be_finite_and_in_range() {
        let f = Field::root();
        let f = f.key("ttl");
        let limits = 300.0..=31_536_000.0;
        assert!(number(&f, 300.0, limits.clone()).is_ok());
        assert_eq!(
            rule(number(&f, 299.0, limits.clone())),
            "invalid `ttl`: must be from 300 to 31536000, got 299"
        );
        assert_eq!(
            rule(number(&f, 299.0, 300.0..)),
            "invalid `ttl`: must be at least 300, got 299"
        );
        assert!(rule(number(&f, f64::NAN, limits.clone())).contains("finite"));
        assert!(rule(number(&f, f64::INFINITY, limits)).contains("finite"));
        assert!(
            rule(number(&f, 0.0, (Bound::Excluded(0.0), Bound::Unbounded)))
                .contains("greater than 0")
        );
    }

    #[test]
    fn uuids_must_be_hyphenated() {
        assert!(is_uuid("0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80"));
        assert!(is_uuid("0D9E2F4A-8B7C-4D61-A3E5-F19C2B6D7E80"));
        assert!(is_uuid("urn:uuid:0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80"));
        for bad in [
            "0d9e2f4a8b7c4d61a3e5f19c2b6d7e80",
            "{0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80}",
            "0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e8g",
            "",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }

    #[test]
    fn integers_report_the_range() {
        let f = Field::root();
        assert!(rule(integer(&f, 59, 60..=86_400)).contains("from 60 to 86400, got 59"));
        assert!(integer(&f, 60, 60..=86_400).is_ok());
    }

    #[test]
    fn durations_must_be_whole_seconds() {
        let f = Field::root();
        assert_eq!(whole_seconds(&f, Duration::from_secs(90)).unwrap(), 90);
        assert!(whole_seconds(&f, Duration::from_millis(1500)).is_err());
    }
}
