//! Normalization: the published spec in, a spec progenitor can turn into a usable SDK out.
//!
//! Each pass lives in its own file, which opens with the defect it repairs and how to see
//! it in the vendored spec. The result is checked in as `openapi/motherduck.normalized.json`
//! so that a spec change can be reviewed as a spec diff before it is a Rust diff.

mod docs;
mod hoist;
pub(crate) mod schema;
mod secrets;

use serde_json::Value;

/// Applies every pass, in order, to a parsed and checked spec.
pub(crate) fn normalize(mut doc: Value) -> Value {
    hoist::run(&mut doc);
    docs::run(&mut doc);
    secrets::run(&mut doc);
    doc
}
