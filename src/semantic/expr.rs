//! Type-checks one expression and lowers it to IR in the same walk.

use super::builtins;
use super::each;
use super::env::{Env, Scope, Usage};
use super::types::{Known, LookupUse, Ty, Typed};
use crate::builtins::{Builtin, Literal as LiteralArg, Param, Returns};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{self, BuiltinId, Const, LookupTarget, ObjectId, TableElse};
use crate::span::Span;
use crate::syntax::ast::{self, BinOp, ExprKind, Literal, MissAction};

/// What a lookup finds: a source's record (of the object named, when it is), or its column.
struct LookupOf<'a> {
    source: &'a ast::Ident,
    column: Option<&'a ast::Ident>,
    objects: &'a [ast::Ident],
}

pub struct ExprChecker<'a> {
    pub env: &'a Env,
    pub scope: Scope<'a>,
    pub usage: &'a mut Usage,
    pub diags: &'a mut Vec<Diagnostic>,
}

pub fn literal_const(l: &Literal) -> Const {
    match l {
        Literal::Str(s) => Const::Text { value: s.clone() },
        Literal::Number(n) => Const::Number { value: *n },
        Literal::Bool(b) => Const::Bool { value: *b },
        Literal::Null => Const::Null,
    }
}

/// UPPER_SNAKE names are option values when no column has that name.
pub fn looks_like_option(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

impl<'a> ExprChecker<'a> {
    fn err(&mut self, d: Diagnostic) -> Typed {
        self.diags.push(d);
        Typed::error()
    }

    pub fn check(&mut self, e: &ast::Expr) -> Typed {
        match &e.kind {
            ExprKind::Literal(l) => literal(l, e.span),
            ExprKind::Name(id) => self.name(id),
            ExprKind::Field(base, name) => self.field(base, name),
            ExprKind::Call { callee, args, .. } => self.call(callee, args, e.span),
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e.span),
            ExprKind::Not(a) => {
                let t = self.check(a);
                self.expect_bool(&t, a.span);
                let ir = ir::Expr::Not {
                    arg: Box::new(t.ir.clone()),
                };
                Typed::new(Ty::Bool, ir).absorb(&[&t])
            }
            ExprKind::Neg(a) => {
                let t = self.check(a);
                if !t.ty.is_number() && !t.ty.is_lenient() {
                    self.mismatch(a.span, "a number", &t.ty);
                }
                let ir = ir::Expr::Neg {
                    arg: Box::new(t.ir.clone()),
                };
                Typed::new(t.ty.clone(), ir).absorb(&[&t])
            }
            ExprKind::In(v, list) => {
                let t = self.check(v);
                let items: Vec<Typed> = list.iter().map(|i| self.check(i)).collect();
                let ir = ir::Expr::In {
                    arg: Box::new(t.ir.clone()),
                    list: items.iter().map(|i| i.ir.clone()).collect(),
                };
                let mut out = Typed::new(Ty::Bool, ir).absorb(&[&t]);
                for i in &items {
                    out = out.absorb(&[i]);
                }
                out
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.if_expr(cond, then, otherwise),
            ExprKind::Lookup {
                source,
                args,
                column,
                objects,
                miss,
            } => {
                let target = LookupOf {
                    source,
                    column: column.as_ref(),
                    objects,
                };
                self.lookup(target, args, miss.as_ref(), e.span)
            }
            ExprKind::Owner { email, miss } => self.owner(email, miss.as_ref(), e.span),
            ExprKind::Reject(s) => Typed::new(
                Ty::Never,
                ir::Expr::Reject {
                    reason: s.value.clone(),
                },
            ),
            ExprKind::Hold(s) => Typed::new(
                Ty::Never,
                ir::Expr::Hold {
                    reason: s.value.clone(),
                },
            ),
            ExprKind::Duration(n, unit) => Typed::new(
                Ty::Duration,
                ir::Expr::Const {
                    value: Const::Duration {
                        amount: *n,
                        unit: *unit,
                    },
                },
            ),
            ExprKind::List(items) => self.list(items),
            ExprKind::Record(fields) => self.record(fields),
        }
    }

    pub fn mismatch(&mut self, span: Span, expected: &str, found: &Ty) {
        self.diags.push(
            Diagnostic::new(
                Code::TypeMismatch,
                format!("expected {expected}, found {}", found.name()),
            )
            .primary(span, format!("this is {}", found.name())),
        );
    }

    fn expect_bool(&mut self, t: &Typed, span: Span) {
        if t.ty != Ty::Bool && !t.ty.is_lenient() {
            self.diags.push(
                Diagnostic::new(
                    Code::NotBoolean,
                    format!("expected true or false, found {}", t.ty.name()),
                )
                .primary(span, "not a condition")
                .help("compare it: `x == \"value\"`, `x != null`"),
            );
        }
    }

    fn name(&mut self, id: &ast::Ident) -> Typed {
        let env = self.env;
        let found = match self.scope {
            Scope::Row(source) => env.sources.get(source).and_then(|s| {
                let c = s.columns.get(&id.name)?;
                self.usage.read(s.id, c.id, id.span);
                Some(Typed::new(c.ty.clone(), ir::Expr::Column { column: c.id }))
            }),
            Scope::Params(params) => params
                .iter()
                .position(|(n, _)| *n == id.name)
                .map(|i| Typed::new(params[i].1.clone(), ir::Expr::Param { index: i })),
        };
        if let Some(t) = found {
            return t;
        }
        if looks_like_option(&id.name) {
            let mut t = Typed::new(
                Ty::Text,
                ir::Expr::Const {
                    value: Const::Text {
                        value: id.name.clone(),
                    },
                },
            );
            t.known = Some(vec![Known {
                text: id.name.clone(),
                span: id.span,
                table: None,
            }]);
            return t;
        }
        let what = match self.scope {
            Scope::Params(_) => "parameter",
            _ => "column",
        };
        let source = match self.scope {
            Scope::Row(s) => format!(" of source `{s}`"),
            _ => String::new(),
        };
        let d = Diagnostic::new(
            Code::UnknownColumn,
            format!("unknown {what} `{}`{source}", id.name),
        )
        .primary(id.span, format!("no such {what}"))
        .help_opt(did_you_mean(&id.name, self.names_in_scope()));
        self.err(d)
    }

    /// The columns or parameters a name could have meant.
    fn names_in_scope(&self) -> Vec<&str> {
        match self.scope {
            Scope::Row(source) => self
                .env
                .sources
                .get(source)
                .map(|s| s.columns.keys().map(String::as_str).collect())
                .unwrap_or_default(),
            Scope::Params(params) => params.iter().map(|(n, _)| n.as_str()).collect(),
        }
    }

    fn field(&mut self, base: &ast::Expr, name: &ast::Ident) -> Typed {
        let t = self.check(base);
        let ty = match &t.ty {
            Ty::Composite(c) if !self.env.schema.composites.contains_key(c) => {
                match builtins::intrinsic_subfield(c, &name.name) {
                    Some(ty) => ty,
                    None => {
                        let d = Diagnostic::new(
                            Code::UnknownField,
                            format!("`{c}` has no field `{}`", name.name),
                        )
                        .primary(name.span, "unknown subfield")
                        .help_opt(did_you_mean(
                            &name.name,
                            builtins::intrinsic_fields(c).iter().copied(),
                        ));
                        return self.err(d);
                    }
                }
            }
            Ty::Composite(c) => {
                let comp = self.env.schema.composites.get(c);
                match comp.and_then(|c| c.fields.iter().find(|f| f.name == name.name)) {
                    Some(f) => super::assign::field_value_type(&self.env.schema, &f.ty),
                    None => {
                        let names: Vec<&str> = comp
                            .map(|c| c.fields.iter().map(|f| f.name.as_str()).collect())
                            .unwrap_or_default();
                        let d = Diagnostic::new(
                            Code::UnknownField,
                            format!("`{c}` has no field `{}`", name.name),
                        )
                        .primary(name.span, "unknown subfield")
                        .help_opt(did_you_mean(&name.name, names));
                        return self.err(d);
                    }
                }
            }
            Ty::Any | Ty::Record(_) => Ty::Any,
            other => {
                let d = Diagnostic::new(
                    Code::TypeMismatch,
                    format!("{} has no fields", other.name()),
                )
                .primary(name.span, "no field to read");
                return self.err(d);
            }
        };
        let ir = ir::Expr::Field {
            arg: Box::new(t.ir.clone()),
            name: name.name.clone(),
        };
        Typed::new(ty, ir).absorb(&[&t])
    }

    fn call(&mut self, callee: &ast::Ident, args: &[ast::Expr], span: Span) -> Typed {
        if self.env.tables.contains_key(&callee.name) {
            return self.table_call(callee, args, span);
        }
        if self.env.fns.contains_key(&callee.name) {
            return self.fn_call(callee, args, span);
        }
        if let Some(b) = crate::builtins::find(&callee.name) {
            return self.builtin_call(b, callee, args, span);
        }
        self.unknown_callee(callee)
    }

    fn unknown_callee(&mut self, callee: &ast::Ident) -> Typed {
        let tables: Vec<String> = self.env.tables.keys().cloned().collect();
        let fns: Vec<String> = self
            .env
            .fns
            .keys()
            .cloned()
            .chain(crate::builtins::names().map(String::from))
            .collect();
        let table_hint = did_you_mean(&callee.name, tables.iter().map(String::as_str));
        let fn_hint = did_you_mean(&callee.name, fns.iter().map(String::as_str));
        let capitalised = callee.name.starts_with(|c: char| c.is_ascii_uppercase());
        let d = if table_hint.is_some() || (capitalised && fn_hint.is_none()) {
            Diagnostic::new(
                Code::UnknownValueTable,
                format!("unknown value table `{}`", callee.name),
            )
            .primary(callee.span, "no `values` block has this name")
            .help_opt(table_hint)
        } else {
            Diagnostic::new(
                Code::UnknownFunction,
                format!("unknown function `{}`", callee.name),
            )
            .primary(callee.span, "neither a built-in nor a `fn` of this spec")
            .help_opt(fn_hint.or(Some("`mapc explain functions` lists the built-ins".into())))
        };
        self.err(d)
    }

    fn arity(&mut self, callee: &ast::Ident, span: Span, expected: &str, found: usize) {
        self.diags.push(
            Diagnostic::new(
                Code::Arity,
                format!("`{}` takes {expected}, given {found}", callee.name),
            )
            .primary(span, "wrong number of arguments"),
        );
    }

    fn table_call(&mut self, callee: &ast::Ident, args: &[ast::Expr], span: Span) -> Typed {
        self.usage.tables.insert(callee.name.clone());
        if args.len() != 1 {
            self.arity(callee, span, "1 argument", args.len());
            return Typed::error();
        }
        // A table takes one value: given a list, it is applied to each element.
        let (checked, list) = self.arguments(args, true);
        let arg = &checked[0];
        if let Ty::List(_) = arg.ty {
            self.one_value(args[0].span, "a value table's input", &arg.ty);
        }
        let table = &self.env.tables[&callee.name];
        let ir = ir::Expr::Table {
            table: table.id,
            arg: Box::new(arg.ir.clone()),
        };
        let mut t = Typed::new(table.ty.clone(), ir).absorb(&[arg]);
        t.known = table.known.clone();
        if matches!(table.otherwise, TableElse::Fail) {
            t = t.fallible_at(callee.span);
        }
        each::over(t, list)
    }

    /// A list where one value is taken: a list of lists given to a table, a list as a later
    /// argument (only a call's first argument is applied to element by element), a side of
    /// `++`, a lookup's key.
    fn one_value(&mut self, span: Span, what: &str, found: &Ty) {
        self.diags.push(
            Diagnostic::new(
                Code::TypeMismatch,
                format!("{what} is one value, but this is {}", found.name()),
            )
            .primary(span, format!("this is {}", found.name()))
            .help(
                "join it into one text with `join(x, \", \")`, or pipe it into a table or \
                 function, which then takes its elements one by one (`split(x, \";\") | Tag`)",
            ),
        );
    }

    fn fn_call(&mut self, callee: &ast::Ident, args: &[ast::Expr], span: Span) -> Typed {
        self.usage.fns.insert(callee.name.clone());
        let f = &self.env.fns[&callee.name];
        let (id, params, ret, fallible, known) = (
            f.id,
            f.params.clone(),
            f.ret.clone(),
            f.fallible,
            f.known.clone(),
        );
        if args.len() != params.len() {
            self.arity(
                callee,
                span,
                &format!("{} argument(s)", params.len()),
                args.len(),
            );
            return Typed::error();
        }
        // A function takes one value for each parameter: a list first is applied to each
        // element; a list elsewhere is refused.
        let (checked, list) = self.arguments(args, true);
        for ((arg, t), (pname, pty)) in args.iter().zip(&checked).zip(&params) {
            if let Ty::List(_) = t.ty {
                self.one_value(arg.span, &format!("parameter `{pname}`"), &t.ty);
            } else if !super::assign::value_fits(pty, &t.ty) {
                self.mismatch(
                    arg.span,
                    &format!("{} for parameter `{pname}`", pty.name()),
                    &t.ty,
                );
            }
        }
        let ir = ir::Expr::Function {
            function: id,
            args: checked.iter().map(|t| t.ir.clone()).collect(),
        };
        let mut out = Typed::new(ret, ir);
        for c in &checked {
            out = out.absorb(&[c]);
        }
        out.known = known;
        if fallible {
            out = out.fallible_at(callee.span);
        }
        each::over(out, list)
    }

    fn builtin_call(
        &mut self,
        id: BuiltinId,
        callee: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Typed {
        let b = crate::builtins::get(id);
        let max = if b.variadic {
            usize::MAX
        } else {
            b.params.len()
        };
        let required = b.required();
        if args.len() < required || args.len() > max {
            let expected = match (b.variadic, required == b.params.len()) {
                (true, _) => format!("at least {required} argument(s)"),
                (false, true) => format!("{required} argument(s)"),
                (false, false) => format!("{required} to {} arguments", b.params.len()),
            };
            self.arity(callee, span, &expected, args.len());
            return Typed::error();
        }
        let first = b.params.first().copied().unwrap_or(Param::Any);
        let (checked, list) = self.arguments(args, first.takes_one());
        for (i, (arg, t)) in args.iter().zip(&checked).enumerate() {
            let param = b
                .params
                .get(i)
                .or(b.params.last())
                .copied()
                .unwrap_or(Param::Any);
            if !builtins::accepts(param, &t.ty) {
                self.mismatch(arg.span, param.name(), &t.ty);
            }
        }
        self.check_literal_args(b, args);
        let tys: Vec<Ty> = checked.iter().map(|t| t.ty.clone()).collect();
        let ir = ir::Expr::Call {
            builtin: id,
            args: checked.iter().map(|t| t.ir.clone()).collect(),
        };
        let mut out = Typed::new(builtins::return_type(b, &tys), ir);
        for c in &checked {
            out = out.absorb(&[c]);
        }
        if b.fallible {
            out = out.fallible_at(callee.span);
        }
        each::over(out, list)
    }

    /// The arguments a built-in checks when they are written as literals: date formats and
    /// time zones.
    fn check_literal_args(&mut self, b: &Builtin, args: &[ast::Expr]) {
        for (at, kind) in b.literals {
            let Some(ast::Expr {
                kind: ExprKind::Literal(Literal::Str(text)),
                span,
            }) = args.get(*at)
            else {
                continue;
            };
            let found = match kind {
                LiteralArg::DateFormat => super::formats::check(text, format_of(b), *span),
                LiteralArg::TimeZone => super::formats::check_zone(text, *span),
            };
            self.diags.extend(found);
        }
    }

    fn binary(&mut self, op: BinOp, l: &ast::Expr, r: &ast::Expr, span: Span) -> Typed {
        let lt = self.check(l);
        let rt = self.check(r);
        let ir = ir::Expr::Binary {
            operator: op,
            lhs: Box::new(lt.ir.clone()),
            rhs: Box::new(rt.ir.clone()),
        };
        match op {
            BinOp::Coalesce => {
                self.same_shape(&lt, &rt, r.span);
                let mut t = Typed::new(Ty::join(&lt.ty, &rt.ty), ir);
                t.fallible = rt.fallible;
                t.lookups = lt.lookups.iter().chain(&rt.lookups).cloned().collect();
                t.known = merge_known(&lt, &rt);
                t
            }
            BinOp::And | BinOp::Or => {
                self.expect_bool(&lt, l.span);
                self.expect_bool(&rt, r.span);
                Typed::new(Ty::Bool, ir).absorb(&[&lt, &rt])
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                Typed::new(Ty::Bool, ir).absorb(&[&lt, &rt])
            }
            BinOp::Concat => {
                for (side, t) in [(l, &lt), (r, &rt)] {
                    if t.ty.is_list() {
                        self.one_value(side.span, "each side of `++`", &t.ty);
                    }
                }
                Typed::new(Ty::Text, ir).absorb(&[&lt, &rt])
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let ty = self.arithmetic(op, &lt.ty, &rt.ty, span);
                Typed::new(ty, ir).absorb(&[&lt, &rt])
            }
        }
    }

    fn arithmetic(&mut self, op: BinOp, l: &Ty, r: &Ty, span: Span) -> Ty {
        use Ty::*;
        let additive = matches!(op, BinOp::Add | BinOp::Sub);
        match (l, r) {
            (Int, Int) => Int,
            (a, b) if a.is_number() && b.is_number() => Decimal,
            (Date | DateTime, Duration) if additive => l.clone(),
            (Duration, Date | DateTime) if op == BinOp::Add => r.clone(),
            (Date, Date) if op == BinOp::Sub => Int,
            (a, b) if a.is_lenient() || b.is_lenient() => Any,
            _ => {
                let mut d = Diagnostic::new(
                    Code::TypeMismatch,
                    format!(
                        "cannot apply `{}` to {} and {}",
                        op.symbol(),
                        l.name(),
                        r.name()
                    ),
                )
                .primary(span, "here");
                if *l == Text || *r == Text {
                    d = d.help("join text with `++`; parse numbers with int() or decimal()");
                }
                self.diags.push(d);
                Any
            }
        }
    }

    /// The two values an `if` or a `??` chooses between are both lists or both single values
    /// (null, a reject or hold, or an unknown type fits either): otherwise what comes out is
    /// sometimes a list and sometimes not, and nothing after it could be checked.
    fn same_shape(&mut self, a: &Typed, b: &Typed, b_span: Span) {
        let lenient = |t: &Typed| t.ty.is_lenient();
        if a.ty.is_list() == b.ty.is_list() || lenient(a) || lenient(b) {
            return;
        }
        self.diags.push(
            Diagnostic::new(
                Code::TypeMismatch,
                format!(
                    "one side is {}, the other {}: a value is a list or one value, not either",
                    a.ty.name(),
                    b.ty.name()
                ),
            )
            .primary(b_span, format!("this is {}", b.ty.name()))
            .help("make both sides lists (`[x]` is a list of one) or both single values"),
        );
    }

    fn if_expr(&mut self, cond: &ast::Expr, then: &ast::Expr, otherwise: &ast::Expr) -> Typed {
        let c = self.check(cond);
        self.expect_bool(&c, cond.span);
        let a = self.check(then);
        let b = self.check(otherwise);
        self.same_shape(&a, &b, otherwise.span);
        let ir = ir::Expr::If {
            cond: Box::new(c.ir.clone()),
            then: Box::new(a.ir.clone()),
            otherwise: Box::new(b.ir.clone()),
        };
        let mut t = Typed::new(Ty::join(&a.ty, &b.ty), ir).absorb(&[&c, &a, &b]);
        t.known = merge_known(&a, &b);
        t
    }

    fn lookup(
        &mut self,
        of: LookupOf,
        args: &[ast::Expr],
        miss: Option<&ast::MissPolicy>,
        span: Span,
    ) -> Typed {
        let LookupOf {
            source,
            column,
            objects: named,
        } = of;
        let checked: Vec<Typed> = args.iter().map(|a| self.check(a)).collect();
        for (arg, t) in args.iter().zip(&checked) {
            if t.ty.is_list() {
                self.one_value(arg.span, "a lookup's key", &t.ty);
            }
        }
        let Some(src) = self.env.sources.get(&source.name) else {
            return self.unknown_source(source);
        };
        self.usage.looked_up.insert(source.name.clone());
        if src.key.len() != args.len() && !src.key.is_empty() {
            self.arity(
                source,
                span,
                &format!(
                    "{} key value(s) (its key is {})",
                    src.key.len(),
                    src.key.join(", ")
                ),
                args.len(),
            );
        }
        let source_id = src.id;
        let lookup = |target| ir::Expr::Lookup {
            source: source_id,
            target,
            args: checked.iter().map(|t| t.ir.clone()).collect(),
            miss: miss.map(|m| m.action.clone()),
        };
        let mut out = match column {
            Some(col) => {
                let Some(c) = src.columns.get(&col.name) else {
                    let names: Vec<&str> = src.columns.keys().map(String::as_str).collect();
                    let d = Diagnostic::new(
                        Code::UnknownColumn,
                        format!("unknown column `{}` of source `{}`", col.name, source.name),
                    )
                    .primary(col.span, "no such column")
                    .help_opt(did_you_mean(&col.name, names));
                    return self.err(d);
                };
                self.usage.read(source_id, c.id, col.span);
                let t = Typed::new(c.ty.clone(), lookup(LookupTarget::Column { column: c.id }));
                if miss.is_none() {
                    t.fallible_at(span)
                } else {
                    t
                }
            }
            None => {
                let objects = self
                    .env
                    .made_from
                    .get(&source_id)
                    .cloned()
                    .unwrap_or_default();
                if miss.is_none() {
                    self.no_miss_policy(
                        span,
                        "lookup",
                        "reject | null | skip | hold | placeholder",
                    );
                }
                let chosen = if named.is_empty() {
                    None
                } else {
                    let found: Vec<Option<ObjectId>> = named
                        .iter()
                        .map(|name| self.named_object(source, &objects, name))
                        .collect();
                    match found.into_iter().collect::<Option<Vec<_>>>() {
                        Some(found) => Some(found),
                        None => return Typed::new(Ty::Any, ir::Expr::null()),
                    }
                };
                let objects = chosen.clone().unwrap_or(objects);
                // The first object the source's maps make; a field that accepts another of
                // them points the lookup at that one, and one that accepts several wants the
                // lookup to say which (`maps.rs`).
                let mut t = match objects.first() {
                    Some(&object) => {
                        let names = objects
                            .iter()
                            .map(|o| self.env.object_name(*o).to_string())
                            .collect();
                        let ir = match &chosen {
                            // The first of the named objects made from the row: each lookup but
                            // the last gives null when it finds nothing, for `??` to go on.
                            Some(many) if many.len() > 1 => first_found(many, &lookup),
                            _ => lookup(LookupTarget::Record { object }),
                        };
                        Typed::new(Ty::Ref(names), ir)
                    }
                    None => {
                        self.diags.push(
                            Diagnostic::new(Code::LookupUnmapped, format!("`{}` is looked up but never mapped", source.name))
                                .primary(source.span, "no `map` makes records from this source")
                                .help(format!("add `map {} -> Object {{ … }}`, or read a column: `lookup {}(…).column`", source.name, source.name)),
                        );
                        Typed::new(Ty::Any, ir::Expr::null())
                    }
                };
                t.lookups.push(LookupUse {
                    source: source_id,
                    span,
                    named: chosen.clone(),
                });
                t
            }
        };
        self.check_default_policy(miss, "a lookup");
        for c in &checked {
            out = out.absorb(&[c]);
        }
        out
    }

    /// The object `lookup Source(…) as Object` names, when the source's maps make one.
    fn named_object(
        &mut self,
        source: &ast::Ident,
        made: &[ObjectId],
        name: &ast::Ident,
    ) -> Option<ObjectId> {
        let found = self.env.schema.object_id(&name.name);
        if let Some(object) = found.filter(|o| made.contains(o)) {
            return Some(object);
        }
        let names: Vec<&str> = made.iter().map(|o| self.env.object_name(*o)).collect();
        self.diags.push(
            Diagnostic::new(
                Code::LookupUnmapped,
                format!("no map makes a `{}` from `{}`", name.name, source.name),
            )
            .primary(name.span, "not made from this source")
            .help(if names.is_empty() {
                format!("`{}` is never mapped", source.name)
            } else {
                format!("its maps make: {}", names.join(", "))
            }),
        );
        None
    }

    fn unknown_source(&mut self, source: &ast::Ident) -> Typed {
        let names: Vec<&str> = self.env.sources.keys().map(String::as_str).collect();
        let d = Diagnostic::new(
            Code::UnknownSource,
            format!("unknown source `{}`", source.name),
        )
        .primary(source.span, "no `source` has this name")
        .help_opt(did_you_mean(&source.name, names));
        self.err(d)
    }

    fn no_miss_policy(&mut self, span: Span, what: &str, policies: &str) {
        self.diags.push(
            Diagnostic::new(
                Code::NoMissPolicy,
                format!("this {what} does not say what happens when nothing matches"),
            )
            .primary(span, "no miss policy")
            .help(format!("add `on missing {policies}`")),
        );
    }

    fn check_default_policy(&mut self, miss: Option<&ast::MissPolicy>, what: &str) {
        let Some(m) = miss else { return };
        if m.action != MissAction::Default {
            return;
        }
        if what != "an owner" {
            self.diags.push(
                Diagnostic::new(
                    Code::NoMissPolicy,
                    format!("`on missing default` is for owners, not {what}"),
                )
                .primary(m.span, "not available here"),
            );
        } else if self.env.migration.default_owner.is_none() {
            self.diags.push(
                Diagnostic::new(
                    Code::DefaultOwner,
                    "`on missing default` but the migration has no default owner",
                )
                .primary(m.span, "no default owner to fall back to")
                .help("add `default owner \"someone@example.com\"` to the migration header"),
            );
        }
    }

    /// An owner is matched against the target's users, which a migration must name: without
    /// them every owner would miss, and every row would take its miss policy.
    fn check_users(&mut self, span: Span) {
        let m = &self.env.migration;
        // A module without a header (a library of functions) is checked where it is used.
        if m.target.is_empty() || m.users_file.is_some() {
            return;
        }
        self.diags.push(
            Diagnostic::new(
                Code::OwnerWithoutUsers,
                "`owner(…)` needs the target's users, and the migration names none",
            )
            .primary(span, "every owner would be missed")
            .help("add `users \"users.csv\"` to the migration header: the target's users as `email,id`"),
        );
    }

    fn owner(&mut self, email: &ast::Expr, miss: Option<&ast::MissPolicy>, span: Span) -> Typed {
        let t = self.check(email);
        if !builtins::accepts(Param::Text, &t.ty) {
            self.mismatch(email.span, "an email address (text)", &t.ty);
        }
        if miss.is_none() {
            self.no_miss_policy(
                span,
                "owner resolution",
                "default | hold | reject | null | placeholder",
            );
        }
        self.check_default_policy(miss, "an owner");
        self.check_users(span);
        let ty = match self.env.schema.target.users_object() {
            Some(users) => Ty::Ref(vec![users.to_string()]),
            None => Ty::Any,
        };
        let ir = ir::Expr::Owner {
            email: Box::new(t.ir.clone()),
            miss: miss.map(|m| m.action.clone()),
        };
        Typed::new(ty, ir).absorb(&[&t])
    }

    fn list(&mut self, items: &[ast::Expr]) -> Typed {
        let checked: Vec<Typed> = items.iter().map(|i| self.check(i)).collect();
        let elem = checked
            .iter()
            .fold(Ty::Null, |acc, t| Ty::join(&acc, &t.ty));
        let ir = ir::Expr::List {
            items: checked.iter().map(|t| t.ir.clone()).collect(),
        };
        let mut out = Typed::new(Ty::List(Box::new(elem)), ir);
        for c in &checked {
            out = out.absorb(&[c]);
        }
        // The values its elements can take: those of every item, when each item's are known.
        out.known = checked.iter().try_fold(Vec::new(), |mut all, c| {
            all.extend(known_values(c)?);
            Some(all)
        });
        out
    }

    fn record(&mut self, fields: &[ast::RecordField]) -> Typed {
        let checked: Vec<(String, Typed)> = fields
            .iter()
            .map(|f| (f.key.dotted(), self.check(&f.value)))
            .collect();
        let ir = ir::Expr::Record {
            fields: checked
                .iter()
                .map(|(k, t)| (k.clone(), t.ir.clone()))
                .collect(),
        };
        let mut out = Typed::new(
            Ty::Record(checked.iter().map(|(k, _)| k.clone()).collect()),
            ir,
        );
        for (_, c) in &checked {
            out = out.absorb(&[c]);
        }
        out
    }
}

fn literal(l: &Literal, span: Span) -> Typed {
    let ty = match l {
        Literal::Str(_) => Ty::Text,
        Literal::Number(n) if ir::number::literal_int(*n).is_some() => Ty::Int,
        Literal::Number(_) => Ty::Decimal,
        Literal::Bool(_) => Ty::Bool,
        Literal::Null => Ty::Null,
    };
    let mut t = Typed::new(
        ty,
        ir::Expr::Const {
            value: literal_const(l),
        },
    );
    match l {
        Literal::Str(s) => {
            t.known = Some(vec![Known {
                text: s.clone(),
                span,
                table: None,
            }])
        }
        Literal::Null => t.known = Some(Vec::new()),
        _ => {}
    }
    t
}

/// Both sides' known values, when both are known.
fn merge_known(a: &Typed, b: &Typed) -> Option<Vec<Known>> {
    let mut all = known_values(a)?;
    all.extend(known_values(b)?);
    Some(all)
}

/// The values an expression can take, when known: a reject or hold adds none.
fn known_values(t: &Typed) -> Option<Vec<Known>> {
    if t.ty == Ty::Never {
        Some(Vec::new())
    } else {
        t.known.clone()
    }
}

/// What a built-in's format argument is a format of, for its diagnostic: `date(…)` reads dates,
/// `datetime(…)` date-times, and `format_date(…)` writes either.
fn format_of(b: &Builtin) -> &'static str {
    match b.returns {
        Returns::Date => "date",
        Returns::DateTime => "datetime",
        _ => "date or datetime",
    }
}

/// `lookup S(k) as A | B on missing …`: `S(k) as A on missing null ?? S(k) as B on missing …`.
fn first_found(objects: &[ObjectId], lookup: &dyn Fn(LookupTarget) -> ir::Expr) -> ir::Expr {
    let mut tries = objects
        .iter()
        .map(|&object| lookup(LookupTarget::Record { object }));
    let last = tries.next_back().unwrap_or_else(ir::Expr::null);
    tries.rev().fold(last, |found, mut earlier| {
        if let ir::Expr::Lookup { miss: m, .. } = &mut earlier {
            *m = Some(MissAction::Null);
        }
        ir::Expr::Binary {
            operator: BinOp::Coalesce,
            lhs: Box::new(earlier),
            rhs: Box::new(found),
        }
    })
}
