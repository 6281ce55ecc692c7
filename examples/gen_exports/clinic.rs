//! placeholder
use crate::common::Export;
pub fn generate() -> Export { Export::new("clinic-to-twenty", "todo") }
