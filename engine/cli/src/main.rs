//! The `terrane` command line.
fn main() {
    println!("terrane {}", env!("CARGO_PKG_VERSION"));
}
