//! Raw progenitor on a spec, as a baseline to measure this generator against.
//!
//! Tests use it to show the defects the normalization repairs (on the vendored spec it
//! panics), and benchmarks to compare output size and speed. It is not part of the SDK's
//! generation.

use progenitor_impl::{GenerationSettings, Generator};

use crate::error::{Error, Result};

/// Runs progenitor with default settings on `spec` and formats its output.
pub fn raw_progenitor(spec: &[u8]) -> Result<String> {
    let doc = crate::spec::parse(spec)?;
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc)
        .map_err(|e| Error::invalid("/", format!("not an OpenAPI 3.0 document: {e}")))?;
    let settings = GenerationSettings::default();
    let tokens = crate::raw::contain(|| Generator::new(&settings).generate_tokens(&spec))?
        .map_err(|e| Error::Generator { context: "the spec".into(), message: e.to_string() })?;
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Generator { context: "its output".into(), message: e.to_string() })?;
    Ok(prettyplease::unparse(&file))
}
