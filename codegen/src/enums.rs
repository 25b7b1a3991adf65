//! Open string enums: unknown values are kept when received and refused when sent.
//!
//! **Defect repaired.** typify renders a string enum as a closed Rust enum whose
//! `Deserialize` fails on any other value. The API is marked Preview: when MotherDuck adds
//! an instance size or a token type, one unfamiliar value would make a whole response
//! (every token in `list tokens`) fail to decode. The enums are rendered here instead,
//! with a catch-all variant that holds the unknown text, and progenitor is told to use
//! them (`with_replacement`). The SDK's validation refuses to send the catch-all, because
//! the server only accepts values its spec lists.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::names;

/// One string enum component, ready to render.
#[derive(Debug)]
pub(crate) struct OpenEnum {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) values: Vec<String>,
}

impl OpenEnum {
    pub(crate) fn from_schema(name: &str, schema: &Value) -> Self {
        let values = schema["enum"]
            .as_array()
            .map(|v| v.iter().filter_map(|x| x.as_str().map(String::from)).collect());
        OpenEnum {
            name: name.to_string(),
            description: schema.get("description").and_then(Value::as_str).map(String::from),
            values: values.unwrap_or_default(),
        }
    }

    /// The variant idents, unique, in value order.
    pub(crate) fn variants(&self) -> Vec<Ident> {
        let mut seen: Vec<String> = Vec::new();
        self.values
            .iter()
            .map(|v| {
                let mut name = names::pascal(v);
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    name.insert(0, 'V');
                }
                let base = name.clone();
                let mut i = 2;
                while seen.contains(&name) || self.catch_all() == name {
                    name = format!("{base}{i}");
                    i += 1;
                }
                seen.push(name.clone());
                Ident::new(&name, Span::call_site())
            })
            .collect()
    }

    /// `Unknown`, unless the spec itself lists a value called that.
    pub(crate) fn catch_all(&self) -> Ident {
        let taken = self.values.iter().any(|v| names::pascal(v) == "Unknown");
        Ident::new(if taken { "Unrecognized" } else { "Unknown" }, Span::call_site())
    }
}

/// Renders the enum, its conversions and its serde impls.
pub(crate) fn render(e: &OpenEnum) -> TokenStream {
    let name = Ident::new(&e.name, Span::call_site());
    let variants = e.variants();
    let other = e.catch_all();
    let values = &e.values;
    let listed = values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    let summary = e.description.clone().unwrap_or_else(|| format!("One of {listed}."));
    let docs = variants.iter().zip(values).map(|(_, v)| format!("`{v}`"));
    quote! {
        #[doc = #summary]
        ///
        /// A value this version of the SDK does not know is kept, when received, as the
        /// catch-all variant; it cannot be sent, because the server accepts only the
        /// values its spec lists.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #docs] #variants, )*
            /// A value this version of the SDK does not know, as the server sent it.
            #other(::std::string::String),
        }

        impl #name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [#name] = &[ #( #name::#variants ),* ];

            /// The value as it is sent and received.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #values, )*
                    #name::#other(value) => value,
                }
            }

            /// Whether this is a value the spec lists (and so one that can be sent).
            pub fn is_known(&self) -> bool {
                !matches!(self, #name::#other(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => #name::#variants, )*
                    other => #name::#other(other.to_string()),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(#name::from(value))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::borrow::Cow<'de, str> = ::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(#name::from(value.as_ref()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn variants_are_pascal_case_and_unique() {
        let e = OpenEnum::from_schema(
            "T",
            &json!({"enum": ["read_write", "read-write", "1x", "unknown"]}),
        );
        let v: Vec<String> = e.variants().iter().map(|i| i.to_string()).collect();
        assert_eq!(v, ["ReadWrite", "ReadWrite2", "V1x", "Unknown"]);
        assert_eq!(e.catch_all().to_string(), "Unrecognized");
    }
}
