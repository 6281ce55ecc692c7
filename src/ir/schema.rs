//! The target schema: the stdlib's standard objects plus what a spec extends or creates.
//! Objects are referred to by [`ObjectId`], fields by their place in their object.

use super::{FieldId, ObjectId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Scalar field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scalar {
    Text,
    Number,
    Bool,
    Date,
    DateTime,
    Uuid,
    Json,
    Array,
    Rating,
    Position,
}

impl Scalar {
    pub fn from_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "text" => Scalar::Text,
            "number" => Scalar::Number,
            "bool" => Scalar::Bool,
            "date" => Scalar::Date,
            "datetime" => Scalar::DateTime,
            "uuid" => Scalar::Uuid,
            "json" => Scalar::Json,
            "array" => Scalar::Array,
            "rating" => Scalar::Rating,
            "position" => Scalar::Position,
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] = &[
        "text", "number", "bool", "date", "datetime", "uuid", "json", "array", "rating", "position",
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldType {
    Scalar {
        scalar: Scalar,
    },
    Select {
        options: Vec<String>,
        multi: bool,
    },
    /// A reference to a record of one of these objects.
    Relation {
        objects: Vec<ObjectId>,
    },
    /// Many references: link records when `object` is a link object, a list of ids otherwise.
    Links {
        object: ObjectId,
    },
    Composite {
        name: String,
    },
}

impl Scalar {
    pub fn name(self) -> &'static str {
        match self {
            Scalar::Text => "text",
            Scalar::Number => "number",
            Scalar::Bool => "bool",
            Scalar::Date => "date",
            Scalar::DateTime => "datetime",
            Scalar::Uuid => "uuid",
            Scalar::Json => "json",
            Scalar::Array => "array",
            Scalar::Rating => "rating",
            Scalar::Position => "position",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub api: String,
    pub ty: FieldType,
    pub required: bool,
    /// `Some(None)`: the field is unique; `Some(Some(sub))`: a composite's subfield is.
    pub unique: Option<Option<String>>,
    pub default: Option<String>,
    pub label: Option<String>,
    pub readonly: bool,
    pub sensitive: bool,
    /// Declared by the spec (a custom field to create), not by the stdlib.
    pub custom: bool,
}

impl Field {
    pub fn is_unique(&self) -> bool {
        self.unique.is_some()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Object {
    pub name: String,
    pub api: String,
    pub plural: String,
    pub label: String,
    pub link: bool,
    pub readonly: bool,
    pub custom: bool,
    pub fields: Vec<Field>,
}

impl Object {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .map(FieldId::new)
    }

    pub fn field_mut(&mut self, name: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.name == name)
    }

    pub fn field_at(&self, id: FieldId) -> &Field {
        &self.fields[id.index()]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Composite {
    pub name: String,
    pub fields: Vec<Field>,
}

/// A target's settings (`target twenty { batch 60 … }`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TargetInfo {
    pub name: String,
    pub settings: BTreeMap<String, String>,
}

impl TargetInfo {
    /// The object owners resolve to (`users "WorkspaceMember"`).
    pub fn users_object(&self) -> Option<&str> {
        self.settings.get("users").map(String::as_str)
    }
}

/// One change the plan applies to the target before any record lands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum SchemaChange {
    CreateObject {
        object: ObjectId,
    },
    CreateField {
        object: ObjectId,
        field: FieldId,
    },
    AddOptions {
        object: ObjectId,
        field: FieldId,
        options: Vec<String>,
    },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Schema {
    pub target: TargetInfo,
    pub composites: BTreeMap<String, Composite>,
    /// In declaration order (the stdlib's, then the spec's): an [`ObjectId`] is a place here.
    pub objects: Vec<Object>,
    pub changes: Vec<SchemaChange>,
}

impl Schema {
    pub fn object(&self, name: &str) -> Option<&Object> {
        self.objects.iter().find(|o| o.name == name)
    }

    pub fn object_id(&self, name: &str) -> Option<ObjectId> {
        self.objects
            .iter()
            .position(|o| o.name == name)
            .map(ObjectId::new)
    }

    pub fn object_at(&self, id: ObjectId) -> &Object {
        &self.objects[id.index()]
    }

    pub fn object_names(&self) -> impl Iterator<Item = &str> {
        self.objects.iter().map(|o| o.name.as_str())
    }

    /// The object owners resolve to (`users "WorkspaceMember"` in the target's settings).
    pub fn users(&self) -> Option<ObjectId> {
        self.object_id(self.target.users_object()?)
    }

    /// A field type as a spec writes it: `text`, `select`, `-> Company | Person`, `links Person`.
    pub fn describe(&self, ty: &FieldType) -> String {
        let name = |o: &ObjectId| self.objects.get(o.index()).map_or("?", |o| o.name.as_str());
        match ty {
            FieldType::Scalar { scalar } => scalar.name().to_string(),
            FieldType::Select { multi: false, .. } => "select".into(),
            FieldType::Select { multi: true, .. } => "multi_select".into(),
            FieldType::Relation { objects } => {
                let names: Vec<&str> = objects.iter().map(name).collect();
                format!("-> {}", names.join(" | "))
            }
            FieldType::Links { object } => format!("links {}", name(object)),
            FieldType::Composite { name } => name.clone(),
        }
    }

    /// The field a dotted path names, walking into composites: `name.firstName`.
    pub fn resolve_path<'a>(&'a self, object: &'a Object, parts: &[&str]) -> PathLookup<'a> {
        let Some((first, rest)) = parts.split_first() else {
            return PathLookup::Missing {
                at: 0,
                within: object.fields.iter().collect(),
            };
        };
        let Some(field) = object.field(first) else {
            return PathLookup::Missing {
                at: 0,
                within: object.fields.iter().collect(),
            };
        };
        let mut current = field;
        for (i, part) in rest.iter().enumerate() {
            let FieldType::Composite { name } = &current.ty else {
                return PathLookup::NotComposite {
                    at: i + 1,
                    field: current,
                };
            };
            let Some(comp) = self.composites.get(name) else {
                return PathLookup::Missing {
                    at: i + 1,
                    within: Vec::new(),
                };
            };
            match comp.fields.iter().find(|f| f.name == *part) {
                Some(sub) => current = sub,
                None => {
                    return PathLookup::Missing {
                        at: i + 1,
                        within: comp.fields.iter().collect(),
                    }
                }
            }
        }
        PathLookup::Found {
            top: field,
            leaf: current,
        }
    }
}

pub enum PathLookup<'a> {
    Found {
        top: &'a Field,
        leaf: &'a Field,
    },
    /// Part `at` of the path does not exist among `within`.
    Missing {
        at: usize,
        within: Vec<&'a Field>,
    },
    /// Part `at` follows a field that has no subfields.
    NotComposite {
        at: usize,
        field: &'a Field,
    },
}
