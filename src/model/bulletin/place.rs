//! A region a proposal's acceptance creates, as stored with the proposal (JSON in `new_regions`).

use crate::model::region::Level;

/// A region acceptance creates: a township or village the tables lack (no code: a provisional one
/// is given under its parent), or a county, city or province of the gazetteer (its code).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewRegion {
    pub code: Option<String>,
    pub name: String,
    pub level: Level,
    /// None: under the entry before it (a province has no parent).
    pub parent_code: Option<String>,
    pub official: bool,
}
