//! Workspace tests live in `tests/tests/`; this library holds their shared support code.
//!
//! - [`prism`]: a Stoplight Prism mock server of the vendored spec, started per test
//!   binary, and a reader for the violations it reports.
//! - [`recorder`]: a loopback proxy in front of it that records every exchange, with the
//!   violations Prism listed, and counts connections.

pub mod prism;
pub mod recorder;
