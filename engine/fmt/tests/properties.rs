//! Properties that must hold for any input: formatting never panics, and
//! reformatting converges. (Terraform's formatter is not quite idempotent:
//! `a = "${"${b}"}"` becomes `a = "${b}"`, which a second run unwraps to
//! `a = b`; each run strips one level, and so do we.)

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use terrane_fmt::format_source;

/// Source-like text: mostly the characters that matter to the syntax.
fn hclish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "b", "foo", "in", "for", "if", " ", "  ", "\t", "\n", "\r\n", "=", "==", "{", "}",
        "[", "]", "(", ")", "\"", "${", "%{", "~}", "<<EOT\n", "EOT\n", "<<-X\n", "  X\n", ",",
        ":", "?", ".", "*", "-", "!", "1", "2.5", "#c\n", "//c\n", "/*c*/", "\\", "$", "%", "=>",
        "...", "::", "é", "日本", "'", ";", "&", "|",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

/// Valid configurations with random spacing between their pieces.
fn respaced() -> impl Strategy<Value = String> {
    let tokens = vec![
        "resource", "\"a\"", "\"b\"", "{", "\n", "x", "=", "[", "1", ",", "2", "]", "\n", "y", "=",
        "{", "k", "=", "\"${v}\"", "}", "\n", "z", "=", "a", "?", "b", ":", "c", "\n", "}", "\n",
    ];
    prop::collection::vec(
        prop::sample::select(vec!["", " ", "  ", "\t"]),
        tokens.len(),
    )
    .prop_map(move |spaces| {
        tokens
            .iter()
            .zip(spaces)
            .map(|(t, s)| format!("{s}{t}"))
            .collect::<String>()
    })
}

/// Whether reformatting `text` reaches a fixed point within a few runs.
fn converges(mut text: String) -> bool {
    for _ in 0..8 {
        match format_source(&text) {
            Ok(next) if next == text => return true,
            Ok(next) => text = next,
            Err(_) => return false,
        }
    }
    false
}

/// Random whitespace: nothing, spaces or a tab.
fn gap() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", " ", "  ", "\t", " "])
}

/// Expressions, with random spacing and (inside brackets) line breaks.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "a",
        "var.x",
        "1",
        "2.5",
        "true",
        "null",
        "\"s\"",
        "\"${a}\"",
        "\"x${b}y\"",
        "a[0]",
        "a.*.b",
        "a[*].b",
        "-1",
        "!a",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(4, 48, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                gap(),
                prop::sample::select(vec!["+", "-", "*", "==", "&&", "<="]),
                gap(),
                inner.clone()
            )
                // A space before the operator: `a-b` would be one identifier.
                .prop_map(|(a, g1, op, g2, b)| format!("{a} {g1}{op}{g2}{b}")),
            (
                prop::collection::vec(inner.clone(), 0..4),
                prop::bool::ANY,
                gap()
            )
                .prop_map(|(v, nl, g)| {
                    let sep = if nl { ",\n" } else { "," };
                    format!("[{g}{}]", v.join(&format!("{sep}{g}")))
                }),
            (prop::collection::vec(inner.clone(), 0..3), gap()).prop_map(|(v, g)| {
                let items: Vec<String> = v
                    .iter()
                    .enumerate()
                    .map(|(i, e)| format!("k{i}{g}={g}{e}"))
                    .collect();
                if items.is_empty() {
                    "{}".to_string()
                } else {
                    format!("{{\n{}\n}}", items.join("\n"))
                }
            }),
            (inner.clone(), gap()).prop_map(|(e, g)| format!("({g}{e}{g})")),
            (inner.clone(), inner.clone(), gap())
                .prop_map(|(a, b, g)| format!("f({g}{a},{g}{b}{g})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("{a} ? {b} : {c}")),
            (inner.clone(), gap()).prop_map(|(e, g)| format!("[for x in{g} a{g}:{g}{e}]")),
            inner.clone().prop_map(|e| format!("\"${{{e}}}\"")),
        ]
    })
}

/// A configuration body of attributes, blocks and comments.
fn body() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        (0..4usize, gap(), expr(), gap())
            .prop_map(|(n, g, e, g2)| format!("{g2}attr{n}{g}={g}{e}\n")),
        (gap(), expr()).prop_map(|(g, e)| format!("block \"l\" {{\n{g}inner = {e} # c\n}}\n")),
        Just("# comment\n".to_string()),
        Just("\n".to_string()),
        Just("one { x = 1 }\n".to_string()),
        Just("h = <<-EOT\n  text ${a}\n  EOT\n".to_string()),
    ];
    prop::collection::vec(item, 0..8).prop_map(|items| {
        // Attribute names must be unique within a body.
        let mut seen = std::collections::HashSet::new();
        items
            .into_iter()
            .filter(|i| {
                let name = i
                    .trim_start()
                    .split(['=', ' ', '\t'])
                    .next()
                    .unwrap_or("")
                    .to_string();
                !(name.starts_with("attr") || name == "h") || seen.insert(name)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_converges(src in hclish()) {
        if let Ok(out) = format_source(&src) {
            prop_assert!(converges(out));
        }
    }

    #[test]
    fn generated_configurations_are_accepted_and_converge(src in body()) {
        let out = format_source(&src);
        prop_assert!(out.is_ok(), "{src:?} was refused: {out:?}");
        prop_assert!(converges(out.unwrap()));
    }

    #[test]
    fn spacing_does_not_matter(src in respaced()) {
        let out = format_source(&src).unwrap();
        prop_assert_eq!(
            out,
            "resource \"a\" \"b\" {\n  x = [1, 2]\n  y = { k = \"${v}\" }\n  z = a ? b : c\n}\n"
        );
    }
}
