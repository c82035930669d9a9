//! The household numbers one file has listed so far, with the line of each: how a file's own
//! duplicates are found, and which households of an earlier snapshot a correction no longer lists.
//!
//! In memory and compact (the numbers in one string, an open-addressing table of indices into it:
//! about 30 bytes a household, 30 MB for a province), because a correction looks up every row: a
//! temporary SQLite table cost a B-tree insert per row, a third of a first import. The hash is
//! std's keyed SipHash, so a hostile file cannot choose numbers that collide.

use std::hash::{BuildHasher, RandomState};

/// Where one number sits in the arena, and its line.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    len: u32,
    line: u32,
}

pub(crate) struct SeenIds {
    arena: String,
    entries: Vec<Entry>,
    /// Index + 1 into `entries`; 0 is an empty slot. A power of two, at most half full.
    slots: Vec<u32>,
    hasher: RandomState,
}

impl SeenIds {
    pub fn new() -> SeenIds {
        SeenIds {
            arena: String::new(),
            entries: Vec::new(),
            slots: vec![0; 1024],
            hasher: RandomState::new(),
        }
    }

    fn text(&self, e: Entry) -> &str {
        &self.arena[e.start..e.start + e.len as usize]
    }

    /// The slot holding `id`, or the empty slot where it would go.
    fn slot(&self, id: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.hasher.hash_one(id) as usize & mask;
        loop {
            match self.slots[i] {
                0 => return i,
                n if self.text(self.entries[n as usize - 1]) == id => return i,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The line `id` was first listed on, if it was.
    pub fn line_of(&self, id: &str) -> Option<u64> {
        match self.slots[self.slot(id)] {
            0 => None,
            n => Some(self.entries[n as usize - 1].line as u64),
        }
    }

    /// Record `id` at `line`; if it was listed before, the line it was first listed on.
    pub fn insert(&mut self, id: &str, line: u64) -> Option<u64> {
        let at = self.slot(id);
        if self.slots[at] != 0 {
            return self.line_of(id);
        }
        self.entries.push(Entry {
            start: self.arena.len(),
            len: id.len().try_into().unwrap_or(u32::MAX),
            line: line.try_into().unwrap_or(u32::MAX),
        });
        self.arena.push_str(id);
        self.slots[at] = self.entries.len().try_into().unwrap_or(u32::MAX);
        if self.entries.len() * 2 > self.slots.len() {
            self.grow();
        }
        None
    }

    fn grow(&mut self) {
        self.slots = vec![0; self.slots.len() * 2];
        for n in 0..self.entries.len() {
            let at = self.slot(self.text(self.entries[n]));
            self.slots[at] = (n + 1).try_into().unwrap_or(u32::MAX);
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
