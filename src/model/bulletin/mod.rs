//! 《脱贫攻坚快报》 issues as stored: the text whole, its articles, the sentences quoted from it,
//! the figures proposed from it and their review, and the facts the accepted ones are.
//!
//! `issue` cites an issue and its quotes; `place` is a region acceptance creates; `store` keeps an issue (added once, re-added unchanged, or replaced by a corrected text with
//! history); `review` reads, corrects, accepts and rejects proposals; `facts` lists the accepted
//! ones as facts. The extraction that proposes the figures is `crate::bulletin`, above this layer:
//! what reaches this module are plain values (`store::NewIssue`).

pub mod accept;
pub mod facts;
pub mod issue;
pub mod place;
pub mod proposal;
pub mod review;
pub mod store;

pub use facts::{accepted, facts, AcceptedFact, Fact};
pub use issue::{
    all, citation, issue_key, quote_id, quote_is_verbatim, quote_position, text, Bulletin,
    QUOTE_GAP,
};
pub use place::NewRegion;
pub use proposal::{ProposalFilter, ProposalStatus, StoredProposal};
pub use store::{add_issue, Added, NewArticle, NewIssue, NewProposal};
