//! Calls applied to each element of a list. A value table, a user function or a built-in whose
//! first parameter takes one value, given a list there (`split(tags, ";") | Tag`), is applied
//! to each element: the call is checked as if on one element of the list's element type, and
//! becomes an `ir::Expr::Each` of type list of what it gives. Lists elsewhere where one value is
//! taken are type errors, so a table never sees a list's joined text and a list never becomes
//! one value.

use super::expr::ExprChecker;
use super::types::{Ty, Typed};
use crate::ir::{self, Apply};
use crate::syntax::ast;

impl ExprChecker<'_> {
    /// A call's arguments, checked. When the first is a list and `takes_one` (the callee takes
    /// one value there), it is returned apart and stands in the arguments as one of its
    /// elements, carrying what the list carries (where it fails, its lookups, the values its
    /// elements can take); [`over`] then makes the call one on each element.
    pub(super) fn arguments(
        &mut self,
        args: &[ast::Expr],
        takes_one: bool,
    ) -> (Vec<Typed>, Option<Typed>) {
        let mut checked: Vec<Typed> = args.iter().map(|a| self.check(a)).collect();
        let Some(first) = checked.first_mut().filter(|_| takes_one) else {
            return (checked, None);
        };
        let Ty::List(element) = &first.ty else {
            return (checked, None);
        };
        let mut one = Typed::new(element.as_ref().clone(), ir::Expr::null());
        one.fallible = first.fallible;
        one.known = first.known.clone();
        one.lookups = first.lookups.clone();
        let list = std::mem::replace(first, one);
        (checked, Some(list))
    }
}

/// `applied`, a call checked on one element of `list`, made the call on each of its elements:
/// a list of what the call gives. Without a list it is `applied` as it is.
pub(super) fn over(applied: Typed, list: Option<Typed>) -> Typed {
    let Some(list) = list else { return applied };
    let (apply, args) = match applied.ir {
        ir::Expr::Table { table, .. } => (Apply::Table { table }, Vec::new()),
        ir::Expr::Function { function, args } => (Apply::Function { function }, rest(args)),
        ir::Expr::Call { builtin, args } => (Apply::Builtin { builtin }, rest(args)),
        // The call was refused (and reported): nothing to apply.
        _ => return Typed::error(),
    };
    let ir = ir::Expr::Each {
        list: Box::new(list.ir),
        apply,
        args,
    };
    Typed {
        ty: Ty::List(Box::new(applied.ty)),
        ir,
        ..applied
    }
}

/// A call's arguments after the first (the element's stand-in).
fn rest(mut args: Vec<ir::Expr>) -> Vec<ir::Expr> {
    if !args.is_empty() {
        args.remove(0);
    }
    args
}
