//! A plan as a file: `mapc plan --format json` writes it, `mapc run --plan FILE` reads it back.
//! A plan made by another version of mapc is refused (its IR may mean something else), and one
//! that does not read back whole, or refers to something it does not hold, is refused with
//! where and why, before anything runs.

use super::{validate, Plan, MAPC_VERSION};
use serde::Deserialize;

/// The plan as JSON, as `mapc run --plan` reads it.
pub fn to_json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_default()
}

/// Why a plan file cannot be run.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("it is not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("it was made by mapc {found}, and this is mapc {MAPC_VERSION}: make it again with `mapc plan SPEC --format json`")]
    OtherVersion { found: String },
    #[error(
        "it does not say which mapc made it (a plan is what `mapc plan SPEC --format json` writes)"
    )]
    NoVersion,
    #[error("it is not a plan this mapc can read: {0}")]
    Unreadable(serde_json::Error),
    #[error("it does not hold together: {0}")]
    Invalid(String),
}

/// Just enough of a plan to tell which mapc made it, whatever else it holds.
#[derive(Deserialize)]
struct Header {
    mapc: Option<String>,
}

/// Reads a plan, refusing one from another mapc or one that does not hold together.
pub fn from_json(text: &str) -> Result<Plan, PlanError> {
    let header: Header = serde_json::from_str(text).map_err(PlanError::NotJson)?;
    match header.mapc {
        None => return Err(PlanError::NoVersion),
        Some(v) if v != MAPC_VERSION => return Err(PlanError::OtherVersion { found: v }),
        Some(_) => {}
    }
    let plan: Plan = serde_json::from_str(text).map_err(PlanError::Unreadable)?;
    validate(&plan).map_err(PlanError::Invalid)?;
    Ok(plan)
}
