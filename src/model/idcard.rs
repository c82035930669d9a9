//! Resident ID-card numbers (证件号码): personal data. Validated, then stored only as a salted hash
//! and a masked form; never printed, logged or drawn in full.
//!
//! The national register's 证件号码 holds three kinds of number (`IdNumber::parse`): the 18-digit
//! resident ID (GB 11643, check digit verified), the 15-digit first-generation ID (before 1999: no
//! check digit, the year written with two digits, always 19YY), and the 20- or 22-digit
//! 残疾人证 number, which is the holder's 18-digit resident ID followed by digits for the kind and
//! grade of disability. Each is reduced to the person's 18-digit resident ID (a 15-digit one
//! converted as the public security offices did in 1999), which is what is hashed and masked, and
//! gives the birth date.

use sha2::{Digest, Sha256};

use crate::model::cell::normalize_width;
use crate::model::period::Period;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character of 17 digits.
fn check_char(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// 17 digits with their GB 11643 check character appended (the demo's invented numbers).
pub fn with_check_digit(body: &str) -> Option<String> {
    let b = body.as_bytes();
    (b.len() == 17 && b.iter().all(u8::is_ascii_digit))
        .then(|| format!("{body}{}", check_char(b) as char))
}

/// An 18-character resident ID number with a valid GB 11643 check digit.
pub fn valid_id_number(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    check_char(&b[..17]) == b[17].to_ascii_uppercase()
}

/// What a 证件号码 cell held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// 居民身份证, 18 characters.
    Resident,
    /// 第一代居民身份证, 15 digits.
    FirstGeneration,
    /// 残疾人证, 20 or 22 characters: a resident ID and the disability's digits.
    Disability,
}

/// Why a 证件号码 is not one; `message` is what users read (the number itself never in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    /// Not 15, 18, 20 or 22 characters.
    Length(usize),
    /// A character that is not a digit where one is required (X only as an 18-digit check).
    NotDigits,
    /// 18 characters whose check digit is wrong (also the first 18 of a 残疾人证 number).
    CheckDigit,
    /// Digits 7–14 (7–12 for 15 digits) are not a date.
    BirthDate,
}

impl IdError {
    pub fn message(self) -> String {
        match self {
            IdError::Length(n) => format!(
                "有 {n} 位；应为 18 位居民身份证号码、15 位一代身份证号码或 20/22 位残疾人证号码"
            ),
            IdError::NotDigits => "含有数字以外的字符（只有 18 位号码的最后一位可以是 X）".into(),
            IdError::CheckDigit => "校验位不正确（GB 11643），号码可能抄错了一位".into(),
            IdError::BirthDate => "其中的出生日期不是有效日期".into(),
        }
    }
}

/// A valid 证件号码, reduced to the person's 18-digit resident ID.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber {
    resident: String,
    kind: IdKind,
}

/// Never printed in full, not even by `{:?}`.
impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({:?}, {})", self.kind, self.masked())
    }
}

fn birth_date_valid(y: u32, m: u32, d: u32) -> bool {
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_some()
}

fn digits(s: &[u8]) -> u32 {
    s.iter().fold(0, |n, d| n * 10 + (d - b'0') as u32)
}

impl IdNumber {
    /// A 证件号码 cell (full-width digits, a lower-case x and surrounding spaces accepted).
    pub fn parse(raw: &str) -> Result<IdNumber, IdError> {
        let text = normalize_width(raw);
        let text = text.trim().to_ascii_uppercase();
        let b = text.as_bytes();
        let all_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
        let resident = |b: &[u8]| -> Result<String, IdError> {
            if !all_digits(&b[..17]) || !(b[17].is_ascii_digit() || b[17] == b'X') {
                return Err(IdError::NotDigits);
            }
            if check_char(&b[..17]) != b[17] {
                return Err(IdError::CheckDigit);
            }
            if !birth_date_valid(digits(&b[6..10]), digits(&b[10..12]), digits(&b[12..14])) {
                return Err(IdError::BirthDate);
            }
            Ok(String::from_utf8_lossy(&b[..18]).into_owned())
        };
        match b.len() {
            18 => Ok(IdNumber {
                resident: resident(b)?,
                kind: IdKind::Resident,
            }),
            15 => {
                if !all_digits(b) {
                    return Err(IdError::NotDigits);
                }
                if !birth_date_valid(
                    1900 + digits(&b[6..8]),
                    digits(&b[8..10]),
                    digits(&b[10..12]),
                ) {
                    return Err(IdError::BirthDate);
                }
                // The 1999 conversion: 19 before the two-digit year, the check digit appended.
                let mut body = Vec::with_capacity(18);
                body.extend_from_slice(&b[..6]);
                body.extend_from_slice(b"19");
                body.extend_from_slice(&b[6..]);
                body.push(check_char(&body));
                Ok(IdNumber {
                    resident: String::from_utf8_lossy(&body).into_owned(),
                    kind: IdKind::FirstGeneration,
                })
            }
            20 | 22 => {
                let id = resident(&b[..18])?;
                if !all_digits(&b[18..]) {
                    return Err(IdError::NotDigits);
                }
                Ok(IdNumber {
                    resident: id,
                    kind: IdKind::Disability,
                })
            }
            n => Err(IdError::Length(n)),
        }
    }

    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The birth date: (year, month, day).
    pub fn birth_date(&self) -> (i32, u32, u32) {
        let b = self.resident.as_bytes();
        (
            digits(&b[6..10]) as i32,
            digits(&b[10..12]),
            digits(&b[12..14]),
        )
    }

    /// Age in whole years on the last day of `period`'s month.
    pub fn age_at(&self, period: Period) -> i32 {
        // On the month's last day every birthday of that month has passed: the day does not count.
        let (y, m, _) = self.birth_date();
        let before_birthday = period.month() < m;
        period.year() - y - i32::from(before_birthday)
    }

    /// The salted hash of the person's resident ID (`hash_id_number`).
    pub fn hash(&self, salt: &str) -> String {
        hash_id_number(salt, &self.resident)
    }

    /// The resident ID masked (`mask_id_number`).
    pub fn masked(&self) -> String {
        mask_id_number(&self.resident)
    }
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

    #[test]
    fn the_three_kinds_reduce_to_one_resident_id() {
        let p = |s: &str| IdNumber::parse(s);
        let resident = p("11010519491231002x").unwrap();
        assert_eq!(resident.kind(), IdKind::Resident);
        assert_eq!(resident.birth_date(), (1949, 12, 31));
        assert_eq!(resident.masked(), "1101**********002X");
        // The 15-digit form of the same person (born 491231, sequence 002) converts to it.
        let first = p("110105491231002").unwrap();
        assert_eq!(first.kind(), IdKind::FirstGeneration);
        assert_eq!(first.birth_date(), (1949, 12, 31));
        assert_eq!(first.hash("s"), resident.hash("s"));
        // A 残疾人证 number is the resident ID and the disability's digits.
        for card in ["11010519491231002X43", "11010519491231002X4301"] {
            let c = p(card).unwrap();
            assert_eq!(c.kind(), IdKind::Disability);
            assert_eq!(c.hash("s"), resident.hash("s"));
            assert!(!format!("{c:?}").contains("19491231"), "{c:?}");
        }
        assert_eq!(
            p("１１０１０５１９４９１２３１００２Ｘ ").unwrap(),
            resident
        );

        assert_eq!(p("110105194912310021"), Err(IdError::CheckDigit));
        assert_eq!(p("11010519491231002143"), Err(IdError::CheckDigit));
        assert_eq!(p("1101051949123100"), Err(IdError::Length(16)));
        assert_eq!(p("11010519491231002X4"), Err(IdError::Length(19)));
        assert_eq!(p("11010519491231002XAB"), Err(IdError::NotDigits));
        assert_eq!(p("11010549123100X"), Err(IdError::NotDigits));
        assert_eq!(p("110105491331002"), Err(IdError::BirthDate));
        // 1949-13-31 with a check digit computed for it.
        let body = b"11010519491331002";
        let bad_date = format!("{}{}", "11010519491331002", check_char(body) as char);
        assert_eq!(p(&bad_date), Err(IdError::BirthDate));
        assert!(IdError::Length(16).message().contains("16 位"));
    }

    #[test]
    fn age_is_counted_on_the_last_day_of_the_month() {
        let body = "11010520100615000";
        let id =
            IdNumber::parse(&format!("{body}{}", check_char(body.as_bytes()) as char)).unwrap();
        let at = |y, m| id.age_at(Period::new(y, m).unwrap());
        assert_eq!(at(2016, 5), 5);
        assert_eq!(at(2016, 6), 6);
        assert_eq!(at(2016, 12), 6);
        assert_eq!(at(2025, 5), 14);
        assert_eq!(at(2025, 6), 15);
    }
}
