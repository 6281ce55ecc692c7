//! Each grammar construct with one input it accepts and one it refuses (the refusal must be a
//! located E0101, never a panic).

use mapc::syntax::parse_str;

const H: &str = "migration \"t\" { from \"x\" to twenty }\n";

/// (construct, accepted, refused)
const CASES: &[(&str, &str, &str)] = &[
    ("migration header", "migration \"t\" { from \"x\" to twenty default owner \"a@b.c\" users \"u.csv\" sensitive }", "migration t { }"),
    ("use file", "use \"other.map\"", "use 42"),
    ("use module", "use std.ada", "use std."),
    ("source", "source S from \"s.csv\" key id watermark m { id text  m datetime \"%Y\" }", "source S \"s.csv\" { id text }"),
    ("composite key", "source S from \"s.csv\" key (a, b) { a text b int }", "source S from \"s.csv\" key (a b) { a text }"),
    ("source options", "source S from \"s.txt\" format csv delimiter \"|\" encoding \"windows-1252\" key id { id text }", "source S from \"s.txt\" delimiter | key id { id text }"),
    ("column policies", "source S from \"s.csv\" key id { id text  d date? \"%d\" on invalid null on empty default \"x\" nulls \"N/A\", \"-\" }", "source S from \"s.csv\" key id { d date on sometimes null }"),
    ("column time zone", "source S from \"s.csv\" key id { id text  t datetime \"%Y\" tz \"UTC\" }", "source S from \"s.csv\" key id { t datetime tz 42 }"),
    ("gap policy", "source S from \"s.csv\" key id { id text  t datetime tz \"UTC\" on gap shift  u datetime tz \"UTC\" on gap reject on invalid null }", "source S from \"s.csv\" key id { t datetime tz \"UTC\" on gap later }"),
    ("overlap policy", "source S from \"s.csv\" key id { id text  t datetime tz \"UTC\" on overlap earlier on gap reject  u datetime on overlap later  v datetime on overlap reject }", "source S from \"s.csv\" key id { t datetime tz \"UTC\" on overlap shift }"),
    ("ignored column", "source S from \"s.csv\" key id { id text  fax text? ignored \"retired in 2019\"  ignored text }", "source S from \"s.csv\" key id { fax text? ignored }"),
    ("backtick column", "source S from \"s.csv\" key id { id text `First Name` text? }", "source S from \"s.csv\" key id { `First\nName` text }"),
    ("extend", "extend Person { dob date  stage add [A, B \"Bee\"] }", "extend Person { dob }"),
    ("object", "object Claim plural \"claims\" label \"Claim\" { n text required unique  p -> Person  s select [A, B] default A  t -> [TaskTarget] }", "object { n text }"),
    ("polymorphic relation", "object X { t -> Contact | Deal }", "object X { t -> }"),
    ("composite", "composite money { amount number  code text }", "composite money ( amount number )"),
    ("target", "target t { label \"T\"  batch 60  rate 100 per 60 seconds }", "target t { batch }"),
    ("values", "values V ignoring case { \"a\", \"b\" => A  1 => B  else => reject \"no\" }", "values V { \"a\" A }"),
    ("values else", "values V { \"a\" => A  else => keep }", "values V { else => }"),
    ("map", "map S -> Person as p when a == \"x\" { identity id = k  name.firstName = f  dedupe by emails.primaryEmail  lossy \"n\"  deferred r = lookup S(k) on missing null }", "map S Person { }"),
    ("merge", "map S -> Person merge into P(k) on missing reject { x = y }", "map S -> Person merge P(k) { }"),
    ("pipeline", "map S -> P { x = a | trim | date(\"%Y\") ?? null }", "map S -> P { x = a | }"),
    ("coalesce and reject", "map S -> P { x = a ?? b ?? reject \"r\" }", "map S -> P { x = a ?? }"),
    ("if", "map S -> P { x = if a == 1 then \"y\" else null }", "map S -> P { x = if a then b }"),
    ("logic", "map S -> P { x = not a and (b or c) }", "map S -> P { x = a and }"),
    ("in", "map S -> P { x = a in [\"A\", \"B\"] }", "map S -> P { x = a in }"),
    ("arithmetic and durations", "map S -> P { x = d + 6 months - days(n) * 2 }", "map S -> P { x = d + }"),
    ("concat", "map S -> P { x = \"a\" ++ b }", "map S -> P { x = \"a\" ++ }"),
    ("lookup", "map S -> P { x = lookup C(k).name on missing hold \"h\" }", "map S -> P { x = lookup C on missing null }"),
    ("lookup as", "map S -> P { x = lookup C(k) as Company | Person on missing null }", "map S -> P { x = lookup C(k) as on missing null }"),
    ("on duplicate", "map S -> P { on duplicate emails.primaryEmail merge  x = y }", "map S -> P { on duplicate emails.primaryEmail keep }"),
    ("owner", "map S -> P { x = owner(e) on missing default }", "map S -> P { x = owner(e) on missing maybe }"),
    ("list and record", "map S -> P { x = [a, b]  y = { p: a, q: \"b\" } }", "map S -> P { x = [a, }"),
    ("function", "fn f(a: text, b) -> text = a ++ b", "fn f(a: text = a"),
    ("gap", "gap \"IVR\" { reason \"r\"  action \"a\" }", "gap IVR { reason \"r\" }"),
    ("order", "order Company, Person", "order Company Person ,"),
    ("test", "test \"t\" { given S { a: \"x\", b: 1 }  expect P { n.f: \"x\" }  expect rejected S \"why\" }", "test \"t\" { given S }"),
    ("string escapes", "gap \"a \\\"q\\\" \\u{e9}\" { reason \"r\" }", "gap \"a \\q\" { reason \"r\" }"),
];

#[test]
fn each_construct_accepts_its_positive_example() {
    for (what, good, _) in CASES {
        let text = format!("{H}{good}\n");
        let (_, module, diags) = parse_str("good.map", &text);
        assert!(
            module.is_some() && diags.is_empty(),
            "{what}: refused `{good}`: {diags:?}"
        );
    }
}

#[test]
fn each_construct_refuses_its_negative_example_with_a_location() {
    for (what, _, bad) in CASES {
        let text = format!("{H}{bad}\n");
        let (_, module, diags) = parse_str("bad.map", &text);
        assert!(module.is_none(), "{what}: accepted `{bad}`");
        let d = diags.first().expect("a diagnostic");
        assert_eq!(d.code.to_string(), "E0101", "{what}");
        let span = d.primary_span().expect("a location");
        assert!(
            span.start as usize > H.len() - 1,
            "{what}: error points into the header"
        );
    }
}

#[test]
fn keywords_stay_usable_as_column_names() {
    let text = format!(
        "{H}source S from \"s.csv\" key key {{ key text  status text  type text  order text  values text  map text  shift text  overlap text  later text  duplicate text  ignored text }}\n\
         map S -> Person {{ jobTitle = status ++ type ++ order ++ values ++ map ++ shift ++ overlap ++ later ++ duplicate ++ ignored }}\n"
    );
    let (_, module, diags) = parse_str("kw.map", &text);
    assert!(module.is_some() && diags.is_empty(), "{diags:?}");
}

/// An expression as brackets, to see how it was folded.
fn folded(e: &mapc::syntax::ast::Expr) -> String {
    use mapc::syntax::ast::ExprKind::*;
    match &e.kind {
        Name(id) => id.name.clone(),
        Literal(_) => "lit".into(),
        Binary(op, l, r) => format!("({} {} {})", folded(l), op.symbol(), folded(r)),
        Not(a) => format!("(not {})", folded(a)),
        Neg(a) => format!("(-{})", folded(a)),
        Field(a, f) => format!("{}.{}", folded(a), f.name),
        In(a, items) => format!("({} in [{}])", folded(a), items.len()),
        Call { callee, args, .. } => {
            let args: Vec<String> = args.iter().map(folded).collect();
            format!("{}({})", callee.name, args.join(", "))
        }
        other => format!("{other:?}"),
    }
}

/// The value of `x = …` in a map, folded.
fn fold_of(expr: &str) -> Result<String, String> {
    let text = format!("{H}map S -> P {{ x = {expr} }}\n");
    let (db, module, diags) = parse_str("fold.map", &text);
    if !diags.is_empty() {
        return Err(mapc::diag::render::to_text(&db, &diags));
    }
    let Some(mapc::syntax::ast::Item::Map(m)) = module.and_then(|m| m.items.into_iter().nth(1))
    else {
        return Err("no map".into());
    };
    match &m.stmts[0] {
        mapc::syntax::ast::MapStmt::Assign { value, .. } => Ok(folded(value)),
        other => Err(format!("{other:?}")),
    }
}

/// Operators bind as the reference says, loosest first: `??`, `or`, `and`, `not`, comparisons
/// and `in`, `|`, `+ - ++`, `* /`, unary `-`, `.field`; binary operators fold to the left.
#[test]
fn operators_fold_by_precedence() {
    let cases = [
        ("a ?? b or c", "(a ?? (b or c))"),
        ("a or b and c", "(a or (b and c))"),
        ("not a == b and c", "((not (a == b)) and c)"),
        ("a == b | f", "(a == f(b))"),
        ("a ++ b | f", "f((a ++ b))"),
        ("a | f ++ b", "(f(a) ++ b)"),
        ("a + b * c - d", "((a + (b * c)) - d)"),
        ("-a.b * c", "((-a.b) * c)"),
        ("a - -b", "(a - (-b))"),
        ("x | trim in [\"A\"] and y", "((trim(x) in [1]) and y)"),
        ("a ?? b ?? c", "((a ?? b) ?? c)"),
        ("(a ?? b) == c", "((a ?? b) == c)"),
        (
            "split_name(n).firstName ++ \" \"",
            "(split_name(n).firstName ++ lit)",
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(fold_of(expr).as_deref(), Ok(want), "`{expr}`");
    }
}

#[test]
fn comparisons_do_not_chain() {
    for expr in ["a == b == c", "a < b in [c]", "a in [b] != c"] {
        let err = fold_of(expr).expect_err(expr);
        assert!(
            err.contains("E0101") && err.contains("comparisons do not chain"),
            "{err}"
        );
    }
    assert!(fold_of("(a == b) == c").is_ok());
}

/// After a syntax error the parse resumes at the next item, so each bad declaration is
/// reported, at its own line; a file of many stops at twenty.
#[test]
fn every_bad_declaration_is_reported_not_only_the_first() {
    let text = format!(
        "{H}source P from \"p.csv\" key id {{ id text  name text = }}\n\
         map P -> Person {{ name.firstName = = name }}\n\
         values V {{ \"a\" => }}\n\
         map P -> Note {{ title = name }}\n"
    );
    let (db, module, diags) = parse_str("bad.map", &text);
    assert!(
        module.is_none(),
        "a file with syntax errors is not checked further"
    );
    let lines: Vec<usize> = diags
        .iter()
        .map(|d| {
            assert_eq!(d.code.to_string(), "E0101", "{d:?}");
            let start = d.labels[0].span.start as usize;
            db.text(d.labels[0].span.file)[..start]
                .matches('\n')
                .count()
                + 1
        })
        .collect();
    // The header is line 1; the three bad declarations follow it.
    assert_eq!(lines, [2, 3, 4], "{diags:?}");

    let many = format!("{H}{}", "values V { \"a\" => }\n".repeat(50));
    let (_, _, diags) = parse_str("many.map", &many);
    assert_eq!(diags.len(), 20, "{diags:?}");
}
