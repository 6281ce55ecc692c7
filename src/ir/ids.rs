//! Typed ids: what the IR refers to instead of names. Each is a position in the list of its
//! kind (sources in the program, columns in their source, fields in their object…), so the
//! interpreter never looks a name up; a plan read from a file has each checked to be in range
//! before anything runs (`plan::validate`).

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The id of the `i`-th item (lists of any kind stay far below 2³² items).
            pub fn new(i: usize) -> $name {
                $name(u32::try_from(i).unwrap_or(u32::MAX))
            }

            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

ids! {
    /// A source, in `Program::sources`.
    SourceId;
    /// A column of one source, in its `Source::columns`.
    ColumnId;
    /// A value table, in `Program::tables`.
    TableId;
    /// A user function, in `Program::functions`.
    FunctionId;
    /// A map, in `Program::maps`.
    MapId;
    /// A target object, in `Schema::objects`.
    ObjectId;
    /// A field of one object, in its `Object::fields`.
    FieldId;
}

/// A built-in function, in `builtins::ALL`. Written to a plan as its name (`builtins` holds
/// its serde form), so a plan names what it calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BuiltinId(pub u16);
