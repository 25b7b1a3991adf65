//! Comparing two canonical schemas reached from the same place in an operation.
//!
//! The question is always the one the report answers: can code written against the SDK
//! generated from the old spec stop compiling or stop working with the SDK generated from
//! the new one? The generator is trusted to make additions harmless (request types are
//! built through builders, response enums keep unknown values), but no generator can
//! hide a field whose type changes, and a field's type includes whether it is optional
//! (`Option<T>` or `T`), nullable, an enum, and its `format` (which picks `Uuid`,
//! `DateTime` or an integer width).
//!
//! Direction matters for what values may flow. A schema reached from a request (a
//! parameter or the body) describes what the SDK sends: narrowing it rejects calls that
//! used to succeed, widening it is harmless. A schema reached from a response describes
//! what the SDK receives: the server sending less is harmless, and the server sending
//! more is what decoders must tolerate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::canonical::{self, Additional, Bound, COUNTS, Schema};
use super::docs;
use super::report::Findings;

/// Whether a schema describes what the SDK sends or what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Request,
    Response,
}

/// Names the schema being compared in messages: the whole body (`request body`) or a
/// field in it (``request field `config.read_write.instance_size` ``).
#[derive(Debug, Clone)]
pub(super) struct Subject {
    /// How the schema at the root is called (`request body`, ``path parameter `username` ``).
    root: String,
    /// How a field below the root is called (`request field`).
    field: String,
    /// The field's path from the root: `.` between properties, `[]` for array items.
    path: String,
}

impl Subject {
    pub(super) fn new(root: impl Into<String>, field: impl Into<String>) -> Self {
        Subject { root: root.into(), field: field.into(), path: String::new() }
    }

    fn property(&self, name: &str) -> Subject {
        let path =
            if self.path.is_empty() { name.to_owned() } else { format!("{}.{name}", self.path) };
        Subject { path, ..self.clone() }
    }

    fn items(&self) -> Subject {
        Subject { path: format!("{}[]", self.path), ..self.clone() }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.root)
        } else {
            write!(f, "{} `{}`", self.field, self.path)
        }
    }
}

/// Records every difference between `old` and `new`, both found at `at`.
pub(super) fn compare(
    old: &Schema,
    new: &Schema,
    at: &Subject,
    direction: Direction,
    out: &mut Findings,
) {
    Walk { direction, out }.schema(old, new, at);
}

/// One comparison in progress: the direction is fixed for the whole schema tree.
struct Walk<'a> {
    direction: Direction,
    out: &'a mut Findings,
}

impl Walk<'_> {
    fn schema(&mut self, old: &Schema, new: &Schema, at: &Subject) {
        if !self.same_type(old, new, at) {
            return;
        }
        self.values(old.values.as_ref(), new.values.as_ref(), at);
        self.bound(at, "minimum", old.lower.as_ref(), new.lower.as_ref(), true);
        self.bound(at, "maximum", old.upper.as_ref(), new.upper.as_ref(), false);
        self.counts(&old.counts, &new.counts, at);
        self.patterns(&old.patterns, &new.patterns, at);
        self.multiple_of(old.multiple_of.as_deref(), new.multiple_of.as_deref(), at);
        self.unique_items(old.unique_items, new.unique_items, at);
        self.default(old, new, at);
        self.documentation(old, new, at);
        self.properties(old, new, at);
        self.additional(&old.additional, &new.additional, at);
        self.items(old.items.as_deref(), new.items.as_deref(), at);
    }

    /// A constraint change: breaking when it narrows what a request may send. Narrowing
    /// a response only promises less; widening either is harmless to the SDK user
    /// (decoders generated from the new spec accept the wider values).
    fn constraint(&mut self, narrowed: bool, message: String) {
        self.out.classify(narrowed && self.direction == Direction::Request, message);
    }

    /// Compares what decides the generated type. Returns false when the types differ, so
    /// that one type change is not followed by a line for every constraint under it.
    fn same_type(&mut self, old: &Schema, new: &Schema, at: &Subject) -> bool {
        if old.reference != new.reference {
            let name = |r: &Option<String>| {
                r.as_deref().map_or("an inline schema".to_owned(), |r| format!("`{r}`"))
            };
            let (was, now) = (name(&old.reference), name(&new.reference));
            self.out.breaking(format!("{at} changed from {was} to {now}"));
            return false;
        }
        if old.reference.is_some() {
            // Both sides cut the same cycle here: what lies beyond was compared already.
            return false;
        }
        if old.alternatives != new.alternatives {
            self.out.breaking(format!("{at} alternatives (oneOf/anyOf) changed"));
        }
        if old.kind != new.kind {
            let name = |k: &Option<String>| k.clone().unwrap_or_else(|| "any".to_owned());
            self.out.breaking(format!(
                "{at} type changed from {} to {}",
                name(&old.kind),
                name(&new.kind)
            ));
            return false;
        }
        self.nullable(old.nullable, new.nullable, at);
        self.format(old.format.as_deref(), new.format.as_deref(), at);
        true
    }

    /// Breaking either way: in a request `null` turns into `Option<T>` or stops being
    /// accepted; in a response old decoders fail on `null` or `Option<T>` becomes `T`.
    fn nullable(&mut self, old: bool, new: bool, at: &Subject) {
        match (old, new) {
            (false, true) => self.out.breaking(format!("{at} made nullable")),
            (true, false) => self.out.breaking(format!("{at} no longer nullable")),
            _ => {}
        }
    }

    /// Breaking in any form: the format picks the generated type, so even a removed
    /// format (a `Uuid` field becoming a `String`) breaks code that used the old type.
    fn format(&mut self, old: Option<&str>, new: Option<&str>, at: &Subject) {
        let message = match (old, new) {
            (Some(old), Some(new)) if old == new => return,
            (None, None) => return,
            (None, Some(new)) => format!("{at} format `{new}` added"),
            (Some(old), None) => format!("{at} format `{old}` removed"),
            (Some(old), Some(new)) => format!("{at} format changed from `{old}` to `{new}`"),
        };
        self.out.breaking(message);
    }

    /// Enum values, the same in both directions.
    ///
    /// - Value removed from a request: calls sending it are now rejected. Breaking.
    /// - Value removed from a response: the server sends fewer values, which on the wire
    ///   is harmless; but the value's variant disappears from the generated enum, and
    ///   every `match` arm naming it stops compiling. Breaking.
    /// - Value added to a request: one more accepted value. Compatible.
    /// - Value added to a response: the generated enum keeps values it does not know, so
    ///   old code still decodes the response. Compatible.
    /// - A plain field turning into an enum, or back, changes its generated type. Breaking.
    fn values(
        &mut self,
        old: Option<&BTreeSet<String>>,
        new: Option<&BTreeSet<String>>,
        at: &Subject,
    ) {
        let (old, new) = match (old, new) {
            (None, None) => return,
            (None, Some(new)) => {
                let listed: Vec<String> = new.iter().map(|v| shown(v)).collect();
                return self
                    .out
                    .breaking(format!("{at} restricted to enum values {}", listed.join(", ")));
            }
            (Some(_), None) => return self.out.breaking(format!("{at} no longer an enum")),
            (Some(old), Some(new)) => (old, new),
        };
        for value in old.difference(new) {
            self.out.breaking(format!("{at} enum value `{}` removed", shown(value)));
        }
        for value in new.difference(old) {
            self.out.compatible(format!("{at} enum value `{}` added", shown(value)));
        }
    }

    /// `minimum` (`is_lower`) or `maximum`, with their exclusive forms.
    fn bound(
        &mut self,
        at: &Subject,
        name: &str,
        old: Option<&Bound>,
        new: Option<&Bound>,
        is_lower: bool,
    ) {
        let (old, new) = match (old, new) {
            (None, None) => return,
            (None, Some(new)) => {
                return self.constraint(true, format!("{at} {name} {} added", limit(new)));
            }
            (Some(old), None) => {
                return self.constraint(false, format!("{at} {name} {} removed", limit(old)));
            }
            (Some(old), Some(new)) if old == new => return,
            (Some(old), Some(new)) => (old, new),
        };
        if old.value == new.value {
            let made = if new.exclusive { "exclusive" } else { "inclusive" };
            return self.constraint(new.exclusive, format!("{at} {name} {} made {made}", new.text));
        }
        let raised = new.value > old.value;
        let verb = if raised { "raised" } else { "lowered" };
        let message = format!("{at} {name} {verb} from {} to {}", limit(old), limit(new));
        self.constraint(raised == is_lower, message);
    }

    /// `minLength`, `maxItems` and the other count limits.
    fn counts(&mut self, old: &BTreeMap<&str, u64>, new: &BTreeMap<&str, u64>, at: &Subject) {
        for &(keyword, is_lower) in COUNTS {
            let (narrowed, message) = match (old.get(keyword), new.get(keyword)) {
                (Some(old), Some(new)) if old == new => continue,
                (None, None) => continue,
                // A lower limit of 0 is no limit at all.
                (None, Some(new)) => {
                    (!(is_lower && *new == 0), format!("{at} {keyword} {new} added"))
                }
                (Some(old), None) => (false, format!("{at} {keyword} {old} removed")),
                (Some(old), Some(new)) => {
                    let verb = if new > old { "raised" } else { "lowered" };
                    ((new > old) == is_lower, format!("{at} {keyword} {verb} from {old} to {new}"))
                }
            };
            self.constraint(narrowed, message);
        }
    }

    /// Patterns form a set (all must match). A pattern that changed may accept more or
    /// less; without a regex engine it is taken to narrow.
    fn patterns(&mut self, old: &BTreeSet<String>, new: &BTreeSet<String>, at: &Subject) {
        let removed: Vec<&String> = old.difference(new).collect();
        let added: Vec<&String> = new.difference(old).collect();
        if let ([was], [now]) = (removed.as_slice(), added.as_slice()) {
            return self.constraint(true, format!("{at} pattern changed from `{was}` to `{now}`"));
        }
        for pattern in added {
            self.constraint(true, format!("{at} pattern `{pattern}` added"));
        }
        for pattern in removed {
            self.constraint(false, format!("{at} pattern `{pattern}` removed"));
        }
    }

    fn multiple_of(&mut self, old: Option<&str>, new: Option<&str>, at: &Subject) {
        match (old, new) {
            (Some(old), Some(new)) if old == new => {}
            (None, None) => {}
            (None, Some(new)) => self.constraint(true, format!("{at} multipleOf {new} added")),
            (Some(old), None) => self.constraint(false, format!("{at} multipleOf {old} removed")),
            (Some(old), Some(new)) => {
                // Every multiple of the old step is still valid when the new step divides it.
                let ratio = number(old) / number(new);
                let narrowed = !(ratio.is_finite() && ratio.fract() == 0.0);
                self.constraint(narrowed, format!("{at} multipleOf changed from {old} to {new}"));
            }
        }
    }

    fn unique_items(&mut self, old: bool, new: bool, at: &Subject) {
        match (old, new) {
            (false, true) => self.constraint(true, format!("{at} items must now be unique")),
            (true, false) => {
                self.constraint(false, format!("{at} items no longer need to be unique"))
            }
            _ => {}
        }
    }

    /// A new default changes what the server does when a request leaves the field out,
    /// but no call that worked stops working.
    fn default(&mut self, old: &Schema, new: &Schema, at: &Subject) {
        if old.default == new.default {
            return;
        }
        let show =
            |v: &Option<serde_json::Value>| v.as_ref().map_or("none".to_owned(), canonical::json);
        let message =
            format!("{at} default changed from {} to {}", show(&old.default), show(&new.default));
        self.out.compatible(message);
    }

    fn documentation(&mut self, old: &Schema, new: &Schema, at: &Subject) {
        let what = format!("description of {at}");
        docs::compare(&what, old.description.as_deref(), new.description.as_deref(), self.out);
        let what = format!("title of {at}");
        docs::compare(&what, old.title.as_deref(), new.title.as_deref(), self.out);
    }

    fn properties(&mut self, old: &Schema, new: &Schema, at: &Subject) {
        for (name, old_field) in &old.properties {
            let field = at.property(name);
            let Some(new_field) = new.properties.get(name) else {
                self.out.breaking(format!("{field} removed"));
                continue;
            };
            self.required(old.required.contains(name), new.required.contains(name), &field);
            self.schema(old_field, new_field, &field);
        }
        for name in new.properties.keys().filter(|name| !old.properties.contains_key(*name)) {
            self.added_property(new.required.contains(name), &at.property(name));
        }
    }

    /// A new request field breaks calls only if it is required; a new response field is
    /// one more value the SDK decodes.
    fn added_property(&mut self, required: bool, field: &Subject) {
        match (self.direction, required) {
            (Direction::Request, true) => self.out.breaking(format!("new required {field}")),
            (Direction::Request, false) => self.out.compatible(format!("new optional {field}")),
            (Direction::Response, _) => self.out.compatible(format!("new {field}")),
        }
    }

    /// Breaking in every case. On the wire two of the four are harmless (a request field
    /// made optional, a response field made required), but the generated field changes
    /// between `Option<T>` and `T`, so code that sets or reads it stops compiling.
    fn required(&mut self, old: bool, new: bool, field: &Subject) {
        let message = match (self.direction, old, new) {
            (_, false, false) | (_, true, true) => return,
            (Direction::Request, false, true) => format!("{field} made required"),
            (Direction::Response, true, false) => format!("{field} made optional"),
            (Direction::Request, true, false) => {
                format!("{field} made optional (its generated type changes from T to Option<T>)")
            }
            (Direction::Response, false, true) => {
                format!("{field} made required (its generated type changes from Option<T> to T)")
            }
        };
        self.out.breaking(message);
    }

    /// `false` against anything else is a constraint; a value schema appearing or going
    /// away changes the generated map's value type.
    fn additional(&mut self, old: &Additional, new: &Additional, at: &Subject) {
        match (old, new) {
            (Additional::Schema(old), Additional::Schema(new)) => {
                self.schema(old, new, &at.property("*"))
            }
            (Additional::Any, Additional::Any) | (Additional::Forbidden, Additional::Forbidden) => {
            }
            (_, Additional::Forbidden) => {
                self.constraint(true, format!("{at} no longer accepts additional properties"))
            }
            (Additional::Forbidden, _) => {
                self.constraint(false, format!("{at} now accepts additional properties"))
            }
            (Additional::Any, Additional::Schema(_)) => {
                self.out.breaking(format!("{at} additional property schema added"))
            }
            (Additional::Schema(_), Additional::Any) => {
                self.out.breaking(format!("{at} additional property schema removed"))
            }
        }
    }

    /// Array items; an item schema appearing or going away changes the element type.
    fn items(&mut self, old: Option<&Schema>, new: Option<&Schema>, at: &Subject) {
        match (old, new) {
            (Some(old), Some(new)) => self.schema(old, new, &at.items()),
            (None, None) => {}
            (None, Some(_)) => self.out.breaking(format!("{at} item schema added")),
            (Some(_), None) => self.out.breaking(format!("{at} item schema removed")),
        }
    }
}

/// A bound as written, marked when exclusive: `300`, `0 (exclusive)`.
fn limit(bound: &Bound) -> String {
    if bound.exclusive { format!("{} (exclusive)", bound.text) } else { bound.text.clone() }
}

/// An enum value for a message: strings without their JSON quotes.
fn shown(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::String(text)) => text,
        _ => json.to_owned(),
    }
}

fn number(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}
