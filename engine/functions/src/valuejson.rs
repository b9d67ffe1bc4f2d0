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
        // Terraform reads the document token by token, so running out of
        // input is reported as Go's io.EOF.
        let m = e.to_string();
        if m == "unexpected end of JSON input" || m.starts_with("unexpected end of JSON input") {
            "EOF".to_string()
        } else {
            m
        }
    })
}
