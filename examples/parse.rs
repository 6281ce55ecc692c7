fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let (db, m, d) = mapc::syntax::parse_str(&path, &text);
    print!("{}", mapc::diag::render::to_text(&db, &d));
    if let Some(m) = m {
        println!("items: {}", m.items.len());
    }
}
