//! Calls one function with string arguments, for manual checks.
use terrane_functions::{call, json_encode, FuncContext};
use terrane_value::{Number, Value};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        return;
    }
    let name = args.remove(0);
    let vals: Vec<Value> = args
        .iter()
        .map(|a| match a.strip_prefix("n:") {
            Some(n) => Value::number(Number::parse(n).unwrap_or_else(|_| Number::from(0))),
            None => Value::string(a.clone()),
        })
        .collect();
    match call(&name, vals, &FuncContext::default()) {
        Ok(v) => println!("{} : {}", json_encode(&v).unwrap_or_default(), v.ty()),
        Err(e) => println!("ERR {} | {}", e.summary, e.detail),
    }
}
