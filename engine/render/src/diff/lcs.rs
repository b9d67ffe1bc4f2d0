//! Pairing of sequence elements for display: index by index when lengths
//! match (and the lists are not a reordering), otherwise around a longest
//! common subsequence computed with Terraform's tie-breaking, so removed and
//! added elements appear in the same places Terraform shows them.

/// The longest common subsequence of `xs` and `ys`, as index pairs, with
/// Terraform's backtracking preferences.
fn lcs<T: PartialEq>(xs: &[T], ys: &[T]) -> Vec<(usize, usize)> {
    if xs.is_empty() || ys.is_empty() {
        return Vec::new();
    }
    let w = xs.len();
    let mut c = vec![0usize; xs.len() * ys.len()];
    let mut eqs = vec![false; xs.len() * ys.len()];
    for y in 0..ys.len() {
        for x in 0..xs.len() {
            let at = w * y + x;
            if xs[x] == ys[y] {
                eqs[at] = true;
                c[at] = if x == 0 || y == 0 {
                    1
                } else {
                    c[w * (y - 1) + (x - 1)] + 1
                };
            } else {
                let l = if x > 0 { c[at - 1] } else { 0 };
                let u = if y > 0 { c[at - w] } else { 0 };
                c[at] = l.max(u);
            }
        }
    }
    let mut out = Vec::new();
    let (mut x, mut y) = (xs.len() as isize - 1, ys.len() as isize - 1);
    while x >= 0 && y >= 0 {
        let at = w * y as usize + x as usize;
        if eqs[at] {
            out.push((x as usize, y as usize));
            x -= 1;
            y -= 1;
        } else {
            let l = if x > 0 { c[at - 1] } else { 0 };
            let u = if y > 0 { c[at - w] } else { 0 };
            if l > u {
                x -= 1;
            } else {
                y -= 1;
            }
        }
    }
    out.reverse();
    out
}

fn is_reorder<T: PartialEq>(before: &[T], after: &[T]) -> bool {
    before.len() == after.len() && before.iter().all(|b| after.contains(b))
}

/// Calls `process(before_index, after_index)` for each displayed element in
/// order; an index equal to its side's length means "absent on that side".
/// `is_obj` says whether an element is an object: adjacent removed/added
/// objects are shown as one changed element.
pub(crate) fn process_slice<T: PartialEq>(
    before: &[T],
    after: &[T],
    is_obj: impl Fn(&T) -> bool,
    mut process: impl FnMut(usize, usize),
) {
    if before.len() == after.len() && !is_reorder(before, after) {
        for i in 0..before.len() {
            process(i, i);
        }
        return;
    }
    let common: Vec<&T> = lcs(before, after)
        .into_iter()
        .map(|(x, _)| &before[x])
        .collect();
    let (mut bi, mut ai, mut li) = (0, 0, 0);
    while bi < before.len() || ai < after.len() || li < common.len() {
        while bi < before.len() && (li >= common.len() || before[bi] != *common[li]) {
            let obj_diff = is_obj(&before[bi])
                && ai < after.len()
                && is_obj(&after[ai])
                && (li >= common.len() || after[ai] != *common[li]);
            if obj_diff {
                process(bi, ai);
                bi += 1;
                ai += 1;
                continue;
            }
            process(bi, after.len());
            bi += 1;
        }
        while ai < after.len() && (li >= common.len() || after[ai] != *common[li]) {
            process(before.len(), ai);
            ai += 1;
        }
        if li < common.len() {
            process(bi, ai);
            bi += 1;
            ai += 1;
            li += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(b: &[&str], a: &[&str]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        process_slice(b, a, |_| false, |x, y| out.push((x, y)));
        out
    }

    #[test]
    fn same_length_pairs_by_index() {
        assert_eq!(pairs(&["a", "b"], &["a", "c"]), vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn insertion_uses_common_subsequence() {
        // x inserted between a and y: a kept, x added, y kept.
        assert_eq!(
            pairs(&["x", "y"], &["x", "z", "y"]),
            vec![(0, 0), (2, 1), (1, 2)]
        );
    }

    #[test]
    fn removal_at_end() {
        assert_eq!(
            pairs(&["a", "b", "c"], &["a", "b"]),
            vec![(0, 0), (1, 1), (2, 2)]
        );
    }
}
