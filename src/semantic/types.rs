//! Types of expressions, and what the checker knows about a checked expression.

use crate::ir;
use crate::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Text,
    Int,
    Decimal,
    Bool,
    Date,
    DateTime,
    Duration,
    Null,
    /// Unknown: never reported as a mismatch.
    Any,
    /// `reject`/`hold`: the row leaves; it fits any type.
    Never,
    /// A list of values of this type (`null` for `[]`, `any` for a list of mixed types).
    List(Box<Ty>),
    /// A reference to a record of one of these objects.
    Ref(Vec<String>),
    Composite(String),
    /// A record literal with these field names.
    Record(Vec<String>),
}

impl Ty {
    pub fn name(&self) -> String {
        match self {
            Ty::Text => "text".into(),
            Ty::Int => "int".into(),
            Ty::Decimal => "decimal".into(),
            Ty::Bool => "bool".into(),
            Ty::Date => "date".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Duration => "duration".into(),
            Ty::Null => "null".into(),
            Ty::Any => "any".into(),
            Ty::Never => "reject/hold".into(),
            Ty::List(t) if **t == Ty::Null => "an empty list".into(),
            Ty::List(t) => format!("list of {}", t.name()),
            Ty::Ref(objs) => format!("a reference to {}", objs.join(" or ")),
            Ty::Composite(c) => c.clone(),
            Ty::Record(_) => "record".into(),
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Ty::List(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Ty::Int | Ty::Decimal)
    }

    /// Absorbs nothing: the value may be of either type.
    pub fn is_lenient(&self) -> bool {
        matches!(self, Ty::Any | Ty::Null | Ty::Never)
    }

    /// The type of a value that is either `a` or `b`.
    pub fn join(a: &Ty, b: &Ty) -> Ty {
        match (a, b) {
            (x, y) if x == y => x.clone(),
            (Ty::Null | Ty::Never, y) => y.clone(),
            (x, Ty::Null | Ty::Never) => x.clone(),
            (x, y) if x.is_number() && y.is_number() => Ty::Decimal,
            (Ty::Date, Ty::DateTime) | (Ty::DateTime, Ty::Date) => Ty::DateTime,
            (Ty::List(x), Ty::List(y)) => Ty::List(Box::new(Ty::join(x, y))),
            (Ty::Ref(x), Ty::Ref(y)) => {
                let mut all = x.clone();
                all.extend(y.iter().filter(|o| !x.contains(o)).cloned());
                Ty::Ref(all)
            }
            _ => Ty::Any,
        }
    }

    /// A source column type by name.
    pub fn from_column_type(name: &str) -> Option<Ty> {
        Some(match name {
            "text" => Ty::Text,
            "int" => Ty::Int,
            "decimal" => Ty::Decimal,
            "bool" => Ty::Bool,
            "date" => Ty::Date,
            "datetime" => Ty::DateTime,
            _ => return None,
        })
    }

    pub const COLUMN_TYPES: &'static [&'static str] =
        &["text", "int", "decimal", "bool", "date", "datetime"];
}

/// One value the checker knows an expression can produce (a literal or a value-table output).
#[derive(Debug, Clone)]
pub struct Known {
    pub text: String,
    pub span: Span,
    /// The value table it comes from, if any.
    pub table: Option<String>,
}

/// A lookup met inside an expression, for the load-order graph.
#[derive(Debug, Clone)]
pub struct LookupUse {
    pub source: crate::ir::SourceId,
    pub span: Span,
    /// The objects the lookup names (`as Person`, `as Company | Person`): nothing is left to
    /// choose.
    pub named: Option<Vec<crate::ir::ObjectId>>,
}

/// What checking an expression yields.
#[derive(Debug, Clone)]
pub struct Typed {
    pub ty: Ty,
    /// Where the first unhandled failure can arise, if the expression can fail.
    pub fallible: Option<Span>,
    /// Every value the expression can take, when the checker can tell (for select fields); for
    /// a list, every value its elements can take (for multi-select fields).
    pub known: Option<Vec<Known>>,
    pub lookups: Vec<LookupUse>,
    pub ir: ir::Expr,
}

impl Typed {
    pub fn new(ty: Ty, ir: ir::Expr) -> Typed {
        Typed {
            ty,
            fallible: None,
            known: None,
            lookups: Vec::new(),
            ir,
        }
    }

    /// A placeholder after an error already reported: type `Any`, so no follow-on errors.
    pub fn error() -> Typed {
        Typed::new(Ty::Any, ir::Expr::null())
    }

    pub fn fallible_at(mut self, span: Span) -> Typed {
        self.fallible = self.fallible.or(Some(span));
        self
    }

    /// Carries over fallibility and lookups from sub-expressions.
    pub fn absorb(mut self, parts: &[&Typed]) -> Typed {
        for p in parts {
            self.fallible = self.fallible.or(p.fallible);
            self.lookups.extend(p.lookups.iter().cloned());
        }
        self
    }
}
