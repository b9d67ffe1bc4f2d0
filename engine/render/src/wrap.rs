//! Word wrapping as Terraform's terminal output does it (greedy, on spaces,
//! lines starting with a space left alone), and its horizontal rule.

/// Wraps each line of `text` to `width - 1` columns.
pub(crate) fn word_wrap(text: &str, width: usize) -> String {
    if width <= 1 {
        return text.to_string();
    }
    let limit = width - 1;
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line.starts_with(' ') {
            out.push(line.to_string());
            continue;
        }
        out.push(wrap_line(line, limit));
    }
    out.join("\n")
}

fn wrap_line(line: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut cur_len = 0usize;
    for (i, word) in line.split(' ').enumerate() {
        let wlen = word.chars().count();
        if i == 0 {
            out.push_str(word);
            cur_len = wlen;
        } else if cur_len + 1 + wlen > limit && cur_len > 0 {
            out.push('\n');
            out.push_str(word);
            cur_len = wlen;
        } else {
            out.push(' ');
            out.push_str(word);
            cur_len += 1 + wlen;
        }
    }
    out
}

/// Terraform's horizontal rule: a newline and `width - 1` box characters.
pub(crate) fn horizontal_rule(width: usize) -> String {
    if width <= 1 {
        return "\n".into();
    }
    format!("\n{}", "─".repeat(width - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_like_terraform() {
        let s = "Terraform used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:";
        assert_eq!(
            word_wrap(s, 78),
            "Terraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:"
        );
    }
}
