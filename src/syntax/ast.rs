//! The abstract syntax tree: what a `.map` file says, with a span on every name and expression.
//! Nothing here is resolved: names are strings, types are the words the author wrote.

use crate::span::Span;
use serde::Serialize;

use crate::ir::number::serde_text;
pub use crate::ir::{BinOp, Decimal, DurationUnit, MissAction, OnDuplicate, TestOutcome};
pub use crate::ir::{GapPolicy, OverlapPolicy, ValueState};

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A dotted target path such as `name.firstName`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldPath {
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl FieldPath {
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.parts.iter().map(|p| p.name.as_str()).collect();
        names.join(".")
    }
}

/// One parsed file.
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    pub items: Vec<Item>,
}

/// Items differ a lot in size, but a module holds few of them: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize)]
pub enum Item {
    Migration(Migration),
    Use(UseDecl),
    Source(SourceDecl),
    Target(TargetDecl),
    Composite(CompositeDecl),
    Object(ObjectDecl),
    Extend(ExtendDecl),
    Values(ValuesDecl),
    Map(MapDecl),
    Fn(FnDecl),
    Gap(GapDecl),
    Order(OrderDecl),
    Test(TestDecl),
}

#[derive(Debug, Clone, Serialize)]
pub struct Migration {
    pub title: StrLit,
    pub from: Option<StrLit>,
    pub to: Option<Ident>,
    pub default_owner: Option<StrLit>,
    pub users: Option<StrLit>,
    pub sensitive: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum UseTarget {
    File(StrLit),
    Module(Vec<Ident>),
}

#[derive(Debug, Clone, Serialize)]
pub struct UseDecl {
    pub target: UseTarget,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceDecl {
    pub name: Ident,
    pub file: StrLit,
    pub key: Vec<Ident>,
    pub watermark: Option<Ident>,
    pub format: Option<Ident>,
    pub delimiter: Option<StrLit>,
    pub encoding: Option<StrLit>,
    pub sensitive: bool,
    pub columns: Vec<ColumnDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnDecl {
    pub name: Ident,
    pub ty: Ident,
    pub optional: bool,
    pub format: Option<StrLit>,
    pub tz: Option<StrLit>,
    pub nulls: Vec<StrLit>,
    pub sensitive: bool,
    pub policies: Vec<StatePolicy>,
    /// `on gap …` and `on overlap …`, as written (the checker refuses them without a `tz`).
    pub dst: Vec<DstPolicy>,
    /// `ignored "why"`: no mapping reads this column, on purpose, for this reason.
    pub ignored: Option<StrLit>,
    pub span: Span,
}

/// `on gap shift|reject` or `on overlap earlier|later|reject`.
#[derive(Debug, Clone, Serialize)]
pub struct DstPolicy {
    pub choice: DstChoice,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DstChoice {
    Gap(GapPolicy),
    Overlap(OverlapPolicy),
}

impl DstChoice {
    /// `gap` or `overlap`, as the clause is written.
    pub fn kind(self) -> &'static str {
        match self {
            DstChoice::Gap(_) => "gap",
            DstChoice::Overlap(_) => "overlap",
        }
    }

    /// The policy's word (`shift`, `earlier`, …).
    pub fn action(self) -> &'static str {
        match self {
            DstChoice::Gap(g) => g.name(),
            DstChoice::Overlap(o) => o.name(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StatePolicy {
    pub state: ValueState,
    pub action: StateAction,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum StateAction {
    Null,
    Keep,
    Reject(Option<StrLit>),
    Default(Literal),
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetDecl {
    pub name: Ident,
    pub settings: Vec<Setting>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub name: Ident,
    pub value: Literal,
    /// `per N unit`: the number as written, and the unit.
    pub per: Option<(String, Ident)>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompositeDecl {
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectDecl {
    pub name: Ident,
    pub api: Option<StrLit>,
    pub plural: Option<StrLit>,
    pub label: Option<StrLit>,
    pub link: bool,
    pub readonly: bool,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExtendDecl {
    pub object: Ident,
    pub fields: Vec<FieldDecl>,
    pub option_adds: Vec<OptionAdd>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionAdd {
    pub field: Ident,
    pub options: Vec<SelectOption>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: FieldTypeExpr,
    pub required: bool,
    pub unique: Option<Option<Ident>>,
    pub default: Option<DefaultValue>,
    pub label: Option<StrLit>,
    pub api: Option<StrLit>,
    pub readonly: bool,
    pub sensitive: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum DefaultValue {
    Literal(Literal),
    Option(Ident),
}

#[derive(Debug, Clone, Serialize)]
pub enum FieldTypeExpr {
    Select(Vec<SelectOption>),
    MultiSelect(Vec<SelectOption>),
    /// `-> Company`, or a polymorphic `-> Contact | Deal`.
    Relation(Vec<Ident>),
    Links(Ident),
    Named(Ident),
}

#[derive(Debug, Clone, Serialize)]
pub struct SelectOption {
    pub value: Ident,
    pub label: Option<StrLit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValuesDecl {
    pub name: Ident,
    pub ignore_case: bool,
    pub entries: Vec<ValueEntry>,
    pub otherwise: Option<ElseAction>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueEntry {
    pub keys: Vec<Literal>,
    pub output: ValueOut,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum ValueOut {
    Literal(Literal),
    Option(Ident),
}

#[derive(Debug, Clone, Serialize)]
pub struct ElseAction {
    pub kind: ElseKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum ElseKind {
    Reject(Option<StrLit>),
    Hold(Option<StrLit>),
    Skip,
    Keep,
    Output(ValueOut),
}

#[derive(Debug, Clone, Serialize)]
pub struct MapDecl {
    pub source: Ident,
    pub target: Ident,
    pub alias: Option<Ident>,
    pub when: Option<Expr>,
    pub merge: Option<MergeClause>,
    pub stmts: Vec<MapStmt>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct MergeClause {
    pub source: Ident,
    pub key: Expr,
    pub miss: Option<MissPolicy>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum MapStmt {
    Identity {
        path: FieldPath,
        value: Option<Expr>,
        span: Span,
    },
    Dedupe {
        paths: Vec<FieldPath>,
        span: Span,
    },
    Lossy {
        note: StrLit,
        span: Span,
    },
    /// `on duplicate path merge|reject`
    OnDuplicate {
        path: FieldPath,
        action: OnDuplicate,
        span: Span,
    },
    Assign {
        path: FieldPath,
        value: Expr,
        deferred: bool,
        span: Span,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct MissPolicy {
    pub action: MissAction,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    pub ret: Option<Ident>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: Ident,
    pub ty: Option<Ident>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapDecl {
    pub title: StrLit,
    pub entries: Vec<(Ident, StrLit)>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderDecl {
    pub objects: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestDecl {
    pub name: StrLit,
    /// Target users (by email) that exist for this test's owner lookups.
    pub users: Vec<StrLit>,
    pub givens: Vec<Given>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Given {
    pub source: Ident,
    pub fields: Vec<RecordField>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum Expect {
    Record {
        object: Ident,
        fields: Vec<RecordField>,
        span: Span,
    },
    Outcome {
        outcome: TestOutcome,
        source: Ident,
        reason: Option<StrLit>,
        span: Span,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordField {
    pub key: FieldPath,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    Str(String),
    /// Exact (see `ir::number`).
    Number(#[serde(serialize_with = "serde_text::serialize")] Decimal),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum ExprKind {
    Literal(Literal),
    /// A bare name: a column, a parameter, or an option value, decided by the checker.
    Name(Ident),
    Field(Box<Expr>, Ident),
    Call {
        callee: Ident,
        args: Vec<Expr>,
        /// true when written as a pipeline stage (`x | trim`): the piped value is `args[0]`.
        piped: bool,
    },
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Lookup {
        source: Ident,
        args: Vec<Expr>,
        column: Option<Ident>,
        /// `as Object | Other`: which of the objects the source's maps make it finds (the first
        /// made from the row); empty when it does not say.
        objects: Vec<Ident>,
        miss: Option<MissPolicy>,
    },
    Owner {
        email: Box<Expr>,
        miss: Option<MissPolicy>,
    },
    Reject(StrLit),
    Hold(StrLit),
    Duration(
        #[serde(serialize_with = "serde_text::serialize")] Decimal,
        DurationUnit,
    ),
    List(Vec<Expr>),
    Record(Vec<RecordField>),
}
