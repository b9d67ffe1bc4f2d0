//! Unified diffs in the shape `terraform fmt -diff` prints (it runs
//! `diff -u --label=old/PATH --label=new/PATH`): three lines of context,
//! GNU-style hunk ranges and the "No newline at end of file" marker.

use similar::{capture_diff_slices, group_diff_ops, Algorithm, DiffOp};

/// Renders the unified diff from `old` to `new`, labelled with `path`.
/// Returns an empty string when the texts are equal.
pub(crate) fn unified(old: &str, new: &str, path: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let groups = group_diff_ops(ops, 3);
    if groups.is_empty() {
        return String::new();
    }
    let mut out = format!("--- old/{path}\n+++ new/{path}\n");
    for group in groups {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_start = first.old_range().start;
        let old_end = last.old_range().end;
        let new_start = first.new_range().start;
        let new_end = last.new_range().end;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_start, old_end),
            range(new_start, new_end)
        ));
        for op in &group {
            match *op {
                DiffOp::Equal { old_index, len, .. } => {
                    push_lines(&mut out, ' ', &old_lines[old_index..old_index + len])
                }
                DiffOp::Delete {
                    old_index, old_len, ..
                } => push_lines(&mut out, '-', &old_lines[old_index..old_index + old_len]),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => push_lines(&mut out, '+', &new_lines[new_index..new_index + new_len]),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    push_lines(&mut out, '-', &old_lines[old_index..old_index + old_len]);
                    push_lines(&mut out, '+', &new_lines[new_index..new_index + new_len]);
                }
            }
        }
    }
    out
}

/// A GNU unified-diff line range for the 0-based half-open `[start, end)`.
fn range(start: usize, end: usize) -> String {
    match end - start {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        n => format!("{},{}", start + 1, n),
    }
}

fn push_lines(out: &mut String, mark: char, lines: &[&str]) {
    for line in lines {
        out.push(mark);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::unified;

    #[test]
    fn single_line_change() {
        assert_eq!(
            unified("a=1\n", "a = 1\n", "x.tf"),
            "--- old/x.tf\n+++ new/x.tf\n@@ -1 +1 @@\n-a=1\n+a = 1\n"
        );
    }

    #[test]
    fn missing_final_newline() {
        assert_eq!(
            unified("b\na=1", "b\na = 1", "x.tf"),
            "--- old/x.tf\n+++ new/x.tf\n@@ -1,2 +1,2 @@\n b\n-a=1\n\\ No newline at end of file\n+a = 1\n\\ No newline at end of file\n"
        );
    }
}
