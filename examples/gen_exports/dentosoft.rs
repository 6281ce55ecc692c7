//! placeholder
use crate::common::Export;
pub fn generate() -> Export { Export::new("dentosoft-to-twenty", "todo") }
