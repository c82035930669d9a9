//! The domain types: months, cell values as Excel writes them, regions, indicators, criteria,
//! bulletins, ID numbers. Each type sits beside the SQL that stores and reads it.

pub mod bulletin;
pub mod cell;
pub mod criteria;
pub mod idcard;
pub mod indicator;
pub mod period;
pub mod region;
