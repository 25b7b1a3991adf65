//! The canonical form of a schema: `$ref`s resolved, `allOf` merged, lists made sets.
//!
//! Schemas are compared in this form so that different spellings of one schema compare
//! equal: an inline schema and the component it was hoisted into, `required` and `enum`
//! lists in any order, constraints written once or split over `allOf` parts (the
//! `username` of `users-createServiceAccount` carries two patterns in two parts).
//!
//! Known limits: `oneOf` and `anyOf` are kept as opaque fingerprints, so any edit inside
//! them is one change; `not`, `discriminator`, `readOnly` and `writeOnly` are ignored. A
//! schema that refers back to itself is cut at the second visit and kept as its reference.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::resolve;

/// Count keywords, each with whether it is a lower limit (`minLength`) or an upper one.
pub(super) const COUNTS: &[(&str, bool)] = &[
    ("minLength", true),
    ("maxLength", false),
    ("minItems", true),
    ("maxItems", false),
    ("minProperties", true),
    ("maxProperties", false),
];

/// One schema, with everything the comparison looks at.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Schema {
    /// `type`; `None` accepts any type.
    pub(super) kind: Option<String>,
    pub(super) nullable: bool,
    pub(super) format: Option<String>,
    /// `enum` values as canonical JSON text.
    pub(super) values: Option<BTreeSet<String>>,
    pub(super) lower: Option<Bound>,
    pub(super) upper: Option<Bound>,
    pub(super) multiple_of: Option<String>,
    /// The `COUNTS` keywords that are set.
    pub(super) counts: BTreeMap<&'static str, u64>,
    /// Every `pattern`: all must match, so `allOf` parts add to the set.
    pub(super) patterns: BTreeSet<String>,
    pub(super) unique_items: bool,
    pub(super) default: Option<Value>,
    pub(super) properties: BTreeMap<String, Schema>,
    pub(super) required: BTreeSet<String>,
    pub(super) additional: Additional,
    pub(super) items: Option<Box<Schema>>,
    /// `oneOf`/`anyOf` alternatives as fingerprints (keyword, then the canonical form).
    pub(super) alternatives: BTreeSet<String>,
    pub(super) description: Option<String>,
    pub(super) title: Option<String>,
    /// A `$ref` that was not expanded: unresolvable, or a cycle back to itself.
    pub(super) reference: Option<String>,
}

/// A numeric `minimum` or `maximum`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bound {
    pub(super) value: f64,
    /// The number as the spec wrote it, for messages.
    pub(super) text: String,
    pub(super) exclusive: bool,
}

/// What `additionalProperties` allows.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) enum Additional {
    /// Absent, `true` or `{}`: anything.
    #[default]
    Any,
    /// `false`.
    Forbidden,
    /// Values must match this schema.
    Schema(Box<Schema>),
}

/// The canonical form of `schema`, resolving references against `spec`.
pub(super) fn canonical(spec: &Value, schema: &Value) -> Schema {
    Builder { spec, stack: Vec::new() }.build(schema)
}

/// Builds canonical schemas, remembering the references being expanded to stop cycles.
struct Builder<'a> {
    spec: &'a Value,
    stack: Vec<String>,
}

impl Builder<'_> {
    fn build(&mut self, value: &Value) -> Schema {
        // OpenAPI 3.0 ignores the siblings of a `$ref`, so the target is the whole schema.
        if let Some(reference) = resolve::reference(value) {
            return self.expand(reference);
        }
        let mut schema = self.own(value);
        for part in list(value, "allOf") {
            let part = self.build(part);
            schema.merge(part);
        }
        schema
    }

    fn expand(&mut self, reference: &str) -> Schema {
        let seen = self.stack.iter().any(|r| r == reference);
        let Some(target) = resolve::target(self.spec, reference).filter(|_| !seen) else {
            return Schema { reference: Some(reference.to_owned()), ..Schema::default() };
        };
        self.stack.push(reference.to_owned());
        let schema = self.build(target);
        self.stack.pop();
        schema
    }

    /// The keywords written on `value` itself, before `allOf` is merged in.
    fn own(&mut self, value: &Value) -> Schema {
        let (kind, nullable_by_type) = kind(value.get("type"));
        Schema {
            kind,
            nullable: nullable_by_type || flag(value, "nullable"),
            format: text(value, "format"),
            values: value
                .get("enum")
                .and_then(Value::as_array)
                .map(|v| v.iter().map(json).collect()),
            lower: bound(value, "minimum", "exclusiveMinimum"),
            upper: bound(value, "maximum", "exclusiveMaximum"),
            multiple_of: value.get("multipleOf").map(json),
            counts: counts(value),
            patterns: text(value, "pattern").into_iter().collect(),
            unique_items: flag(value, "uniqueItems"),
            default: value.get("default").cloned(),
            properties: self.properties(value),
            required: strings(value, "required"),
            additional: self.additional(value.get("additionalProperties")),
            items: value.get("items").map(|items| Box::new(self.build(items))),
            alternatives: self.alternatives(value),
            description: text(value, "description"),
            title: text(value, "title"),
            reference: None,
        }
    }

    fn properties(&mut self, value: &Value) -> BTreeMap<String, Schema> {
        let Some(properties) = value.get("properties").and_then(Value::as_object) else {
            return BTreeMap::new();
        };
        properties.iter().map(|(name, schema)| (name.clone(), self.build(schema))).collect()
    }

    fn additional(&mut self, value: Option<&Value>) -> Additional {
        match value {
            None | Some(Value::Bool(true)) => Additional::Any,
            Some(Value::Bool(false)) => Additional::Forbidden,
            Some(schema) => {
                let schema = self.build(schema);
                if schema == Schema::default() {
                    Additional::Any
                } else {
                    Additional::Schema(Box::new(schema))
                }
            }
        }
    }

    fn alternatives(&mut self, value: &Value) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for keyword in ["oneOf", "anyOf"] {
            for part in list(value, keyword) {
                found.insert(format!("{keyword} {:?}", self.build(part)));
            }
        }
        found
    }
}

impl Schema {
    /// Adds the constraints of an `allOf` part: a value must satisfy both, so lower
    /// limits take the larger, upper limits the smaller, and sets combine.
    fn merge(&mut self, part: Schema) {
        self.kind = self.kind.take().or(part.kind);
        self.nullable |= part.nullable;
        self.format = self.format.take().or(part.format);
        self.values = intersect(self.values.take(), part.values);
        self.lower = tighter(self.lower.take(), part.lower, |new, old| new > old);
        self.upper = tighter(self.upper.take(), part.upper, |new, old| new < old);
        self.multiple_of = self.multiple_of.take().or(part.multiple_of);
        self.merge_counts(part.counts);
        self.patterns.extend(part.patterns);
        self.unique_items |= part.unique_items;
        self.default = self.default.take().or(part.default);
        self.merge_properties(part.properties);
        self.required.extend(part.required);
        self.merge_additional(part.additional);
        self.merge_items(part.items);
        self.alternatives.extend(part.alternatives);
        self.description = self.description.take().or(part.description);
        self.title = self.title.take().or(part.title);
        self.reference = self.reference.take().or(part.reference);
    }

    fn merge_counts(&mut self, counts: BTreeMap<&'static str, u64>) {
        for (keyword, limit) in counts {
            let is_lower = COUNTS.iter().any(|&(k, lower)| k == keyword && lower);
            let merged = match self.counts.get(keyword) {
                Some(&mine) if is_lower => mine.max(limit),
                Some(&mine) => mine.min(limit),
                None => limit,
            };
            self.counts.insert(keyword, merged);
        }
    }

    fn merge_properties(&mut self, properties: BTreeMap<String, Schema>) {
        for (name, schema) in properties {
            match self.properties.get_mut(&name) {
                Some(mine) => mine.merge(schema),
                None => {
                    self.properties.insert(name, schema);
                }
            }
        }
    }

    fn merge_additional(&mut self, additional: Additional) {
        self.additional = match (std::mem::take(&mut self.additional), additional) {
            (Additional::Forbidden, _) | (_, Additional::Forbidden) => Additional::Forbidden,
            (Additional::Schema(mut mine), Additional::Schema(theirs)) => {
                mine.merge(*theirs);
                Additional::Schema(mine)
            }
            (Additional::Schema(one), Additional::Any)
            | (Additional::Any, Additional::Schema(one)) => Additional::Schema(one),
            (Additional::Any, Additional::Any) => Additional::Any,
        };
    }

    fn merge_items(&mut self, items: Option<Box<Schema>>) {
        self.items = match (self.items.take(), items) {
            (Some(mut mine), Some(theirs)) => {
                mine.merge(*theirs);
                Some(mine)
            }
            (mine, theirs) => mine.or(theirs),
        };
    }
}

/// The `type` keyword: a name (types listed in an array are joined with `|`) and whether
/// `null` was among them (the OpenAPI 3.1 spelling of `nullable`).
fn kind(value: Option<&Value>) -> (Option<String>, bool) {
    match value {
        Some(Value::String(name)) => (Some(name.clone()), false),
        Some(Value::Array(names)) => {
            let names: BTreeSet<&str> = names.iter().filter_map(Value::as_str).collect();
            let nullable = names.contains("null");
            let rest: Vec<&str> = names.into_iter().filter(|&n| n != "null").collect();
            ((!rest.is_empty()).then(|| rest.join("|")), nullable)
        }
        _ => (None, false),
    }
}

/// A numeric bound, from OpenAPI 3.0's boolean `exclusiveMinimum` beside `minimum`, or
/// from 3.1's numeric `exclusiveMinimum` on its own.
fn bound(value: &Value, inclusive: &str, exclusive: &str) -> Option<Bound> {
    let make = |number: &Value, exclusive| {
        number.as_f64().map(|value| Bound { value, text: json(number), exclusive })
    };
    match value.get(exclusive) {
        Some(number @ Value::Number(_)) => make(number, true),
        flag => make(value.get(inclusive)?, flag == Some(&Value::Bool(true))),
    }
}

fn counts(value: &Value) -> BTreeMap<&'static str, u64> {
    COUNTS
        .iter()
        .filter_map(|&(keyword, _)| Some((keyword, value.get(keyword)?.as_u64()?)))
        .collect()
}

/// The tighter of two bounds, where `is_tighter(new, old)` compares bound values; at equal
/// values an exclusive bound is the tighter one.
fn tighter(a: Option<Bound>, b: Option<Bound>, is_tighter: fn(f64, f64) -> bool) -> Option<Bound> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let b_wins = is_tighter(b.value, a.value) || (b.value == a.value && b.exclusive);
            Some(if b_wins { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

fn intersect(a: Option<BTreeSet<String>>, b: Option<BTreeSet<String>>) -> Option<BTreeSet<String>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
        (a, b) => a.or(b),
    }
}

fn list<'a>(value: &'a Value, keyword: &str) -> impl Iterator<Item = &'a Value> {
    value.get(keyword).and_then(Value::as_array).into_iter().flatten()
}

fn strings(value: &Value, keyword: &str) -> BTreeSet<String> {
    list(value, keyword).filter_map(Value::as_str).map(str::to_owned).collect()
}

fn text(value: &Value, keyword: &str) -> Option<String> {
    value.get(keyword).and_then(Value::as_str).map(str::to_owned)
}

fn flag(value: &Value, keyword: &str) -> bool {
    value.get(keyword) == Some(&Value::Bool(true))
}

/// Canonical JSON text (serde_json's maps are sorted, so equal values print equally).
pub(super) fn json(value: &Value) -> String {
    value.to_string()
}
