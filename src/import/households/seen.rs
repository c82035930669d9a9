//! The household numbers one file has listed so far, with the line of each: how a file's own
//! duplicates are found, and which households of an earlier snapshot a correction no longer lists.
//!
//! In memory and compact (the numbers one after another in one string, the start and line of each,
//! an open-addressing table of indices with a one-byte tag of each hash: about 27 bytes a
//! household, 27 MB for a province), because a correction looks up every row: a temporary SQLite
//! table cost a B-tree insert per row, a third of a first import. The tags keep a probe from
//! reading the numbers it passes (each a cache miss). The hash is std's keyed SipHash, so a
//! hostile file cannot choose numbers that collide.

use std::hash::{BuildHasher, RandomState};

/// Where one number starts in the arena (it ends where the next one starts), and its line.
#[derive(Clone, Copy)]
struct Entry {
    start: u32,
    line: u32,
}

pub(crate) struct SeenIds {
    /// The numbers, in the order they were first listed.
    arena: String,
    entries: Vec<Entry>,
    /// Index into `entries` of each slot. A power of two, at most half full.
    slots: Vec<u32>,
    /// 0 for an empty slot, else the top 7 bits of the number's hash with the high bit set.
    tags: Vec<u8>,
    hasher: RandomState,
}

impl SeenIds {
    pub fn new() -> SeenIds {
        SeenIds {
            arena: String::new(),
            entries: Vec::new(),
            slots: vec![0; 1024],
            tags: vec![0; 1024],
            hasher: RandomState::new(),
        }
    }

    /// The `n`-th number listed.
    fn text(&self, n: usize) -> &str {
        let start = self.entries[n].start as usize;
        let end = self
            .entries
            .get(n + 1)
            .map(|e| e.start as usize)
            .unwrap_or(self.arena.len());
        self.arena.get(start..end).unwrap_or("")
    }

    /// The slot holding `id`, or the empty slot where it would go, and the tag of `id`.
    fn slot(&self, id: &str) -> (usize, u8) {
        let hash = self.hasher.hash_one(id);
        let tag = (hash >> 57) as u8 | 0x80;
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match self.tags[i] {
                0 => return (i, tag),
                t if t == tag && self.text(self.slots[i] as usize) == id => return (i, tag),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The line `id` was first listed on, if it was.
    pub fn line_of(&self, id: &str) -> Option<u64> {
        let (at, _) = self.slot(id);
        (self.tags[at] != 0).then(|| self.entries[self.slots[at] as usize].line as u64)
    }

    /// Record `id` at `line`; if it was listed before, the line it was first listed on.
    pub fn insert(&mut self, id: &str, line: u64) -> Option<u64> {
        let (at, tag) = self.slot(id);
        if self.tags[at] != 0 {
            return Some(self.entries[self.slots[at] as usize].line as u64);
        }
        // 4 GiB of household numbers would need hundreds of millions of rows; past that, starts
        // saturate and such numbers compare unequal (found again as new, never wrongly as seen).
        self.entries.push(Entry {
            start: self.arena.len().try_into().unwrap_or(u32::MAX),
            line: line.try_into().unwrap_or(u32::MAX),
        });
        self.arena.push_str(id);
        self.slots[at] = (self.entries.len() - 1).try_into().unwrap_or(u32::MAX);
        self.tags[at] = tag;
        if self.entries.len() * 2 > self.slots.len() {
            self.grow();
        }
        None
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.slots = vec![0; size];
        self.tags = vec![0; size];
        for n in 0..self.entries.len() {
            let (at, tag) = self.slot(self.text(n));
            self.slots[at] = n.try_into().unwrap_or(u32::MAX);
            self.tags[at] = tag;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_with_their_first_line() {
        let mut seen = SeenIds::new();
        for i in 0..5000u64 {
            assert_eq!(seen.insert(&format!("G{i:010}"), i + 2), None);
        }
        assert_eq!(seen.insert("G0000000007", 9999), Some(9));
        assert_eq!(seen.line_of("G0000004999"), Some(5001));
        assert_eq!(seen.line_of("G0000005000"), None);
        assert_eq!(seen.line_of(""), None);
        assert_eq!(seen.insert("", 3), None);
        assert_eq!(seen.line_of(""), Some(3));
    }
}
