//! What every example does around its work: on bad arguments, print the problem and the
//! usage and exit 2; when a call fails, print the error with its causes and exit 1.

use std::error::Error;
use std::process::ExitCode;

/// Exit 2, after `message` and `usage` on stderr.
pub(crate) fn bad_usage(message: &str, usage: &str) -> ExitCode {
    eprintln!("{message}\n{usage}");
    ExitCode::from(2)
}

/// Exit 0, or 1 after the error and its causes, `: `-separated, on stderr.
pub(crate) fn exit(result: Result<(), Box<dyn Error>>) -> ExitCode {
    let Err(err) = result else { return ExitCode::SUCCESS };
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("error: {text}");
    ExitCode::FAILURE
}
