//! One shape, one named type.
//!
//! **Defect repaired.** The published spec writes every request and response schema
//! inline and repeats them: the instance-size enum six times, the Duckling config object
//! three times, and five error schemas (`error.BAD_REQUEST` … `error.INTERNAL_SERVER_ERROR`)
//! that differ only in their examples. progenitor names inline schemas after the
//! operationId and property path, so the raw SDK has 27 copies of 7 shapes with names up
//! to 66 characters, and a Duckling config read from one operation cannot be passed to the
//! next. Worse, the five error schemas make progenitor panic (`response_types.len() <= 1`)
//! because one operation's error responses have five different types.
//! See it: `jq '.paths[][].responses[].content[].schema' openapi/motherduck.json`.
//!
//! **Repair.** Every object with properties and every string enum, inline or in
//! `components`, is moved into `components/schemas` and replaced by a `$ref`. Schemas
//! that accept the same values (equal once documentation keywords are set aside) become
//! one component. Each component is named from where it is used: the property that holds
//! it (`instance_size` -> `InstanceSize`), the operation that returns it
//! (`getDucklingConfigForUser` -> `DucklingConfig`), the array that lists it (`tokens` ->
//! `Token`). When two shapes want one name, the more specific claim wins (a property or
//! array item over an operation's response) and the other falls back to a longer name.
//! The same spec always gives the same names, and a new operation gets names by the same
//! rules, with no table to edit.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::schema;
use crate::names::{self, OperationName};
use crate::spec;

const REF_PREFIX: &str = "#/components/schemas/";
/// Marks a reference to a shape whose name is not chosen yet.
const PENDING: &str = "#/x-pending-shape/";

/// Hoists, merges and names every object and string-enum schema in `doc`.
pub(crate) fn run(doc: &mut Value) {
    let mut h = Hoister::default();
    let components =
        doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    for (name, schema) in &components {
        let mut schema = schema.clone();
        let site = Site::Component(name.clone());
        let replaced = h.visit(&mut schema, &site);
        h.components.insert(name.clone(), (replaced, schema));
    }
    visit_operations(doc, &mut h);
    let names = h.choose_names();
    write_back(doc, &h, &names);
}

/// Where a shape is used; each use suggests a name.
#[derive(Debug, Clone)]
enum Site {
    Component(String),
    RequestBody(OperationName),
    ResponseBody(OperationName),
    /// Items of an array that is itself a whole request or response body.
    BodyItems(OperationName),
    Property {
        parent: Parent,
        property: String,
    },
    Items {
        parent: Parent,
        property: String,
    },
    /// A parameter, or a member of `allOf`/`anyOf`/`oneOf` (named like its container).
    Within(Box<Site>),
}

#[derive(Debug, Clone, Copy)]
enum Parent {
    /// A hoisted object, by the slot it was given while its children were visited.
    Slot(usize),
    /// A schema that is not hoisted (a parameter); no name to borrow.
    None,
}

#[derive(Debug)]
struct Shape {
    /// The schema with hoisted children replaced by pending references.
    schema: Value,
    sites: Vec<Site>,
    string_enum: bool,
}

#[derive(Default)]
struct Hoister {
    shapes: Vec<Shape>,
    by_key: BTreeMap<String, usize>,
    /// Slot of a visited object -> the shape it became.
    slots: Vec<Option<usize>>,
    /// Component name -> (its replacement, its rewritten schema).
    components: BTreeMap<String, (Value, Value)>,
}

impl Hoister {
    /// Hoists `node` and its subschemas; returns what should stand in its place.
    fn visit(&mut self, node: &mut Value, site: &Site) -> Value {
        let Value::Object(map) = node else { return node.clone() };
        if map.contains_key("$ref") {
            return node.clone();
        }
        let slot = self.slots.len();
        self.slots.push(None);
        self.visit_children(map, site, slot);
        let own: Map<String, Value> = ["description", "default"]
            .iter()
            .filter_map(|k| map.get(*k).map(|v| (k.to_string(), v.clone())))
            .collect();
        if !schema::is_named_shape(node) {
            return node.clone();
        }
        let key = schema::canonical(node).to_string();
        let id = match self.by_key.get(&key) {
            Some(&id) => {
                schema::intersect_docs(&mut self.shapes[id].schema, node);
                id
            }
            None => {
                let id = self.shapes.len();
                let string_enum = schema::is_string_enum(node);
                self.shapes.push(Shape { schema: node.clone(), sites: Vec::new(), string_enum });
                self.by_key.insert(key, id);
                id
            }
        };
        self.shapes[id].sites.push(site.clone());
        self.slots[slot] = Some(id);
        // Keep what this use says of itself; the view for progenitor drops `$ref` siblings.
        let mut replacement = own;
        replacement.insert("$ref".into(), json!(format!("{PENDING}{id}")));
        Value::Object(replacement)
    }

    fn visit_children(&mut self, map: &mut Map<String, Value>, site: &Site, slot: usize) {
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            let keys: Vec<String> = props.keys().cloned().collect();
            for k in keys {
                let s = Site::Property { parent: Parent::Slot(slot), property: k.clone() };
                let sub = props.get_mut(&k).expect("key just listed");
                *sub = self.visit(sub, &s);
            }
        }
        if let Some(items) = map.get_mut("items") {
            let s = items_site(site);
            *items = self.visit(items, &s);
        }
        if let Some(extra @ Value::Object(_)) = map.get_mut("additionalProperties") {
            let s = Site::Property { parent: Parent::Slot(slot), property: "value".into() };
            *extra = self.visit(extra, &s);
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = map.get_mut(key) {
                for m in members.iter_mut() {
                    *m = self.visit(m, &Site::Within(Box::new(site.clone())));
                }
            }
        }
    }
}

/// The site of an array's items, given the site of the array.
fn items_site(site: &Site) -> Site {
    match site {
        Site::Property { parent, property } | Site::Items { parent, property } => {
            Site::Items { parent: *parent, property: property.clone() }
        }
        Site::RequestBody(op) | Site::ResponseBody(op) | Site::BodyItems(op) => {
            Site::BodyItems(op.clone())
        }
        Site::Component(name) => Site::Items { parent: Parent::None, property: name.clone() },
        Site::Within(inner) => items_site(inner),
    }
}

fn visit_operations(doc: &mut Value, h: &mut Hoister) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for item in paths.values_mut() {
        for method in spec::METHODS {
            let Some(op @ Value::Object(_)) = item.get_mut(*method) else { continue };
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
            let name = OperationName::parse(id);
            visit_parameters(op, h);
            if let Some(Value::Object(content)) = op.pointer_mut("/requestBody/content") {
                for media in content.values_mut() {
                    if let Some(s) = media.get_mut("schema") {
                        *s = h.visit(s, &Site::RequestBody(name.clone()));
                    }
                }
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for response in responses.values_mut() {
                    let Some(Value::Object(content)) = response.get_mut("content") else {
                        continue;
                    };
                    for media in content.values_mut() {
                        if let Some(s) = media.get_mut("schema") {
                            *s = h.visit(s, &Site::ResponseBody(name.clone()));
                        }
                    }
                }
            }
        }
    }
}

fn visit_parameters(op: &mut Value, h: &mut Hoister) {
    let Some(Value::Array(params)) = op.get_mut("parameters") else { return };
    for p in params {
        let property = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        if let Some(s) = p.get_mut("schema") {
            *s = h.visit(s, &Site::Property { parent: Parent::None, property });
        }
    }
}

/// A suggested name and how specific the claim is (lower is stronger).
#[derive(Debug, Clone)]
struct Candidate {
    name: String,
    rank: u8,
}

impl Hoister {
    fn choose_names(&self) -> Vec<String> {
        let mut memo = vec![None; self.shapes.len()];
        let ranked: Vec<Vec<(String, u8, usize)>> =
            (0..self.shapes.len()).map(|id| self.ranked(id, &mut memo, &mut Vec::new())).collect();
        let mut order: Vec<usize> = (0..self.shapes.len()).collect();
        order.sort_by_key(|&id| {
            ranked[id].first().map(|(_, r, n)| (*r, usize::MAX - n)).unwrap_or((u8::MAX, 0))
        });
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        let mut names = vec![String::new(); self.shapes.len()];
        for id in order {
            let mut options: Vec<String> = ranked[id].iter().map(|(n, _, _)| n.clone()).collect();
            options.extend(self.fallbacks(id, &memo));
            let name =
                options.iter().find(|n| !taken.contains_key(*n)).cloned().unwrap_or_else(|| {
                    let base = options.first().cloned().unwrap_or_else(|| "Schema".into());
                    (2..)
                        .map(|i| format!("{base}{i}"))
                        .find(|n| !taken.contains_key(n))
                        .expect("unbounded")
                });
            taken.insert(name.clone(), id);
            names[id] = name;
        }
        names
    }

    /// Distinct candidate names of a shape, best first: most uses, then strongest rank,
    /// then fewest words, then alphabetical.
    fn ranked(
        &self,
        id: usize,
        memo: &mut Vec<Option<String>>,
        stack: &mut Vec<usize>,
    ) -> Vec<(String, u8, usize)> {
        stack.push(id);
        let mut tally: BTreeMap<String, (u8, usize)> = BTreeMap::new();
        for c in self.candidates(id, memo, stack) {
            let e = tally.entry(c.name).or_insert((c.rank, 0));
            e.0 = e.0.min(c.rank);
            e.1 += 1;
        }
        stack.pop();
        let mut out: Vec<(String, u8, usize)> =
            tally.into_iter().map(|(n, (r, c))| (n, r, c)).collect();
        out.sort_by(|a, b| {
            (usize::MAX - a.2, a.1, names::word_count(&a.0), &a.0).cmp(&(
                usize::MAX - b.2,
                b.1,
                names::word_count(&b.0),
                &b.0,
            ))
        });
        memo[id] = out.first().map(|c| c.0.clone());
        out
    }

    fn candidates(
        &self,
        id: usize,
        memo: &mut Vec<Option<String>>,
        stack: &mut Vec<usize>,
    ) -> Vec<Candidate> {
        let shape = &self.shapes[id];
        let components: Vec<&str> = shape
            .sites
            .iter()
            .filter_map(|s| if let Site::Component(n) = s { Some(n.as_str()) } else { None })
            .collect();
        match components.as_slice() {
            [] => {}
            [one] => return vec![Candidate { name: (*one).to_string(), rank: 0 }],
            many => {
                return vec![Candidate { name: names::type_name(&common_prefix(many)), rank: 0 }];
            }
        }
        shape
            .sites
            .iter()
            .filter_map(|s| self.candidate(s, shape.string_enum, memo, stack, 0))
            .collect()
    }

    fn candidate(
        &self,
        site: &Site,
        string_enum: bool,
        memo: &mut Vec<Option<String>>,
        stack: &mut Vec<usize>,
        depth: u8,
    ) -> Option<Candidate> {
        let (name, rank) = match site {
            Site::Component(n) => (n.clone(), 0),
            Site::RequestBody(op) => (format!("{}Request", op.action()), 3),
            Site::ResponseBody(op) => (subject_or_tag(op), 2),
            Site::BodyItems(op) => (names::singular_pascal(&subject_or_tag(op)), 2),
            Site::Property { parent, property } => {
                let base = names::pascal(property);
                if string_enum {
                    (base, 1)
                } else {
                    let suffix = self.parent_suffix(*parent, &base, memo, stack);
                    (format!("{base}{suffix}"), 1)
                }
            }
            Site::Items { property, .. } => (names::singular_pascal(property), 1),
            Site::Within(inner) => {
                return self.candidate(inner, string_enum, memo, stack, depth + 1);
            }
        };
        (!name.is_empty()).then(|| Candidate { name: names::type_name(&name), rank: rank + depth })
    }

    /// The last word of the parent's preferred name, when it qualifies a nested object
    /// (`read_write` inside `DucklingConfig` -> `ReadWriteConfig`).
    fn parent_suffix(
        &self,
        parent: Parent,
        base: &str,
        memo: &mut Vec<Option<String>>,
        stack: &mut Vec<usize>,
    ) -> String {
        let Parent::Slot(slot) = parent else { return String::new() };
        let Some(pid) = self.slots.get(slot).copied().flatten() else { return String::new() };
        if stack.contains(&pid) {
            return String::new();
        }
        let preferred = match memo[pid].clone() {
            Some(p) => p,
            None => self.ranked(pid, memo, stack).first().map(|c| c.0.clone()).unwrap_or_default(),
        };
        let words = names::words(&preferred);
        match words.last() {
            Some(last)
                if words.len() > 1 && !matches!(last.as_str(), "request" | "response" | "body") =>
            {
                let last = names::pascal(last);
                if base.ends_with(&last) { String::new() } else { last }
            }
            _ => String::new(),
        }
    }

    /// Longer names for a shape that lost its preferred name to another.
    fn fallbacks(&self, id: usize, memo: &[Option<String>]) -> Vec<String> {
        let parent_name = |p: &Parent| match p {
            Parent::Slot(s) => {
                self.slots.get(*s).copied().flatten().and_then(|pid| memo[pid].clone())
            }
            Parent::None => None,
        };
        let mut out = Vec::new();
        for site in &self.shapes[id].sites {
            let mut site = site;
            while let Site::Within(inner) = site {
                site = inner;
            }
            let name = match site {
                Site::ResponseBody(op) => format!("{}Response", op.action()),
                Site::RequestBody(op) => format!(
                    "{}{}Request",
                    names::pascal(op.prefix.as_deref().unwrap_or("")),
                    op.action()
                ),
                Site::Property { parent, property } => format!(
                    "{}{}",
                    parent_name(parent).unwrap_or_default(),
                    names::pascal(property)
                ),
                Site::Items { parent, property } => format!(
                    "{}{}",
                    parent_name(parent).unwrap_or_default(),
                    names::singular_pascal(property)
                ),
                Site::BodyItems(op) => format!("{}Item", op.action()),
                Site::Component(n) => n.clone(),
                Site::Within(_) => continue,
            };
            out.push(names::type_name(&name));
        }
        out
    }
}

fn subject_or_tag(op: &OperationName) -> String {
    let subject = op.subject();
    if subject.is_empty() {
        names::singular_pascal(op.prefix.as_deref().unwrap_or(""))
    } else {
        subject
    }
}

/// The longest common prefix of component names, cut at a `.`, `_` or `-` boundary.
fn common_prefix(names: &[&str]) -> String {
    let first = names[0];
    let mut end = first.len();
    for n in &names[1..] {
        end = end.min(first.bytes().zip(n.bytes()).take_while(|(a, b)| a == b).count());
    }
    let head = &first[..end];
    let prefix = if end == first.len() || head.ends_with(['.', '_', '-']) {
        head.trim_end_matches(['.', '_', '-'])
    } else {
        head.rsplit_once(['.', '_', '-']).map(|(p, _)| p).unwrap_or("")
    };
    if prefix.is_empty() { first.to_string() } else { prefix.to_string() }
}

fn write_back(doc: &mut Value, h: &Hoister, names: &[String]) {
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut schemas = Map::new();
    for (old, (replacement, schema)) in &h.components {
        match pending_id(replacement) {
            Some(id) => {
                renamed.insert(old.clone(), names[id].clone());
            }
            None => {
                schemas.insert(old.clone(), schema.clone());
            }
        }
    }
    for (id, shape) in h.shapes.iter().enumerate() {
        schemas.insert(names[id].clone(), shape.schema.clone());
    }
    let root = doc.as_object_mut().expect("spec root is an object");
    let components = root.entry("components").or_insert_with(|| json!({}));
    components["schemas"] = Value::Object(schemas);
    rewrite_refs(doc, names, &renamed);
}

fn pending_id(v: &Value) -> Option<usize> {
    v.get("$ref")?.as_str()?.strip_prefix(PENDING)?.parse().ok()
}

fn rewrite_refs(v: &mut Value, names: &[String], renamed: &BTreeMap<String, String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some(id) = r.strip_prefix(PENDING).and_then(|n| n.parse::<usize>().ok()) {
                    *r = format!("{REF_PREFIX}{}", names[id]);
                } else if let Some(new) =
                    r.strip_prefix(REF_PREFIX).and_then(|old| renamed.get(old))
                {
                    *r = format!("{REF_PREFIX}{new}");
                }
            }
            map.values_mut().for_each(|x| rewrite_refs(x, names, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| rewrite_refs(x, names, renamed)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn op(id: &str, request: Option<Value>, response: Value) -> Value {
        let mut op = json!({
            "operationId": id,
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}
        });
        if let Some(r) = request {
            op["requestBody"] = json!({"content": {"application/json": {"schema": r}}});
        }
        op
    }

    fn size() -> Value {
        json!({"type": "string", "enum": ["small", "large"]})
    }

    fn config() -> Value {
        json!({"type": "object", "properties": {"primary": {"type": "object", "properties": {"size": size()}}}})
    }

    fn normalized(paths: Value, schemas: Value) -> Value {
        let mut doc =
            json!({"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}});
        run(&mut doc);
        doc
    }

    fn schema_names(doc: &Value) -> Vec<String> {
        doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn one_shape_used_in_several_operations_becomes_one_named_type() {
        let doc = normalized(
            json!({"/c/{u}": {
                "get": op("things-getWidgetConfigForUser", None, config()),
                "put": op("things-setWidgetConfigForUser", Some(json!({"type":"object","properties":{"config": config()}})), config())
            }}),
            json!({}),
        );
        assert_eq!(
            schema_names(&doc),
            ["PrimaryConfig", "SetWidgetConfigRequest", "Size", "WidgetConfig"]
        );
        let get = &doc["paths"]["/c/{u}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        assert_eq!(get["$ref"], "#/components/schemas/WidgetConfig");
        assert_eq!(
            doc["components"]["schemas"]["SetWidgetConfigRequest"]["properties"]["config"]["$ref"],
            "#/components/schemas/WidgetConfig"
        );
    }

    #[test]
    fn components_that_differ_only_in_docs_merge_under_their_common_prefix() {
        let err = |title: &str| json!({"type":"object","title": title,"properties":{"code":{"type":"string","example": title}}});
        let doc = normalized(
            json!({"/a": {"get": op("a-get", None, json!({"$ref": "#/components/schemas/error.B"}))}}),
            json!({"error.A": err("a"), "error.B": err("b")}),
        );
        assert_eq!(schema_names(&doc), ["ErrorBody"]);
        let merged = &doc["components"]["schemas"]["ErrorBody"];
        assert!(
            merged.get("title").is_none() && merged["properties"]["code"].get("example").is_none()
        );
        let r = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["$ref"];
        assert_eq!(r, "#/components/schemas/ErrorBody");
    }

    #[test]
    fn array_items_take_the_singular_and_beat_a_response_for_a_name() {
        let token = json!({"type":"object","properties":{"id":{"type":"string"}}});
        let created = json!({"type":"object","properties":{"id":{"type":"string"},"secret":{"type":"string"}}});
        let doc = normalized(
            json!({"/t": {
                "get": op("users-listTokens", None, json!({"type":"object","properties":{"tokens":{"type":"array","items": token}}})),
                "post": op("users-createToken", None, created)
            }}),
            json!({}),
        );
        assert_eq!(schema_names(&doc), ["CreateTokenResponse", "Token", "Tokens"]);
    }

    #[test]
    fn names_do_not_depend_on_key_order() {
        let a: Value = serde_json::from_str(r#"{"/x":{"get":{"operationId":"a-getThing","responses":{"200":{"description":"","content":{"application/json":{"schema":{"type":"object","properties":{"b":{"type":"string","enum":["1"]},"a":{"type":"string","enum":["1"]}}}}}}}}}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"/x":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"properties":{"a":{"enum":["1"],"type":"string"},"b":{"type":"string","enum":["1"]}},"type":"object"}}},"description":""}},"operationId":"a-getThing"}}}"#).unwrap();
        assert_eq!(normalized(a, json!({})), normalized(b, json!({})));
    }

    #[test]
    fn common_prefix_stops_at_a_separator() {
        assert_eq!(common_prefix(&["error.BAD", "error.BIG"]), "error");
        assert_eq!(common_prefix(&["ab", "ac"]), "ab");
        assert_eq!(common_prefix(&["error.A", "error.B"]), "error");
    }
}
