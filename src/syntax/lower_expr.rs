//! Pest pairs → AST expressions, folding the precedence levels of the grammar.

use super::ast::*;
use super::lower::{Lowerer, P};
use super::rules::Rule;
use crate::diag::{Code, Diagnostic};

/// Longest chain of one operator (`a ?? b ?? …`, `x | f | g …`, `r.a.b…`) accepted: each link is one
/// level of the tree the checker walks recursively.
pub const MAX_CHAIN: usize = 256;

/// How tightly an operator binds, loosest first: `??`, `or`, `and`, `not`, comparisons and
/// `in`, `|`, `+ - ++`, `* /`, unary `-`, `.field`. Infix operators bind their left side with
/// the first power and their right side with the second (one more: they fold to the left).
fn infix_power(rule: Rule) -> Option<(u8, u8)> {
    Some(match rule {
        Rule::coalesce => (1, 2),
        Rule::k_or => (3, 4),
        Rule::k_and => (5, 6),
        Rule::cmp_op => (9, 10),
        Rule::add_op => (13, 14),
        Rule::mul_op => (15, 16),
        _ => return None,
    })
}

fn postfix_power(rule: Rule) -> Option<u8> {
    Some(match rule {
        Rule::in_list => 9,
        Rule::pipe => 11,
        Rule::field => 19,
        _ => return None,
    })
}

fn prefix_power(rule: Rule) -> Option<u8> {
    Some(match rule {
        Rule::k_not => 7,
        Rule::neg => 17,
        _ => return None,
    })
}

/// An expression's operands and operators, in order, being folded.
type Tokens<'i> = std::iter::Peekable<pest::iterators::Pairs<'i, Rule>>;

/// Whether an operator compares (`==`, `in`…): comparisons do not chain.
fn compares(rule: Rule) -> bool {
    matches!(rule, Rule::cmp_op | Rule::in_list)
}

impl Lowerer {
    /// Only whole expressions (`Rule::expr`, once per bracket, branch or argument) count
    /// towards the recursion limit, not each operator inside one.
    pub(super) fn expr(&mut self, p: P) -> Option<Expr> {
        if p.as_rule() != Rule::expr {
            return self.atom(p);
        }
        if !self.enter(&p) {
            return None;
        }
        let mut tokens = p.into_inner().peekable();
        let e = self.fold(&mut tokens, 0, 0);
        self.depth -= 1;
        e
    }

    /// Folds operators that bind at least `min` (precedence climbing). `chain` counts the
    /// operators folded so far, each a level of the tree the checker walks recursively.
    fn fold(&mut self, tokens: &mut Tokens, min: u8, chain: usize) -> Option<Expr> {
        let mut lhs = self.operand(tokens, chain)?;
        let mut compared = false;
        let mut chain = chain;
        while let Some(op) = tokens.peek().cloned() {
            let rule = op.as_rule();
            if chain > 2 * MAX_CHAIN {
                self.too_long(&op);
                return Some(lhs);
            }
            if compared && compares(rule) {
                self.push(
                    Diagnostic::new(Code::Syntax, "comparisons do not chain")
                        .primary(self.span(&op), "a second comparison")
                        .help("compare once, or bracket one side: `(a == b) == c`"),
                );
                return None;
            }
            if let Some(power) = postfix_power(rule) {
                if power < min {
                    break;
                }
                tokens.next();
                lhs = self.postfix(lhs, op)?;
            } else if let Some((left, right)) = infix_power(rule) {
                if left < min {
                    break;
                }
                tokens.next();
                let rhs = self.fold(tokens, right, chain + 1)?;
                lhs = binary(infix_op(&op), lhs, rhs);
            } else {
                self.bug(&op, "operator");
                return None;
            }
            compared = compares(rule);
            chain += 1;
        }
        Some(lhs)
    }

    /// An operand with the prefix operators before it (`not`, `-`).
    fn operand(&mut self, tokens: &mut Tokens, chain: usize) -> Option<Expr> {
        let first = tokens.next()?;
        let Some(power) = prefix_power(first.as_rule()) else {
            return self.expr(first);
        };
        if chain > 2 * MAX_CHAIN {
            self.too_long(&first);
            return None;
        }
        let span = self.span(&first);
        let operand = self.fold(tokens, power, chain + 1)?;
        let span = span.to(operand.span);
        let kind = match first.as_rule() {
            Rule::k_not => ExprKind::Not(Box::new(operand)),
            _ => ExprKind::Neg(Box::new(operand)),
        };
        Some(Expr { kind, span })
    }

    /// `.field`, `in [list]` or `| stage` applied to what comes before it.
    fn postfix(&mut self, lhs: Expr, op: P) -> Option<Expr> {
        let span = lhs.span.to(self.span(&op));
        let rule = op.as_rule();
        let mut inner = op.into_inner();
        let kind = match rule {
            Rule::field => ExprKind::Field(Box::new(lhs), self.ident(inner.next()?)),
            Rule::in_list => {
                let list = inner.nth(1)?;
                let items = list.into_inner().filter_map(|e| self.expr(e)).collect();
                ExprKind::In(Box::new(lhs), items)
            }
            _ => {
                let mut parts = inner.next()?.into_inner();
                let callee = self.ident(parts.next()?);
                let mut args = vec![lhs];
                if let Some(list) = parts.next() {
                    args.extend(list.into_inner().filter_map(|a| self.expr(a)));
                }
                ExprKind::Call {
                    callee,
                    args,
                    piped: true,
                }
            }
        };
        Some(Expr { kind, span })
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
        let mut objects = Vec::new();
        let mut miss = None;
        for rest in inner {
            match rest.as_rule() {
                Rule::ident => column = Some(self.ident(rest)),
                Rule::lookup_as => {
                    objects = rest.into_inner().skip(1).map(|o| self.ident(o)).collect()
                }
                _ => miss = self.miss_policy(rest),
            }
        }
        Some(ExprKind::Lookup {
            source,
            args,
            column,
            objects,
            miss,
        })
    }

    fn duration(&mut self, p: P) -> Option<ExprKind> {
        let mut inner = p.into_inner();
        let n = self.number(&inner.next()?);
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

/// The operator an infix token is.
fn infix_op(p: &P) -> BinOp {
    match (p.as_rule(), p.as_str()) {
        (Rule::coalesce, _) => BinOp::Coalesce,
        (Rule::k_or, _) => BinOp::Or,
        (Rule::k_and, _) => BinOp::And,
        (_, "++") => BinOp::Concat,
        (_, "+") => BinOp::Add,
        (_, "-") => BinOp::Sub,
        (_, "*") => BinOp::Mul,
        (_, "/") => BinOp::Div,
        (_, "==") => BinOp::Eq,
        (_, "!=") => BinOp::Ne,
        (_, "<=") => BinOp::Le,
        (_, ">=") => BinOp::Ge,
        (_, "<") => BinOp::Lt,
        _ => BinOp::Gt,
    }
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr {
        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        span,
    }
}
