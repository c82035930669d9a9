//! Leftmost-longest search for the region names of the reference data. The names are bucketed by
//! their first character, longest first: building takes well under a millisecond (an automaton
//! over the ~4,000 names and short forms took longer to build than a whole issue takes to read),
//! and a text is scanned once, one hash probe per character.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for `char` keys: one multiplication (the keys are few and not attacker-chosen in
/// a way that matters: the patterns are the reference data's).
#[derive(Default)]
pub struct CharHasher(u64);

impl Hasher for CharHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// One name found: byte range in the text and the pattern's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameMatch {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

pub struct NameIndex {
    patterns: Vec<String>,
    buckets: HashMap<char, Vec<u32>, BuildHasherDefault<CharHasher>>,
}

impl NameIndex {
    pub fn new(patterns: Vec<String>) -> NameIndex {
        let mut buckets: HashMap<char, Vec<u32>, BuildHasherDefault<CharHasher>> =
            HashMap::default();
        for (i, p) in patterns.iter().enumerate() {
            if let Some(c) = p.chars().next() {
                buckets.entry(c).or_default().push(i as u32);
            }
        }
        for b in buckets.values_mut() {
            b.sort_by_key(|&i| std::cmp::Reverse(patterns[i as usize].len()));
        }
        NameIndex { patterns, buckets }
    }

    /// The names of `text`, leftmost first, the longest at each start, never overlapping.
    pub fn find_iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = NameMatch> + 'a {
        let mut pos = 0;
        std::iter::from_fn(move || {
            while pos < text.len() {
                let rest = &text[pos..];
                let c = rest.chars().next()?;
                if let Some(bucket) = self.buckets.get(&c) {
                    if let Some(&i) = bucket
                        .iter()
                        .find(|&&i| rest.starts_with(self.patterns[i as usize].as_str()))
                    {
                        let start = pos;
                        pos += self.patterns[i as usize].len();
                        return Some(NameMatch {
                            start,
                            end: pos,
                            pattern: i as usize,
                        });
                    }
                }
                pos += c.len_utf8();
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftmost_longest() {
        let idx = NameIndex::new(vec![
            "朝阳".into(),
            "朝阳县".into(),
            "六家子镇".into(),
            "阳县".into(),
        ]);
        let found: Vec<(usize, usize, usize)> = idx
            .find_iter("对朝阳县六家子镇调研，朝阳")
            .map(|m| (m.start, m.end, m.pattern))
            .collect();
        assert_eq!(found, vec![(3, 12, 1), (12, 24, 2), (33, 39, 0)]);
    }
}
