//! JSON text exactly as Go's `encoding/json` writes it: `<`, `>`, `&`,
//! U+2028 and U+2029 escaped, keys in the order given (callers insert map
//! keys sorted, as Go sorts them), compact or indented by two spaces.

use serde_json::Value as J;

/// Compact JSON.
pub fn to_string(v: &J) -> String {
    let mut out = String::new();
    write(v, None, 0, &mut out);
    out
}

/// JSON indented by two spaces per level (Go's `MarshalIndent(v, "", "  ")`).
pub fn to_string_pretty(v: &J) -> String {
    let mut out = String::new();
    write(v, Some("  "), 0, &mut out);
    out
}

fn newline(ind: Option<&str>, depth: usize, out: &mut String) {
    if let Some(i) = ind {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(i);
        }
    }
}

fn write(v: &J, ind: Option<&str>, depth: usize, out: &mut String) {
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => out.push_str(&number_text(n)),
        J::String(s) => terrane_value::json::write_json_string(s, out),
        J::Array(xs) => {
            if xs.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(ind, depth + 1, out);
                write(x, ind, depth + 1, out);
            }
            newline(ind, depth, out);
            out.push(']');
        }
        J::Object(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(ind, depth + 1, out);
                terrane_value::json::write_json_string(k, out);
                out.push(':');
                if ind.is_some() {
                    out.push(' ');
                }
                write(x, ind, depth + 1, out);
            }
            newline(ind, depth, out);
            out.push('}');
        }
    }
}

/// Numbers in plain decimal (no exponent), as cty writes them.
fn number_text(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let text = n.to_string();
    if !text.contains(['e', 'E']) {
        return text;
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e300 => format!("{f:.0}"),
        Some(f) => {
            let s = format!("{f:.20}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_like_go() {
        let v: J = serde_json::json!({"a": "<x&y>", "b": [1, 2.5]});
        assert_eq!(to_string(&v), r#"{"a":"\u003cx\u0026y\u003e","b":[1,2.5]}"#);
        assert_eq!(
            to_string_pretty(&v),
            "{\n  \"a\": \"\\u003cx\\u0026y\\u003e\",\n  \"b\": [\n    1,\n    2.5\n  ]\n}"
        );
    }
}
