//! Resident ID-card numbers (证件号码): personal data. Validated, then stored only as a salted hash
//! and a masked form; never printed, logged or drawn in full.

use sha2::{Digest, Sha256};

/// An 18-character resident ID number with a valid GB 11643 check digit.
pub fn valid_id_number(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    CHECK[(sum % 11) as usize] == b[17].to_ascii_uppercase()
}

/// 210922199001011234 → 2109**********1234: enough to tell households apart, not to identify anyone.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// Salted SHA-256 of an ID number (salt per database), so equal numbers can be matched without
/// storing them.
pub fn hash_id_number(salt: &str, id: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b":");
    h.update(id.to_ascii_uppercase().as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_checked_and_masked() {
        // A well-known valid example number (GB 11643 check digit X).
        assert!(valid_id_number("11010519491231002X"));
        assert!(valid_id_number("11010519491231002x"));
        assert!(!valid_id_number("110105194912310021"));
        assert!(!valid_id_number("1101051949123100"));
        assert_eq!(mask_id_number("11010519491231002X"), "1101**********002X");
        assert_ne!(
            hash_id_number("a", "11010519491231002X"),
            hash_id_number("b", "11010519491231002X")
        );
        assert_eq!(
            hash_id_number("a", "11010519491231002x"),
            hash_id_number("a", "11010519491231002X")
        );
    }
}
