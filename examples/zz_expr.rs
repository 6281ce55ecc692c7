use pest::Parser;
use std::time::Instant;
fn main() {
    for e in [
        "a",
        "abc_def_ghi",
        "\"lit\"",
        "f(a)",
        "a | trim",
        "a | trim | lower ?? null",
        "lookup C(k) on missing null",
        "a ++ b",
        "x.y",
        "if a == 1 then b else c",
        "12",
        "A",
    ] {
        let body: String = (0..200).map(|i| format!("  f{i} = {e}\n")).collect();
        let text = format!("map S -> P {{\n{body}}}\n");
        let n = 300;
        let t = Instant::now();
        for _ in 0..n {
            let r = mapc::syntax::MapcParser::parse(mapc::syntax::Rule::file, &text);
            assert!(r.is_ok());
            std::hint::black_box(r.is_ok());
        }
        let per = t.elapsed().as_secs_f64() / n as f64 / 200.0 * 1e9;
        println!("{e:40} {per:7.0} ns per stmt");
    }
}
