//! The responses every operation can answer, derived from what the operation
//! is rather than listed by hand, so the document cannot drift from the
//! extractors and layers that answer them: a secured operation can answer 401
//! and 403, one with path parameters 404, one with parameters 400, one with a
//! JSON body 400, 413, 415 and 422, one with any body 408 and 413. Every
//! response gets a description, and every error the one JSON error shape.
//! The documents and reports of `docs/schema/` are components of the
//! document (`p2ham.<kind>`, the published schema with its `$defs` inside),
//! and the operations that send or read one reference them.

use serde_json::{json, Map, Value};

use crate::proto::ReportFormat;
use crate::service::{ALL_FORMATS, AWARD_FORMATS, LETTER_FORMATS};

/// The document with every derivable response added and every response described.
pub(crate) fn complete(doc: &utoipa::openapi::OpenApi) -> Value {
    let mut v = serde_json::to_value(doc).expect("the OpenAPI document serialises");
    embed_published(&mut v);
    constrain(&mut v);
    if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if let Some(op) = op.as_object_mut() {
                    complete_operation(op, method == "head");
                }
            }
        }
    }
    v
}

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// The formats each report operation offers in `format`: the lists the
/// handlers choose from, so a format offered is a format answered.
fn offered_formats(operation: &str) -> Option<&'static [ReportFormat]> {
    Some(match operation {
        "score_report" | "compare_report" | "rollup_report" | "history" => &ALL_FORMATS,
        "letter_report" => &LETTER_FORMATS,
        "get_awards" => &AWARD_FORMATS,
        "diff_instruments" => &super::stages::DIFF_FORMATS,
        _ => return None,
    })
}

fn complete_operation(op: &mut Map<String, Value>, head: bool) {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if let Some(formats) = offered_formats(&id) {
        let names: Vec<Value> = formats
            .iter()
            .map(|f| serde_json::to_value(f).expect("a format serialises"))
            .collect();
        for p in op
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if p.get("name").and_then(Value::as_str) == Some("format") {
                p["schema"] = json!({"type": "string", "enum": names});
            }
        }
    }
    // A body of bytes (a PDF, a photo, a tus chunk) is described by its media
    // type alone, as the CSV and spreadsheet bodies are: not as an array of
    // integers, which is how a `Vec<u8>` would read as JSON.
    if let Some(content) = op
        .get_mut("requestBody")
        .and_then(|b| b.get_mut("content"))
        .and_then(Value::as_object_mut)
    {
        for (media, body) in content.iter_mut() {
            let bytes = body.pointer("/schema/type") == Some(&json!("array"))
                && body.pointer("/schema/items/type") == Some(&json!("integer"));
            if bytes && !media.contains("json") {
                *body = json!({});
            }
        }
    }
    // The tus protocol's version header has one value.
    for p in op
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if p.get("name").and_then(Value::as_str) == Some("Tus-Resumable") {
            p["schema"] = json!({"type": "string", "enum": [crate::service::TUS_VERSION]});
        }
    }
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty() && s.iter().all(|r| r.as_object().is_some_and(|r| !r.is_empty())));
    let params: Vec<String> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p.get("in").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let body_types: Vec<String> = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let json_body = body_types.iter().any(|t| t == "application/json");
    let login = op.get("operationId").and_then(Value::as_str) == Some("login");

    let mut derived: Vec<(&str, Value)> = Vec::new();
    if secured {
        derived.push((
            "401",
            error("No valid session cookie or bearer API token (`unauthenticated`)"),
        ));
        derived.push((
            "403",
            error("The caller's role or scope may not do this (`forbidden`), or a change by session without its CSRF token (`csrf`)"),
        ));
    }
    if params.iter().any(|p| p == "path") {
        derived.push((
            "404",
            error("Nothing of that id, or outside the caller's scope (`not-found`)"),
        ));
    }
    if json_body {
        derived.push((
            "400",
            error("The body is not well-formed JSON (`bad-request-body`), or a value is invalid (`invalid`); the message names the field"),
        ));
        derived.push((
            "415",
            error("The body is not sent as `application/json` (`not-json`)"),
        ));
        derived.push((
            "422",
            error("The JSON does not have the request's shape: a field missing, unknown or of the wrong type (`bad-request-body`)"),
        ));
    } else if params.iter().any(|p| p == "query") {
        derived.push((
            "400",
            error("A query parameter that cannot be read (`invalid-query`); the message names it"),
        ));
    } else if params.iter().any(|p| p == "path") {
        derived.push((
            "400",
            error("A path parameter that cannot be read (`invalid-path`)"),
        ));
    }
    if !body_types.is_empty() {
        derived.push((
            "408",
            error("The body stopped arriving, or arrived too slowly (`timeout`)"),
        ));
        derived.push((
            "413",
            error("The body is larger than the server's limit (`too-large`)"),
        ));
    }
    if login {
        let mut limited =
            error("Too many failed logins for this username from this address (`rate-limited`)");
        limited["headers"] = json!({"Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "minimum": 1}
        }});
        derived.push(("429", limited));
    }

    let responses = op
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("responses is an object");
    for (status, mut response) in derived {
        if head {
            // An answer to HEAD has no body.
            if let Some(r) = response.as_object_mut() {
                r.remove("content");
            }
        }
        match responses.get_mut(status) {
            None => {
                responses.insert(status.to_owned(), response);
            }
            Some(existing) => {
                // A hand-written response keeps its content; it gains the headers derived.
                if let (Some(headers), Some(e)) = (response.get("headers"), existing.as_object_mut()) {
                    e.entry("headers").or_insert_with(|| headers.clone());
                }
                if existing
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .is_empty()
                {
                    existing["description"] = response["description"].clone();
                }
            }
        }
    }
    for (status, response) in responses.iter_mut() {
        let empty = response
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty();
        if empty {
            response["description"] = Value::String(default_description(status).to_owned());
        }
    }
}

/// What a status means when the operation says nothing more.
fn default_description(status: &str) -> &'static str {
    match status {
        "200" => "Done; the body is the answer",
        "201" => "Created",
        "204" => "Done; no body",
        "400" => "A value of the request is invalid (`invalid`); the message names it",
        "401" => "No valid session cookie or bearer API token (`unauthenticated`)",
        "403" => "The caller's role or scope may not do this (`forbidden`)",
        "404" => "Nothing of that id, or outside the caller's scope (`not-found`)",
        "406" => "The report has no such format (`unsupported-format`)",
        "409" => "The state of the object does not allow this; the code says why",
        "412" => "A resumable upload request without `Tus-Resumable: 1.0.0` (`tus-version`)",
        "413" => "The body is larger than the server's limit (`too-large`)",
        "415" => "The body's type is not one the operation accepts (`wrong-type`)",
        "422" => "A document was refused; the diagnostics say why (`invalid-document`)",
        "423" => "The period's window for this action is not open (`window-not-open`, `window-closed`)",
        "429" => "Too many requests (`rate-limited`)",
        "503" => "The database does not answer (`database-unavailable`)",
        _ => "See the error's code",
    }
}

/// Which operations send or answer a published document: operation, where
/// (`requestBody` or a status), media type, schema (`docs/schema/<kind>.schema.json`).
const PUBLISHED: &[(&str, &str, &str, &str)] = &[
    ("score_report", "200", "application/json", "score"),
    ("compare_report", "200", "application/json", "compare"),
    ("letter_report", "200", "application/json", "compare"),
    ("rollup_report", "200", "application/json", "rollup"),
    ("history", "200", "application/json", "history"),
    ("get_awards", "200", "application/json", "awards"),
    ("get_previous_awards", "200", "application/json", "awards"),
    ("diff_instruments", "200", "application/json", "instrument-diff"),
    ("get_instrument", "200", "application/json", "instrument"),
    ("get_self_assessment", "200", "application/json", "assessment"),
    ("get_verification", "200", "application/json", "assessment"),
    (
        "put_self_assessment",
        "requestBody",
        "application/json",
        "assessment",
    ),
    (
        "put_verification",
        "requestBody",
        "application/json",
        "assessment",
    ),
    ("add_instrument", "requestBody", "application/json", "instrument"),
    ("put_previous_awards", "requestBody", "application/json", "awards"),
    ("put_award_rule", "requestBody", "application/json", "award-rule"),
    ("get_award_rule", "200", "application/json", "award-rule"),
    (
        "get_period_components",
        "200",
        "application/json",
        "award-components",
    ),
];

/// The component name of a published schema.
fn component(kind: &str) -> String {
    format!("p2ham.{kind}")
}

/// A published schema as a component: without `$schema` and `$id` (its
/// references resolve inside this document), its `$defs` kept inside it.
fn as_component(kind: &p2ham_io::schema::SchemaKind) -> Value {
    let mut schema = kind.schema();
    if let Some(m) = schema.as_object_mut() {
        m.remove("$schema");
        if let Some(id) = m.remove("$id") {
            let about = format!("The published schema {}", id.as_str().unwrap_or(kind.name));
            m.entry("description").or_insert(Value::String(about));
        }
    }
    let base = format!("#/components/schemas/{}/$defs/", component(kind.name));
    rebase(&mut schema, &base);
    schema
}

fn rebase(v: &mut Value, base: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "$ref" {
                    if let Some(r) = x.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                        *x = Value::String(format!("{base}{r}"));
                    }
                } else {
                    rebase(x, base);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rebase(x, base)),
        _ => {}
    }
}

fn embed_published(doc: &mut Value) {
    let mut used: Vec<&str> = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                for (_, at, media, kind) in PUBLISHED.iter().filter(|(o, ..)| *o == id) {
                    let content = if *at == "requestBody" {
                        op.pointer_mut("/requestBody/content")
                    } else {
                        op.get_mut("responses")
                            .and_then(|r| r.get_mut(*at))
                            .and_then(|r| r.get_mut("content"))
                    };
                    let slot = content
                        .and_then(Value::as_object_mut)
                        .and_then(|c| c.get_mut(*media))
                        .unwrap_or_else(|| panic!("{id}: no {media} at {at} to give the schema {kind}"));
                    slot["schema"] = json!({"$ref": format!("#/components/schemas/{}", component(kind))});
                    used.push(kind);
                }
            }
        }
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the document has component schemas");
    for kind in p2ham_io::schema::SCHEMAS
        .iter()
        .filter(|k| used.contains(&k.name))
    {
        schemas.insert(component(kind.name), as_component(kind));
    }
}

/// What [`crate::types::plain_text`] refuses in one line: control characters
/// and the invisible marks of `p2ham_report::sanitize::is_invisible_mark`.
const HIDDEN: &str =
    r"\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff";
/// The same in text of several lines, where tabs and line breaks are allowed.
const HIDDEN_MULTILINE: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff";

/// One line of plain text with at least one visible character.
fn nonblank_line() -> Value {
    json!({"pattern": format!(r"^[^{HIDDEN}]*[^\s{HIDDEN}][^{HIDDEN}]*$")})
}

/// Plain text of several lines, maybe empty.
fn text() -> Value {
    json!({"pattern": format!("^[^{HIDDEN_MULTILINE}]*$")})
}

/// Plain text of several lines with at least one visible character.
fn nonblank_text() -> Value {
    json!({"pattern": format!(r"^[^{HIDDEN_MULTILINE}]*[^\s{HIDDEN_MULTILINE}][^{HIDDEN_MULTILINE}]*$")})
}

/// A calendar date or an RFC 3339 time, as `types::parse_instant` reads a window's bound.
fn instant() -> Value {
    json!({"anyOf": [date(), {"format": "date-time"}]})
}

/// A calendar date, `YYYY-MM-DD`.
fn date() -> Value {
    json!({"format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})
}

/// An id of a user or a period: what `admin::valid_id` accepts.
fn plain_id() -> Value {
    json!({"pattern": "^[a-z0-9._-]{1,64}$"})
}

/// A unit's id, as assessments name it.
fn unit_id() -> Value {
    json!({"pattern": p2ham_io::model::UNIT_ID_PATTERN, "maxLength": 64})
}

/// An operator belongs to a unit and a verifier to an office; nobody else to
/// either (one of these, by role).
fn role_membership() -> Value {
    json!([
        {"properties": {"role": {"const": "operator"}, "unit": {"type": "string"}, "office": {"type": "null"}},
         "required": ["role", "unit"]},
        {"properties": {"role": {"const": "verifier"}, "office": {"type": "string"}, "unit": {"type": "null"}},
         "required": ["role", "office"]},
        {"properties": {"role": {"enum": ["evaluator", "admin"]}, "unit": {"type": "null"}, "office": {"type": "null"}},
         "required": ["role"]}
    ])
}

/// The rules the service enforces on request bodies, as JSON Schema: each
/// (component, property, keywords to add); the property `""` is the object itself.
fn constraints() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("LoginRequest", "username", json!({"minLength": 1})),
        ("NewToken", "name", nonblank_line()),
        ("NewUser", "username", plain_id()),
        ("NewUser", "name", nonblank_line()),
        ("NewUser", "office", nonblank_line()),
        (
            "NewUser",
            "password",
            json!({"minLength": crate::admin::MIN_PASSWORD_CHARS}),
        ),
        ("NewUser", "", json!({"oneOf": role_membership()})),
        ("UserProfile", "name", nonblank_line()),
        ("UserProfile", "office", nonblank_line()),
        ("UserProfile", "", json!({"oneOf": role_membership()})),
        ("PublicPhotoRequest", "indicator", nonblank_line()),
        ("NewUnit", "id", unit_id()),
        ("NewUnit", "name", nonblank_line()),
        ("NewUnit", "kind", nonblank_line()),
        ("NewUnit", "office", nonblank_line()),
        ("NewPeriod", "id", plain_id()),
        (
            "NewPeriod",
            "instrument",
            json!({"anyOf": [
                {"enum": p2ham_io::BUILTINS.iter().map(|b| b.id).collect::<Vec<_>>()},
                {"pattern": "^[0-9a-f]{64}$"}
            ]}),
        ),
        ("NewPeriod", "previous", plain_id()),
        ("NewUser", "unit", unit_id()),
        ("UserProfile", "unit", unit_id()),
        ("ExclusionRequest", "unit", unit_id()),
        ("PreviousPeriodRequest", "previous", plain_id()),
        ("NewPeriod", "self_opens", instant()),
        ("NewPeriod", "self_closes", instant()),
        ("NewPeriod", "verification_opens", instant()),
        ("NewPeriod", "verification_closes", instant()),
        ("ReturnRequest", "comments", json!({"minItems": 1})),
        ("CommentInput", "comment", nonblank_text()),
        ("EvaluateRequest", "note", text()),
        (
            "DecreeRequest",
            "number",
            merge(nonblank_line(), json!({"maxLength": 500})),
        ),
        ("DecreeRequest", "date", date()),
        (
            "DecreeRequest",
            "issuer",
            merge(nonblank_line(), json!({"maxLength": 500})),
        ),
        (
            "ExclusionRequest",
            "reason",
            merge(nonblank_text(), json!({"maxLength": 2000})),
        ),
        (
            "PublicPhotoRequest",
            "caption",
            merge(
                nonblank_line(),
                json!({"maxLength": p2ham_io::public::PUBLIC_CAPTION_MAX_CHARS}),
            ),
        ),
        (
            "PublicPhotoRequest",
            "no_faces_or_personal_data",
            json!({"const": true}),
        ),
    ]
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn constrain(doc: &mut Value) {
    for (component, property, keywords) in constraints() {
        let schema = doc
            .pointer_mut(&format!("/components/schemas/{component}"))
            .unwrap_or_else(|| panic!("no component {component} to constrain"));
        let target = if property.is_empty() {
            schema
        } else {
            schema
                .pointer_mut(&format!("/properties/{property}"))
                .unwrap_or_else(|| panic!("{component} has no property {property}"))
        };
        let target = target.as_object_mut().expect("a schema is an object");
        if let Value::Object(k) = keywords {
            target.extend(k);
        }
    }
}
