//! Pest pairs → AST for declarations: sources, schemas, value tables, maps, functions, tests.

use super::ast::*;
use super::lower::{Lowerer, P};
use super::rules::Rule;

impl Lowerer {
    pub(super) fn source(&mut self, p: P) -> Option<SourceDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let _from = inner.next()?;
        let file = self.string(inner.next()?);
        let mut s = SourceDecl {
            name,
            file,
            key: Vec::new(),
            watermark: None,
            format: None,
            delimiter: None,
            encoding: None,
            sensitive: false,
            columns: Vec::new(),
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::src_key => {
                    s.key = c
                        .into_inner()
                        .filter(|i| i.as_rule() == Rule::ident)
                        .map(|i| self.ident(i))
                        .collect()
                }
                Rule::src_watermark => s.watermark = c.into_inner().nth(1).map(|i| self.ident(i)),
                Rule::src_format => s.format = c.into_inner().nth(1).map(|i| self.ident(i)),
                Rule::src_delimiter => s.delimiter = c.into_inner().nth(1).map(|i| self.string(i)),
                Rule::src_encoding => s.encoding = c.into_inner().nth(1).map(|i| self.string(i)),
                Rule::src_sensitive => s.sensitive = true,
                Rule::column_decl => {
                    if let Some(col) = self.column(c) {
                        s.columns.push(col);
                    }
                }
                _ => self.bug(&c, "source clause"),
            }
        }
        Some(s)
    }

    fn column(&mut self, p: P) -> Option<ColumnDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = self.ident(inner.next()?);
        let ty = self.ident(inner.next()?.into_inner().next()?);
        let mut col = ColumnDecl {
            name,
            ty,
            optional: false,
            format: None,
            tz: None,
            nulls: Vec::new(),
            sensitive: false,
            policies: Vec::new(),
            dst: Vec::new(),
            ignored: None,
            span,
        };
        for m in inner {
            match m.as_rule() {
                Rule::optional_mark => col.optional = true,
                Rule::string => col.format = Some(self.string(m)),
                Rule::col_tz => col.tz = m.into_inner().nth(1).map(|i| self.string(i)),
                Rule::col_nulls => {
                    col.nulls = m.into_inner().skip(1).map(|i| self.string(i)).collect()
                }
                Rule::col_sensitive => col.sensitive = true,
                Rule::col_policy => {
                    if let Some(policy) = self.state_policy(m) {
                        col.policies.push(policy);
                    }
                }
                Rule::col_gap | Rule::col_overlap => {
                    if let Some(policy) = self.dst_policy(m) {
                        col.dst.push(policy);
                    }
                }
                Rule::col_ignored => col.ignored = m.into_inner().nth(1).map(|i| self.string(i)),
                _ => self.bug(&m, "column modifier"),
            }
        }
        Some(col)
    }

    fn state_policy(&mut self, p: P) -> Option<StatePolicy> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let state = match inner.next()?.into_inner().next()?.as_rule() {
            Rule::k_empty => ValueState::Empty,
            Rule::k_missing => ValueState::Missing,
            Rule::k_null => ValueState::Null,
            _ => ValueState::Invalid,
        };
        let mut action = inner.next()?.into_inner();
        let head = action.next()?;
        let action = match head.as_rule() {
            Rule::k_null => StateAction::Null,
            Rule::k_keep => StateAction::Keep,
            Rule::k_reject => StateAction::Reject(action.next().map(|s| self.string(s))),
            _ => StateAction::Default(self.literal(action.next()?)?),
        };
        Some(StatePolicy {
            state,
            action,
            span,
        })
    }

    /// `on gap shift|reject`, `on overlap earlier|later|reject`: the last word decides.
    fn dst_policy(&mut self, p: P) -> Option<DstPolicy> {
        let span = self.span(&p);
        let gap = p.as_rule() == Rule::col_gap;
        let choice = match (gap, p.into_inner().last()?.as_rule()) {
            (true, Rule::k_shift) => DstChoice::Gap(GapPolicy::Shift),
            (true, _) => DstChoice::Gap(GapPolicy::Reject),
            (false, Rule::k_earlier) => DstChoice::Overlap(OverlapPolicy::Earlier),
            (false, Rule::k_later) => DstChoice::Overlap(OverlapPolicy::Later),
            (false, _) => DstChoice::Overlap(OverlapPolicy::Reject),
        };
        Some(DstPolicy { choice, span })
    }

    pub(super) fn composite(&mut self, p: P) -> Option<CompositeDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let fields = inner.filter_map(|f| self.field(f)).collect();
        Some(CompositeDecl { name, fields, span })
    }

    pub(super) fn object(&mut self, p: P) -> Option<ObjectDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let mut o = ObjectDecl {
            name,
            api: None,
            plural: None,
            label: None,
            link: false,
            readonly: false,
            fields: Vec::new(),
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::obj_api => o.api = c.into_inner().nth(1).map(|i| self.string(i)),
                Rule::obj_plural => o.plural = c.into_inner().nth(1).map(|i| self.string(i)),
                Rule::obj_label => o.label = c.into_inner().nth(1).map(|i| self.string(i)),
                Rule::obj_link => o.link = true,
                Rule::obj_readonly => o.readonly = true,
                _ => {
                    if let Some(f) = self.field(c) {
                        o.fields.push(f);
                    }
                }
            }
        }
        Some(o)
    }

    pub(super) fn extend(&mut self, p: P) -> Option<ExtendDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let object = self.ident(inner.next()?);
        let mut e = ExtendDecl {
            object,
            fields: Vec::new(),
            option_adds: Vec::new(),
            span,
        };
        for c in inner {
            if c.as_rule() == Rule::option_add {
                let span = self.span(&c);
                let mut parts = c.into_inner();
                let field = self.ident(parts.next()?);
                let options = self.options(parts.nth(1)?);
                e.option_adds.push(OptionAdd {
                    field,
                    options,
                    span,
                });
            } else if let Some(f) = self.field(c) {
                e.fields.push(f);
            }
        }
        Some(e)
    }

    fn field(&mut self, p: P) -> Option<FieldDecl> {
        if p.as_rule() != Rule::field_decl {
            self.bug(&p, "field declaration");
            return None;
        }
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = self.ident(inner.next()?);
        let ty = self.field_type(inner.next()?)?;
        let mut f = FieldDecl {
            name,
            ty,
            required: false,
            unique: None,
            default: None,
            label: None,
            api: None,
            readonly: false,
            sensitive: false,
            span,
        };
        for m in inner {
            let rule = m.as_rule();
            let mut parts = m.into_inner().skip(1);
            match rule {
                Rule::fm_required => f.required = true,
                Rule::fm_readonly => f.readonly = true,
                Rule::fm_sensitive => f.sensitive = true,
                Rule::fm_unique => f.unique = Some(parts.next().map(|i| self.ident(i))),
                Rule::fm_label => f.label = parts.next().map(|i| self.string(i)),
                Rule::fm_api => f.api = parts.next().map(|i| self.string(i)),
                Rule::fm_default => {
                    let v = parts.next()?;
                    f.default = Some(match v.as_rule() {
                        Rule::literal => DefaultValue::Literal(self.literal(v)?),
                        _ => DefaultValue::Option(self.ident(v)),
                    });
                }
                _ => {}
            }
        }
        Some(f)
    }

    fn field_type(&mut self, p: P) -> Option<FieldTypeExpr> {
        let t = p.into_inner().next()?;
        let rule = t.as_rule();
        if rule == Rule::relation_type {
            let targets = t.into_inner().map(|i| self.ident(i)).collect();
            return Some(FieldTypeExpr::Relation(targets));
        }
        let last = t.into_inner().last()?;
        Some(match rule {
            Rule::select_type => FieldTypeExpr::Select(self.options(last)),
            Rule::multi_type => FieldTypeExpr::MultiSelect(self.options(last)),
            Rule::links_type => FieldTypeExpr::Links(self.ident(last)),
            _ => FieldTypeExpr::Named(self.ident(last)),
        })
    }

    fn options(&mut self, p: P) -> Vec<SelectOption> {
        let mut out = Vec::new();
        for o in p.into_inner() {
            let mut parts = o.into_inner();
            let Some(value) = parts.next() else { continue };
            let value = self.ident(value);
            let label = parts.next().map(|l| self.string(l));
            out.push(SelectOption { value, label });
        }
        out
    }

    pub(super) fn values(&mut self, p: P) -> Option<ValuesDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let mut v = ValuesDecl {
            name,
            ignore_case: false,
            entries: Vec::new(),
            otherwise: None,
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::ignoring_case => v.ignore_case = true,
                Rule::value_entry => {
                    if let Some(e) = self.value_entry(c) {
                        v.entries.push(e);
                    }
                }
                _ => v.otherwise = self.else_entry(c),
            }
        }
        Some(v)
    }

    fn value_entry(&mut self, p: P) -> Option<ValueEntry> {
        let span = self.span(&p);
        let mut keys = Vec::new();
        let mut output = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::value_key => {
                    let k = c.into_inner().next()?;
                    keys.push(match k.as_rule() {
                        Rule::string => Literal::Str(self.string(k).value),
                        _ => Literal::Number(self.number(&k)),
                    });
                }
                _ => output = Some(self.value_out(c.into_inner().next()?)?),
            }
        }
        Some(ValueEntry {
            keys,
            output: output?,
            span,
        })
    }

    fn value_out(&mut self, p: P) -> Option<ValueOut> {
        Some(match p.as_rule() {
            Rule::literal => ValueOut::Literal(self.literal(p)?),
            _ => ValueOut::Option(self.ident(p)),
        })
    }

    fn else_entry(&mut self, p: P) -> Option<ElseAction> {
        let action = p.into_inner().nth(1)?;
        let span = self.span(&action);
        let mut inner = action.into_inner();
        let head = inner.next()?;
        let kind = match head.as_rule() {
            Rule::k_reject => ElseKind::Reject(inner.next().map(|s| self.string(s))),
            Rule::k_hold => ElseKind::Hold(inner.next().map(|s| self.string(s))),
            Rule::k_skip => ElseKind::Skip,
            Rule::k_keep => ElseKind::Keep,
            _ => ElseKind::Output(self.value_out(head)?),
        };
        Some(ElseAction { kind, span })
    }

    pub(super) fn map(&mut self, p: P) -> Option<MapDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let source = self.ident(inner.next()?);
        let target = self.ident(inner.next()?);
        let mut m = MapDecl {
            source,
            target,
            alias: None,
            when: None,
            merge: None,
            stmts: Vec::new(),
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::map_as => m.alias = c.into_inner().nth(1).map(|i| self.ident(i)),
                Rule::map_when => m.when = self.expr(c.into_inner().nth(1)?),
                Rule::map_merge => m.merge = self.merge(c),
                _ => {
                    if let Some(s) = self.map_stmt(c) {
                        m.stmts.push(s);
                    }
                }
            }
        }
        Some(m)
    }

    fn merge(&mut self, p: P) -> Option<MergeClause> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(2);
        let source = self.ident(inner.next()?);
        let key = self.expr(inner.next()?)?;
        let miss = inner.next().and_then(|m| self.miss_policy(m));
        Some(MergeClause {
            source,
            key,
            miss,
            span,
        })
    }

    fn map_stmt(&mut self, p: P) -> Option<MapStmt> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        Some(match rule {
            Rule::identity_stmt => {
                let path = self.path(inner.nth(1)?);
                let value = match inner.next() {
                    Some(e) => Some(self.expr(e)?),
                    None => None,
                };
                MapStmt::Identity { path, value, span }
            }
            Rule::dedupe_stmt => MapStmt::Dedupe {
                paths: inner.skip(2).map(|i| self.path(i)).collect(),
                span,
            },
            Rule::lossy_stmt => MapStmt::Lossy {
                note: self.string(inner.nth(1)?),
                span,
            },
            Rule::duplicate_stmt => {
                let path = self.path(inner.nth(2)?);
                let action = match inner.next()?.as_rule() {
                    Rule::k_merge => OnDuplicate::Merge,
                    _ => OnDuplicate::Reject,
                };
                MapStmt::OnDuplicate { path, action, span }
            }
            Rule::deferred_stmt => MapStmt::Assign {
                path: self.path(inner.nth(1)?),
                value: self.expr(inner.next()?)?,
                deferred: true,
                span,
            },
            _ => MapStmt::Assign {
                path: self.path(inner.next()?),
                value: self.expr(inner.next()?)?,
                deferred: false,
                span,
            },
        })
    }

    pub(super) fn function(&mut self, p: P) -> Option<FnDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let name = self.ident(inner.next()?);
        let mut params = Vec::new();
        let mut ret = None;
        let mut body = None;
        for c in inner {
            match c.as_rule() {
                Rule::param => {
                    let mut parts = c.into_inner();
                    let pname = self.ident(parts.next()?);
                    let ty = parts.next().map(|t| self.ident(t));
                    params.push(Param { name: pname, ty });
                }
                Rule::ident => ret = Some(self.ident(c)),
                _ => body = self.expr(c),
            }
        }
        Some(FnDecl {
            name,
            params,
            ret,
            body: body?,
            span,
        })
    }

    pub(super) fn test(&mut self, p: P) -> Option<TestDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().skip(1);
        let name = self.string(inner.next()?);
        let mut t = TestDecl {
            name,
            users: Vec::new(),
            givens: Vec::new(),
            expects: Vec::new(),
            span,
        };
        for s in inner {
            let sspan = self.span(&s);
            let rule = s.as_rule();
            let mut parts = s.into_inner().skip(1);
            match rule {
                Rule::given_user => t.users.push(self.string(parts.nth(1)?)),
                Rule::given_stmt => {
                    let source = self.ident(parts.next()?);
                    let fields = self.record_fields(parts.next()?);
                    t.givens.push(Given {
                        source,
                        fields,
                        span: sspan,
                    });
                }
                Rule::expect_record => {
                    let object = self.ident(parts.next()?);
                    let fields = self.record_fields(parts.next()?);
                    t.expects.push(Expect::Record {
                        object,
                        fields,
                        span: sspan,
                    });
                }
                _ => {
                    let outcome = match parts.next()?.into_inner().next()?.as_rule() {
                        Rule::k_rejected => TestOutcome::Rejected,
                        Rule::k_held => TestOutcome::Held,
                        _ => TestOutcome::Skipped,
                    };
                    let source = self.ident(parts.next()?);
                    let reason = parts.next().map(|r| self.string(r));
                    t.expects.push(Expect::Outcome {
                        outcome,
                        source,
                        reason,
                        span: sspan,
                    });
                }
            }
        }
        Some(t)
    }
}
