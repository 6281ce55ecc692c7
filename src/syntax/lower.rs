//! Pest pairs → AST items. The grammar guarantees each pair's shape; when a shape is still not
//! what we expect, that is a bug of ours, reported as an `Internal` diagnostic instead of a panic.

use super::ast::*;
use super::rules::Rule;
use crate::diag::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::iterators::{Pair, Pairs};

pub(super) type P<'a> = Pair<'a, Rule>;

pub(super) struct Lowerer {
    pub(super) file: FileId,
    /// Where the text parsed starts in its file (a part of a file parsed on its own).
    base: usize,
    diags: Vec<Diagnostic>,
    /// Current expression recursion depth, bounded so no input can exhaust the stack.
    pub(super) depth: usize,
    too_deep_reported: bool,
}

/// Deepest expression recursion the lowering follows (the precheck bounds brackets and `if`s;
/// this also bounds what it cannot see, such as `else if` chains).
const MAX_RECURSION: usize = 160;

impl Lowerer {
    pub(super) fn new(file: FileId, base: usize) -> Lowerer {
        Lowerer {
            file,
            base,
            diags: Vec::new(),
            depth: 0,
            too_deep_reported: false,
        }
    }

    pub(super) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags
    }

    /// The pair's span without trailing whitespace (optional clauses that did not match still
    /// consume the whitespace before them).
    pub(super) fn span(&self, p: &P) -> Span {
        let start = self.base + p.as_span().start();
        let trimmed = p.as_str().trim_end().len();
        Span::new(self.file, start, start + trimmed)
    }

    /// Records a shape the grammar should have ruled out.
    pub(super) fn bug(&mut self, p: &P, what: &str) {
        let span = self.span(p);
        self.diags.push(
            Diagnostic::new(
                Code::Internal,
                format!("parser produced an unexpected {what}"),
            )
            .primary(span, "while reading this"),
        );
    }

    /// A number literal's exact value; one that a decimal cannot hold exactly is reported
    /// (E0311) and read as 0, so the rest of the file is still checked.
    pub(super) fn number(&mut self, p: &P) -> Decimal {
        if let Some(n) = crate::ir::number::parse_literal(p.as_str()) {
            return n;
        }
        let span = self.span(p);
        self.push(
            Diagnostic::new(
                Code::NumberOutOfRange,
                format!(
                    "`{}` has more digits than a decimal holds exactly",
                    p.as_str()
                ),
            )
            .primary(span, "this number")
            .note("numbers hold 28 significant digits, at most 28 after the point"),
        );
        Decimal::ZERO
    }

    pub(super) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Enters one level of expression recursion; false (reported once) when too deep.
    pub(super) fn enter(&mut self, p: &P) -> bool {
        if self.depth >= MAX_RECURSION {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                let span = self.span(p);
                self.push(
                    Diagnostic::new(Code::TooDeep, "this expression is nested too deeply")
                        .primary(span, "too deep here")
                        .help("split it into user-defined functions"),
                );
            }
            return false;
        }
        self.depth += 1;
        true
    }

    /// A chain longer than the lowering accepts.
    pub(super) fn too_long(&mut self, p: &P) {
        let span = self.span(p);
        self.push(
            Diagnostic::new(
                Code::TooDeep,
                format!(
                    "a chain of more than {} operators",
                    super::lower_expr::MAX_CHAIN
                ),
            )
            .primary(span, "too long from here")
            .help("split it into user-defined functions"),
        );
    }

    pub(super) fn module(&mut self, mut pairs: Pairs<Rule>) -> Module {
        let mut items = Vec::new();
        let Some(file) = pairs.next() else {
            return Module { items };
        };
        for p in file.into_inner() {
            if p.as_rule() == Rule::EOI {
                continue;
            }
            if let Some(item) = self.item(p) {
                items.push(item);
            }
        }
        Module { items }
    }

    fn item(&mut self, p: P) -> Option<Item> {
        Some(match p.as_rule() {
            Rule::migration => Item::Migration(self.migration(p)?),
            Rule::use_decl => Item::Use(self.use_decl(p)?),
            Rule::source_decl => Item::Source(self.source(p)?),
            Rule::target_decl => Item::Target(self.target(p)?),
            Rule::composite_decl => Item::Composite(self.composite(p)?),
            Rule::object_decl => Item::Object(self.object(p)?),
            Rule::extend_decl => Item::Extend(self.extend(p)?),
            Rule::values_decl => Item::Values(self.values(p)?),
            Rule::map_decl => Item::Map(self.map(p)?),
            Rule::fn_decl => Item::Fn(self.function(p)?),
            Rule::gap_decl => Item::Gap(self.gap(p)?),
            Rule::order_decl => Item::Order(self.order(p)),
            Rule::test_decl => Item::Test(self.test(p)?),
            _ => {
                self.bug(&p, "item");
                return None;
            }
        })
    }

    pub(super) fn ident(&mut self, p: P) -> Ident {
        let span = self.span(&p);
        let raw = p.as_str();
        let name = raw
            .strip_prefix('`')
            .and_then(|s| s.strip_suffix('`'))
            .unwrap_or(raw);
        Ident {
            name: name.to_string(),
            span,
        }
    }

    pub(super) fn path(&mut self, p: P) -> FieldPath {
        let span = self.span(&p);
        let parts = p.into_inner().map(|i| self.ident(i)).collect();
        FieldPath { parts, span }
    }

    pub(super) fn string(&mut self, p: P) -> StrLit {
        let span = self.span(&p);
        let raw = p.as_str();
        let inner = raw
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(raw);
        StrLit {
            value: unescape(inner),
            span,
        }
    }

    pub(super) fn literal(&mut self, p: P) -> Option<Literal> {
        let inner = p.clone().into_inner().next();
        let Some(inner) = inner else {
            self.bug(&p, "literal");
            return None;
        };
        Some(match inner.as_rule() {
            Rule::string => Literal::Str(self.string(inner).value),
            Rule::number => Literal::Number(self.number(&inner)),
            Rule::k_true => Literal::Bool(true),
            Rule::k_false => Literal::Bool(false),
            _ => Literal::Null,
        })
    }

    fn migration(&mut self, p: P) -> Option<Migration> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let title = self.string(inner.next()?);
        let mut m = Migration {
            title,
            from: None,
            to: None,
            default_owner: None,
            users: None,
            sensitive: false,
            span,
        };
        for entry in inner {
            let rule = entry.as_rule();
            let last = entry.into_inner().last();
            match (rule, last) {
                (Rule::header_from, Some(v)) => m.from = Some(self.string(v)),
                (Rule::header_to, Some(v)) => m.to = Some(self.ident(v)),
                (Rule::header_owner, Some(v)) => m.default_owner = Some(self.string(v)),
                (Rule::header_users, Some(v)) => m.users = Some(self.string(v)),
                (Rule::header_sensitive, _) => m.sensitive = true,
                _ => {}
            }
        }
        Some(m)
    }

    fn use_decl(&mut self, p: P) -> Option<UseDecl> {
        let span = self.span(&p);
        let target = p.into_inner().nth(1)?;
        let target = match target.as_rule() {
            Rule::string => UseTarget::File(self.string(target)),
            _ => UseTarget::Module(target.into_inner().map(|i| self.ident(i)).collect()),
        };
        Some(UseDecl { target, span })
    }

    fn target(&mut self, p: P) -> Option<TargetDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let settings = inner.filter_map(|s| self.setting(s)).collect();
        Some(TargetDecl {
            name,
            settings,
            span,
        })
    }

    fn setting(&mut self, p: P) -> Option<Setting> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = self.ident(inner.next()?);
        let v = inner.next()?;
        let value = match v.as_rule() {
            Rule::string => Literal::Str(self.string(v).value),
            _ => Literal::Number(self.number(&v)),
        };
        let per = match (inner.next(), inner.next()) {
            (Some(n), Some(unit)) => Some((n.as_str().to_string(), self.ident(unit))),
            _ => None,
        };
        Some(Setting {
            name,
            value,
            per,
            span,
        })
    }

    fn gap(&mut self, p: P) -> Option<GapDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let title = self.string(inner.next()?);
        let mut entries = Vec::new();
        for e in inner {
            let mut kv = e.into_inner();
            let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
                continue;
            };
            entries.push((self.ident(k), self.string(v)));
        }
        Some(GapDecl {
            title,
            entries,
            span,
        })
    }

    fn order(&mut self, p: P) -> OrderDecl {
        let span = self.span(&p);
        let objects = p
            .into_inner()
            .filter(|i| i.as_rule() == Rule::ident)
            .map(|i| self.ident(i))
            .collect();
        OrderDecl { objects, span }
    }
}

/// Resolves `\"`, `\\`, `\n`, `\t`, `\r` and `\u{…}`; the grammar admits no other escape.
pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                out.push(ch);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}
