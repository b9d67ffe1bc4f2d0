//! `aws_route_table` (with inline routes), `aws_route` and
//! `aws_route_table_association`.

use super::{describe_by_ids, filter, sync_tags, tag_map, tag_spec};
use crate::client::{Aws, AwsError, EVENTUAL_NOT_FOUND};
use crate::framework::s::*;
use crate::framework::{invalid, read_by_key, single, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_ec2::types::{ResourceType, Route, RouteTable, RouteTableAssociation};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{Block, Schema};
use terrane_value::Value;

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(RouteTableRes),
        Arc::new(RouteRes),
        Arc::new(AssocRes),
    ]
}

/// Route targets, as attribute names of an inline route / `aws_route`.
const TARGETS: &[&str] = &[
    "carrier_gateway_id",
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

macro_rules! with_route_fields {
    ($b:expr, $o:expr) => {{
        let o = $o;
        $b.set_destination_cidr_block(
            get_ne(o, "destination_cidr_block").or_else(|| get_ne(o, "cidr_block")),
        )
        .set_destination_ipv6_cidr_block(
            get_ne(o, "destination_ipv6_cidr_block").or_else(|| get_ne(o, "ipv6_cidr_block")),
        )
        .set_destination_prefix_list_id(get_ne(o, "destination_prefix_list_id"))
        .set_carrier_gateway_id(get_ne(o, "carrier_gateway_id"))
        .set_core_network_arn(get_ne(o, "core_network_arn"))
        .set_egress_only_internet_gateway_id(get_ne(o, "egress_only_gateway_id"))
        .set_gateway_id(get_ne(o, "gateway_id"))
        .set_local_gateway_id(get_ne(o, "local_gateway_id"))
        .set_nat_gateway_id(get_ne(o, "nat_gateway_id"))
        .set_network_interface_id(get_ne(o, "network_interface_id"))
        .set_transit_gateway_id(get_ne(o, "transit_gateway_id"))
        .set_vpc_endpoint_id(get_ne(o, "vpc_endpoint_id"))
        .set_vpc_peering_connection_id(get_ne(o, "vpc_peering_connection_id"))
    }};
}

/// A route's targets as attribute values ("" when unset, as the SDK stores).
fn route_targets(r: &Route) -> Vec<(&'static str, String)> {
    let s = |v: Option<&str>| v.unwrap_or_default().to_string();
    let gw = s(r.gateway_id());
    let (gateway, endpoint) = if gw.starts_with("vpce-") {
        (String::new(), gw)
    } else {
        (gw, String::new())
    };
    vec![
        ("carrier_gateway_id", s(r.carrier_gateway_id())),
        ("core_network_arn", s(r.core_network_arn())),
        (
            "egress_only_gateway_id",
            s(r.egress_only_internet_gateway_id()),
        ),
        ("gateway_id", gateway),
        ("local_gateway_id", s(r.local_gateway_id())),
        ("nat_gateway_id", s(r.nat_gateway_id())),
        ("network_interface_id", s(r.network_interface_id())),
        ("transit_gateway_id", s(r.transit_gateway_id())),
        ("vpc_endpoint_id", endpoint),
        (
            "vpc_peering_connection_id",
            s(r.vpc_peering_connection_id()),
        ),
    ]
}

fn route_dest(r: &Route) -> String {
    r.destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())
        .unwrap_or_default()
        .to_string()
}

/// Finds route tables by ID (batched, paginated).
pub async fn find_route_tables(
    aws: &Aws,
    ids: &[String],
) -> Result<BTreeMap<String, RouteTable>, AwsError> {
    let items = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeRouteTables", || {
                aws.ec2
                    .describe_route_tables()
                    .filters(filter("route-table-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((
            out.route_tables().to_vec(),
            out.next_token().map(String::from),
        ))
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|r| Some((r.route_table_id()?.to_string(), r)))
        .collect())
}

fn inline_route_block() -> Block {
    let mut attrs = vec![
        ("cidr_block", opt_s()),
        ("ipv6_cidr_block", opt_s()),
        ("destination_prefix_list_id", opt_s()),
    ];
    attrs.extend(TARGETS.iter().map(|t| (*t, opt_s())));
    block(attrs)
}

/// True for routes the table manages itself (local, propagated, endpoint).
fn is_managed_route(r: &Route) -> bool {
    let gw = r.gateway_id().unwrap_or_default();
    gw == "local"
        || r.origin().map(|o| o.as_str()) == Some("EnableVgwRoutePropagation")
        || (r
            .destination_prefix_list_id()
            .is_some_and(|p| p.starts_with("pl-"))
            && gw.starts_with("vpce-"))
}

struct RouteTableRes;

impl RouteTableRes {
    fn state(&self, aws: &Aws, prior: &Obj, t: &RouteTable) -> Obj {
        let rb = inline_route_block();
        let mut st = prior.clone();
        let id = t.route_table_id().unwrap_or_default();
        let owner = t.owner_id().unwrap_or_default();
        st.insert("id".into(), vs(id));
        st.insert("owner_id".into(), vs(owner));
        st.insert(
            "arn".into(),
            vs(format!(
                "arn:{}:ec2:{}:{owner}:route-table/{id}",
                aws.partition, aws.region
            )),
        );
        st.insert("vpc_id".into(), vso(t.vpc_id()));
        st.insert(
            "propagating_vgws".into(),
            vset(
                t.propagating_vgws()
                    .iter()
                    .filter_map(|v| v.gateway_id().map(String::from)),
            ),
        );
        let routes: Vec<Value> = t
            .routes()
            .iter()
            .filter(|r| !is_managed_route(r))
            .map(|r| {
                let mut f = Obj::new();
                f.insert(
                    "cidr_block".into(),
                    vs(r.destination_cidr_block().unwrap_or_default()),
                );
                f.insert(
                    "ipv6_cidr_block".into(),
                    vs(r.destination_ipv6_cidr_block().unwrap_or_default()),
                );
                f.insert(
                    "destination_prefix_list_id".into(),
                    vs(r.destination_prefix_list_id().unwrap_or_default()),
                );
                for (k, v) in route_targets(r) {
                    f.insert(k.into(), vs(v));
                }
                nested(&rb, f)
            })
            .collect();
        st.insert("route".into(), Value::set(rb.implied_type(), routes));
        aws.set_tags(&mut st, tag_map(t.tags()));
        st
    }

    async fn sync_routes(
        &self,
        aws: &Aws,
        id: &str,
        old: &[Obj],
        new: &[Obj],
    ) -> Result<(), AwsError> {
        let key = |o: &Obj| {
            get_ne(o, "cidr_block")
                .or_else(|| get_ne(o, "ipv6_cidr_block"))
                .or_else(|| get_ne(o, "destination_prefix_list_id"))
                .unwrap_or_default()
        };
        let old_by: BTreeMap<String, &Obj> = old.iter().map(|o| (key(o), o)).collect();
        let new_by: BTreeMap<String, &Obj> = new.iter().map(|o| (key(o), o)).collect();
        for (k, o) in &old_by {
            if !new_by.contains_key(k) {
                let r = aws
                    .call("EC2 DeleteRoute", || {
                        aws.ec2
                            .delete_route()
                            .route_table_id(id)
                            .set_destination_cidr_block(get_ne(o, "cidr_block"))
                            .set_destination_ipv6_cidr_block(get_ne(o, "ipv6_cidr_block"))
                            .set_destination_prefix_list_id(get_ne(o, "destination_prefix_list_id"))
                            .send()
                    })
                    .await;
                match r {
                    Ok(_) => {}
                    Err(e) if e.is(&["InvalidRoute.NotFound"]) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        for (k, o) in &new_by {
            match old_by.get(k) {
                Some(prev) if prev == o => {}
                Some(_) => {
                    aws.call("EC2 ReplaceRoute", || {
                        with_route_fields!(aws.ec2.replace_route().route_table_id(id), *o).send()
                    })
                    .await?;
                }
                None => {
                    aws.call_retrying("EC2 CreateRoute", EVENTUAL_NOT_FOUND, || {
                        with_route_fields!(aws.ec2.create_route().route_table_id(id), *o).send()
                    })
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn sync_vgws(
        &self,
        aws: &Aws,
        id: &str,
        old: &[String],
        new: &[String],
    ) -> Result<(), AwsError> {
        for g in old.iter().filter(|g| !new.contains(g)) {
            aws.call("EC2 DisableVgwRoutePropagation", || {
                aws.ec2
                    .disable_vgw_route_propagation()
                    .route_table_id(id)
                    .gateway_id(g)
                    .send()
            })
            .await?;
        }
        for g in new.iter().filter(|g| !old.contains(g)) {
            aws.call("EC2 EnableVgwRoutePropagation", || {
                aws.ec2
                    .enable_vgw_route_propagation()
                    .route_table_id(id)
                    .gateway_id(g)
                    .send()
            })
            .await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Resource for RouteTableRes {
    fn name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("owner_id", comp_s()),
            ("propagating_vgws", oc_set()),
            ("vpc_id", req_s().force_new()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![
                ("route", attr_set(inline_route_block())),
                timeouts(&["create", "update", "delete"]),
            ],
        ))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let out = aws
            .call_retrying("EC2 CreateRouteTable", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .create_route_table()
                    .set_vpc_id(get_s(p, "vpc_id"))
                    .set_tag_specifications(
                        tag_spec(ResourceType::RouteTable, &tags).map(|t| vec![t]),
                    )
                    .send()
            })
            .await?;
        let id = out
            .route_table()
            .and_then(|t| t.route_table_id())
            .ok_or_else(|| invalid("CreateRouteTable returned no ID"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&id));
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        if !is_unknown(p, "route") {
            self.sync_routes(aws, &id, &[], &get_blocks(p, "route"))
                .await
                .map_err(|e| fail(e.into()))?;
        }
        if !is_unknown(p, "propagating_vgws") {
            self.sync_vgws(aws, &id, &[], &get_strs(p, "propagating_vgws"))
                .await
                .map_err(|e| fail(e.into()))?;
        }
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(fail(invalid("route table disappeared after create"))),
            Err(e) => Err(fail(e)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |ids| async move { Ok(find_route_tables(aws, &ids).await?) },
            |s, t| Some(self.state(aws, s, t)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        if prior.get("route") != p.get("route") && !is_unknown(p, "route") {
            self.sync_routes(
                aws,
                &id,
                &get_blocks(prior, "route"),
                &get_blocks(p, "route"),
            )
            .await?;
        }
        if prior.get("propagating_vgws") != p.get("propagating_vgws")
            && !is_unknown(p, "propagating_vgws")
        {
            self.sync_vgws(
                aws,
                &id,
                &get_strs(prior, "propagating_vgws"),
                &get_strs(p, "propagating_vgws"),
            )
            .await?;
        }
        sync_tags(aws, &id, prior, p).await?;
        self.read_back_with_tags(aws, prior, p, "route table").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let found = find_route_tables(aws, std::slice::from_ref(&id)).await?;
        let Some(t) = found.get(&id) else {
            return Ok(());
        };
        for a in t.associations() {
            if a.main() == Some(true) {
                continue;
            }
            if let Some(aid) = a.route_table_association_id() {
                let r = aws
                    .call("EC2 DisassociateRouteTable", || {
                        aws.ec2
                            .disassociate_route_table()
                            .association_id(aid)
                            .send()
                    })
                    .await;
                match r {
                    Ok(_) => {}
                    Err(e) if e.is(&["InvalidAssociationID.NotFound"]) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        match aws
            .call_retrying("EC2 DeleteRouteTable", &["DependencyViolation"], || {
                aws.ec2.delete_route_table().route_table_id(&id).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["InvalidRouteTableID.NotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

// ------------------------------------------------------------- aws_route

/// Terraform's ID for a route: "r-" + table ID + CRC-32 hash of the
/// destination (as `create.StringHashcode` computes it).
pub fn route_id(table: &str, dest: &str) -> String {
    format!("r-{table}{}", string_hashcode(dest))
}

struct RouteRes;

fn route_dest_of(o: &Obj) -> Option<String> {
    get_ne(o, "destination_cidr_block")
        .or_else(|| get_ne(o, "destination_ipv6_cidr_block"))
        .or_else(|| get_ne(o, "destination_prefix_list_id"))
}

#[async_trait::async_trait]
impl Resource for RouteRes {
    fn name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("route_table_id", req_s().force_new()),
            ("destination_cidr_block", opt_s().force_new()),
            ("destination_ipv6_cidr_block", opt_s().force_new()),
            ("destination_prefix_list_id", opt_s().force_new()),
            ("instance_id", comp_s()),
            ("instance_owner_id", comp_s()),
            ("origin", comp_s()),
            ("state", comp_s()),
        ];
        for t in TARGETS {
            attrs.push((
                t,
                if *t == "network_interface_id" {
                    oc_s()
                } else {
                    opt_s()
                },
            ));
        }
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "update", "delete"])],
        ))
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        let has_target = TARGETS
            .iter()
            .any(|t| p.config.get(*t).is_some_and(|v| !v.is_null()));
        if !has_target {
            return Err(invalid(
                "one of carrier_gateway_id, core_network_arn, egress_only_gateway_id, gateway_id, local_gateway_id, nat_gateway_id, network_interface_id, transit_gateway_id, vpc_endpoint_id, vpc_peering_connection_id must be specified",
            ));
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let table = get_s(p, "route_table_id").unwrap_or_default();
        let dest = route_dest_of(p).ok_or_else(|| {
            invalid("one of destination_cidr_block, destination_ipv6_cidr_block, destination_prefix_list_id must be specified")
        })?;
        aws.call_retrying("EC2 CreateRoute", EVENTUAL_NOT_FOUND, || {
            with_route_fields!(aws.ec2.create_route().route_table_id(&table), p).send()
        })
        .await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(route_id(&table, &dest)));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(Failed::from(invalid("route not found after create")).with_partial(st)),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// The routes of many tables come from one DescribeRouteTables.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "route_table_id",
            |ids| async move { Ok(find_route_tables(aws, &ids).await?) },
            route_state,
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let table = get_s(p, "route_table_id").unwrap_or_default();
        aws.call("EC2 ReplaceRoute", || {
            with_route_fields!(aws.ec2.replace_route().route_table_id(&table), p).send()
        })
        .await?;
        let mut base = p.clone();
        base.insert("id".into(), prior.get("id").cloned().unwrap_or_default());
        self.read_back(aws, &base, "route").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let r = aws
            .call("EC2 DeleteRoute", || {
                aws.ec2
                    .delete_route()
                    .set_route_table_id(get_s(state, "route_table_id"))
                    .set_destination_cidr_block(get_ne(state, "destination_cidr_block"))
                    .set_destination_ipv6_cidr_block(get_ne(state, "destination_ipv6_cidr_block"))
                    .set_destination_prefix_list_id(get_ne(state, "destination_prefix_list_id"))
                    .send()
            })
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["InvalidRoute.NotFound", "InvalidRouteTableID.NotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Import ID: `ROUTETABLEID_DESTINATION`.
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let (table, dest) = id.split_once('_').ok_or_else(|| {
            invalid(format!(
                "unexpected format of ID ({id}), expected ROUTETABLEID_DESTINATION"
            ))
        })?;
        let mut o = blank;
        o.insert("route_table_id".into(), vs(table));
        let attr = if dest.contains(':') {
            "destination_ipv6_cidr_block"
        } else if dest.starts_with("pl-") {
            "destination_prefix_list_id"
        } else {
            "destination_cidr_block"
        };
        o.insert(attr.into(), vs(dest));
        Ok(o)
    }
}

// ------------------------------------------------ route table association

/// Finds route table associations by ID (batched by filter, paginated).
async fn find_associations(
    aws: &Aws,
    ids: &[String],
) -> Result<BTreeMap<String, RouteTableAssociation>, AwsError> {
    let tables = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeRouteTables", || {
                aws.ec2
                    .describe_route_tables()
                    .filters(filter(
                        "association.route-table-association-id",
                        chunk.clone(),
                    ))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((
            out.route_tables().to_vec(),
            out.next_token().map(String::from),
        ))
    })
    .await?;
    Ok(tables
        .iter()
        .flat_map(|t| t.associations())
        .filter_map(|a| Some((a.route_table_association_id()?.to_string(), a.clone())))
        .filter(|(id, _)| ids.contains(id))
        .collect())
}

/// The state of an `aws_route` found in its table (`None` when the table no
/// longer has a route to its destination).
fn route_state(state: &Obj, t: &RouteTable) -> Option<Obj> {
    let table = t.route_table_id().unwrap_or_default();
    let dest = route_dest_of(state)?;
    let r = t.routes().iter().find(|r| route_dest(r) == dest)?;
    let mut st = state.clone();
    st.insert("id".into(), vs(route_id(table, &dest)));
    for (k, v) in route_targets(r) {
        let keep_null = state.get(k).is_none_or(Value::is_null) && v.is_empty();
        if !keep_null {
            st.insert(k.into(), vs(v));
        }
    }
    if get_s(&st, "network_interface_id").is_none() {
        st.insert(
            "network_interface_id".into(),
            vs(r.network_interface_id().unwrap_or_default()),
        );
    }
    st.insert(
        "instance_id".into(),
        vs(r.instance_id().unwrap_or_default()),
    );
    st.insert(
        "instance_owner_id".into(),
        vs(r.instance_owner_id().unwrap_or_default()),
    );
    st.insert(
        "origin".into(),
        vs(r.origin().map(|o| o.as_str()).unwrap_or_default()),
    );
    st.insert(
        "state".into(),
        vs(r.state().map(|o| o.as_str()).unwrap_or_default()),
    );
    Some(st)
}

struct AssocRes;

#[async_trait::async_trait]
impl Resource for AssocRes {
    fn name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> Schema {
        schema(block(vec![
            id(),
            ("gateway_id", opt_s().force_new()),
            ("route_table_id", req_s()),
            ("subnet_id", opt_s().force_new()),
        ]))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let out = aws
            .call_retrying("EC2 AssociateRouteTable", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .associate_route_table()
                    .set_route_table_id(get_s(p, "route_table_id"))
                    .set_subnet_id(get_ne(p, "subnet_id"))
                    .set_gateway_id(get_ne(p, "gateway_id"))
                    .send()
            })
            .await?;
        let mut st = p.clone();
        st.insert("id".into(), vso(out.association_id()));
        Ok(st)
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let mut st = state.clone();
        if get_s(state, "id").is_some_and(|id| id.starts_with(LOOKUP)) {
            match resolve_assoc_import(aws, state).await? {
                Some(real) => {
                    st.insert("id".into(), vs(real));
                }
                None => return Ok(None),
            }
        }
        single(self.read_many(aws, std::slice::from_ref(&st)).await)
    }

    /// One DescribeRouteTables (filtered by association ID, paginated)
    /// covers every association; import lookups go through `read`.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        let lookup = |s: &Obj| get_s(s, "id").is_some_and(|id| id.starts_with(LOOKUP));
        if states.iter().any(lookup) {
            let mut out = Vec::with_capacity(states.len());
            for s in states {
                out.push(self.read(aws, s).await);
            }
            return out;
        }
        read_by_key(
            states,
            "id",
            |ids| async move { Ok(find_associations(aws, &ids).await?) },
            |s, a| {
                let gone = a
                    .association_state()
                    .and_then(|s| s.state())
                    .is_some_and(|s| s.as_str() == "disassociated");
                (!gone).then(|| {
                    let mut st = s.clone();
                    st.insert("route_table_id".into(), vso(a.route_table_id()));
                    st.insert("subnet_id".into(), vso(a.subnet_id()));
                    st.insert("gateway_id".into(), vso(a.gateway_id()));
                    st
                })
            },
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let out = aws
            .call("EC2 ReplaceRouteTableAssociation", || {
                aws.ec2
                    .replace_route_table_association()
                    .set_association_id(get_s(prior, "id"))
                    .set_route_table_id(get_s(p, "route_table_id"))
                    .send()
            })
            .await?;
        let mut st = p.clone();
        st.insert("id".into(), vso(out.new_association_id()));
        Ok(st)
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        match aws
            .call("EC2 DisassociateRouteTable", || {
                aws.ec2
                    .disassociate_route_table()
                    .set_association_id(get_s(state, "id"))
                    .send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["InvalidAssociationID.NotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Import ID: `SUBNETID/ROUTETABLEID` or `GATEWAYID/ROUTETABLEID`; the
    /// association ID is looked up on the first read.
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let (target, table) = id.split_once('/').ok_or_else(|| {
            invalid(format!(
                "unexpected format of ID ({id}), expected SUBNETID/ROUTETABLEID or GATEWAYID/ROUTETABLEID"
            ))
        })?;
        let mut o = blank;
        o.insert("route_table_id".into(), vs(table));
        let attr = if target.starts_with("subnet-") {
            "subnet_id"
        } else {
            "gateway_id"
        };
        o.insert(attr.into(), vs(target));
        o.insert("id".into(), vs(format!("{LOOKUP}{id}")));
        Ok(o)
    }
}

const LOOKUP: &str = "lookup:";

/// Resolves an association import placeholder (`lookup:TARGET/TABLE`) to
/// the association ID by describing the table.
async fn resolve_assoc_import(aws: &Aws, state: &Obj) -> Result<Option<String>, AwsError> {
    let table = get_s(state, "route_table_id").unwrap_or_default();
    let target = get_ne(state, "subnet_id").or_else(|| get_ne(state, "gateway_id"));
    let found = find_route_tables(aws, std::slice::from_ref(&table)).await?;
    Ok(found.get(&table).and_then(|t| {
        t.associations()
            .iter()
            .find(|a| a.subnet_id().or(a.gateway_id()).map(String::from) == target)
            .and_then(|a| a.route_table_association_id().map(String::from))
    }))
}
