//! Workspace tests live in `tests/tests/`; this library holds their shared support code.
//!
//! - [`prism`]: a Stoplight Prism mock server of the vendored spec, started per test
//!   binary, and a reader for the violations it reports.

pub mod prism;
