//! IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets;
//! OpenTofu's cidrcontains. Addresses are handled as integers of 32 or 128
//! bits, following the arithmetic of the go-cidr library Terraform uses.

use crate::numeric::{int_of, number, string};
use crate::registry::{arg_err, call_err, p, Fail, FuncContext, Registry, Ret, R};
use crate::strings::sv;
use num_bigint::{BigInt, Sign};
use std::net::{Ipv4Addr, Ipv6Addr};
use terrane_value::{Type, Value};

/// A network: address bits, prefix length and address width (32 or 128).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Net {
    ip: u128,
    len: u32,
    bits: u32,
}

impl Net {
    fn mask(len: u32, bits: u32) -> u128 {
        let all = if bits == 128 {
            u128::MAX
        } else {
            (1u128 << bits) - 1
        };
        if len == 0 {
            0
        } else if len >= bits {
            all
        } else {
            all & !(all >> len)
        }
    }
    fn all(&self) -> u128 {
        if self.bits == 128 {
            u128::MAX
        } else {
            (1u128 << self.bits) - 1
        }
    }
    fn last(&self) -> u128 {
        self.ip | (self.all() & !Net::mask(self.len, self.bits))
    }
    fn contains(&self, ip: u128) -> bool {
        ip & Net::mask(self.len, self.bits) == self.ip & Net::mask(self.len, self.bits)
    }
}

/// An address as Go prints it: IPv4-mapped IPv6 addresses print as
/// dotted quads.
fn ip_text(ip: u128, bits: u32) -> String {
    if bits == 32 || is_v4_mapped(ip) {
        Ipv4Addr::from(ip as u32).to_string()
    } else {
        Ipv6Addr::from(ip).to_string()
    }
}

/// True for `::ffff:a.b.c.d`, which Go treats as an IPv4 address in many
/// places.
fn is_v4_mapped(ip: u128) -> bool {
    ip >> 32 == 0xffff
}

/// A network as Go's `IPNet.String` prints it (an IPv4-mapped network
/// prints as IPv4, its prefix length counted in the last 32 bits).
fn net_text(n: &Net) -> String {
    if n.bits == 128 && is_v4_mapped(n.ip) {
        return format!("{}/{}", ip_text(n.ip, 128), n.len.saturating_sub(96));
    }
    format!("{}/{}", ip_text(n.ip, n.bits), n.len)
}

/// Parses an IPv4 address as Go did before 1.17: decimal octets, leading
/// zeros allowed.
fn parse_v4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    Some(v)
}

fn parse_ip(s: &str) -> Option<(u128, u32)> {
    if let Some(v) = parse_v4(s) {
        return Some((u128::from(v), 32));
    }
    s.parse::<Ipv6Addr>().ok().map(|a| (u128::from(a), 128))
}

/// Go's `net.ParseCIDR`: the network (host bits cleared) of a prefix.
fn parse_cidr(s: &str) -> Result<Net, String> {
    let bad = || format!("invalid CIDR address: {s}");
    let (addr, len) = s.split_once('/').ok_or_else(bad)?;
    let (ip, bits) = parse_ip(addr).ok_or_else(bad)?;
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let len: u32 = len.parse().map_err(|_| bad())?;
    if len > bits {
        return Err(bad());
    }
    Ok(Net {
        ip: ip & Net::mask(len, bits),
        len,
        bits,
    })
}

fn parse_arg(s: &str) -> Result<Net, crate::registry::Fail> {
    parse_cidr(s).map_err(|e| call_err(format!("invalid CIDR expression: {e}")))
}

pub(crate) fn register(r: &mut Registry) {
    let s = Ret::Static(Type::String);
    let prefix = || p("prefix", Type::String);
    r.func(
        "cidrhost",
        vec![prefix(), p("hostnum", Type::Number)],
        s.clone(),
        cidrhost,
    );
    r.func("cidrnetmask", vec![prefix()], s.clone(), |a, _| {
        let n = parse_arg(string(&a[0]))?;
        if n.bits != 32 && !is_v4_mapped(n.ip) {
            return Err(call_err(format!(
                "IPv6 addresses cannot have a netmask: {}",
                string(&a[0])
            )));
        }
        // An IPv4-mapped IPv6 prefix keeps its 16-byte mask, printed as
        // IPv6.
        let mask = Net::mask(n.len, n.bits);
        if n.bits == 128 {
            return Ok(sv(Ipv6Addr::from(mask).to_string()));
        }
        Ok(sv(ip_text(mask, 32)))
    });
    r.func(
        "cidrsubnet",
        vec![
            prefix(),
            p("newbits", Type::Number),
            p("netnum", Type::Number),
        ],
        s,
        cidrsubnet,
    );
    r.func(
        "cidrsubnets",
        vec![prefix()],
        Ret::Static(Type::list(Type::String)),
        cidrsubnets,
    )
    .variadic(p("newbits", Type::Number));
    r.extra(
        "cidrcontains",
        vec![
            p("containing_prefix", Type::String),
            p("contained_ip_or_prefix", Type::String),
        ],
        Ret::Static(Type::Bool),
        |a, _| {
            let outer = parse_arg(string(&a[0]))?;
            let inner_text = string(&a[1]);
            let (first, last, bits) = if inner_text.contains('/') {
                let n = parse_arg(inner_text)?;
                (n.ip, n.last(), n.bits)
            } else {
                let (ip, bits) = parse_ip(inner_text)
                    .ok_or_else(|| call_err(format!("invalid IP address: {inner_text}")))?;
                (ip, ip, bits)
            };
            if bits != outer.bits {
                return Err(call_err(format!(
                    "address family mismatch: {} vs. {inner_text}",
                    string(&a[0])
                )));
            }
            Ok(Value::bool(outer.contains(first) && outer.contains(last)))
        },
    );
}

fn to_big(v: &Value) -> Result<BigInt, String> {
    let n = number(v);
    if !n.is_integer() {
        return Err("value must be a whole number".into());
    }
    n.to_big_int()
        .ok_or_else(|| "value must be a whole number".to_string())
}

fn cidrhost(a: Vec<Value>, _: &FuncContext) -> R {
    let net = parse_arg(string(&a[0]))?;
    let mut num = to_big(&a[1]).map_err(call_err)?;
    let host_bits = net.bits - net.len;
    let max = (BigInt::from(1) << host_bits) - 1;
    // go-cidr checks the range on the number's low 64 bits (or, for a
    // negative number, on -num-1) and reports the adjusted number.
    let checked = if num.sign() == Sign::Minus {
        let c = -&num - 1;
        num = &max - &c;
        c
    } else {
        &num & BigInt::from(u64::MAX)
    };
    if checked > max {
        return Err(call_err(format!(
            "prefix of {} does not accommodate a host numbered {num}",
            net.len
        )));
    }
    // go-cidr inserts the host number as if the address were 32 bits wide
    // when Go sees an IPv4 address, even in a 16-byte IPv4-mapped form.
    let num = if net.bits == 128 && is_v4_mapped(net.ip) {
        num << 96
    } else {
        num
    };
    let combined = BigInt::from(net.ip) | num;
    let (_, bytes) = combined.to_bytes_be();
    if bytes.len() > (net.bits / 8) as usize {
        return Err(Fail::Panic("runtime error: index out of range [-1]".into()));
    }
    let v = bytes
        .iter()
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    Ok(sv(ip_text(v, net.bits)))
}

fn cidrsubnet(a: Vec<Value>, _: &FuncContext) -> R {
    let net = parse_arg(string(&a[0]))?;
    let newbits = int_of(&a[1]).map_err(call_err)?;
    let num = to_big(&a[2]).map_err(call_err)?;
    let new_len = i64::from(net.len) + newbits;
    if new_len > i64::from(net.bits) {
        return Err(call_err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.len
        )));
    }
    if new_len < 0 {
        return Err(call_err(format!("invalid prefix length {new_len}")));
    }
    if newbits >= 0 {
        let max = (BigInt::from(1) << newbits as u32) - 1;
        if num > max {
            return Err(call_err(format!(
                "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
            )));
        }
    }
    let shifted = num << (net.bits - new_len as u32);
    let combined = BigInt::from(net.ip) | shifted;
    let (_, bytes) = combined.to_bytes_be();
    let width = (net.bits / 8) as usize;
    if bytes.len() > width {
        return Err(call_err("subnet number out of range"));
    }
    let mut v: u128 = 0;
    for b in bytes {
        v = (v << 8) | u128::from(b);
    }
    Ok(sv(net_text(&Net {
        ip: v,
        len: new_len as u32,
        bits: net.bits,
    })))
}

fn cidrsubnets(a: Vec<Value>, _: &FuncContext) -> R {
    let net = parse_cidr(string(&a[0]))
        .map_err(|e| arg_err(0, format!("invalid CIDR expression: {e}")))?;
    let mut out = Vec::new();
    let mut current: Option<Net> = None;
    for (i, v) in a[1..].iter().enumerate() {
        let length = int_of(v).map_err(call_err)?;
        if length < 1 {
            return Err(arg_err(i + 1, "must extend prefix by at least one bit"));
        }
        if length > 32 {
            return Err(arg_err(i + 1, "may not extend prefix by more than 32 bits"));
        }
        let length = length as u32 + net.len;
        if length > net.bits {
            let proto = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(arg_err(
                i + 1,
                format!("would extend prefix to {length} bits, which is too long for an {proto} address"),
            ));
        }
        if net.bits == 128 && is_v4_mapped(net.ip) {
            // go-cidr treats the 16-byte IPv4-mapped address as IPv4 and
            // fails to build the starting subnet.
            return Err(arg_err(
                i + 1,
                format!("not enough remaining address space for a subnet with a prefix of {length} bits after <nil>"),
            ));
        }
        let cur = current.unwrap_or_else(|| previous_subnet(&net, length));
        let (next, rollover) = next_subnet(&cur, length);
        if rollover || !net.contains(next.ip) {
            return Err(arg_err(
                i + 1,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {length} bits after {}",
                    net_text(&cur)
                ),
            ));
        }
        out.push(sv(net_text(&next)));
        current = Some(next);
    }
    Ok(Value::list(Type::String, out))
}

fn previous_subnet(net: &Net, len: u32) -> Net {
    let prev = net.ip.wrapping_sub(1) & net.all();
    Net {
        ip: prev & Net::mask(len, net.bits),
        len,
        bits: net.bits,
    }
}

fn next_subnet(cur: &Net, len: u32) -> (Net, bool) {
    let last = cur.last();
    let m = Net::mask(len, cur.bits);
    let sub = Net {
        ip: last & m,
        len,
        bits: cur.bits,
    };
    let after = sub.last().wrapping_add(1) & cur.all();
    (
        Net {
            ip: after & m,
            len,
            bits: cur.bits,
        },
        after == 0,
    )
}
