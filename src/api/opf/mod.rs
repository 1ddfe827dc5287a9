//! The OPF face: thin handlers that turn OPF requests into plane / core calls and
//! results into OPF's documented shapes.

pub mod adm_accounts;
pub mod ags;
pub mod content_token;
pub mod das;
pub mod decision_trace;
pub mod dsra;
pub mod ias;
pub mod ias_v2;
pub mod limited_tokens;
pub mod rmg_operator;
pub mod rmg_query;
pub mod rmg_user;
pub mod tokens;
