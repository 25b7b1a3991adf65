//! Narrow corrections to progenitor's output, made on the syntax tree.
//!
//! Where a setting cannot make progenitor emit the right code, the output is corrected
//! here, node by node, never with text substitution. Each correction names the defect it
//! repairs and is tested on a snippet of real generator output.
//!
//! - **Path encoding.** `progenitor_client::encode_path` leaves `\` alone (the URL parser
//!   turns it into `/`, so `a\..\b` walks to another route) and cannot refuse `.` or `..`,
//!   which the URL parser resolves. Calls are redirected to the SDK's
//!   `crate::path::encode`, which percent-encodes everything but unreserved characters;
//!   the SDK refuses empty and dot segments before the call.
//! - **Whole numbers.** A `number` field is an `f64`, which serde writes as `3600.0`;
//!   servers that read it as an integer reject that. Every `f64` field is serialized
//!   through `crate::number`, which writes a whole value as an integer.
//! - **Doc text.** Descriptions are copied verbatim; a `[Preview]` in one is a broken
//!   intra-doc link to rustdoc. Brackets from the spec are escaped.
//! - **Empty collections.** typify skips an optional array or map when it is empty
//!   (`skip_serializing_if = "Vec::is_empty"`), so `required_resources: []` ("no
//!   resources") is sent as nothing ("the Dive's own resources"). Such fields become
//!   `Option<Vec<_>>`/`Option<Map<_>>`: `None` is not sent, `Some(vec![])` is sent as `[]`.

use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Field, Token, Type, parse_quote};

/// Escapes square brackets in text taken from the spec (`[Preview] Get active accounts`),
/// which rustdoc would read as links; `[`Name`]` links written by the generator stay.
pub(crate) fn doc_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '`' {
            in_code = !in_code;
        }
        let link_open = c == '[' && chars.get(i + 1) == Some(&'`');
        let link_close = c == ']' && i > 0 && chars[i - 1] == '`';
        let escaped = i > 0 && chars[i - 1] == '\\';
        if matches!(c, '[' | ']') && !in_code && !link_open && !link_close && !escaped {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Applies every correction to the generated file.
pub(crate) fn apply(file: &mut syn::File) {
    Fixer.visit_file_mut(file);
}

struct Fixer;

impl VisitMut for Fixer {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr
            && let Expr::Path(p) = call.func.as_ref()
            && p.path.is_ident("encode_path")
        {
            *call.func = parse_quote!(crate::path::encode);
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::NameValue(nv) = &mut attr.meta
            && nv.path.is_ident("doc")
            && let Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value
        {
            let escaped = doc_text(&s.value());
            nv.value = parse_quote!(#escaped);
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // `format!` arguments are tokens to syn; parse them to reach the calls inside.
        if mac.path.is_ident("format") {
            let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
            if let Ok(mut args) = mac.parse_body_with(parser) {
                args.iter_mut().for_each(|a| self.visit_expr_mut(a));
                mac.tokens = quote::ToTokens::to_token_stream(&args);
            }
        }
        visit_mut::visit_macro_mut(self, mac);
    }

    fn visit_field_mut(&mut self, field: &mut Field) {
        let ty = quote::ToTokens::to_token_stream(&field.ty).to_string().replace(' ', "");
        let with = match ty.as_str() {
            "f64" => Some("crate::number::whole"),
            "::std::option::Option<f64>" => Some("crate::number::option_whole"),
            _ => None,
        };
        if let Some(with) = with {
            field.attrs.push(parse_quote!(#[serde(serialize_with = #with)]));
        }
        if skips_when_empty(field) {
            let ty = &field.ty;
            let wrapped: Type = parse_quote!(::std::option::Option<#ty>);
            field.ty = wrapped;
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(parse_quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]));
        }
        visit_mut::visit_field_mut(self, field);
    }
}

fn skips_when_empty(field: &Field) -> bool {
    field.attrs.iter().any(|a| {
        a.path().is_ident("serde") && {
            let text = quote::ToTokens::to_token_stream(&a.meta).to_string();
            text.contains("skip_serializing_if") && text.contains("is_empty")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(src: &str) -> String {
        let mut file: syn::File = syn::parse_str(src).unwrap();
        apply(&mut file);
        quote::ToTokens::to_token_stream(&file).to_string()
    }

    #[test]
    fn optional_collections_become_options_so_empty_ones_are_sent() {
        let out = fixed(
            r#"pub struct B {
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub required_resources: ::std::vec::Vec<R>,
                pub username: String,
            }"#,
        );
        assert!(
            out.contains(
                "pub required_resources : :: std :: option :: Option < :: std :: vec :: Vec < R > >"
            ),
            "{out}"
        );
        assert!(out.contains("Option::is_none"), "{out}");
        assert!(!out.contains("is_empty"), "{out}");
        assert!(out.contains("pub username : String"), "{out}");
    }

    #[test]
    fn brackets_from_the_spec_are_escaped_but_generated_links_are_not() {
        assert_eq!(doc_text("[Preview] Get accounts"), "\\[Preview\\] Get accounts");
        assert_eq!(doc_text("One entry in a [`Tokens`]."), "One entry in a [`Tokens`].");
        assert_eq!(doc_text("already \\[x\\]"), "already \\[x\\]");
        assert_eq!(doc_text("must match `^[\\p{L}]`"), "must match `^[\\p{L}]`");
    }

    #[test]
    fn float_fields_are_serialized_as_whole_numbers_when_whole() {
        let out = fixed(
            "pub struct B { pub ttl: ::std::option::Option<f64>, pub flock_size: f64, pub n: u64 }",
        );
        assert!(out.contains(r#"serialize_with = "crate::number::option_whole""#), "{out}");
        assert!(out.contains(r#"serialize_with = "crate::number::whole""#), "{out}");
        assert_eq!(out.matches("serialize_with").count(), 2, "{out}");
    }

    #[test]
    fn path_values_go_through_the_sdk_encoder() {
        let out = fixed(
            r#"fn f() { let url = format!("{}/v1/users/{}", base, encode_path(&username.to_string())); }"#,
        );
        assert!(out.contains("crate :: path :: encode (& username"), "{out}");
        assert!(!out.contains("encode_path ("), "{out}");
    }
}
