use mapc::semantic::loader;
use std::time::Instant;
fn main() {
    let f = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(300);
    let (mut lt, mut st) = (0.0, 0.0);
    for _ in 0..n {
        let mut db = mapc::span::SourceDb::new();
        let t = Instant::now();
        let (program, _d) = loader::load(&mut db, &loader::DiskFs, std::path::Path::new(&f));
        lt += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let r = mapc::semantic::check(program.as_ref().unwrap());
        st += t.elapsed().as_secs_f64();
        drop(r);
        drop(program);
        drop(db);
    }
    println!(
        "load {:.3} ms  semantic {:.3} ms",
        lt / n as f64 * 1e3,
        st / n as f64 * 1e3
    );
}
