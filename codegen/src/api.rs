//! The SDK's call layer: resource groups, request builders, and their docs.
//!
//! **Defect repaired.** progenitor's methods want the spec's newtypes
//! (`&"alice".try_into()?`), name themselves after the operationId
//! (`ducklings_get_duckling_config_for_user`), and its builder setters drop the reason a
//! conversion failed. The layer rendered here groups operations by their first tag
//! (`client.tokens()`), names each method from its operationId without the words the
//! group already says (`tokens().list(..)`), takes required values positionally as plain
//! Rust values (`impl Into<String>`, numbers, `Duration`, enums, structs), and offers a
//! setter per optional value. A request is sent by `.send().await` or by awaiting it; it
//! is validated first, and an invalid value fails with its field and rule, unsent.
//! Everything comes from the spec, so a new operation is a new method after
//! `cargo xtask regenerate`.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::Result;
use crate::fixup::doc_text;
use crate::model::{Location, Model, Operation};
use crate::names;
use crate::validate::{self, Patterns, Typed};

/// Renders groups, builders, validation and the operation table.
pub(crate) fn render(
    doc: &Value,
    model: &Model,
    validation: TokenStream,
    patterns: &mut Patterns,
) -> Result<TokenStream> {
    let mut groups: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &model.operations {
        groups.entry(op.group.as_str()).or_default().push(op);
    }
    let mut group_items = TokenStream::new();
    let mut accessors = TokenStream::new();
    for (group, ops) in &groups {
        let (item, accessor) = render_group(doc, group, ops);
        group_items.extend(item);
        accessors.extend(accessor);
    }
    let mut builders = TokenStream::new();
    for op in &model.operations {
        builders.extend(render_builder(doc, op, patterns)?);
    }
    let table = operation_table(model);
    let statics = patterns.render();
    Ok(quote! {
        impl crate::Client {
            #accessors
        }

        /// The API's resource groups, one per tag of the spec; reach them from a
        /// [`Client`](crate::Client).
        pub mod resources {
            #[allow(unused_imports, reason = "which types a method names depends on the spec")]
            use crate::types::*;

            #group_items
        }

        /// One request builder per operation; set optional values, then `.send().await`
        /// (or `.await` the builder itself).
        pub mod requests {
            #[allow(unused_imports, reason = "which types a builder names depends on the spec")]
            use crate::types::*;

            #builders
        }

        #[allow(unused_imports, reason = "which types are checked depends on the spec")]
        use crate::types::*;

        #statics
        #validation
        #table
    })
}

fn render_group(doc: &Value, group: &str, ops: &[&Operation]) -> (TokenStream, TokenStream) {
    let ty = format_ident!("{}", names::pascal(group));
    let accessor = Ident::new(group, Span::call_site());
    let list = ops
        .iter()
        .map(|o| format!("[`{m}`]({ty}::{m})", m = o.method_name))
        .collect::<Vec<_>>()
        .join(", ");
    let group_doc = format!("Operations tagged `{group}` in the spec: {list}.");
    let accessor_doc = format!("Operations tagged `{group}`: {list}.");
    let accessor_doc = accessor_doc
        .replace("](", "](resources::")
        .replace(&format!("resources::{ty}::"), &format!("crate::resources::{ty}::"));
    let methods = ops.iter().map(|op| render_method(doc, op));
    let item = quote! {
        #[doc = #group_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #ty<'c> {
            pub(crate) client: &'c crate::Client,
        }

        impl<'c> #ty<'c> {
            #(#methods)*
        }
    };
    let accessor = quote! {
        #[doc = #accessor_doc]
        pub fn #accessor(&self) -> resources::#ty<'_> {
            resources::#ty { client: self }
        }
    };
    (item, accessor)
}

/// A positional argument of a group method.
struct Arg {
    ident: Ident,
    /// The argument's type in the method signature.
    ty: TokenStream,
    /// How the argument becomes the stored value.
    convert: TokenStream,
    doc: String,
}

fn args(doc: &Value, op: &Operation) -> Vec<Arg> {
    let mut out = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let ident = Ident::new(&p.ident, Span::call_site());
        let (ty, convert) = value_type(&strip_ref(&p.raw_type), &p.schema, &ident);
        out.push(Arg {
            doc: param_doc(doc, &p.name, p.description.as_deref(), &p.schema),
            ident,
            ty,
            convert,
        });
    }
    if let Some(body) = &op.body {
        for f in body.fields.iter().filter(|f| f.required) {
            let mut name = f.ident.clone();
            if out.iter().any(|a| a.ident == name) {
                name = format!("body_{name}");
            }
            let ident = Ident::new(&name, Span::call_site());
            let (ty, convert) = value_type(&f.ty, &f.schema, &ident);
            let description = f.schema.get("description").and_then(Value::as_str);
            out.push(Arg {
                doc: param_doc(doc, &f.json_name, description, &f.schema),
                ident,
                ty,
                convert,
            });
        }
    }
    out
}

fn render_method(doc: &Value, op: &Operation) -> TokenStream {
    let method = Ident::new(&op.method_name, Span::call_site());
    let builder = format_ident!("{}", op.builder);
    let args = args(doc, op);
    let sig = args.iter().map(|a| {
        let (i, t) = (&a.ident, &a.ty);
        quote!(#i: #t)
    });
    let mut fields = vec![quote!(client: self.client)];
    let mut arg_iter = args.iter();
    for p in &op.params {
        let f = format_ident!("param_{}", p.ident);
        if p.required {
            let convert = &arg_iter.next().expect("one argument per required parameter").convert;
            fields.push(quote!(#f: #convert));
        } else {
            fields.push(quote!(#f: ::std::option::Option::None));
        }
    }
    if let Some(body) = &op.body {
        let ty = format_ident!("{}", body.type_name);
        let inits = body.fields.iter().map(|f| {
            let i = Ident::new(&f.ident, Span::call_site());
            if f.required {
                let convert = &arg_iter.next().expect("one argument per required field").convert;
                if i == convert.to_string() { quote!(#i) } else { quote!(#i: #convert) }
            } else {
                quote!(#i: ::std::option::Option::None)
            }
        });
        fields.push(quote!(body: crate::types::#ty { #(#inits),* }));
    }
    fields.push(quote!(problem: ::std::option::Option::None));
    fields.push(quote!(timeout: ::std::option::Option::None));
    let mut docs = operation_docs(op);
    if !args.is_empty() {
        docs.push(String::new());
        docs.push("# Arguments".into());
        docs.push(String::new());
        docs.extend(args.iter().map(|a| format!("- `{}`: {}", a.ident, a.doc)));
    }
    docs.push(String::new());
    docs.push(format!(
        "Returns a [`{b}`](crate::requests::{b}); nothing is sent until it is awaited.",
        b = op.builder
    ));
    quote! {
        #(#[doc = #docs])*
        pub fn #method(&self, #(#sig),*) -> crate::requests::#builder<'c> {
            crate::requests::#builder { #(#fields),* }
        }
    }
}

fn operation_docs(op: &Operation) -> Vec<String> {
    let mut docs = Vec::new();
    if let Some(s) = &op.summary {
        docs.push(doc_text(&sentence(s)));
    }
    if let Some(d) = &op.description {
        docs.push(String::new());
        docs.extend(d.lines().map(|l| doc_text(&sentence_line(l))));
    }
    if docs.is_empty() {
        docs.push(format!("Calls `{}`.", op.id));
    }
    docs.push(String::new());
    docs.push(format!("`{} {}` (`{}`).", op.method, op.path, op.id));
    docs
}

fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) { s.to_string() } else { format!("{s}.") }
}

fn sentence_line(s: &str) -> String {
    s.trim_end().to_string()
}

fn param_doc(doc: &Value, name: &str, description: Option<&str>, schema: &Value) -> String {
    let mut text =
        description.map(|d| doc_text(&sentence(d))).unwrap_or_else(|| format!("The `{name}`."));
    let rules = validate::describe_rules(doc, schema);
    if !rules.is_empty() {
        text.push_str(&doc_text(&format!(" Rules: {}.", rules.join("; "))));
    }
    text
}

fn render_builder(doc: &Value, op: &Operation, patterns: &mut Patterns) -> Result<TokenStream> {
    let builder = format_ident!("{}", op.builder);
    let mut fields = Vec::new();
    let mut setters = TokenStream::new();
    let mut checks = TokenStream::new();
    let mut call_args = Vec::new();
    for p in &op.params {
        let f = format_ident!("param_{}", p.ident);
        let stored = stored_type(&strip_ref(&p.raw_type), &p.schema);
        let key = &p.name;
        let mut c = TokenStream::new();
        if p.location == Location::Path {
            c.extend(quote!(crate::validate::segment(&field, value)?;));
        }
        c.extend(validate::checks(
            doc,
            &p.schema,
            &quote!(value),
            &quote!(field),
            Typed::Text,
            patterns,
        )?);
        if p.required {
            fields.push(quote!(pub(crate) #f: #stored));
            checks.extend(quote!({ let value = &self.#f; let field = root.key(#key); #c }));
        } else {
            fields.push(quote!(pub(crate) #f: ::std::option::Option<#stored>));
            checks.extend(quote!(if let ::std::option::Option::Some(value) = &self.#f { let field = root.key(#key); #c }));
            let setter = Ident::new(&p.ident, Span::call_site());
            let (ty, convert) =
                value_type(&strip_option(&strip_ref(&p.raw_type)), &p.schema, &setter);
            let d = param_doc(doc, &p.name, p.description.as_deref(), &p.schema);
            setters.extend(quote! {
                #[doc = #d]
                pub fn #setter(mut self, #setter: #ty) -> Self {
                    self.#f = ::std::option::Option::Some(#convert);
                    self
                }
            });
        }
        call_args.push(raw_arg(&p.raw_type, quote!(self.#f)));
    }
    if let Some(body) = &op.body {
        let ty = format_ident!("{}", body.type_name);
        fields.push(quote!(pub(crate) body: crate::types::#ty));
        checks.extend(quote!(crate::validate::Validate::validate(&self.body, &root)?;));
        for f in body.fields.iter().filter(|f| !f.required) {
            setters.extend(body_setter(doc, f));
        }
        call_args.push(quote!(&self.body));
    }
    if !checks.is_empty() {
        checks = quote!(let root = crate::validate::Field::root(); #checks);
    }
    let raw_fn = Ident::new(&op.raw_fn, Span::call_site());
    let (response, finish) = match &op.response {
        // The type to decode is inferred from `send`'s return type.
        Some(ty) => (quote!(#ty), quote!(crate::client::finish)),
        None => (quote!(()), quote!(crate::client::finish_empty)),
    };
    let mut docs = operation_docs(op);
    docs.push(String::new());
    docs.push(format!(
        "Built by [`{g}::{m}`](crate::resources::{g}::{m}); send it with [`send`](Self::send) or by awaiting it.",
        g = names::pascal(&op.group),
        m = op.method_name
    ));
    let send_doc = "Validates the request and sends it. Fails with an invalid-input error, before \
         anything is sent, when a value breaks a rule of the spec."
        .to_string();
    Ok(quote! {
        #(#[doc = #docs])*
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is sent: call `.send().await` or `.await` it"]
        pub struct #builder<'c> {
            pub(crate) client: &'c crate::Client,
            #(#fields,)*
            pub(crate) problem: ::std::option::Option<crate::Error>,
            pub(crate) timeout: ::std::option::Option<::std::time::Duration>,
        }

        impl<'c> #builder<'c> {
            #setters

            /// Limits this call to `timeout`: every attempt, the waits between them and
            /// reading the answer. Without it, only the client's per-attempt timeout applies.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }

            #[doc = #send_doc]
            pub async fn send(self) -> crate::Result<#response> {
                if let ::std::option::Option::Some(problem) = self.problem {
                    return ::std::result::Result::Err(problem);
                }
                #checks
                let call = self.client.raw().#raw_fn(#(#call_args),*);
                #finish(self.client, call, self.timeout).await
            }
        }

        impl<'c> ::std::future::IntoFuture for #builder<'c> {
            type Output = crate::Result<#response>;
            type IntoFuture = crate::CallFuture<'c, #response>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    })
}

fn body_setter(doc: &Value, f: &crate::model::Field) -> TokenStream {
    let ident = Ident::new(&f.ident, Span::call_site());
    let inner = strip_option(&f.ty);
    let description = f.schema.get("description").and_then(Value::as_str);
    let d = param_doc(doc, &f.json_name, description, &f.schema);
    if is_duration(&f.json_name, &f.schema) && is_integer_type(&inner) {
        let key = &f.json_name;
        return quote! {
            #[doc = #d]
            ///
            /// Must be a whole number of seconds.
            pub fn #ident(mut self, #ident: ::std::time::Duration) -> Self {
                match crate::validate::whole_seconds(&crate::validate::Field::root().key(#key), #ident) {
                    ::std::result::Result::Ok(secs) => self.body.#ident = ::std::option::Option::Some(secs),
                    ::std::result::Result::Err(e) => self.problem = ::std::option::Option::Some(e),
                }
                self
            }
        };
    }
    let (ty, convert) = value_type(&inner, &f.schema, &ident);
    quote! {
        #[doc = #d]
        pub fn #ident(mut self, #ident: #ty) -> Self {
            self.body.#ident = ::std::option::Option::Some(#convert);
            self
        }
    }
}

/// The signature type and conversion for a value of generated type `ty`.
fn value_type(ty: &syn::Type, schema: &Value, ident: &Ident) -> (TokenStream, TokenStream) {
    let text = quote!(#ty).to_string().replace(' ', "");
    let abs = absolute(ty);
    if text.ends_with("String") || text == "str" {
        return (quote!(impl ::std::convert::Into<::std::string::String>), quote!(#ident.into()));
    }
    if text.ends_with("Secret") {
        return (quote!(impl ::std::convert::Into<crate::Secret>), quote!(#ident.into()));
    }
    if let Some(item) = vec_item(ty) {
        let item = absolute(&item);
        return (
            quote!(impl ::std::iter::IntoIterator<Item = #item>),
            quote!(#ident.into_iter().collect()),
        );
    }
    let is_duration =
        schema.get("description").and_then(Value::as_str).is_some_and(|d| d.contains("seconds"));
    if is_duration && text == "f64" {
        return (quote!(::std::time::Duration), quote!(#ident.as_secs_f64()));
    }
    (abs, quote!(#ident))
}

/// The type stored in a builder for a parameter progenitor takes as `raw`.
fn stored_type(raw: &syn::Type, _schema: &Value) -> TokenStream {
    let text = quote!(#raw).to_string().replace(' ', "");
    if text == "str" || text.ends_with("String") {
        quote!(::std::string::String)
    } else {
        absolute(&strip_option(raw))
    }
}

/// How a stored parameter is passed to progenitor's method.
fn raw_arg(raw: &syn::Type, stored: TokenStream) -> TokenStream {
    let text = quote!(#raw).to_string().replace(' ', "");
    match (text.starts_with("Option<") || text.contains("option::Option<"), text.contains('&')) {
        (true, true) if text.contains("str") => quote!(#stored.as_deref()),
        (true, true) => quote!(#stored.as_ref()),
        (true, false) => quote!(#stored.clone()),
        (false, true) => quote!(&#stored),
        (false, false) => quote!(#stored.clone()),
    }
}

fn is_duration(name: &str, schema: &Value) -> bool {
    name.ends_with("_seconds")
        || name.ends_with("_secs")
        || schema.get("description").and_then(Value::as_str).is_some_and(|d| d.contains("seconds"))
}

fn is_integer_type(ty: &syn::Type) -> bool {
    matches!(quote!(#ty).to_string().as_str(), "u64" | "i64" | "u32" | "i32")
}

/// `&'a T` -> `T`.
fn strip_ref(ty: &syn::Type) -> syn::Type {
    match ty {
        syn::Type::Reference(r) => (*r.elem).clone(),
        other => other.clone(),
    }
}

/// `Option<T>` -> `T`, and `Option<&T>` -> `T`.
fn strip_option(ty: &syn::Type) -> syn::Type {
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(a) = &last.arguments
        && let Some(syn::GenericArgument::Type(t)) = a.args.first()
    {
        return strip_ref(t);
    }
    ty.clone()
}

fn vec_item(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else { return None };
    match a.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// Makes progenitor's `types::X` paths absolute, so they resolve outside its module.
fn absolute(ty: &syn::Type) -> TokenStream {
    let text = quote!(#ty).to_string();
    if text.starts_with("types ::") {
        format!("crate::{text}").parse().expect("a type path stays a type path")
    } else {
        quote!(#ty)
    }
}

/// operationId -> method and path template, for tracing spans.
fn operation_table(model: &Model) -> TokenStream {
    let arms = model.operations.iter().map(|op| {
        let (raw, id, method, path) = (&op.raw_fn, &op.id, &op.method, &op.path);
        quote!(#raw => ::std::option::Option::Some((#id, #method, #path)),)
    });
    quote! {
        /// The spec's operationId, HTTP method and path template of a low-level operation,
        /// by the name progenitor gives it; `None` for a name the spec does not have.
        pub(crate) fn operation_route(operation_id: &str) -> ::std::option::Option<(&'static str, &'static str, &'static str)> {
            match operation_id {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    }
}
