//! JSON for `jsonencode`, `jsondecode` and `format("%#v")`: thin adapters
//! over the value model's encoder and decoder that word errors as the
//! functions report them.

use terrane_value::Value;

/// Encodes a wholly known value as Terraform's `jsonencode` does (keys
/// sorted, `<`, `>` and `&` escaped as Go does); delegates to the value
/// model's encoder.
pub fn json_encode(v: &Value) -> Result<String, String> {
    v.to_json_string().map_err(|e| e.to_string())
}

/// Decodes JSON text into a value of the implied type (objects, tuples,
/// numbers, strings, bools, untyped nulls), as Terraform's `jsondecode`.
pub fn json_decode(s: &str) -> Result<Value, String> {
    Value::from_json_str(s).map_err(|e| {
        // Terraform reads the document token by token with Go's decoder,
        // whose words differ from a whole-document parser's.
        let m = e.to_string();
        if m.starts_with("unexpected end of JSON input") {
            eof_kind(s).to_string()
        } else if m.contains("after top-level value") {
            "extraneous data after JSON object".to_string()
        } else if let Some(rest) = m.strip_suffix(" looking for beginning of object key string") {
            if first_key_position(s) {
                rest.to_string()
            } else {
                m
            }
        } else {
            m
        }
    })
}

/// Go's decoder says "EOF" when input ends between tokens and "unexpected
/// EOF" when it ends inside one (a string, number or literal).
fn eof_kind(s: &str) -> &'static str {
    let t = s.trim_end();
    let Some(last) = t.chars().last() else {
        return "EOF";
    };
    let in_string = t.chars().fold((false, false), |(open, esc), c| match c {
        _ if esc => (open, false),
        '\\' if open => (open, true),
        '"' => (!open, false),
        _ => (open, false),
    });
    if in_string.0 {
        return "unexpected EOF";
    }
    if matches!(last, '{' | '[' | '"' | '}' | ']' | ',' | ':') {
        return "EOF";
    }
    let word: String = t
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let complete = matches!(word.as_str(), "true" | "false" | "null")
        || word.ends_with(|c: char| c.is_ascii_digit());
    if complete {
        "EOF"
    } else {
        "unexpected EOF"
    }
}

/// True when the bad character comes right after `{` (Go's decoder then
/// gives no context in its message).
fn first_key_position(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('{') && !t[1..].trim_start().starts_with('"')
}
