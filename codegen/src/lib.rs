//! The generator behind `motherduck-api`.
//!
//! Spec bytes in, normalized spec and formatted Rust source out ([`generate`]). Pure: no
//! network, no file writes, and the same bytes in always give the same bytes out, on any
//! machine. `xtask` decides where the output goes.
//!
//! The pipeline, one module per step:
//! - `spec`: parse and check the document (operationIds, `$ref`s, version).
//! - `normalize`: repair the published spec's defects, one pass per file; the result is
//!   checked in beside the spec.
//! - `view`: the normalized spec as progenitor should see it (validation moved out).
//! - `raw`: run progenitor, containing its panics; `fixup`: narrow syntax-tree fixes.
//! - `enums`, `api`, `validate`: the SDK's own generated layer: open enums, the
//!   resource-grouped call API, and the pre-send checks of every constraint.
//! - `render`: format and stamp the files.
//! - [`baseline`]: raw progenitor, for comparison.
//! - [`drift`]: compare what is on disk with what the spec generates.
//! - [`diff`]: the API change report between two specs.

mod api;
pub mod baseline;
pub mod diff;
pub mod drift;
mod enums;
mod error;
mod fixup;
mod model;
mod names;
mod normalize;
mod raw;
mod render;
mod spec;
mod validate;
mod view;

pub use error::{Error, Result};
pub use render::recorded_digest;

/// Where the vendored spec lives, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/motherduck.json";

/// One file the generator produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the workspace root, with `/` separators.
    pub path: &'static str,
    /// The whole contents.
    pub contents: String,
}

/// Generates every derived file from the vendored spec's bytes.
pub fn generate(spec_bytes: &[u8]) -> Result<Vec<File>> {
    let doc = spec::parse(spec_bytes)?;
    let normalized = normalize::normalize(doc);
    let enums = enum_names(&normalized);
    let view = view::progenitor_input(&normalized);
    let mut raw = raw::generate(&view, &enums)?;
    fixup::apply(&mut raw);
    let model = model::Model::build(&normalized, &raw)?;
    let api = api_file(&normalized, &model, &raw, &enums)?;
    let digest = render::spec_digest(spec_bytes);
    Ok(vec![
        File {
            path: "openapi/motherduck.normalized.json",
            contents: render::json_file(&normalized),
        },
        File {
            path: "motherduck-api/src/generated/raw.rs",
            contents: render::rust_file(
                &raw,
                &digest,
                "The low-level client and the request and response types, from progenitor.",
            ),
        },
        File {
            path: "motherduck-api/src/generated/api.rs",
            contents: render::rust_file(
                &api,
                &digest,
                "The SDK's call layer: resource groups, request builders, open enums and validation.",
            ),
        },
    ])
}

fn api_file(
    doc: &serde_json::Value,
    model: &model::Model,
    raw: &syn::File,
    enums: &[String],
) -> Result<syn::File> {
    let mut patterns = validate::Patterns::default();
    let roots: Vec<String> = model
        .operations
        .iter()
        .filter_map(|o| o.body.as_ref().map(|b| b.type_name.clone()))
        .collect();
    let structs = model::structs(raw);
    let validation = validate::impls(doc, &structs, &roots, &mut patterns)?;
    let schemas = &doc["components"]["schemas"];
    let rendered: Vec<_> = enums
        .iter()
        .map(|n| enums::render(&enums::OpenEnum::from_schema(n, &schemas[n])))
        .collect();
    let api = api::render(doc, model, validation, &mut patterns)?;
    let tokens = quote::quote! {
        /// String enums of the spec, open to values this SDK does not know yet.
        pub(crate) mod enums {
            #(#rendered)*
        }
        #api
    };
    syn::parse2(tokens)
        .map_err(|e| Error::Generator { context: "the call layer".into(), message: e.to_string() })
}

fn enum_names(doc: &serde_json::Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, s)| normalize::schema::is_string_enum(s))
                .map(|(n, _)| n.clone())
                .collect()
        })
        .unwrap_or_default()
}
