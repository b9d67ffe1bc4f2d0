//! Byte offsets of a generated text mapped back to the text it was generated
//! from (a `.tf.json` file is translated to native syntax before parsing, and
//! diagnostics must point into the JSON).

use std::ops::Range;

/// Sorted `(generated offset, original offset)` anchor points; between two
/// anchors offsets advance one for one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    points: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// A map from anchor points sorted by generated offset.
    pub fn new(points: Vec<(usize, usize)>) -> OffsetMap {
        OffsetMap { points }
    }

    /// The original offset of a generated offset (0 before the first anchor).
    pub fn offset(&self, generated: usize) -> usize {
        let i = self.points.partition_point(|(g, _)| *g <= generated);
        match i.checked_sub(1).and_then(|i| self.points.get(i)) {
            Some((g, o)) => o + (generated - g),
            None => 0,
        }
    }

    /// The original span of a generated span (never inverted; the end maps
    /// through the last byte so a span ending at an anchor stays before it).
    pub fn span(&self, generated: Range<usize>) -> Range<usize> {
        let start = self.offset(generated.start);
        let end = self.offset(generated.end.saturating_sub(1)) + 1;
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_between_anchors() {
        let m = OffsetMap::new(vec![(0, 10), (5, 30)]);
        assert_eq!(m.offset(0), 10);
        assert_eq!(m.offset(4), 14);
        assert_eq!(m.offset(6), 31);
        assert_eq!(m.span(1..5), 11..15);
        assert_eq!(m.span(5..5), 30..30);
    }
}
