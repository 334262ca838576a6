//! `pufa check`: the government-site inspection, run before the inspector does.
//!
//! `terms` reads the word lists; `wording` finds serious wording errors and typos.
pub mod terms;
pub mod wording;
