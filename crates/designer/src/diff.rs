//! What changed between two program definitions, field by field: the JSON of each walked
//! together, schemes, tiers and badges matched by id (so a reordering is not a change), other
//! lists by position. Each change names its path (`schemes[q-sales].payout.slabs[0].pay.percent`)
//! with the value before and after (`None`: absent on that side).

use serde_json::Value;

use mitra_scheme::Program;

#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every change from `a` to `b`, in the order of `b`'s fields (removed ones after).
pub fn changes(a: &Program, b: &Program) -> Vec<Change> {
    let (a, b) = (serde_json::to_value(a).unwrap_or(Value::Null), serde_json::to_value(b).unwrap_or(Value::Null));
    let mut out = Vec::new();
    walk("", Some(&a), Some(&b), &mut out);
    out
}

/// Lists whose items carry an `id` are matched by it.
fn keyed(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|v| v.get("id").and_then(Value::as_str).is_some())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            for (k, v) in y {
                walk(&join(path, k), x.get(k), Some(v), out);
            }
            for (k, v) in x {
                if !y.contains_key(k) {
                    walk(&join(path, k), Some(v), None, out);
                }
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if keyed(x) || keyed(y) => {
            let id = |v: &Value| v.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
            for v in y {
                let key = id(v);
                walk(&format!("{path}[{key}]"), x.iter().find(|w| id(w) == key), Some(v), out);
            }
            for v in x {
                let key = id(v);
                if !y.iter().any(|w| id(w) == key) {
                    out.push(Change { path: format!("{path}[{key}]"), before: Some(v.clone()), after: None });
                }
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                walk(&format!("{path}[{i}]"), x.get(i), y.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Change { path: path.to_string(), before: a.cloned(), after: b.cloned() }),
    }
}
