//! The API change report: what changed between two versions of the spec, whether SDK
//! users must change their code for it, and the version of `motherduck-api` it calls for.
//!
//! MotherDuck marks the API as a preview that may change, and each regeneration from a
//! newer spec needs a version number. [`compare`] reads the old and the new spec and
//! returns a [`Report`], one [`Change`] per difference, which prints one line each and
//! ends with the semver verdict ([`Report::render`]).
//!
//! **The rule.** A change is breaking when code written against the SDK generated from
//! the old spec can stop compiling or stop working with the SDK generated from the new one.
//! The generator is trusted to make additions harmless: new optional fields go through
//! builders, response enums keep values they do not know. It cannot hide a changed type,
//! and whether a field is optional is part of its type: that is why a response field made
//! required, or a request field made optional, is breaking here though harmless on the
//! wire (see `schema.rs`, which also states the reasoning for enums and constraints).
//!
//! **What is compared.** Operations (matched by method and path), their operationIds,
//! summaries and descriptions, parameters (by location and name), request bodies and
//! responses (status, content type, schema). Schemas are compared in a canonical form
//! (`canonical.rs`): local `$ref`s resolved, `allOf` merged, so hoisting an inline schema
//! into `components` or reordering a list is not a change. Only what operations reach is
//! compared; an unused component is not part of any call.
//!
//! **Known limits.** `tags`, `security`, `servers`, examples, parameter `style` and
//! `explode`, response headers and links are not compared; `oneOf` and `anyOf` are
//! compared as a whole; integer bounds that make the generator pick another integer type
//! are reported as constraint changes, not type changes.

mod body;
mod canonical;
mod docs;
mod operation;
mod report;
mod resolve;
mod schema;
mod version;

use serde_json::Value;

pub use report::{Bump, Change, Compatibility, Report};
pub use version::VersionError;

/// Every change from the `old` spec to the `new` one, classified and in a stable order.
pub fn compare(old: &Value, new: &Value) -> Report {
    Report::new(operation::compare(old, new))
}
