//! The household numbers one file has sent to the writer, for the validating thread's questions
//! (`Link::earlier`): whether a number may have been sent, without asking the writer about every one.

use std::hash::{BuildHasher, RandomState};

/// The household numbers sent to the writer: the greatest, and Bloom filters of those sent out
/// of order. Files list their households in number order, so a number above the greatest was not
/// sent and costs one comparison, and while the numbers come in order nothing else is kept (a
/// number below the greatest is then asked about: only a duplicate or the first number out of
/// order is). From the first number out of order on, every number also goes into the filters:
/// "not sent" is certain for a number above the greatest of those sent in order, so only numbers
/// that may have been sent are asked about. Each filter holds `CAPACITY << n` numbers at 10 bits
/// each (under 1% false positives); a full one is followed by one twice its size, so the memory
/// is about 2.5 bytes a household of an unordered file (25 MB for 10,000,000) and the false
/// positives stay below 2% in all.
pub(super) struct Sent {
    greatest: String,
    /// The greatest number when the first one came out of order: those up to it were sent in
    /// order and are not in the filters. None while the numbers come in order.
    in_order_up_to: Option<String>,
    filters: Vec<Filter>,
    hasher: RandomState,
}

struct Filter {
    bits: Vec<u64>,
    count: usize,
    capacity: usize,
}

const CAPACITY: usize = 1 << 16;
const PROBES: u64 = 7;

impl Sent {
    pub fn new() -> Sent {
        Sent {
            greatest: String::new(),
            in_order_up_to: None,
            filters: Vec::new(),
            hasher: RandomState::new(),
        }
    }

    fn probes(hash: u64, words: usize) -> impl Iterator<Item = (usize, u64)> {
        let step = hash.rotate_left(32) | 1;
        let bits = (words * 64) as u64;
        (0..PROBES).map(move |i| {
            let bit = hash.wrapping_add(i.wrapping_mul(step)) % bits;
            ((bit / 64) as usize, 1u64 << (bit % 64))
        })
    }

    pub fn insert(&mut self, id: &str) {
        if id > self.greatest.as_str() {
            self.greatest.clear();
            self.greatest.push_str(id);
            if self.in_order_up_to.is_none() {
                return;
            }
        } else if self.in_order_up_to.is_none() {
            self.in_order_up_to = Some(self.greatest.clone());
        }
        if self.filters.last().is_none_or(|f| f.count >= f.capacity) {
            let capacity = CAPACITY << self.filters.len();
            self.filters.push(Filter {
                bits: vec![0; capacity * 10 / 64],
                count: 0,
                capacity,
            });
        }
        let Some(words) = self.filters.last().map(|f| f.bits.len()) else {
            return;
        };
        let hash = self.hasher.hash_one(id);
        if let Some(f) = self.filters.last_mut() {
            for (w, m) in Sent::probes(hash, words) {
                f.bits[w] |= m;
            }
            f.count += 1;
        }
    }

    pub fn may_have(&self, id: &str) -> bool {
        if id > self.greatest.as_str() {
            return false;
        }
        match &self.in_order_up_to {
            None => return true,
            Some(up_to) if id <= up_to.as_str() => return true,
            Some(_) => {}
        }
        let hash = self.hasher.hash_one(id);
        self.filters
            .iter()
            .any(|f| Sent::probes(hash, f.bits.len()).all(|(w, m)| f.bits[w] & m != 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_numbers_are_always_found_and_others_rarely() {
        // In order: nothing is kept but the greatest; below it, every number may have been sent.
        let mut sent = Sent::new();
        for i in 0..1000 {
            sent.insert(&format!("G{i:010}"));
        }
        assert!(sent.filters.is_empty());
        assert!(sent.may_have("G0000000500") && sent.may_have("F0000000001"));
        assert!(!sent.may_have("G0000001000"), "above the greatest");

        // Out of order from the second number on: from then on the filters answer for numbers
        // above those sent in order.
        let mut sent = Sent::new();
        sent.insert("A0000000000");
        sent.insert("00000000000");
        for i in 0..300_000 {
            sent.insert(&format!("G{i:010}"));
        }
        assert!((0..300_000).all(|i| sent.may_have(&format!("G{i:010}"))));
        assert!(sent.may_have("A0000000000"), "sent in order");
        assert!(sent.may_have("00000000000"), "sent out of order");
        assert!(!sent.may_have("H0000000000"), "above the greatest");
        // Below the greatest, above the in-order part, not sent: the filters answer.
        let false_positives = (300_000..400_000)
            .filter(|i| sent.may_have(&format!("F{i:010}")))
            .count();
        assert!(false_positives < 2_000, "{false_positives} false positives");
    }
}
