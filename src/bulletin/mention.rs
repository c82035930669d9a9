//! What the place reader finds in a text: mentions of places (named, implied by 全村 or 该县, or a
//! list) and the places they stand for, from the reference data or provisional.

use crate::model::region::Level;

/// A place: a region of the reference data, or one read from the text alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRef {
    Entry(usize),
    Provisional(usize),
}

/// A township or village the tables lack, as the text names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Provisional {
    pub name: String,
    pub level: Level,
    pub parent: Option<PlaceRef>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MentionKind {
    Named(PlaceRef),
    /// 全村, 该县, 市委, 省商务厅: the place of this level the passage is about.
    Implicit(Level),
    /// Several places listed together.
    List,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte range in the issue text.
    pub start: usize,
    pub end: usize,
    pub kind: MentionKind,
    /// After 在/到/赴/参观…: where something happens, not what the sentence is about.
    pub locative: bool,
    /// After 比/较/高于/占…: the place compared with ("比全省平均水平低 0.3 个百分点"), never
    /// the place of the figure.
    pub comparative: bool,
    /// The places of a list, in order ("喇嘛洞镇、要路沟乡分别有 12 个、9 个").
    pub members: Vec<PlaceRef>,
    /// What the mention stands for, once resolved in its article.
    pub place: Option<PlaceRef>,
}

/// A CJK ideograph (basic block and extension A).
pub fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}
