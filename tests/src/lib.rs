//! Workspace tests live in `tests/tests/`; this library holds their shared support code.
