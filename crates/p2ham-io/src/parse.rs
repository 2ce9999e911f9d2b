//! Parsing documents from bytes: JSON (numbers kept exact) and TOML
//! (instruments), with errors that name the file, the path and the line.

use std::path::Path;
#[cfg(feature = "toml")]
use std::str::FromStr;

use p2ham_model::{answer_index, format, Assessment, Code, Instrument};
use serde::de::DeserializeOwned;

use crate::IoError;

/// The kind of a document, from its `format` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentKind {
    /// `p2ham-instrument/1`.
    Instrument,
    /// `p2ham-assessment/1`.
    Assessment,
    /// `p2ham-awards/1`: a period's award list.
    AwardList,
    /// `p2ham-award-rule/1`: a period's rule over the evaluation's other evidence.
    AwardRule,
    /// `p2ham-award-components/1`: each unit's IKM, Zona Integritas status and complaints.
    AwardComponents,
}

/// A UTF-8 byte-order mark, as some Windows editors write, is not part of the document.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Parse JSON into `T`, keeping every digit of numbers, with the path of any
/// shape error.
pub fn from_json<T: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T, IoError> {
    let bytes = strip_bom(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| json_error(file, e))?;
    de.end().map_err(|e| syntax(file, &e))?;
    Ok(value)
}

fn syntax(file: &str, e: &serde_json::Error) -> IoError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; keep the message alone.
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    IoError::Syntax {
        file: file.to_owned(),
        line: e.line(),
        // serde_json reports column 0 at the start of a line (e.g. at the end
        // of a file that ends with a newline); columns are 1-based.
        column: e.column().max(1),
        message,
    }
}

fn json_error(file: &str, e: serde_path_to_error::Error<serde_json::Error>) -> IoError {
    let path = clean_path(&e.path().to_string());
    let inner = e.into_inner();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return syntax(file, &inner);
    }
    let line = (inner.line() > 0).then(|| inner.line());
    let message = inner.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    shape(file, path, line, message)
}

fn shape(file: &str, path: String, line: Option<usize>, message: String) -> IoError {
    let code = if path == "format" && message.starts_with("unknown variant") {
        Code::UnknownFormat
    } else {
        Code::Shape
    };
    IoError::Shape {
        file: file.to_owned(),
        path,
        indicator: None,
        line,
        code,
        message,
    }
}

/// The private map key serde_json uses to carry an arbitrary-precision number
/// (rust_decimal reads numbers through it); it is not part of the document.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// serde_path_to_error writes `.` for the root; documents use an empty path.
/// A number that fails to convert has serde_json's private number key appended
/// to its path; it is removed so the path names the field.
fn clean_path(path: &str) -> String {
    let path = path
        .strip_suffix(NUMBER_TOKEN)
        .map_or(path, |p| p.strip_suffix('.').unwrap_or(p));
    if path == "." || path == NUMBER_TOKEN {
        String::new()
    } else {
        path.to_owned()
    }
}

/// Parse TOML into `T`. Floats are taken from their written digits, never
/// through `f64`, so `weight = 0.3333333333333333333` keeps every digit.
pub fn from_toml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, IoError> {
    from_value(file, toml_value(file, text)?)
}

/// Without the `toml` feature, a TOML document is refused by name.
#[cfg(not(feature = "toml"))]
fn toml_value(file: &str, _text: &str) -> Result<serde_json::Value, IoError> {
    Err(IoError::Input {
        file: file.to_owned(),
        message: "TOML documents are not read by this build (the `toml` feature of p2ham-io is off); \
                  give the document as JSON"
            .into(),
    })
}

/// A TOML document as the JSON value it stands for (floats by their digits).
#[cfg(feature = "toml")]
fn toml_value(file: &str, text: &str) -> Result<serde_json::Value, IoError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = toml_edit::DocumentMut::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        IoError::Syntax {
            file: file.to_owned(),
            line,
            column,
            message: e.message().to_owned(),
        }
    })?;
    table_to_json(file, doc.as_table(), "")
}

/// Deserialize a document already read as a JSON value.
fn from_value<T: DeserializeOwned>(file: &str, value: serde_json::Value) -> Result<T, IoError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = clean_path(&e.path().to_string());
        shape(file, path, None, e.into_inner().to_string())
    })
}

#[cfg(feature = "toml")]
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    // Never slice inside a character, whatever offset the parser reports.
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(feature = "toml")]
fn table_to_json(file: &str, table: &toml_edit::Table, path: &str) -> Result<serde_json::Value, IoError> {
    let mut map = serde_json::Map::new();
    for (key, item) in table {
        let p = join(path, key);
        if let Some(v) = item_to_json(file, item, &p)? {
            map.insert(key.to_owned(), v);
        }
    }
    Ok(serde_json::Value::Object(map))
}

#[cfg(feature = "toml")]
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(feature = "toml")]
fn item_to_json(
    file: &str,
    item: &toml_edit::Item,
    path: &str,
) -> Result<Option<serde_json::Value>, IoError> {
    Ok(match item {
        toml_edit::Item::None => None,
        toml_edit::Item::Value(v) => Some(value_to_json(file, v, path)?),
        toml_edit::Item::Table(t) => Some(table_to_json(file, t, path)?),
        toml_edit::Item::ArrayOfTables(a) => Some(serde_json::Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, t)| table_to_json(file, t, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        )),
    })
}

#[cfg(feature = "toml")]
fn value_to_json(file: &str, v: &toml_edit::Value, path: &str) -> Result<serde_json::Value, IoError> {
    use serde_json::Value as J;
    Ok(match v {
        toml_edit::Value::String(s) => J::String(s.value().clone()),
        toml_edit::Value::Integer(i) => J::Number((*i.value()).into()),
        toml_edit::Value::Boolean(b) => J::Bool(*b.value()),
        // No field of a document is a date-time: never turn one into text silently.
        toml_edit::Value::Datetime(d) => {
            return Err(shape(
                file,
                path.to_owned(),
                None,
                format!(
                    "`{}` is a TOML date-time; no field takes one (quote it to make it text)",
                    d.value()
                ),
            ));
        }
        toml_edit::Value::Float(f) => {
            let raw = f.as_repr().and_then(|r| r.as_raw().as_str()).map(str::to_owned);
            let raw = raw.unwrap_or_else(|| f.value().to_string());
            let digits: String = raw.chars().filter(|c| *c != '_' && *c != '+').collect();
            let number = serde_json::Number::from_str(&digits).map_err(|_| {
                shape(
                    file,
                    path.to_owned(),
                    None,
                    format!("`{raw}` is not a finite decimal number"),
                )
            })?;
            J::Number(number)
        }
        toml_edit::Value::Array(a) => J::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| value_to_json(file, x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        toml_edit::Value::InlineTable(t) => {
            let mut map = serde_json::Map::new();
            for (k, x) in t {
                map.insert(k.to_owned(), value_to_json(file, x, &join(path, k))?);
            }
            J::Object(map)
        }
    })
}

/// Whether a file should be read as TOML (by its extension).
pub fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Parse an instrument, JSON or TOML (chosen by the file's extension).
pub fn parse_instrument(file: &str, bytes: &[u8], toml: bool) -> Result<Instrument, IoError> {
    if toml {
        let text = std::str::from_utf8(strip_bom(bytes)).map_err(|e| IoError::Syntax {
            file: file.to_owned(),
            line: 1,
            column: 1,
            message: format!("not UTF-8 text: {e}"),
        })?;
        let value = toml_value(file, text)?;
        objects_only(file, &Shape::Instrument, &value)?;
        from_value(file, value)
    } else {
        let instrument = from_json(file, bytes)?;
        objects_only_in(file, &Shape::Instrument, bytes)?;
        Ok(instrument)
    }
}

/// Parse an assessment from JSON bytes (shape only; check it against an instrument after).
/// A shape error inside an answer names the indicator that answer names.
pub fn parse_assessment(file: &str, bytes: &[u8]) -> Result<Assessment, IoError> {
    let parsed = from_json(file, bytes).and_then(|assessment| {
        objects_only_in(file, &Shape::Assessment, bytes)?;
        Ok(assessment)
    });
    parsed.map_err(|e| name_indicator(e, bytes))
}

/// A shape error at `answers[N]…` names the indicator of that answer, when the
/// document is well-formed JSON and the answer names one as text.
fn name_indicator(mut e: IoError, bytes: &[u8]) -> IoError {
    if let IoError::Shape { path, indicator, .. } = &mut e {
        if let Some(n) = answer_index(path) {
            *indicator = json_value(bytes)
                .get("answers")
                .and_then(|a| a.get(n))
                .and_then(|a| a.get("indicator"))
                .and_then(serde_json::Value::as_str)
                .filter(|id| !id.trim().is_empty())
                .map(str::to_owned);
        }
    }
    e
}

/// The JSON value of bytes that already parsed as a document.
pub(crate) fn json_value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(strip_bom(bytes)).unwrap_or(serde_json::Value::Null)
}

/// The document types whose published input schema [`objects_only`] walks.
pub(crate) enum Shape {
    Instrument,
    Assessment,
    AwardList,
    AwardRule,
    AwardComponents,
}

/// The published input schema of a document type, parsed once. The schemas
/// are embedded (`shapes/` holds copies of `docs/schema/`, kept equal by the
/// schema test), so the check needs no schema generator at run time.
fn shape_schema(shape: &Shape) -> &'static serde_json::Value {
    use std::sync::OnceLock;
    static SCHEMAS: [OnceLock<serde_json::Value>; 5] = [const { OnceLock::new() }; 5];
    let (i, text) = match shape {
        Shape::Instrument => (0, include_str!("../shapes/instrument.schema.json")),
        Shape::Assessment => (1, include_str!("../shapes/assessment.schema.json")),
        Shape::AwardList => (2, include_str!("../shapes/awards.schema.json")),
        Shape::AwardRule => (3, include_str!("../shapes/award-rule.schema.json")),
        Shape::AwardComponents => (4, include_str!("../shapes/award-components.schema.json")),
    };
    SCHEMAS[i].get_or_init(|| serde_json::from_str(text).expect("an embedded schema is JSON"))
}

/// Documents are objects, as the schema says: serde would also read a struct
/// from an array, by position (`"unit": ["u1", "Unit 1", "kanim"]`). Refuse
/// any array where the schema of `shape` expects an object, naming its path.
pub(crate) fn objects_only(file: &str, shape: &Shape, value: &serde_json::Value) -> Result<(), IoError> {
    let schema = shape_schema(shape);
    match array_for_object(schema, schema, value, String::new()) {
        None => Ok(()),
        Some(path) => Err(array_for_object_error(file, path)),
    }
}

/// [`objects_only`] for a JSON document, read from its bytes as they stream
/// (no tree of values is built; keys are borrowed where the text allows),
/// under the shape's [`Plan`]. The bytes are those of a document that
/// already parsed.
pub(crate) fn objects_only_in(file: &str, shape: &Shape, bytes: &[u8]) -> Result<(), IoError> {
    use serde::de::DeserializeSeed;
    let plan = shape_plan(shape);
    let path = std::cell::RefCell::new(String::new());
    let found = std::cell::RefCell::new(None);
    let walk = Walk {
        plan,
        node: Some(0),
        path: &path,
        found: &found,
    };
    let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
    // The only error the walk itself gives is the array it found (kept in
    // `found`); the bytes already parsed, so serde_json gives none.
    let _ = walk.deserialize(&mut de);
    match found.into_inner() {
        None => Ok(()),
        Some(path) => Err(array_for_object_error(file, path)),
    }
}

fn array_for_object_error(file: &str, path: String) -> IoError {
    IoError::Shape {
        file: file.to_owned(),
        path,
        indicator: None,
        line: None,
        code: Code::Shape,
        message: "invalid type: sequence, expected an object (a document's records are objects with named \
                  fields, as the schema says, never arrays read by position)"
            .into(),
    }
}

/// `schema` with its `$ref`s into `root`'s `$defs` followed (a bounded
/// number of times); `None` when one names no definition.
fn resolved<'s>(root: &'s serde_json::Value, schema: &'s serde_json::Value) -> Option<&'s serde_json::Value> {
    let mut schema = schema;
    for _ in 0..32 {
        match schema
            .get("$ref")
            .and_then(serde_json::Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            Some(name) => schema = root.get("$defs")?.get(name)?,
            None => break,
        }
    }
    Some(schema)
}

/// The schemas a value is read under: `schema` with its `$ref`s followed
/// (a bounded number of times) and every branch of its `anyOf`, `oneOf` and
/// `allOf`, as [`array_for_object`] visits them.
fn branches<'s>(
    root: &'s serde_json::Value,
    schema: &'s serde_json::Value,
    out: &mut Vec<&'s serde_json::Value>,
    depth: u8,
) {
    use serde_json::Value;
    if depth > 32 {
        return;
    }
    let Some(schema) = resolved(root, schema) else {
        return;
    };
    out.push(schema);
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            branches(root, branch, out, depth + 1);
        }
    }
}

/// Whether `schema` wants an object where an array is not allowed.
fn wants_object(schema: &serde_json::Value) -> bool {
    let has = |t: &str| match schema.get("type") {
        Some(serde_json::Value::String(s)) => s == t,
        Some(serde_json::Value::Array(ts)) => ts.iter().any(|x| x.as_str() == Some(t)),
        _ => false,
    };
    has("object") && !has("array")
}

/// A shape's schema compiled for the streaming check, once: each node
/// stands for the set of schemas a value is read under (its `$ref`s
/// followed, every branch of its `anyOf`, `oneOf` and `allOf`), with what
/// [`array_for_object`] asks of them. Node 0 is the document.
#[derive(Debug, Default)]
struct Plan {
    nodes: Vec<PlanNode>,
}

#[derive(Debug, Default)]
struct PlanNode {
    /// Some schema of the set wants an object and allows no array here.
    object_only: bool,
    /// A member named in some schema's `properties`: its node (`None`: no schema).
    properties: std::collections::HashMap<String, Option<usize>>,
    /// Any other member (the `additionalProperties` that are schemas).
    other: Option<usize>,
    /// An array's items.
    items: Option<usize>,
}

impl Plan {
    /// The plan of a schema (`root` holds its `$defs`).
    fn of(root: &serde_json::Value) -> Plan {
        let mut start = Vec::new();
        branches(root, root, &mut start, 0);
        let mut plan = Plan::default();
        let mut known = std::collections::HashMap::new();
        plan.node(root, &start, &mut known);
        plan
    }

    /// The node of a set of schemas, made once (a set met again, as in a
    /// recursive schema, is the same node).
    fn node<'s>(
        &mut self,
        root: &'s serde_json::Value,
        set: &[&'s serde_json::Value],
        known: &mut std::collections::HashMap<Vec<*const serde_json::Value>, usize>,
    ) -> Option<usize> {
        if set.is_empty() {
            return None;
        }
        let key: Vec<*const serde_json::Value> = set.iter().map(|s| std::ptr::from_ref(*s)).collect();
        if let Some(&id) = known.get(&key) {
            return Some(id);
        }
        let id = self.nodes.len();
        known.insert(key, id);
        self.nodes.push(PlanNode {
            object_only: set.iter().any(|s| wants_object(s)),
            ..PlanNode::default()
        });
        let under = |pick: &dyn Fn(&'s serde_json::Value) -> Option<&'s serde_json::Value>| {
            let mut out = Vec::new();
            for s in set {
                if let Some(sub) = pick(s) {
                    branches(root, sub, &mut out, 0);
                }
            }
            out
        };
        let additional = |s: &'s serde_json::Value| s.get("additionalProperties").filter(|a| a.is_object());
        let names: std::collections::BTreeSet<&'s str> = set
            .iter()
            .filter_map(|s| s.get("properties").and_then(serde_json::Value::as_object))
            .flat_map(|p| p.keys().map(String::as_str))
            .collect();
        let mut properties = std::collections::HashMap::new();
        for name in names {
            let members = under(&|s| {
                s.get("properties")
                    .and_then(|p| p.get(name))
                    .or_else(|| additional(s))
            });
            properties.insert(name.to_owned(), self.node(root, &members, known));
        }
        let other = under(&additional);
        let other = self.node(root, &other, known);
        let items = under(&|s| s.get("items"));
        let items = self.node(root, &items, known);
        let node = &mut self.nodes[id];
        node.properties = properties;
        node.other = other;
        node.items = items;
        Some(id)
    }
}

/// The plan of a shape's published schema, compiled once.
fn shape_plan(shape: &Shape) -> &'static Plan {
    use std::sync::OnceLock;
    static PLANS: [OnceLock<Plan>; 5] = [const { OnceLock::new() }; 5];
    let i = match shape {
        Shape::Instrument => 0,
        Shape::Assessment => 1,
        Shape::AwardList => 2,
        Shape::AwardRule => 3,
        Shape::AwardComponents => 4,
    };
    PLANS[i].get_or_init(|| Plan::of(shape_schema(shape)))
}

/// One value of the document, walked under its node of the plan (`None`:
/// no schema, nothing to check inside).
struct Walk<'c> {
    plan: &'static Plan,
    node: Option<usize>,
    /// The path of the value being walked (`answers[3].evidence[0]`).
    path: &'c std::cell::RefCell<String>,
    /// The path of the first array found where an object is expected.
    found: &'c std::cell::RefCell<Option<String>>,
}

impl<'c> Walk<'c> {
    /// The walk of a member under `node`.
    fn under(&self, node: Option<usize>) -> Walk<'c> {
        Walk {
            plan: self.plan,
            node,
            path: self.path,
            found: self.found,
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.node.is_none() {
            return <serde::de::IgnoredAny as serde::Deserialize>::deserialize(deserializer).map(drop);
        }
        deserializer.deserialize_any(self)
    }
}

/// A map key, borrowed from the document where it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> serde::de::Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let node = self.node.map(|n| &self.plan.nodes[n]);
        if node.is_some_and(|n| n.object_only) {
            *self.found.borrow_mut() = Some(self.path.borrow().clone());
            return Err(serde::de::Error::custom("an array where an object is expected"));
        }
        let items = node.and_then(|n| n.items);
        let at = self.path.borrow().len();
        for i in 0.. {
            {
                let mut p = self.path.borrow_mut();
                p.truncate(at);
                let _ = std::fmt::Write::write_fmt(&mut *p, format_args!("[{i}]"));
            }
            if seq.next_element_seed(self.under(items))?.is_none() {
                break;
            }
        }
        self.path.borrow_mut().truncate(at);
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let node = self.node.map(|n| &self.plan.nodes[n]);
        let at = self.path.borrow().len();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let member = node.and_then(|n| n.properties.get(key.as_ref()).copied().unwrap_or(n.other));
            {
                let mut p = self.path.borrow_mut();
                p.truncate(at);
                if at > 0 {
                    p.push('.');
                }
                p.push_str(&key);
            }
            map.next_value_seed(self.under(member))?;
        }
        self.path.borrow_mut().truncate(at);
        Ok(())
    }
}

/// The path of the first array in `value` where `schema` expects an object.
fn array_for_object(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    path: String,
) -> Option<String> {
    use serde_json::Value;
    let schema = resolved(root, schema)?;
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if value.is_array() && types.contains(&"object") && !types.contains(&"array") {
        return Some(path);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(p) = array_for_object(root, branch, value, path.clone()) {
                return Some(p);
            }
        }
    }
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            map.iter().find_map(|(k, v)| {
                let sub = properties.and_then(|p| p.get(k)).or(additional)?;
                let at = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                array_for_object(root, sub, v, at)
            })
        }
        Value::Array(items) => {
            let sub = schema.get("items")?;
            items
                .iter()
                .enumerate()
                .find_map(|(i, v)| array_for_object(root, sub, v, format!("{path}[{i}]")))
        }
        _ => None,
    }
}

#[derive(serde::Deserialize)]
struct FormatOnly {
    format: Option<serde_json::Value>,
}

/// Find a document's kind from its `format` field.
pub fn detect_kind(file: &str, bytes: &[u8], toml: bool) -> Result<DocumentKind, IoError> {
    let bytes = strip_bom(bytes);
    let probe: FormatOnly = if toml {
        let text = String::from_utf8_lossy(bytes);
        from_toml(file, &text)?
    } else {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let v = serde::Deserialize::deserialize(&mut de).map_err(|e| {
            if e.is_data() {
                // Well-formed JSON that is not an object (`[]`, `null`, `7`).
                IoError::Shape {
                    file: file.to_owned(),
                    path: String::new(),
                    indicator: None,
                    line: (e.line() > 0).then(|| e.line()),
                    code: Code::Shape,
                    message: "expected a JSON object with a `format` field".into(),
                }
            } else {
                syntax(file, &e)
            }
        })?;
        de.end().map_err(|e| syntax(file, &e))?;
        v
    };
    match probe.format.as_ref().map(|f| (f, f.as_str())) {
        Some((_, Some(format::INSTRUMENT))) => Ok(DocumentKind::Instrument),
        Some((_, Some(format::ASSESSMENT))) => Ok(DocumentKind::Assessment),
        Some((_, Some(format::AWARDS))) if !toml => Ok(DocumentKind::AwardList),
        Some((_, Some(format::AWARD_RULE))) if !toml => Ok(DocumentKind::AwardRule),
        Some((_, Some(format::AWARD_COMPONENTS))) if !toml => Ok(DocumentKind::AwardComponents),
        Some((_, Some(other))) => Err(shape(
            file,
            "format".into(),
            None,
            format!(
                "unknown variant `{other}`, expected `{}`, `{}`, `{}`, `{}` or `{}`",
                format::INSTRUMENT,
                format::ASSESSMENT,
                format::AWARDS,
                format::AWARD_RULE,
                format::AWARD_COMPONENTS
            ),
        )),
        Some((value, None)) => Err(IoError::Shape {
            file: file.to_owned(),
            path: "format".into(),
            indicator: None,
            line: None,
            code: Code::Shape,
            message: format!(
                "invalid type: `{value}`, expected a string: `{}` or `{}`",
                format::INSTRUMENT,
                format::ASSESSMENT
            ),
        }),
        None => Err(IoError::Shape {
            file: file.to_owned(),
            path: "format".into(),
            indicator: None,
            line: None,
            code: Code::Shape,
            message: format!(
                "missing field `format`; expected `{}` or `{}`",
                format::INSTRUMENT,
                format::ASSESSMENT
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object of `value`, by its JSON pointer (the root's is "").
    fn object_pointers(value: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                out.push(at.to_owned());
                for (k, v) in map {
                    object_pointers(
                        v,
                        &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    object_pointers(v, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// The check that streams the bytes finds exactly what the check over a
    /// tree of values finds: nothing in every fixture document, and, with
    /// any one of its objects turned into an array of its values, that
    /// array, at the same path.
    #[test]
    fn the_streaming_shape_check_finds_what_the_tree_check_finds() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let shape_of = |format: &str| match format {
            "p2ham-instrument/1" => Some(Shape::Instrument),
            "p2ham-assessment/1" => Some(Shape::Assessment),
            "p2ham-awards/1" => Some(Shape::AwardList),
            "p2ham-award-rule/1" => Some(Shape::AwardRule),
            "p2ham-award-components/1" => Some(Shape::AwardComponents),
            _ => None,
        };
        let mut folders = vec![root];
        let (mut documents, mut mutations, mut found) = (0, 0, 0);
        while let Some(dir) = folders.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixtures") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let Ok(value) =
                    serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).expect("read"))
                else {
                    continue;
                };
                let Some(shape) = value.get("format").and_then(|f| f.as_str()).and_then(shape_of) else {
                    continue;
                };
                documents += 1;
                let mut pointers = Vec::new();
                object_pointers(&value, "", &mut pointers);
                for pointer in std::iter::once(None).chain(pointers.iter().map(Some)) {
                    let mut doc = value.clone();
                    if let Some(p) = pointer {
                        let target = doc.pointer_mut(p).expect("pointer");
                        let values: Vec<serde_json::Value> =
                            target.as_object().expect("object").values().cloned().collect();
                        *target = serde_json::Value::Array(values);
                        mutations += 1;
                    }
                    let bytes = serde_json::to_vec(&doc).expect("json");
                    let path_of = |r: Result<(), IoError>| match r {
                        Ok(()) => None,
                        Err(IoError::Shape { path, .. }) => Some(path),
                        Err(e) => panic!("{e}"),
                    };
                    let tree = path_of(objects_only("d.json", &shape, &json_value(&bytes)));
                    let streamed = path_of(objects_only_in("d.json", &shape, &bytes));
                    assert_eq!(streamed, tree, "{} with {pointer:?} an array", path.display());
                    found += usize::from(tree.is_some());
                }
            }
        }
        eprintln!("{documents} documents, {mutations} objects turned into arrays, {found} found");
        assert!(
            documents >= 10 && found >= 100,
            "{documents} documents, {mutations} mutations, {found} found"
        );
    }

    #[test]
    fn a_shape_error_inside_an_answer_names_its_indicator() {
        let doc = br#"{"format": "p2ham-assessment/1", "instrument": {"id": "t", "version": "1"},
            "unit": {"id": "u", "name": "U", "kind": "kanim"}, "period": "2023", "stage": "self",
            "answers": [{"indicator": "A.01", "value": "ada"}, {"indicator": "A.07", "value": 3}]}"#;
        let e = parse_assessment("a.json", doc).unwrap_err();
        let IoError::Shape { path, indicator, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(
            (path.as_str(), indicator.as_deref()),
            ("answers[1].value", Some("A.07"))
        );
        assert!(
            e.to_string()
                .starts_with("a.json: answers[1].value (indicator A.07): "),
            "{e}"
        );
        let d = &e.diagnostics()[0];
        assert_eq!(d.indicator.as_deref(), Some("A.07"));
        // Outside the answers, or in an answer that names no indicator, none is named.
        let e = parse_assessment(
            "a.json",
            br#"{"format": "p2ham-assessment/1", "answers": [{"value": 3}]}"#,
        )
        .unwrap_err();
        assert!(matches!(e, IoError::Shape { indicator: None, .. }), "{e:?}");
    }

    #[test]
    #[cfg(feature = "toml")]
    fn line_col_never_slices_inside_a_character() {
        let text = "a = 1\nb = \"é€\"\n";
        for offset in 0..=text.len() + 3 {
            let (line, column) = line_col(text, offset);
            assert!(line >= 1 && column >= 1);
        }
        assert_eq!(line_col(text, 6), (2, 1));
    }

    #[test]
    fn clean_path_drops_the_private_number_key() {
        assert_eq!(clean_path("."), "");
        assert_eq!(
            clean_path("criteria[0].weight.$serde_json::private::Number"),
            "criteria[0].weight"
        );
        assert_eq!(clean_path("$serde_json::private::Number"), "");
        assert_eq!(clean_path("answers[1].value"), "answers[1].value");
    }

    #[test]
    #[cfg(feature = "toml")]
    fn a_toml_date_time_is_refused_with_its_path() {
        let err = from_toml::<serde_json::Value>("i.toml", "version = 2023-01-01\n").unwrap_err();
        match err {
            IoError::Shape { path, message, .. } => {
                assert_eq!(path, "version");
                assert!(message.contains("date-time"), "{message}");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let doc = br#"{"format": "p2ham-instrument/1"}"#;
        let with_bom = [&b"\xEF\xBB\xBF"[..], doc].concat();
        assert_eq!(
            detect_kind("x.json", &with_bom, false).unwrap(),
            DocumentKind::Instrument
        );
        // The TOML form needs the `toml` feature.
        #[cfg(feature = "toml")]
        assert_eq!(
            detect_kind(
                "x.toml",
                "\u{feff}format = \"p2ham-assessment/1\"".as_bytes(),
                true
            )
            .unwrap(),
            DocumentKind::Assessment
        );
        let v: serde_json::Value = from_json("x.json", &with_bom).unwrap();
        assert_eq!(v["format"], "p2ham-instrument/1");
    }

    #[test]
    fn detect_kind_names_a_non_object_or_non_string_format() {
        for (bytes, path) in [(&b"[]"[..], ""), (b"null", ""), (br#"{"format": 1}"#, "format")] {
            match detect_kind("x.json", bytes, false) {
                Err(IoError::Shape { path: p, code, .. }) => {
                    assert_eq!(p, path);
                    assert_eq!(code, Code::Shape);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_syntax_error_at_the_end_has_a_1_based_column() {
        match from_json::<Assessment>("x.json", b"{\n") {
            Err(IoError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 1)),
            other => panic!("{other:?}"),
        }
    }
}
