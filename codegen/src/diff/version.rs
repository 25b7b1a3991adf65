//! The next version of the SDK crate, from its current version and a [`Bump`].
//!
//! Only plain `MAJOR.MINOR.PATCH` is accepted: the SDK is not published with pre-release
//! or build suffixes, and guessing what follows `0.2.0-rc.1` would hide a mistake.

use std::fmt;

use super::report::Bump;

/// A `MAJOR.MINOR.PATCH` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Version {
    major: u64,
    minor: u64,
    patch: u64,
}

/// A version string that is not `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    input: String,
}

/// Parses `MAJOR.MINOR.PATCH`: three decimal numbers without leading zeros.
pub(super) fn parse(input: &str) -> Result<Version, VersionError> {
    let error = || VersionError { input: input.to_owned() };
    let mut parts = input.split('.').map(number);
    let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(error());
    };
    Ok(Version { major, minor, patch })
}

/// One version component: digits only, and `0` only on its own.
fn number(part: &str) -> Option<u64> {
    let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = part.len() > 1 && part.starts_with('0');
    if !digits || leading_zero {
        return None;
    }
    part.parse().ok()
}

impl Version {
    /// The version after this one for a change of level `bump`. Below 1.0 every level
    /// moves down one place, as Cargo reads `0.MINOR` as the compatibility boundary.
    pub(super) fn bumped(self, bump: Bump) -> Version {
        let Version { major, minor, patch } = self;
        match (major, bump) {
            (_, Bump::None) => self,
            (0, Bump::Major) => Version { major, minor: minor + 1, patch: 0 },
            (0, Bump::Minor | Bump::Patch) => Version { major, minor, patch: patch + 1 },
            (_, Bump::Major) => Version { major: major + 1, minor: 0, patch: 0 },
            (_, Bump::Minor) => Version { major, minor: minor + 1, patch: 0 },
            (_, Bump::Patch) => Version { major, minor, patch: patch + 1 },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid version `{}`: expected MAJOR.MINOR.PATCH, such as 0.1.0", self.input)
    }
}

impl std::error::Error for VersionError {}
