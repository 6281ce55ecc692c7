//! Pest pairs → AST expressions, folding the precedence levels of the grammar.

use super::ast::*;
use super::lower::{Lowerer, P};
use super::rules::Rule;
use crate::diag::{Code, Diagnostic};

/// Longest chain of one operator (`a ?? b ?? …`, `x | f | g …`, `r.a.b…`) accepted: each link is one
/// level of the tree the checker walks recursively.
pub const MAX_CHAIN: usize = 256;

impl Lowerer {
    /// Only whole expressions (`Rule::expr`, once per bracket, branch or argument) count
    /// towards the recursion limit, not each precedence level inside one.
    pub(super) fn expr(&mut self, p: P) -> Option<Expr> {
        if p.as_rule() != Rule::expr {
            return self.expr_at_depth(p);
        }
        if !self.enter(&p) {
            return None;
        }
        let e = self.expr_at_depth(p);
        self.depth -= 1;
        e
    }

    fn expr_at_depth(&mut self, p: P) -> Option<Expr> {
        match p.as_rule() {
            Rule::expr => self.fold_binary(p, Some(BinOp::Coalesce)),
            Rule::or_expr => self.fold_binary(p, Some(BinOp::Or)),
            Rule::and_expr => self.fold_binary(p, Some(BinOp::And)),
            Rule::add_expr | Rule::mul_expr => self.fold_binary(p, None),
            Rule::not_expr => self.not_expr(p),
            Rule::cmp_expr => self.cmp_expr(p),
            Rule::pipe_expr => self.pipe_expr(p),
            Rule::unary => self.unary(p),
            Rule::postfix => self.postfix(p),
            _ => self.atom(p),
        }
    }

    /// `a op b op c` folded to the left. `fixed` is the operator of levels whose operator is a
    /// keyword or `??` (skipped tokens); `+ - ++ * /` levels read it from their operator tokens.
    fn fold_binary(&mut self, p: P, fixed: Option<BinOp>) -> Option<Expr> {
        let mut inner = p.into_inner().filter(|i| !is_keyword_op(i.as_rule()));
        let mut acc = self.expr(inner.next()?)?;
        let mut pending = fixed;
        for (n, part) in inner.enumerate() {
            if n > 2 * MAX_CHAIN {
                self.too_long(&part);
                break;
            }
            if matches!(part.as_rule(), Rule::add_op | Rule::mul_op) {
                pending = Some(op_of(&part));
                continue;
            }
            let rhs = self.expr(part)?;
            let span = acc.span.to(rhs.span);
            let bin = pending.unwrap_or(BinOp::Coalesce);
            acc = Expr {
                kind: ExprKind::Binary(bin, Box::new(acc), Box::new(rhs)),
                span,
            };
        }
        Some(acc)
    }

    fn not_expr(&mut self, p: P) -> Option<Expr> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let first = inner.next()?;
        if first.as_rule() == Rule::k_not {
            let operand = self.expr(inner.next()?)?;
            return Some(Expr {
                kind: ExprKind::Not(Box::new(operand)),
                span,
            });
        }
        self.expr(first)
    }

    fn cmp_expr(&mut self, p: P) -> Option<Expr> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let lhs = self.expr(inner.next()?)?;
        let Some(op) = inner.next() else {
            return Some(lhs);
        };
        if op.as_rule() == Rule::k_in {
            let list = inner.next()?;
            let items = list.into_inner().filter_map(|e| self.expr(e)).collect();
            return Some(Expr {
                kind: ExprKind::In(Box::new(lhs), items),
                span,
            });
        }
        let bin = match op.as_str() {
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<=" => BinOp::Le,
            ">=" => BinOp::Ge,
            "<" => BinOp::Lt,
            _ => BinOp::Gt,
        };
        let rhs = self.expr(inner.next()?)?;
        Some(Expr {
            kind: ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)),
            span,
        })
    }

    fn pipe_expr(&mut self, p: P) -> Option<Expr> {
        let mut inner = p.into_inner();
        let mut acc = self.expr(inner.next()?)?;
        for (n, stage) in inner.enumerate() {
            if n > MAX_CHAIN {
                self.too_long(&stage);
                break;
            }
            let stage_span = self.span(&stage);
            let mut parts = stage.into_inner();
            let callee = self.ident(parts.next()?);
            let mut args = vec![acc];
            if let Some(list) = parts.next() {
                args.extend(list.into_inner().filter_map(|a| self.expr(a)));
            }
            let span = args[0].span.to(stage_span);
            acc = Expr {
                kind: ExprKind::Call {
                    callee,
                    args,
                    piped: true,
                },
                span,
            };
        }
        Some(acc)
    }

    fn unary(&mut self, p: P) -> Option<Expr> {
        let span = self.span(&p);
        let mut negs = 0;
        let mut operand = None;
        for part in p.into_inner() {
            if part.as_rule() == Rule::neg {
                negs += 1;
            } else {
                operand = self.expr(part);
            }
        }
        let mut e = operand?;
        for _ in 0..negs {
            e = Expr {
                kind: ExprKind::Neg(Box::new(e)),
                span,
            };
        }
        Some(e)
    }

    fn postfix(&mut self, p: P) -> Option<Expr> {
        let mut inner = p.into_inner();
        let mut acc = self.expr(inner.next()?)?;
        for (n, field) in inner.enumerate() {
            if n > MAX_CHAIN {
                self.too_long(&field);
                break;
            }
            let name = self.ident(field);
            let span = acc.span.to(name.span);
            acc = Expr {
                kind: ExprKind::Field(Box::new(acc), name),
                span,
            };
        }
        Some(acc)
    }

    fn atom(&mut self, p: P) -> Option<Expr> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::literal => ExprKind::Literal(self.literal(p)?),
            Rule::ident => ExprKind::Name(self.ident(p)),
            Rule::if_expr => self.if_expr(p)?,
            Rule::lookup_expr => self.lookup_expr(p)?,
            Rule::owner_expr => {
                let mut args = Vec::new();
                let mut miss = None;
                for part in p.clone().into_inner().skip(1) {
                    match part.as_rule() {
                        Rule::args => {
                            args = part.into_inner().filter_map(|a| self.expr(a)).collect()
                        }
                        _ => miss = self.miss_policy(part),
                    }
                }
                if args.len() != 1 {
                    self.push(
                        Diagnostic::new(
                            Code::Arity,
                            format!("`owner` takes 1 argument (an email), given {}", args.len()),
                        )
                        .primary(span, "wrong number of arguments"),
                    );
                    return None;
                }
                let email = args.pop()?;
                ExprKind::Owner {
                    email: Box::new(email),
                    miss,
                }
            }
            Rule::reject_expr => ExprKind::Reject(self.string(p.into_inner().nth(1)?)),
            Rule::hold_expr => ExprKind::Hold(self.string(p.into_inner().nth(1)?)),
            Rule::duration => self.duration(p)?,
            Rule::call => {
                let mut inner = p.into_inner();
                let callee = self.ident(inner.next()?);
                let args = match inner.next() {
                    Some(list) => list.into_inner().filter_map(|a| self.expr(a)).collect(),
                    None => Vec::new(),
                };
                ExprKind::Call {
                    callee,
                    args,
                    piped: false,
                }
            }
            Rule::list => ExprKind::List(p.into_inner().filter_map(|e| self.expr(e)).collect()),
            Rule::record => ExprKind::Record(self.record_fields(p)),
            _ => {
                self.bug(&p, "expression");
                return None;
            }
        };
        Some(Expr { kind, span })
    }

    fn if_expr(&mut self, p: P) -> Option<ExprKind> {
        let mut exprs = p.into_inner().filter(|i| i.as_rule() == Rule::expr);
        let cond = self.expr(exprs.next()?)?;
        let then = self.expr(exprs.next()?)?;
        let otherwise = self.expr(exprs.next()?)?;
        Some(ExprKind::If {
            cond: Box::new(cond),
            then: Box::new(then),
            otherwise: Box::new(otherwise),
        })
    }

    fn lookup_expr(&mut self, p: P) -> Option<ExprKind> {
        let mut inner = p.into_inner().skip(1);
        let source = self.ident(inner.next()?);
        let args = inner
            .next()?
            .into_inner()
            .filter_map(|a| self.expr(a))
            .collect();
        let mut column = None;
        let mut miss = None;
        for rest in inner {
            match rest.as_rule() {
                Rule::ident => column = Some(self.ident(rest)),
                _ => miss = self.miss_policy(rest),
            }
        }
        Some(ExprKind::Lookup {
            source,
            args,
            column,
            miss,
        })
    }

    fn duration(&mut self, p: P) -> Option<ExprKind> {
        let mut inner = p.into_inner();
        let n: f64 = inner.next()?.as_str().parse().ok()?;
        let unit = match inner.next()?.as_str().trim_end_matches('s') {
            "day" => DurationUnit::Days,
            "week" => DurationUnit::Weeks,
            "month" => DurationUnit::Months,
            _ => DurationUnit::Years,
        };
        Some(ExprKind::Duration(n, unit))
    }

    pub(super) fn miss_policy(&mut self, p: P) -> Option<MissPolicy> {
        let span = self.span(&p);
        let mut action = p.into_inner().nth(2)?.into_inner();
        let head = action.next()?;
        let message = action.next().map(|s| self.string(s).value);
        let action = match head.as_rule() {
            Rule::k_reject => MissAction::Reject(message),
            Rule::k_null => MissAction::Null,
            Rule::k_skip => MissAction::Skip,
            Rule::k_hold => MissAction::Hold(message),
            Rule::k_placeholder => MissAction::Placeholder(message),
            _ => MissAction::Default,
        };
        Some(MissPolicy { action, span })
    }

    pub(super) fn record_fields(&mut self, p: P) -> Vec<RecordField> {
        let mut out = Vec::new();
        for f in p.into_inner() {
            let mut parts = f.into_inner();
            let (Some(k), Some(v)) = (parts.next(), parts.next()) else {
                continue;
            };
            let key = match k.as_rule() {
                Rule::string => {
                    let s = self.string(k);
                    let parts = s
                        .value
                        .split('.')
                        .map(|n| Ident {
                            name: n.to_string(),
                            span: s.span,
                        })
                        .collect();
                    FieldPath {
                        parts,
                        span: s.span,
                    }
                }
                _ => self.path(k),
            };
            if let Some(value) = self.expr(v) {
                out.push(RecordField { key, value });
            }
        }
        out
    }
}

fn is_keyword_op(rule: Rule) -> bool {
    matches!(rule, Rule::k_and | Rule::k_or)
}

fn op_of(p: &P) -> BinOp {
    match p.as_str() {
        "++" => BinOp::Concat,
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        _ => BinOp::Div,
    }
}
