//! Running progenitor on the view of the spec, with its panics contained.
//!
//! progenitor asserts rather than returns errors on shapes it cannot handle (several
//! error schemas on one operation, a path parameter missing from the path, and others).
//! A panic inside the generator is caught here and reported as [`Error::Generator`], so
//! `cargo xtask regenerate` fails with a message and writes nothing.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::quote;
use serde_json::Value;

use crate::error::{Error, Result};

/// The SDK's runtime type that every generated client call reaches through its hooks.
const INNER_TYPE: &str = "crate::client::Runtime";

/// Generates the low-level client and the struct types. `enums` are component names of
/// string enums, rendered by this crate instead of typify (see `enums`).
pub(crate) fn generate(view: &Value, enums: &[String]) -> Result<syn::File> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(view.clone())
        .map_err(|e| Error::invalid("/", format!("not an OpenAPI 3.0 document: {e}")))?;
    let mut settings = GenerationSettings::new();
    let inner: proc_macro2::TokenStream = INNER_TYPE.parse().expect("valid path");
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(#inner))
        .with_derive("PartialEq")
        .with_map_type("::std::collections::BTreeMap");
    for name in enums {
        let impls = [TypeImpl::Display, TypeImpl::FromStr];
        settings.with_replacement(name, format!("crate::types::{name}"), impls.into_iter());
    }
    let secret = schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some("password".into()),
        ..Default::default()
    };
    settings.with_conversion(secret, "crate::Secret", std::iter::empty());
    let tokens = match tokens(&settings, &spec) {
        Ok(tokens) => tokens,
        Err(Error::Generator { message, .. }) => {
            let context = culprit(view, &settings).unwrap_or_else(|| "the normalized spec".into());
            return Err(Error::Generator { context, message });
        }
        Err(e) => return Err(e),
    };
    syn::parse2(tokens)
        .map_err(|e| Error::Generator { context: "its output".into(), message: e.to_string() })
}

/// progenitor's output for `spec`, its errors and panics as [`Error::Generator`].
fn tokens(
    settings: &GenerationSettings,
    spec: &openapiv3::OpenAPI,
) -> Result<proc_macro2::TokenStream> {
    contain(|| Generator::new(settings).generate_tokens(spec))?.map_err(|e| Error::Generator {
        context: "the normalized spec".into(),
        message: first_line(&e.to_string()),
    })
}

/// The first line of a generator message: progenitor appends a multi-line `Debug` dump of
/// the schema, which the pointer in the context already locates.
fn first_line(message: &str) -> String {
    match message.split_once('\n') {
        Some((first, _)) => format!("{} …", first.trim_end()),
        None => message.to_string(),
    }
}

/// The first operation progenitor fails on when given alone (with all the components),
/// named by operationId and pointer; `None` when each succeeds alone, so the fault lies
/// in how they combine or in a schema. Only run after a failure, so its cost (one more
/// generation per operation) is paid only then.
fn culprit(view: &Value, settings: &GenerationSettings) -> Option<String> {
    let paths = view.get("paths")?.as_object()?;
    for (path, item) in paths {
        for (method, op) in crate::spec::operations(item) {
            let mut alone = view.clone();
            let mut single = item.clone();
            let single_map = single.as_object_mut()?;
            single_map.retain(|k, _| k == method || !crate::spec::METHODS.contains(&k.as_str()));
            alone["paths"] = serde_json::json!({ path: single });
            let Ok(spec) = serde_json::from_value::<openapiv3::OpenAPI>(alone) else { continue };
            if tokens(settings, &spec).is_err() {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
                let pointer = format!("/paths/{}/{method}", crate::error::pointer_token(path));
                return Some(format!("operation {id:?} ({pointer})"));
            }
        }
    }
    None
}

/// Runs `f`, turning a panic into an error and keeping the panic message off stderr.
pub(crate) fn contain<T>(f: impl FnOnce() -> T) -> Result<T> {
    static HOOK: Mutex<()> = Mutex::new(());
    let _guard = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        Error::Generator {
            context: "the normalized spec".into(),
            message: format!("generator panicked: {}", first_line(&message)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generator_panic_becomes_an_error() {
        let e = contain(|| -> u8 { panic!("assertion failed: response_types.len() <= 1") })
            .unwrap_err();
        assert!(e.to_string().contains("response_types.len() <= 1"), "{e}");
    }
}
