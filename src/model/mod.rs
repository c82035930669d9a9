//! The domain types: months, cell values as Excel writes them, regions, indicators, criteria,
//! bulletins, ID numbers, households. Each type sits beside the SQL that stores and reads it.
//!
//! A domain value is an enum with `code()` (what the database, JSON and scripts read), `chinese()`
//! (what people read) and, when stored, `ToSql`/`FromSql` by its code (the `stored_as_code!` macro).

/// `ToSql` and `FromSql` for an enum stored as its `code()` and read back with `from_code()`; a code
/// the enum does not know is a conversion error naming `$what`.
macro_rules! stored_as_code {
    ($t:ty, $what:literal) => {
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.code()))
            }
        }

        impl rusqlite::types::FromSql for $t {
            fn column_result(
                v: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let code = v.as_str()?;
                <$t>::from_code(code).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(format!("未知的{} {code:?}", $what).into())
                })
            }
        }
    };
}
pub(crate) use stored_as_code;

pub mod bulletin;
pub mod cell;
pub mod code;
pub mod criteria;
pub mod evidence;
pub mod history;
pub mod household;
pub mod idcard;
pub mod indicator;
pub mod monitoring;
pub mod national;
pub mod period;
pub mod region;
