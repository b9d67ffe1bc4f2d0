//! `aws_iam_policy_document`: a pure data source that renders IAM policy
//! JSON exactly as the real provider does (Go's `encoding/json` output:
//! field order, two-space indentation, HTML-safe escaping; single-element
//! lists as strings; actions/resources/identifiers in reverse sorted order;
//! condition values in the order written; Sid-based merging of source and
//! override documents; `&{` → `${`).

use crate::client::Aws;
use crate::framework::s::*;
use crate::framework::{invalid, DataSource, Error};
use crate::vals::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{Attribute, Block, Schema};
use terrane_value::{Type, Value};

pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![Arc::new(PolicyDocDs)]
}

/// A string or a list of strings, as IAM JSON allows.
#[derive(Debug, Clone, PartialEq)]
enum Strs {
    One(String),
    Many(Vec<String>),
}

impl Strs {
    fn json(&self) -> J {
        match self {
            Strs::One(s) => J::Str(s.clone()),
            Strs::Many(v) => J::Arr(v.iter().cloned().map(J::Str).collect()),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Stmt {
    sid: String,
    effect: String,
    action: Option<J>,
    not_action: Option<J>,
    resource: Option<J>,
    not_resource: Option<J>,
    principals: Vec<(String, Strs)>,
    not_principals: Vec<(String, Strs)>,
    conditions: Vec<(String, String, Strs)>,
}

#[derive(Debug, Clone, Default)]
struct Doc {
    version: String,
    id: String,
    statements: Vec<Stmt>,
}

impl Doc {
    fn merge(&mut self, new: Doc) {
        if !new.id.is_empty() {
            self.id = new.id;
        }
        if new.version > self.version {
            self.version = new.version;
        }
        for st in new.statements {
            if st.sid.is_empty() {
                self.statements.push(st);
                continue;
            }
            match self.statements.iter_mut().find(|s| s.sid == st.sid) {
                Some(existing) => *existing = st,
                None => self.statements.push(st),
            }
        }
    }

    fn to_json(&self) -> J {
        let mut o = Vec::new();
        if !self.version.is_empty() {
            o.push(("Version".to_string(), J::Str(self.version.clone())));
        }
        if !self.id.is_empty() {
            o.push(("Id".to_string(), J::Str(self.id.clone())));
        }
        if !self.statements.is_empty() {
            o.push((
                "Statement".to_string(),
                J::Arr(self.statements.iter().map(Stmt::to_json).collect()),
            ));
        }
        J::Obj(o)
    }
}

fn principals_json(ps: &[(String, Strs)]) -> J {
    if let [(t, ids)] = ps {
        let star = match ids {
            Strs::One(s) => s == "*",
            Strs::Many(v) => v.len() == 1 && v[0] == "*",
        };
        if t == "*" && star {
            return J::Str("*".into());
        }
    }
    let mut raw: BTreeMap<String, Strs> = BTreeMap::new();
    for (t, ids) in ps {
        let merged = match (raw.remove(t), ids) {
            (None, Strs::Many(v)) => {
                let mut v = v.clone();
                v.sort();
                v.reverse();
                Strs::Many(v)
            }
            (None, Strs::One(s)) => Strs::One(s.clone()),
            (Some(Strs::One(prev)), Strs::Many(v)) => {
                let mut v = v.clone();
                v.sort();
                v.reverse();
                let mut out = vec![prev];
                out.extend(v);
                Strs::Many(out)
            }
            (Some(Strs::Many(mut prev)), Strs::Many(v)) => {
                let mut v = v.clone();
                v.sort();
                v.reverse();
                prev.extend(v);
                Strs::Many(prev)
            }
            (Some(Strs::One(prev)), Strs::One(s)) => Strs::Many(vec![prev, s.clone()]),
            (Some(Strs::Many(mut prev)), Strs::One(s)) => {
                prev.push(s.clone());
                Strs::Many(prev)
            }
        };
        raw.insert(t.clone(), merged);
    }
    J::Obj(raw.into_iter().map(|(k, v)| (k, v.json())).collect())
}

fn conditions_json(cs: &[(String, String, Strs)]) -> J {
    let mut raw: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (test, var, vals) in cs {
        let e = raw
            .entry(test.clone())
            .or_default()
            .entry(var.clone())
            .or_default();
        match vals {
            Strs::One(s) => e.push(s.clone()),
            Strs::Many(v) => e.extend(v.iter().cloned()),
        }
    }
    J::Obj(
        raw.into_iter()
            .map(|(t, vars)| {
                let inner = vars
                    .into_iter()
                    .map(|(k, mut v)| {
                        let j = if v.len() == 1 {
                            J::Str(v.remove(0))
                        } else {
                            J::Arr(v.into_iter().map(J::Str).collect())
                        };
                        (k, j)
                    })
                    .collect();
                (t, J::Obj(inner))
            })
            .collect(),
    )
}

impl Stmt {
    fn to_json(&self) -> J {
        let mut o = Vec::new();
        let mut put = |k: &str, v: J| o.push((k.to_string(), v));
        if !self.sid.is_empty() {
            put("Sid", J::Str(self.sid.clone()));
        }
        if !self.effect.is_empty() {
            put("Effect", J::Str(self.effect.clone()));
        }
        for (k, v) in [
            ("Action", &self.action),
            ("NotAction", &self.not_action),
            ("Resource", &self.resource),
            ("NotResource", &self.not_resource),
        ] {
            if let Some(j) = v {
                if !j.is_empty_value() {
                    put(k, j.clone());
                }
            }
        }
        if !self.principals.is_empty() {
            put("Principal", principals_json(&self.principals));
        }
        if !self.not_principals.is_empty() {
            put("NotPrincipal", principals_json(&self.not_principals));
        }
        if !self.conditions.is_empty() {
            put("Condition", conditions_json(&self.conditions));
        }
        J::Obj(o)
    }
}

/// A JSON value with ordered object keys, written as Go's encoder does.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Str(String),
    Bool(bool),
    Num(String),
    Null,
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn is_empty_value(&self) -> bool {
        match self {
            J::Str(s) => s.is_empty(),
            J::Arr(a) => a.is_empty(),
            J::Null => true,
            _ => false,
        }
    }

    fn write(&self, out: &mut String, indent: Option<usize>) {
        match self {
            J::Str(s) => go_string(s, out),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Null => out.push_str("null"),
            J::Arr(items) => {
                if items.is_empty() {
                    out.push_str("[]");
                    return;
                }
                out.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, indent.map(|n| n + 1));
                    it.write(out, indent.map(|n| n + 1));
                }
                newline(out, indent);
                out.push(']');
            }
            J::Obj(fields) => {
                if fields.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, indent.map(|n| n + 1));
                    go_string(k, out);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    v.write(out, indent.map(|n| n + 1));
                }
                newline(out, indent);
                out.push('}');
            }
        }
    }

    fn pretty(&self) -> String {
        let mut s = String::new();
        self.write(&mut s, Some(0));
        s
    }

    fn compact(&self) -> String {
        let mut s = String::new();
        self.write(&mut s, None);
        s
    }
}

fn newline(out: &mut String, indent: Option<usize>) {
    if let Some(n) = indent {
        out.push('\n');
        for _ in 0..n {
            out.push_str("  ");
        }
    }
}

/// A JSON string as Go's encoder writes it (HTML-safe escaping).
fn go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn from_serde(v: &serde_json::Value) -> J {
    match v {
        serde_json::Value::String(s) => J::Str(s.clone()),
        serde_json::Value::Bool(b) => J::Bool(*b),
        serde_json::Value::Number(n) => J::Num(n.to_string()),
        serde_json::Value::Null => J::Null,
        serde_json::Value::Array(a) => J::Arr(a.iter().map(from_serde).collect()),
        serde_json::Value::Object(m) => {
            J::Obj(m.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
        }
    }
}

fn get_ci<'a>(
    m: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'a serde_json::Value> {
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn str_of(v: Option<&serde_json::Value>) -> String {
    v.and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

fn parse_principals(v: Option<&serde_json::Value>) -> Result<Vec<(String, Strs)>, String> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(vec![]),
        Some(serde_json::Value::String(_)) => Ok(vec![("*".into(), Strs::Many(vec!["*".into()]))]),
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k.clone(), Strs::One(s.clone()))),
                serde_json::Value::Array(a) => {
                    let mut vals = a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            x.as_str().map(String::from).ok_or_else(|| {
                                format!("Unsupported element type for IAMPolicyStatementPrincipalSet.Identifiers[{i}] (principal type {k:?}): must be string")
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    vals.sort();
                    Ok((k.clone(), Strs::Many(vals)))
                }
                _ => Err("Unsupported data type for IAMPolicyStatementPrincipalSet.Identifiers".to_string()),
            })
            .collect(),
        Some(_) => Err("Unsupported data type for IAMPolicyStatementPrincipalSet".into()),
    }
}

fn parse_conditions(v: Option<&serde_json::Value>) -> Result<Vec<(String, String, Strs)>, String> {
    let Some(serde_json::Value::Object(m)) = v else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for (test, vars) in m {
        let Some(vars) = vars.as_object() else {
            return Err(format!("condition {test:?}: expected an object"));
        };
        for (var, vals) in vars {
            let s = match vals {
                serde_json::Value::String(s) => Strs::Many(vec![s.clone()]),
                serde_json::Value::Bool(b) => Strs::One(b.to_string()),
                serde_json::Value::Array(a) => Strs::Many(
                    a.iter()
                        .map(|x| x.as_str().unwrap_or_default().to_string())
                        .collect(),
                ),
                _ => continue,
            };
            out.push((test.clone(), var.clone(), s));
        }
    }
    Ok(out)
}

fn parse_doc(text: &str) -> Result<Doc, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let m = v
        .as_object()
        .ok_or("policy document is not a JSON object")?;
    let stmts = match get_ci(m, "Statement") {
        None | Some(serde_json::Value::Null) => vec![],
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
    };
    let mut statements = Vec::new();
    for s in &stmts {
        let sm = s.as_object().ok_or("statement is not a JSON object")?;
        let j = |k: &str| get_ci(sm, k).map(from_serde);
        statements.push(Stmt {
            sid: str_of(get_ci(sm, "Sid")),
            effect: str_of(get_ci(sm, "Effect")),
            action: j("Action"),
            not_action: j("NotAction"),
            resource: j("Resource"),
            not_resource: j("NotResource"),
            principals: parse_principals(get_ci(sm, "Principal"))?,
            not_principals: parse_principals(get_ci(sm, "NotPrincipal"))?,
            conditions: parse_conditions(get_ci(sm, "Condition"))?,
        });
    }
    Ok(Doc {
        version: str_of(get_ci(m, "Version")),
        id: str_of(get_ci(m, "Id")),
        statements,
    })
}

/// Reverse-sorted list, or the single element as a string.
fn decode_strings(mut v: Vec<String>) -> Strs {
    if v.len() == 1 {
        return Strs::One(v.remove(0));
    }
    v.sort();
    v.reverse();
    Strs::Many(v)
}

fn replace_vars(s: Strs, version: &str) -> Result<Strs, Error> {
    let one = |x: String| -> Result<String, Error> {
        if version == "2008-10-17" && x.contains("&{") {
            return Err(invalid(format!(
                "found &{{ sequence in ({x}), which is not supported in document version 2008-10-17"
            )));
        }
        Ok(x.replace("&{", "${"))
    };
    Ok(match s {
        Strs::One(x) => Strs::One(one(x)?),
        Strs::Many(v) => Strs::Many(v.into_iter().map(one).collect::<Result<_, _>>()?),
    })
}

fn principals_block() -> Block {
    block(vec![
        ("identifiers", Attribute::required(Type::set(Type::String))),
        ("type", req_s()),
    ])
}

fn statement_block() -> Block {
    with_blocks(
        block(vec![
            ("actions", opt_set()),
            ("effect", opt_s()),
            ("not_actions", opt_set()),
            ("not_resources", opt_set()),
            ("resources", opt_set()),
            ("sid", opt_s()),
        ]),
        vec![
            (
                "condition",
                set(block(vec![
                    ("test", req_s()),
                    ("values", Attribute::required(Type::list(Type::String))),
                    ("variable", req_s()),
                ])),
            ),
            ("not_principals", set(principals_block())),
            ("principals", set(principals_block())),
        ],
    )
}

struct PolicyDocDs;

fn principals_of(st: &Obj, k: &str, version: &str) -> Result<Vec<(String, Strs)>, Error> {
    get_blocks(st, k)
        .iter()
        .map(|p| {
            let ids = replace_vars(decode_strings(get_strs(p, "identifiers")), version)?;
            Ok((get_s(p, "type").unwrap_or_default(), ids))
        })
        .collect()
}

#[async_trait::async_trait]
impl DataSource for PolicyDocDs {
    fn name(&self) -> &'static str {
        "aws_iam_policy_document"
    }

    fn schema(&self) -> Schema {
        schema(with_blocks(
            block(vec![
                id(),
                ("json", comp_s()),
                ("minified_json", comp_s()),
                ("override_json", opt_s()),
                ("override_policy_documents", opt_list()),
                ("policy_id", opt_s()),
                ("source_json", opt_s()),
                ("source_policy_documents", opt_list()),
                ("version", opt_s()),
            ]),
            vec![("statement", list(statement_block()))],
        ))
    }

    async fn read(&self, _aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error> {
        render(config, out)
    }
}

/// Renders the document for a configuration into `out` (pure).
fn render(config: &Obj, out: &mut Obj) -> Result<(), Error> {
    let version = get_ne(config, "version").unwrap_or_else(|| "2012-10-17".into());
    if version != "2012-10-17" && version != "2008-10-17" {
        return Err(invalid(format!(
            "version: expected one of [2008-10-17 2012-10-17], got {version}"
        )));
    }
    let mut merged = Doc::default();
    let mut sids: Vec<String> = Vec::new();
    for (i, src) in get_strs(config, "source_policy_documents")
        .iter()
        .enumerate()
    {
        let d = parse_doc(src).map_err(|e| {
            invalid(format!(
                "writing IAM Policy Document: merging source document {i}: {e}"
            ))
        })?;
        for (si, s) in d.statements.iter().enumerate() {
            if !s.sid.is_empty() {
                if sids.contains(&s.sid) {
                    return Err(invalid(format!(
                        "writing IAM Policy Document: merging source document {i}: duplicate Sid ({}) in source_policy_documents (statement {si}). Remove the Sid or ensure Sids are unique.",
                        s.sid
                    )));
                }
                sids.push(s.sid.clone());
            }
        }
        merged.merge(d);
    }
    let mut doc = Doc {
        version: version.clone(),
        id: get_s(config, "policy_id").unwrap_or_default(),
        statements: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    let sb = statement_block();
    let mut stmt_values = Vec::new();
    for st in get_blocks(config, "statement") {
        let sid = get_s(&st, "sid").unwrap_or_default();
        if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid(format!(
                "statement.sid: must only include alphanumeric characters, got {sid:?}"
            )));
        }
        if !sid.is_empty() {
            if seen.contains(&sid) {
                return Err(invalid(format!(
                    "writing IAM Policy Document: duplicate Sid ({sid}). Remove the Sid or ensure the Sid is unique."
                )));
            }
            seen.push(sid.clone());
        }
        let effect = get_ne(&st, "effect").unwrap_or_else(|| "Allow".into());
        if effect != "Allow" && effect != "Deny" {
            return Err(invalid(format!(
                "statement.effect: expected Allow or Deny, got {effect}"
            )));
        }
        let list_of = |k: &str| {
            let v = get_strs(&st, k);
            (!v.is_empty()).then(|| decode_strings(v))
        };
        let res = |k: &str| -> Result<Option<J>, Error> {
            list_of(k)
                .map(|s| replace_vars(s, &version).map(|s| s.json()))
                .transpose()
        };
        let mut conditions = Vec::new();
        for c in get_blocks(&st, "condition") {
            let vals: Vec<String> = get_strs(&c, "values");
            let vals = replace_vars(Strs::Many(vals), &version)?;
            let vals = match vals {
                Strs::Many(mut v) if v.len() == 1 => Strs::One(v.remove(0)),
                other => other,
            };
            conditions.push((
                get_s(&c, "test").unwrap_or_default(),
                get_s(&c, "variable").unwrap_or_default(),
                vals,
            ));
        }
        doc.statements.push(Stmt {
            sid,
            effect: effect.clone(),
            action: list_of("actions").map(|s| s.json()),
            not_action: list_of("not_actions").map(|s| s.json()),
            resource: res("resources")?,
            not_resource: res("not_resources")?,
            principals: principals_of(&st, "principals", &version)?,
            not_principals: principals_of(&st, "not_principals", &version)?,
            conditions,
        });
        let mut stv = st.clone();
        stv.insert("effect".into(), vs(effect));
        stmt_values.push(normalize_nested(&sb, &vobj(stv)));
    }
    merged.merge(doc);
    for (i, ov) in get_strs(config, "override_policy_documents")
        .iter()
        .enumerate()
    {
        let d = parse_doc(ov).map_err(|e| {
            invalid(format!(
                "writing IAM Policy Document: merging override document {i}: {e}"
            ))
        })?;
        merged.merge(d);
    }
    let j = merged.to_json();
    let pretty = j.pretty();
    out.insert("id".into(), vs(string_hashcode(&pretty).to_string()));
    out.insert("json".into(), vs(&pretty));
    out.insert("minified_json".into(), vs(j.compact()));
    out.insert("version".into(), vs(&version));
    out.insert(
        "statement".into(),
        Value::list(sb.implied_type(), stmt_values),
    );
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn stmt(fields: Vec<(&str, Value)>) -> Value {
        let sb = statement_block();
        let mut o = blank(&sb);
        for (k, v) in fields {
            o.insert(k.into(), v);
        }
        vobj(o)
    }

    fn principal(t: &str, ids: &[&str]) -> Value {
        let mut o = Obj::new();
        o.insert("type".into(), vs(t));
        o.insert(
            "identifiers".into(),
            vset(ids.iter().map(|s| s.to_string())),
        );
        vobj(o)
    }

    fn run(cfg: Vec<(&str, Value)>) -> Result<Obj, Error> {
        let mut config = Obj::new();
        for (k, v) in cfg {
            config.insert(k.into(), v);
        }
        let mut out = config.clone();
        render(&config, &mut out).map(|()| out)
    }

    #[test]
    fn renders_like_the_real_provider() {
        let sb = statement_block();
        let pb = principals_block();
        let s1 = stmt(vec![
            ("sid", vs("1")),
            (
                "actions",
                vset(["s3:ListAllMyBuckets".into(), "s3:GetBucketLocation".into()]),
            ),
            ("resources", vset(["arn:aws:s3:::*".into()])),
        ]);
        let s2 = stmt(vec![
            ("actions", vset(["s3:ListBucket".into()])),
            ("resources", vset(["arn:aws:s3:::b".into()])),
            (
                "condition",
                Value::set(
                    sb.blocks["condition"].block.implied_type(),
                    vec![vobj(
                        [
                            ("test".to_string(), vs("StringLike")),
                            ("variable".to_string(), vs("s3:prefix")),
                            (
                                "values".to_string(),
                                vlist(["".into(), "home/".into(), "home/&{aws:username}/".into()]),
                            ),
                        ]
                        .into_iter()
                        .collect(),
                    )],
                ),
            ),
            (
                "principals",
                Value::set(
                    pb.implied_type(),
                    vec![principal(
                        "AWS",
                        &["arn:aws:iam::1:root", "arn:aws:iam::2:root"],
                    )],
                ),
            ),
        ]);
        let out = run(vec![(
            "statement",
            Value::list(sb.implied_type(), vec![s1, s2]),
        )])
        .unwrap();
        let want = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "1",
      "Effect": "Allow",
      "Action": [
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation"
      ],
      "Resource": "arn:aws:s3:::*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::b",
      "Principal": {
        "AWS": [
          "arn:aws:iam::2:root",
          "arn:aws:iam::1:root"
        ]
      },
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "",
            "home/",
            "home/${aws:username}/"
          ]
        }
      }
    }
  ]
}"#;
        assert_eq!(get_s(&out, "json").unwrap(), want);
        assert_eq!(
            get_s(&out, "minified_json").unwrap(),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"1","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Principal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root"]},"Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/"]}}}]}"#
        );
        assert_eq!(get_s(&out, "version").unwrap(), "2012-10-17");
        assert!(get_s(&out, "id").unwrap().parse::<i64>().is_ok());
    }

    #[test]
    fn star_principal_and_html_escaping() {
        let sb = statement_block();
        let pb = principals_block();
        let s = stmt(vec![
            ("effect", vs("Deny")),
            ("actions", vset(["a:b".into()])),
            ("resources", vset(["x&y<z>".into()])),
            (
                "principals",
                Value::set(pb.implied_type(), vec![principal("*", &["*"])]),
            ),
        ]);
        let out = run(vec![("statement", Value::list(sb.implied_type(), vec![s]))]).unwrap();
        let j = get_s(&out, "minified_json").unwrap();
        assert_eq!(
            j,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"a:b","Resource":"x\u0026y\u003cz\u003e","Principal":"*"}]}"#
        );
    }

    #[test]
    fn source_and_override_merge_by_sid() {
        let sb = statement_block();
        let src = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["x:1","x:2"],"Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"y:1","Resource":"*"}]}"#;
        let ovr = r#"{"Statement":{"Sid":"B","Effect":"Deny","Action":"y:2","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}}"#;
        let s = stmt(vec![
            ("sid", vs("C")),
            ("actions", vset(["z:1".into()])),
            ("resources", vset(["*".into()])),
        ]);
        let out = run(vec![
            ("source_policy_documents", vlist([src.to_string()])),
            ("override_policy_documents", vlist([ovr.to_string()])),
            ("statement", Value::list(sb.implied_type(), vec![s])),
        ])
        .unwrap();
        assert_eq!(
            get_s(&out, "minified_json").unwrap(),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["x:1","x:2"],"Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"y:2","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Sid":"C","Effect":"Allow","Action":"z:1","Resource":"*"}]}"#
        );
    }

    #[test]
    fn duplicate_sid_is_an_error() {
        let sb = statement_block();
        let a = stmt(vec![("sid", vs("A"))]);
        let err = run(vec![(
            "statement",
            Value::list(sb.implied_type(), vec![a.clone(), a]),
        )])
        .unwrap_err();
        assert!(err.to_string().contains("duplicate Sid (A)"), "{err}");
    }

    #[test]
    fn empty_document() {
        let out = run(vec![]).unwrap();
        assert_eq!(
            get_s(&out, "json").unwrap(),
            "{\n  \"Version\": \"2012-10-17\"\n}"
        );
    }
}
