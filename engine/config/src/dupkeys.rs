//! Tolerating duplicate keys in object constructors (`{ a = 1, a = 2 }`),
//! which Terraform accepts (last wins) and `hcl-edit` rejects.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Body;
use hcl_edit::visit_mut::{visit_expr_mut, VisitMut};
use hcl_edit::Span;

/// Replaces the key starting at (or after whitespace from) `off` with a
/// placeholder of the same byte length, the `n`-th candidate. Returns the
/// key's start offset and its original text.
pub fn rename_at(text: &mut String, off: usize, n: usize) -> Option<(usize, String)> {
    let rest = text.get(off..)?;
    let lead = rest.len() - rest.trim_start().len();
    let start = off + lead;
    let rest = text.get(start..)?;
    let quoted = rest.starts_with('"');
    let len = if let Some(inner) = rest.strip_prefix('"') {
        let mut i = 0;
        let bytes = inner.as_bytes();
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        i + 2
    } else {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len())
    };
    let orig = text.get(start..start + len)?.to_string();
    let placeholder = placeholder(len, n, quoted)?;
    text.replace_range(start..start + len, &placeholder);
    Some((start, orig))
}

/// The `n`-th ASCII-letter candidate of `len` bytes (quotes included when quoted).
fn placeholder(len: usize, n: usize, quoted: bool) -> Option<String> {
    const LETTERS: &[u8] = b"QZXJKVWYqzxjkvwyABCDEFGHILMNOPRSTUabcdefghilmnoprstu";
    let width = if quoted { len.checked_sub(2)? } else { len };
    if width == 0 {
        return None;
    }
    let mut chars = vec![b'Q'; width];
    let mut k = n + 1;
    for slot in chars.iter_mut() {
        if k == 0 {
            break;
        }
        *slot = LETTERS[k % LETTERS.len()];
        k /= LETTERS.len();
    }
    if k > 0 {
        return None;
    }
    let body = String::from_utf8(chars).ok()?;
    Some(if quoted { format!("\"{body}\"") } else { body })
}

struct Restore<'a> {
    renamed: &'a [(usize, String)],
}

impl VisitMut for Restore<'_> {
    fn visit_expr_mut(&mut self, node: &mut Expression) {
        visit_expr_mut(self, node);
        let Expression::Object(obj) = node else {
            return;
        };
        let keys: Vec<ObjectKey> = obj.iter().map(|(k, _)| k.clone()).collect();
        for key in keys {
            let Some(start) = key_start(&key) else {
                continue;
            };
            let Some((_, orig)) = self.renamed.iter().find(|(off, _)| *off == start) else {
                continue;
            };
            let Ok(restored) = hcl_edit::parser::parse_expr(&format!("{{{orig} = null}}")) else {
                continue;
            };
            let Expression::Object(tmp) = restored else {
                continue;
            };
            let Some((new_key, _)) = tmp.iter().next() else {
                continue;
            };
            let new_key = new_key.clone();
            let Some(value) = obj.remove(&key) else {
                continue;
            };
            obj.remove(&new_key);
            obj.insert(new_key, value);
        }
    }
}

fn key_start(k: &ObjectKey) -> Option<usize> {
    match k {
        ObjectKey::Ident(i) => i.span().map(|s| s.start),
        ObjectKey::Expression(e) => e.span().map(|s| s.start),
    }
}

/// Restores renamed keys, dropping the earlier duplicates they replace.
pub fn restore(body: &mut Body, renamed: &[(usize, String)]) {
    let mut r = Restore { renamed };
    r.visit_body_mut(body);
}

/// Removes the renamed second definitions of arguments, returning
/// (second name span, first name span, name) for each.
pub fn drop_redefined(
    body: &mut Body,
    renamed: &[(usize, String)],
) -> Vec<crate::source::Redefined> {
    let mut out = Vec::new();
    drop_in(body, renamed, &mut out);
    out
}

fn drop_in(body: &mut Body, renamed: &[(usize, String)], out: &mut Vec<crate::source::Redefined>) {
    let mut i = 0;
    while i < body.len() {
        let mut remove = None;
        if let Some(s) = body.get_mut(i) {
            match s {
                hcl_edit::structure::Structure::Attribute(a) => {
                    let start = a.key.span().map(|s| s.start);
                    if let Some((_, orig)) = renamed.iter().find(|(o, _)| Some(*o) == start) {
                        remove = Some((a.key.span().unwrap_or(0..0), orig.clone()));
                    }
                }
                hcl_edit::structure::Structure::Block(b) => drop_in(&mut b.body, renamed, out),
            }
        }
        if let Some((span, name)) = remove {
            let first = body
                .get_attribute(&name)
                .and_then(|a| a.key.span())
                .unwrap_or(0..0);
            out.push((span.start..span.start + name.len(), first, name));
            body.remove(i);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn last_duplicate_key_wins() {
        let body = crate::source::parse_native(
            "x = { a = 1, bb = 2, a = 3, \"k\" = 4, \"k\" = 5, bb = 6 }\n",
        )
        .unwrap();
        let attr = body.get_attribute("x").unwrap();
        let Expression::Object(o) = &attr.value else {
            panic!("not an object")
        };
        let shown: Vec<String> = o
            .iter()
            .map(|(k, v)| {
                let k = match k {
                    ObjectKey::Ident(i) => i.to_string(),
                    ObjectKey::Expression(e) => e.to_string(),
                };
                format!("{}={}", k.trim(), v.expr().to_string().trim())
            })
            .collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown.contains(&"a=3".to_string()), "{shown:?}");
        assert!(shown.contains(&"bb=6".to_string()), "{shown:?}");
        assert!(shown.contains(&"\"k\"=5".to_string()), "{shown:?}");
    }
}
