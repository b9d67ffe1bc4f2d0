//! `aws_lb` subnet placement: the `subnets` set and the `subnet_mapping`
//! blocks (Elastic IP, private IPv4 or IPv6 address per subnet), with the
//! real provider's replacement rules. Both are optional and computed, and
//! exactly one of them may be configured; changing one makes the other
//! unknown. An application load balancer can add or drop mappings in place
//! (`SetSubnets`) as long as the kept ones are unchanged; a network load
//! balancer can only add them (and only add subnets), anything else
//! replaces it.

use crate::framework::s::*;
use crate::framework::{invalid, Error, PlanCtx};
use crate::vals::*;
use aws_sdk_elasticloadbalancingv2::types::{AvailabilityZone, SubnetMapping};
use terrane_provider::Block;
use terrane_value::{Type, Value};

/// The block of one `subnet_mapping`.
pub fn mapping_block() -> Block {
    block(vec![
        ("allocation_id", opt_s()),
        ("ipv6_address", opt_s()),
        ("outpost_id", comp_s()),
        ("private_ipv4_address", opt_s()),
        ("subnet_id", req_s()),
    ])
}

fn mapping_set_type() -> Type {
    Type::set(mapping_block().implied_type())
}

/// The mappings AWS reports, as state: one per availability zone, with the
/// first load balancer address's allocation and private addresses.
pub fn mappings_from_zones(zones: &[AvailabilityZone]) -> Value {
    let mb = mapping_block();
    let items = zones
        .iter()
        .map(|z| {
            let addr = z.load_balancer_addresses().first();
            let mut o = Obj::new();
            // Unset values are "" in state, as the real provider flattens them.
            let text = |v: Option<&str>| vs(v.unwrap_or_default());
            o.insert("subnet_id".into(), text(z.subnet_id()));
            o.insert("outpost_id".into(), text(z.outpost_id()));
            o.insert(
                "allocation_id".into(),
                text(addr.and_then(|a| a.allocation_id())),
            );
            o.insert(
                "ipv6_address".into(),
                text(addr.and_then(|a| a.ipv6_address())),
            );
            o.insert(
                "private_ipv4_address".into(),
                text(addr.and_then(|a| a.private_ipv4_address())),
            );
            nested(&mb, o)
        })
        .collect();
    Value::set(mb.implied_type(), items)
}

/// The planned mappings as SDK subnet mappings (empty strings left out).
pub fn to_sdk(p: &Obj) -> Vec<SubnetMapping> {
    get_blocks(p, "subnet_mapping")
        .iter()
        .map(|m| {
            SubnetMapping::builder()
                .set_subnet_id(get_ne(m, "subnet_id"))
                .set_allocation_id(get_ne(m, "allocation_id"))
                .set_private_ipv4_address(get_ne(m, "private_ipv4_address"))
                .set_ipv6_address(get_ne(m, "ipv6_address"))
                .build()
        })
        .collect()
}

/// The mappings to send to `SetSubnets` when the configured part of
/// `subnet_mapping` changed between `prior` and planned `p`.
pub fn changed_mappings(prior: &Obj, p: &Obj) -> Option<Vec<SubnetMapping>> {
    if !p.get("subnet_mapping").is_some_and(Value::is_known) {
        return None;
    }
    let parts = |o: &Obj| -> Vec<Obj> {
        get_blocks(o, "subnet_mapping")
            .iter()
            .map(configured_part)
            .collect()
    };
    let new = parts(p);
    (!new.is_empty() && !same_members(&parts(prior), &new)).then(|| to_sdk(p))
}

/// Set equality of two lists without duplicates.
fn same_members<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// A mapping without its computed `outpost_id`, for comparing what was
/// configured with what exists.
fn configured_part(m: &Obj) -> Obj {
    let mut o = m.clone();
    o.remove("outpost_id");
    o
}

/// Whether changing `old` into `new` (mapping objects or subnet IDs) needs
/// a new load balancer: mappings that stay must stay as they are; an
/// application load balancer may then add or drop, a network one may only
/// add.
fn forces_new<T: PartialEq>(old: &[T], new: &[T], network: bool) -> bool {
    let kept_unchanged = |from: &[T], to: &[T]| to.iter().filter(|x| from.contains(x)).count();
    if new.len() > old.len() {
        kept_unchanged(new, old) != old.len()
    } else if new.len() < old.len() {
        network || kept_unchanged(old, new) != new.len()
    } else {
        true
    }
}

/// `aws_lb` planning for `subnets`/`subnet_mapping`/`security_groups`.
pub fn plan(p: &mut PlanCtx<'_>) -> Result<(), Error> {
    let cfg_mappings = p
        .config
        .get("subnet_mapping")
        .is_some_and(|v| v.len().unwrap_or(1) > 0 || !v.is_known());
    let cfg_subnets = p.config.get("subnets").is_some_and(|v| !v.is_null());
    match (cfg_mappings, cfg_subnets) {
        (true, true) => {
            return Err(invalid(
                "\"subnet_mapping\": only one of `subnet_mapping,subnets` can be specified",
            ))
        }
        (false, false) if p.prior.is_none() => {
            return Err(invalid(
                "\"subnet_mapping\": one of `subnet_mapping,subnets` must be specified",
            ))
        }
        _ => {}
    }
    let network = get_s(&p.planned, "load_balancer_type").as_deref() == Some("network");
    let prior_mappings = p.prior.map(|pr| get_blocks(pr, "subnet_mapping"));
    if !cfg_mappings {
        // Optional+computed block: unset follows what exists.
        let v = match p.prior {
            Some(pr) if !p.changed("subnets") => pr
                .get("subnet_mapping")
                .cloned()
                .unwrap_or_else(|| Value::unknown(mapping_set_type())),
            _ => Value::unknown(mapping_set_type()),
        };
        p.planned.insert("subnet_mapping".into(), v);
    } else {
        // The configured mappings, with outpost_id as it is for subnets
        // that keep their mapping (unknown for new ones).
        let mb = mapping_block();
        let known = p
            .planned
            .get("subnet_mapping")
            .is_some_and(Value::is_wholly_known);
        if known {
            let items: Vec<Value> = get_blocks(&p.planned, "subnet_mapping")
                .into_iter()
                .map(|m| {
                    let same = prior_mappings
                        .iter()
                        .flatten()
                        .find(|pm| configured_part(pm) == configured_part(&m));
                    let mut o = m.clone();
                    let outpost = same
                        .and_then(|pm| pm.get("outpost_id").cloned())
                        .unwrap_or_else(|| Value::unknown(Type::String));
                    o.insert("outpost_id".into(), outpost);
                    vobj(o)
                })
                .collect();
            p.planned.insert(
                "subnet_mapping".into(),
                Value::set(mb.implied_type(), items),
            );
        }
        if let Some(prior) = &prior_mappings {
            let old: Vec<Obj> = prior.iter().map(configured_part).collect();
            let new: Vec<Obj> = get_blocks(&p.planned, "subnet_mapping")
                .iter()
                .map(configured_part)
                .collect();
            if known && !same_members(&old, &new) {
                if forces_new(&old, &new, network) {
                    p.replace_because("subnet_mapping");
                }
                p.unknown("subnets", Type::set(Type::String));
            }
        }
    }
    if let Some(pr) = p.prior {
        if cfg_subnets && p.changed("subnets") && is_known_attr(&p.planned, "subnets") {
            // A network load balancer can only gain subnets in place.
            if network && get_strs(&p.planned, "subnets").len() <= get_strs(pr, "subnets").len() {
                p.replace_because("subnets");
            }
            p.planned
                .insert("subnet_mapping".into(), Value::unknown(mapping_set_type()));
        }
        // A network load balancer cannot gain its first security group or
        // lose its last one in place.
        if network && p.changed("security_groups") && is_known_attr(&p.planned, "security_groups") {
            let old = get_strs(pr, "security_groups").is_empty();
            let new = get_strs(&p.planned, "security_groups").is_empty();
            if old != new {
                p.replace_because("security_groups");
            }
        }
    }
    Ok(())
}

fn is_known_attr(o: &Obj, k: &str) -> bool {
    o.get(k).is_some_and(Value::is_wholly_known)
}

#[cfg(test)]
mod tests {
    use super::forces_new;

    #[test]
    fn replacement_rules_follow_the_load_balancer_type() {
        let (a, b, c) = ("a", "b", "c");
        // Adding while keeping the others: in place for both types.
        assert!(!forces_new(&[a, b], &[a, b, c], false));
        assert!(!forces_new(&[a, b], &[a, b, c], true));
        // Adding while changing a kept one: replacement.
        assert!(forces_new(&[a, b], &[a, c, "d"], false));
        // Dropping: in place for application, replacement for network.
        assert!(!forces_new(&[a, b, c], &[a, b], false));
        assert!(forces_new(&[a, b, c], &[a, b], true));
        // Same count but different: replacement.
        assert!(forces_new(&[a, b], &[a, c], false));
    }
}
