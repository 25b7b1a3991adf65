//! JSON numbers whose value is whole are sent as integers.
//!
//! The spec types `ttl` and `flock_size` as `number`, so they are `f64` in Rust, and serde
//! writes `3600.0`. That is the same JSON number, but a server that reads the field into an
//! integer type rejects it; `3600` is read correctly by every parser. The generator adds
//! these serializers to every `f64` field (see `codegen`'s `fixup`).

use serde::{Serialize, Serializer};

/// Integers up to this size are exact in an `f64`.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Serializes `value` as an integer when it is whole, else as a float.
pub(crate) fn whole<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() <= EXACT {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// [`whole`] for an optional field.
pub(crate) fn option_whole<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    struct Whole(f64);
    impl Serialize for Whole {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            whole(&self.0, serializer)
        }
    }
    match value {
        Some(v) => serializer.serialize_some(&Whole(*v)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct T {
        #[serde(serialize_with = "super::whole")]
        a: f64,
        #[serde(serialize_with = "super::option_whole")]
        b: Option<f64>,
    }

    #[test]
    fn whole_values_are_integers_and_others_stay_floats() {
        let text = |a, b| serde_json::to_string(&T { a, b }).unwrap();
        assert_eq!(text(3600.0, Some(2.0)), r#"{"a":3600,"b":2}"#);
        assert_eq!(text(2.5, None), r#"{"a":2.5,"b":null}"#);
        assert_eq!(text(-0.0, Some(1e300)), r#"{"a":0,"b":1e+300}"#);
    }
}
