//! The change report: what changed, how it is classified, and the version it calls for.
//!
//! A report prints one line per change, such as
//! ``breaking   POST /v1/users (users-createServiceAccount): request field `username` removed``,
//! sorted by location and then message so that two runs over the same specs print the
//! same text. `render` adds the semver verdict for a
//! given current version of `motherduck-api`.

use std::fmt;

use super::version::{self, VersionError};

/// The crate whose version the report bumps.
const SDK_CRATE: &str = "motherduck-api";

/// Width of the classification column, the longest label (`compatible`).
const LABEL_WIDTH: usize = 10;

/// Every change between two specs, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, ordered by location and then message, without duplicates.
    pub changes: Vec<Change>,
}

/// One difference between the old and the new spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// Whether SDK users can take the change without editing their code.
    pub kind: Compatibility,
    /// The operation: method, path template and operationId,
    /// `POST /v1/users/{username}/tokens (users-createToken)`.
    pub location: String,
    /// What changed, naming the parameter or field:
    /// ``request field `ttl` maximum lowered from 31536000 to 86400``.
    pub message: String,
}

/// How a change affects code written against the SDK generated from the old spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Compatibility {
    /// Such code may stop compiling or stop working.
    Breaking,
    /// Such code keeps working; the SDK gains something.
    Compatible,
    /// Compatible, and only summaries, descriptions or titles changed.
    Documentation,
}

/// The semver level a report calls for, as for a crate at 1.0 or later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// No change at all.
    None,
    /// Documentation changes only.
    Patch,
    /// Compatible changes, no breaking one.
    Minor,
    /// At least one breaking change.
    Major,
}

impl Report {
    /// A report of `changes`, sorted by location then message, duplicates removed.
    pub fn new(mut changes: Vec<Change>) -> Self {
        changes.sort_by(|a, b| {
            (&a.location, &a.message, a.kind).cmp(&(&b.location, &b.message, b.kind))
        });
        changes.dedup();
        Report { changes }
    }

    /// Whether the specs are equivalent.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The semver level of the most severe change.
    pub fn bump(&self) -> Bump {
        self.changes.iter().map(|change| change.kind.bump()).max().unwrap_or(Bump::None)
    }

    /// The version that follows `current` (`MAJOR.MINOR.PATCH`) given these changes.
    ///
    /// Below 1.0 Cargo treats a minor bump as breaking, so a breaking change bumps the
    /// minor version and any other change the patch version; from 1.0 on, the levels of
    /// [`Bump`] apply as they are. With no change the version stays as it is.
    ///
    /// # Errors
    ///
    /// [`VersionError`] when `current` is not plain `MAJOR.MINOR.PATCH`.
    pub fn bump_for(&self, current: &str) -> Result<String, VersionError> {
        let next = version::parse(current)?.bumped(self.bump());
        Ok(next.to_string())
    }

    /// The report as printed (see [`Display`](fmt::Display)), followed by the semver
    /// verdict, `semver: breaking change, bump motherduck-api 0.1.0 -> 0.2.0`, when there
    /// is any change.
    ///
    /// # Errors
    ///
    /// [`VersionError`] when `current` is not plain `MAJOR.MINOR.PATCH`.
    pub fn render(&self, current: &str) -> Result<String, VersionError> {
        let next = self.bump_for(current)?;
        let Some(worst) = self.changes.iter().map(|change| change.kind).min() else {
            return Ok(self.to_string());
        };
        Ok(format!("{self}semver: {} change, bump {SDK_CRATE} {current} -> {next}\n", worst.noun()))
    }
}

/// One line per change, or `no API changes`.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return writeln!(f, "no API changes");
        }
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.kind.label();
        write!(f, "{label:<LABEL_WIDTH$} {}: {}", self.location, self.message)
    }
}

impl Compatibility {
    /// The label in the first column of a report line.
    pub fn label(self) -> &'static str {
        match self {
            Compatibility::Breaking => "breaking",
            Compatibility::Compatible => "compatible",
            Compatibility::Documentation => "docs",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Compatibility::Breaking => "breaking",
            Compatibility::Compatible => "compatible",
            Compatibility::Documentation => "documentation",
        }
    }

    fn bump(self) -> Bump {
        match self {
            Compatibility::Breaking => Bump::Major,
            Compatibility::Compatible => Bump::Minor,
            Compatibility::Documentation => Bump::Patch,
        }
    }
}

/// Changes found in one operation, before they are given its location.
#[derive(Debug, Default)]
pub(super) struct Findings {
    found: Vec<(Compatibility, String)>,
}

impl Findings {
    pub(super) fn breaking(&mut self, message: String) {
        self.found.push((Compatibility::Breaking, message));
    }

    pub(super) fn compatible(&mut self, message: String) {
        self.found.push((Compatibility::Compatible, message));
    }

    pub(super) fn documentation(&mut self, message: String) {
        self.found.push((Compatibility::Documentation, message));
    }

    /// `breaking` if `is_breaking`, else `compatible`.
    pub(super) fn classify(&mut self, is_breaking: bool, message: String) {
        if is_breaking { self.breaking(message) } else { self.compatible(message) }
    }

    /// The findings as changes at `location`.
    pub(super) fn at(self, location: &str) -> impl Iterator<Item = Change> {
        self.found.into_iter().map(move |(kind, message)| Change {
            kind,
            location: location.to_owned(),
            message,
        })
    }
}
