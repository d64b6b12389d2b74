//! The OpenAPI subset in `spec/chatwoot-subset.json` and a small validator
//! for it: every request the fake receives and every answer it gives is
//! checked, so Warmline cannot come to rely on something Chatwoot does not
//! publish, and the fake cannot drift from what it imitates.
//!
//! The validator knows the parts of JSON Schema the subset uses: `$ref`,
//! `type` (one or a list, with `null`), `nullable`, `enum`, `properties`,
//! `required`, `additionalProperties`, `items`.

use std::sync::OnceLock;

use serde_json::Value;

/// The spec's text, as shipped beside the fake.
pub const SPEC_JSON: &str = include_str!("../spec/chatwoot-subset.json");

/// The parsed spec.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(SPEC_JSON).expect("the spec is valid JSON"))
}

/// One operation of the spec, found by method and concrete path.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The path template, e.g. `/public/api/v1/inboxes/{inbox_identifier}/contacts`.
    pub template: &'static str,
    /// The path parameters by name, in template order.
    pub params: Vec<(&'static str, String)>,
    operation: &'static Value,
}

impl Operation {
    /// The operation at `method` `path`, or `None` when the spec has none.
    pub fn find(method: &str, path: &str) -> Option<Self> {
        let paths = spec()["paths"].as_object()?;
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        for (template, item) in paths {
            let parts: Vec<&'static str> = template.split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut params = Vec::new();
            let matched = parts.iter().zip(&segments).all(|(part, segment)| {
                if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    params.push((name, (*segment).to_owned()));
                    !segment.is_empty()
                } else {
                    part == segment
                }
            });
            if matched {
                let operation = item.get(method.to_ascii_lowercase())?;
                return Some(Self {
                    template: template.as_str(),
                    params,
                    operation,
                });
            }
        }
        None
    }

    /// The operation's id in the spec.
    pub fn id(&self) -> &'static str {
        self.operation["operationId"].as_str().unwrap_or("")
    }

    /// A path parameter by name.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Checks a request: its query parameters and its JSON body.
    pub fn check_request(&self, query: &[(String, String)], body: Option<&Value>) -> Vec<String> {
        let mut problems = Vec::new();
        let declared = self.operation["parameters"].as_array();
        for (name, value) in query {
            let parameter = declared.and_then(|all| {
                all.iter()
                    .find(|p| p["in"] == "query" && p["name"] == name.as_str())
            });
            match parameter {
                None => problems.push(format!("query parameter {name:?} is not in the spec")),
                Some(parameter) => {
                    let schema = &parameter["schema"];
                    let value = if schema["type"] == "integer" {
                        match value.parse::<i64>() {
                            Ok(n) => Value::from(n),
                            Err(_) => {
                                problems.push(format!("query {name}={value:?} is not an integer"));
                                continue;
                            }
                        }
                    } else {
                        Value::from(value.as_str())
                    };
                    validate(schema, &value, &format!("query.{name}"), &mut problems);
                }
            }
        }
        for parameter in declared.into_iter().flatten() {
            if parameter["in"] == "query"
                && parameter["required"] == true
                && !query.iter().any(|(n, _)| parameter["name"] == n.as_str())
            {
                problems.push(format!("query parameter {} is required", parameter["name"]));
            }
        }
        let request_body = &self.operation["requestBody"];
        match (request_body.is_object(), body) {
            (false, Some(Value::Object(map))) if map.is_empty() => {}
            (false, Some(_)) => problems.push("the operation takes no body".to_owned()),
            (false, None) => {}
            (true, None) if request_body["required"] == true => {
                problems.push("a JSON body is required".to_owned())
            }
            (true, None) => {}
            (true, Some(body)) => validate(
                &request_body["content"]["application/json"]["schema"],
                body,
                "body",
                &mut problems,
            ),
        }
        problems
    }

    /// Checks an answer: its status is declared and its body fits.
    pub fn check_response(&self, status: u16, body: Option<&Value>) -> Vec<String> {
        let mut problems = Vec::new();
        let Some(response) = self.operation["responses"].get(status.to_string()) else {
            return vec![format!("status {status} is not declared")];
        };
        let schema = &response["content"]["application/json"]["schema"];
        match (schema.is_null(), body) {
            (true, None) => {}
            (true, Some(_)) => problems.push(format!("status {status} declares no body")),
            (false, None) => problems.push(format!("status {status} needs a body")),
            (false, Some(body)) => validate(schema, body, "response", &mut problems),
        }
        problems
    }

    /// The header that carries the operation's API key, if it takes one.
    pub fn api_key_header(&self) -> Option<&'static str> {
        let scheme = self.operation["security"]
            .as_array()?
            .first()?
            .as_object()?;
        let name = scheme.keys().next()?;
        spec()["components"]["securitySchemes"][name]["name"].as_str()
    }
}

/// Checks `value` against the component schema `name`.
pub fn check_component(name: &str, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let schema = &spec()["components"]["schemas"][name];
    assert!(schema.is_object(), "no schema {name} in the spec");
    validate(schema, value, name, &mut problems);
    problems
}

fn resolve(schema: &Value) -> &Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            let target = spec()
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling {reference}"));
            resolve(target)
        }
        None => schema,
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn validate(schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(schema);
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let nullable = schema["nullable"] == true;
    let fits = types.is_empty()
        || types.iter().any(|t| type_matches(t, value))
        || (nullable && value.is_null());
    if !fits {
        problems.push(format!("{at}: expected {types:?}, got {value}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            problems.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let Value::Object(map) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            if let Some(name) = name.as_str() {
                if !map.contains_key(name) {
                    problems.push(format!("{at}: {name} is required"));
                }
            }
        }
        let properties = schema["properties"].as_object();
        for (key, item) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => validate(property, item, &format!("{at}.{key}"), problems),
                None if schema["additionalProperties"] == false => {
                    problems.push(format!("{at}: {key} is not in the spec"))
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(item_schema, item, &format!("{at}[{i}]"), problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_operations_by_concrete_path() {
        let op = Operation::find(
            "POST",
            "/public/api/v1/inboxes/abc/contacts/s-1/conversations/7/messages",
        )
        .unwrap();
        assert_eq!(op.id(), "create-a-message");
        assert_eq!(op.param("conversation_id"), "7");
        assert!(Operation::find("DELETE", "/public/api/v1/inboxes/abc/contacts").is_none());
    }

    #[test]
    fn a_stray_field_or_a_wrong_type_is_caught() {
        let op = Operation::find(
            "POST",
            "/public/api/v1/inboxes/abc/contacts/s-1/conversations/7/messages",
        )
        .unwrap();
        assert!(op
            .check_request(&[], Some(&json!({"content": "hi", "echo_id": "x"})))
            .is_empty());
        assert_eq!(
            op.check_request(&[], Some(&json!({"content": "hi", "client_id": "x"})))
                .len(),
            1
        );
        assert_eq!(op.check_request(&[], Some(&json!({"content": 5}))).len(), 1);
        let bad = json!({"id": "1", "message_type": 0, "created_at": 1, "conversation_id": 1});
        assert_eq!(op.check_response(200, Some(&bad)).len(), 1);
        assert_eq!(op.check_response(500, None).len(), 1);
    }

    #[test]
    fn query_parameters_are_checked() {
        let op = Operation::find(
            "GET",
            "/public/api/v1/inboxes/abc/contacts/s-1/conversations/7/messages",
        )
        .unwrap();
        assert!(op
            .check_request(&[("before".into(), "12".into())], None)
            .is_empty());
        assert_eq!(
            op.check_request(&[("before".into(), "x".into())], None)
                .len(),
            1
        );
        assert_eq!(
            op.check_request(&[("after".into(), "1".into())], None)
                .len(),
            1
        );
    }
}
