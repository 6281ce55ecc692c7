use pest::Parser;
use std::time::Instant;
fn main() {
    let f = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&f).unwrap();
    let pairs = mapc::syntax::MapcParser::parse(mapc::syntax::Rule::file, &text).unwrap();
    let file = pairs.clone().next().unwrap();
    let mut by: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
    for item in file.into_inner() {
        let s = item.as_str();
        let kind = format!("{:?}", item.as_rule());
        let n = 200;
        let t = Instant::now();
        for _ in 0..n {
            let r = mapc::syntax::MapcParser::parse(mapc::syntax::Rule::file, s);
            std::hint::black_box(r.is_ok());
        }
        let e = t.elapsed().as_secs_f64() / n as f64;
        let entry = by.entry(kind).or_default();
        entry.0 += s.len();
        entry.1 += e;
    }
    for (k, (b, t)) in by {
        println!(
            "{k:15} {b:7} bytes {:8.1} us {:6.1} ns/byte",
            t * 1e6,
            t * 1e9 / b as f64
        );
    }
}
