//! What the SDK's call layer needs to know about each operation.
//!
//! Built from two sources that must agree: the normalized spec (names, docs, constraints)
//! and progenitor's output (the Rust identifiers and types it chose). Reading the types
//! back from the syntax tree, rather than predicting typify's naming rules, keeps the two
//! layers from drifting apart when typify changes.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::error::{Error, Result, pointer_token};
use crate::names::{self, OperationName};
use crate::spec;

/// Every operation, in path then method order.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) operations: Vec<Operation>,
}

#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) id: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) summary: Option<String>,
    pub(crate) description: Option<String>,
    /// The resource group (the first tag, else the operationId prefix): `users`.
    pub(crate) group: String,
    /// The method on the group: `create`, `get_config`.
    pub(crate) method_name: String,
    /// The request builder type: `CreateToken`.
    pub(crate) builder: String,
    /// progenitor's method on the low-level client.
    pub(crate) raw_fn: String,
    /// Arguments of `raw_fn`, in its order.
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Body>,
    /// The success type (`crate::types::Token`), or `None` for a success without a body.
    pub(crate) response: Option<syn::Type>,
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) ident: String,
    pub(crate) location: Location,
    pub(crate) required: bool,
    pub(crate) schema: Value,
    pub(crate) description: Option<String>,
    /// The type progenitor's method takes (`&'a str`, `Option<u64>`).
    pub(crate) raw_type: syn::Type,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
}

#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) type_name: String,
    pub(crate) fields: Vec<Field>,
}

/// A property of a generated struct.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) json_name: String,
    pub(crate) ident: String,
    /// The field's type as generated, `Option<…>` included.
    pub(crate) ty: syn::Type,
    pub(crate) required: bool,
    pub(crate) schema: Value,
}

/// Generated structs by name: their fields as typify wrote them.
pub(crate) type Structs = BTreeMap<String, Vec<(String, String, syn::Type)>>;

impl Model {
    pub(crate) fn build(doc: &Value, raw: &syn::File) -> Result<Model> {
        let structs = structs(raw);
        let fns = raw_fns(raw);
        let mut operations = Vec::new();
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        for (path, item) in &paths {
            for (method, op) in spec::operations(item) {
                operations.push(operation(doc, path, method, item, op, &structs, &fns)?);
            }
        }
        dedupe_method_names(&mut operations);
        Ok(Model { operations })
    }
}

fn operation(
    doc: &Value,
    path: &str,
    method: &str,
    item: &Value,
    op: &Value,
    structs: &Structs,
    fns: &BTreeMap<String, syn::Signature>,
) -> Result<Operation> {
    let id = op["operationId"].as_str().unwrap_or_default().to_string();
    let pointer = format!("/paths/{}/{method}", pointer_token(path));
    let raw_fn = raw_fn_name(&id);
    let sig = fns.get(&raw_fn).ok_or_else(|| Error::Generator {
        context: id.clone(),
        message: format!("progenitor emitted no method `{raw_fn}`"),
    })?;
    let name = OperationName::parse(&id);
    let group = group(op, &name);
    let spec_params = parameters(item, op);
    let mut params = Vec::new();
    for input in sig.inputs.iter().skip(1) {
        let syn::FnArg::Typed(arg) = input else { continue };
        let ident = quote::ToTokens::to_token_stream(&arg.pat).to_string();
        if ident == "body" {
            continue;
        }
        let p = spec_params
            .iter()
            .find(|p| names::snake_ident(p["name"].as_str().unwrap_or("")) == ident)
            .ok_or_else(|| Error::Generator {
                context: id.clone(),
                message: format!("argument `{ident}` matches no parameter"),
            })?;
        let location = match p["in"].as_str() {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            other => {
                return Err(Error::invalid(
                    &pointer,
                    format!(
                        "parameters in {other:?} are not supported; only path and query parameters are"
                    ),
                ));
            }
        };
        params.push(Param {
            name: p["name"].as_str().unwrap_or_default().to_string(),
            ident,
            location,
            required: p["required"].as_bool().unwrap_or(location == Location::Path),
            schema: resolve(doc, &p["schema"]).clone(),
            description: p.get("description").and_then(Value::as_str).map(String::from),
            raw_type: (*arg.ty).clone(),
        });
    }
    let body = body(doc, op, structs, &pointer)?;
    Ok(Operation {
        method_name: method_name(&name, &group),
        builder: builder_name(&name, &group),
        id,
        method: method.to_uppercase(),
        path: path.to_string(),
        summary: op.get("summary").and_then(Value::as_str).map(String::from),
        description: op.get("description").and_then(Value::as_str).map(String::from),
        group,
        raw_fn,
        params,
        body,
        response: response_type(doc, op),
    })
}

/// progenitor's method name for an operationId.
fn raw_fn_name(id: &str) -> String {
    id.replace(|c: char| !c.is_alphanumeric() && c != '_', "-").to_snake_case()
}

fn group(op: &Value, name: &OperationName) -> String {
    let tag = op.pointer("/tags/0").and_then(Value::as_str).map(String::from);
    let raw = tag.or_else(|| name.prefix.clone()).unwrap_or_else(|| "api".into());
    names::snake_ident(&raw)
}

/// The operation's words without those that repeat the group's name, and without a
/// trailing `for <entity>`: `tokens` + `listTokens` -> `list`; `ducklings` +
/// `getDucklingConfigForUser` -> `get_config`.
fn method_name(name: &OperationName, group: &str) -> String {
    let group_words: Vec<String> =
        names::words(group).iter().flat_map(|w| [w.clone(), names::singular(w)]).collect();
    let subject = names::words(&name.subject());
    let kept: Vec<String> = subject.into_iter().filter(|w| !group_words.contains(w)).collect();
    let mut words = vec![name.verb.clone()];
    words.extend(kept);
    names::snake_ident(&words.join("_"))
}

fn builder_name(name: &OperationName, group: &str) -> String {
    let subject = name.subject();
    let subject = if subject.is_empty() { names::singular_pascal(group) } else { subject };
    format!("{}{}", names::pascal(&name.verb), subject)
}

/// Two operations of one group that would share a method fall back to their full names.
fn dedupe_method_names(ops: &mut [Operation]) {
    let mut count: BTreeMap<(String, String), usize> = BTreeMap::new();
    for op in ops.iter() {
        *count.entry((op.group.clone(), op.method_name.clone())).or_default() += 1;
    }
    for op in ops.iter_mut() {
        if count[&(op.group.clone(), op.method_name.clone())] > 1 {
            op.method_name = op.raw_fn.clone();
        }
    }
    let mut builders: BTreeMap<String, usize> = BTreeMap::new();
    for op in ops.iter() {
        *builders.entry(op.builder.clone()).or_default() += 1;
    }
    for op in ops.iter_mut() {
        if builders[&op.builder] > 1 {
            op.builder = names::pascal(&op.raw_fn);
        }
    }
}

fn parameters(item: &Value, op: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
    for p in item["parameters"].as_array().cloned().unwrap_or_default() {
        if !out.iter().any(|o| o["name"] == p["name"] && o["in"] == p["in"]) {
            out.push(p);
        }
    }
    out
}

fn body(doc: &Value, op: &Value, structs: &Structs, pointer: &str) -> Result<Option<Body>> {
    let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) else {
        return Ok(None);
    };
    let Some(schema) = content.get("application/json").and_then(|m| m.get("schema")) else {
        return Err(Error::invalid(
            format!("{pointer}/requestBody"),
            "only application/json request bodies are supported",
        ));
    };
    let Some(type_name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.rsplit('/').next().unwrap_or("").to_string())
    else {
        return Err(Error::invalid(
            format!("{pointer}/requestBody"),
            "request body schema is not an object with properties",
        ));
    };
    let rust_name = names::pascal(&type_name);
    let schema = resolve(doc, schema);
    let fields = fields(schema, structs.get(&rust_name).map(Vec::as_slice).unwrap_or(&[]));
    Ok(Some(Body { type_name: rust_name, fields }))
}

/// Pairs each property of an object schema with its generated field.
pub(crate) fn fields(schema: &Value, generated: &[(String, String, syn::Type)]) -> Vec<Field> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = schema["properties"].as_object().cloned().unwrap_or_default();
    generated
        .iter()
        .filter_map(|(json_name, ident, ty)| {
            let s = props.get(json_name)?;
            Some(Field {
                json_name: json_name.clone(),
                ident: ident.clone(),
                ty: ty.clone(),
                required: required.contains(&json_name.as_str()),
                schema: s.clone(),
            })
        })
        .collect()
}

/// Follows a `$ref`, once.
pub(crate) fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    schema.get("$ref").and_then(Value::as_str).and_then(|r| spec::resolve(doc, r)).unwrap_or(schema)
}

/// The Rust type of the success body, from the normalized spec.
fn response_type(doc: &Value, op: &Value) -> Option<syn::Type> {
    let responses = op["responses"].as_object()?;
    let (_, success) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let schema = success.pointer("/content/application~1json/schema")?;
    let resolved = resolve(doc, schema);
    let empty = resolved.get("type").and_then(Value::as_str) == Some("object")
        && resolved.get("properties").is_none()
        && resolved.get("additionalProperties").is_none();
    if empty {
        return None;
    }
    Some(syn::parse_str(&rust_type(schema)).expect("rust_type renders a type"))
}

/// The Rust type for a schema as typify renders it, for the shapes a body can have.
fn rust_type(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return format!("crate::types::{}", names::pascal(r.rsplit('/').next().unwrap_or("")));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!("::std::vec::Vec<{}>", rust_type(&schema["items"])),
        Some("string") => "::std::string::String".into(),
        Some("integer") => "i64".into(),
        Some("number") => "f64".into(),
        Some("boolean") => "bool".into(),
        _ => "::serde_json::Value".into(),
    }
}

/// Struct name -> (JSON name, field ident, field type), from `mod types`.
pub(crate) fn structs(raw: &syn::File) -> Structs {
    let mut out = Structs::new();
    for item in &raw.items {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = &m.content else { continue };
        for it in items {
            let syn::Item::Struct(s) = it else { continue };
            let syn::Fields::Named(named) = &s.fields else { continue };
            let fields = named
                .named
                .iter()
                .map(|f| {
                    let ident = f.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                    (serde_rename(f).unwrap_or_else(|| ident.clone()), ident, f.ty.clone())
                })
                .collect();
            out.insert(s.ident.to_string(), fields);
        }
    }
    out
}

fn serde_rename(f: &syn::Field) -> Option<String> {
    for a in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut found = None;
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                let lit: syn::LitStr = m.value()?.parse()?;
                found = Some(lit.value());
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Method name -> signature, from `impl Client`.
fn raw_fns(raw: &syn::File) -> BTreeMap<String, syn::Signature> {
    let mut out = BTreeMap::new();
    for item in &raw.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for it in &imp.items {
            if let syn::ImplItem::Fn(f) = it {
                out.insert(f.sig.ident.to_string(), f.sig.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(group: &str, id: &str) -> String {
        method_name(&OperationName::parse(id), group)
    }

    #[test]
    fn method_names_drop_the_group_and_the_for_qualifier() {
        assert_eq!(name("tokens", "users-createToken"), "create");
        assert_eq!(name("tokens", "users-listTokens"), "list");
        assert_eq!(name("users", "users-delete"), "delete");
        assert_eq!(name("users", "users-createServiceAccount"), "create_service_account");
        assert_eq!(name("ducklings", "ducklings-getDucklingConfigForUser"), "get_config");
        assert_eq!(name("accounts", "ducklings-getActiveAccounts"), "get_active");
        assert_eq!(name("dives", "dashboards-createEmbedSession"), "create_embed_session");
    }

    #[test]
    fn builder_names_read_as_actions() {
        assert_eq!(builder_name(&OperationName::parse("users-delete"), "users"), "DeleteUser");
        assert_eq!(
            builder_name(&OperationName::parse("users-createToken"), "tokens"),
            "CreateToken"
        );
        assert_eq!(raw_fn_name("users-createToken"), "users_create_token");
    }
}
