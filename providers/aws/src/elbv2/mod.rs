//! Elastic Load Balancing v2: `aws_lb` (application and network), target
//! groups and attachments, listeners and listener rules.

mod listener;
mod subnets;
mod target_group;

use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{
    invalid, read_by_key, single, sync_tags_all, timeout, wait_for, Error, Failed, PlanCtx,
    Resource, Tags,
};
use crate::vals::*;
use aws_sdk_elasticloadbalancingv2::types::{
    IpAddressType, LoadBalancer, LoadBalancerAttribute, LoadBalancerSchemeEnum,
    LoadBalancerTypeEnum, Tag,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::Schema;
use terrane_value::{Type, Value};

/// Every ELBv2 resource type.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    let mut v: Vec<Arc<dyn Resource>> = vec![Arc::new(LbRes)];
    v.extend(target_group::resources());
    v.extend(listener::resources());
    v
}

/// ELBv2 tags as SDK tags.
pub fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Brings an ELBv2 resource's tags from prior `tags_all` to planned.
pub async fn sync_tags(aws: &Aws, arn: &str, prior: &Obj, p: &Obj) -> Result<(), AwsError> {
    sync_tags_all(
        prior,
        p,
        |removed| async move {
            let keys: Vec<String> = removed.into_keys().collect();
            aws.call("ELBv2 RemoveTags", || {
                aws.elbv2
                    .remove_tags()
                    .resource_arns(arn)
                    .set_tag_keys(Some(keys.clone()))
                    .send()
            })
            .await
            .map(|_| ())
        },
        |changed| async move {
            aws.call("ELBv2 AddTags", || {
                aws.elbv2
                    .add_tags()
                    .resource_arns(arn)
                    .set_tags(Some(tag_list(&changed)))
                    .send()
            })
            .await
            .map(|_| ())
        },
    )
    .await
}

/// The trailing part of an ELBv2 ARN after `loadbalancer/` or `targetgroup/`.
pub fn arn_suffix(arn: &str) -> String {
    match arn.split_once(':').and_then(|_| arn.rsplit_once(':')) {
        Some((_, last)) => last
            .split_once('/')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// How one `aws_lb` attribute maps to a load balancer attribute key.
struct LbAttr {
    name: &'static str,
    key: &'static str,
    ty: Type,
    default: Option<&'static str>,
    /// "application", "network" or "" for both.
    only: &'static str,
}

fn lb_attrs() -> Vec<LbAttr> {
    let a = |name, key, ty, default, only| LbAttr {
        name,
        key,
        ty,
        default,
        only,
    };
    vec![
        a(
            "enable_deletion_protection",
            "deletion_protection.enabled",
            Type::Bool,
            Some("false"),
            "",
        ),
        a(
            "idle_timeout",
            "idle_timeout.timeout_seconds",
            Type::Number,
            Some("60"),
            "application",
        ),
        a(
            "enable_http2",
            "routing.http2.enabled",
            Type::Bool,
            Some("true"),
            "application",
        ),
        a(
            "drop_invalid_header_fields",
            "routing.http.drop_invalid_header_fields.enabled",
            Type::Bool,
            Some("false"),
            "application",
        ),
        a(
            "desync_mitigation_mode",
            "routing.http.desync_mitigation_mode",
            Type::String,
            Some("defensive"),
            "application",
        ),
        a(
            "preserve_host_header",
            "routing.http.preserve_host_header.enabled",
            Type::Bool,
            Some("false"),
            "application",
        ),
        a(
            "xff_header_processing_mode",
            "routing.http.xff_header_processing.mode",
            Type::String,
            Some("append"),
            "application",
        ),
        a(
            "enable_waf_fail_open",
            "waf.fail_open.enabled",
            Type::Bool,
            Some("false"),
            "application",
        ),
        a(
            "enable_tls_version_and_cipher_suite_headers",
            "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
            Type::Bool,
            Some("false"),
            "application",
        ),
        a(
            "enable_xff_client_port",
            "routing.http.xff_client_port.enabled",
            Type::Bool,
            Some("false"),
            "application",
        ),
        a(
            "client_keep_alive",
            "client_keep_alive.seconds",
            Type::Number,
            Some("3600"),
            "application",
        ),
        a(
            "enable_cross_zone_load_balancing",
            "load_balancing.cross_zone.enabled",
            Type::Bool,
            None,
            "",
        ),
    ]
}

fn attr_value(ty: &Type, s: &str) -> Value {
    match ty {
        Type::Bool => vb(s == "true"),
        Type::Number => vi(s.parse().unwrap_or(0)),
        _ => vs(s),
    }
}

fn value_string(v: &Value) -> Option<String> {
    if let Some(b) = v.as_bool() {
        return Some(b.to_string());
    }
    if let Some(n) = v.as_number() {
        return Some(n.to_string());
    }
    v.as_str().map(String::from)
}

struct LbRes;

fn lb_type(o: &Obj) -> String {
    get_s(o, "load_balancer_type").unwrap_or_else(|| "application".into())
}

/// ARNs per DescribeLoadBalancers, DescribeTargetGroups or DescribeTags call.
const ARN_CHUNK: usize = 20;

/// Looks ELBv2 objects up by ARN, [`ARN_CHUNK`] per call (`call(chunk)`).
/// A chunk naming a gone object fails as a whole with one of `not_found`,
/// so such a chunk is asked again one ARN at a time (gone ones left out).
pub async fn by_arns<T, F, Fut>(
    arns: &[String],
    not_found: &[&str],
    call: F,
) -> Result<Vec<T>, AwsError>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, AwsError>>,
{
    let mut uniq = arns.to_vec();
    uniq.sort();
    uniq.dedup();
    let mut out = Vec::new();
    for chunk in uniq.chunks(ARN_CHUNK) {
        match call(chunk.to_vec()).await {
            Ok(items) => out.extend(items),
            Err(e) if e.is(not_found) => {
                for arn in chunk {
                    match call(vec![arn.clone()]).await {
                        Ok(items) => out.extend(items),
                        Err(e) if e.is(not_found) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The tags of many ELBv2 resources, by ARN (DescribeTags, 20 per call).
pub async fn read_tags_many(
    aws: &Aws,
    arns: &[String],
    not_found: &[&str],
) -> Result<BTreeMap<String, BTreeMap<String, String>>, AwsError> {
    let descs = by_arns(arns, not_found, |chunk| async move {
        aws.call("ELBv2 DescribeTags", || {
            aws.elbv2
                .describe_tags()
                .set_resource_arns(Some(chunk.clone()))
                .send()
        })
        .await
        .map(|out| out.tag_descriptions().to_vec())
    })
    .await?;
    Ok(descs
        .into_iter()
        .filter_map(|d| {
            let tags = d
                .tags()
                .iter()
                .filter_map(|t| {
                    Some((
                        t.key()?.to_string(),
                        t.value().unwrap_or_default().to_string(),
                    ))
                })
                .collect();
            Some((d.resource_arn()?.to_string(), tags))
        })
        .collect())
}

/// ELBv2 key/value attributes as a map.
pub fn attribute_map<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect()
}

/// An ELBv2 object with what a refresh reads besides it.
pub struct Found<T> {
    /// The object as described.
    pub obj: T,
    /// Its attributes (key/value).
    pub attributes: BTreeMap<String, String>,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
}

/// ELBv2 objects by ARN (`describe`, batched by [`by_arns`]) with their
/// tags (batched), keyed by ARN.
pub async fn find_tagged<T, D, DFut>(
    aws: &Aws,
    arns: &[String],
    not_found: &[&str],
    describe: D,
    arn_of: fn(&T) -> Option<&str>,
) -> Result<BTreeMap<String, (T, Tags)>, AwsError>
where
    D: Fn(Vec<String>) -> DFut,
    DFut: std::future::Future<Output = Result<Vec<T>, AwsError>>,
{
    let objs = by_arns(arns, not_found, describe).await?;
    let found: Vec<String> = objs
        .iter()
        .filter_map(|o| arn_of(o).map(String::from))
        .collect();
    let mut tags = read_tags_many(aws, &found, not_found).await?;
    Ok(objs
        .into_iter()
        .filter_map(|o| {
            let arn = arn_of(&o)?.to_string();
            let t = tags.remove(&arn).unwrap_or_default();
            Some((arn, (o, t)))
        })
        .collect())
}

/// `Resource::read_many` for ELBv2 types read by ARN (the state's `id`)
/// with their tags: [`find_tagged`], then `build` for each object found.
pub async fn read_tagged<T, D, DFut, B>(
    aws: &Aws,
    states: &[Obj],
    not_found: &[&str],
    describe: D,
    arn_of: fn(&T) -> Option<&str>,
    build: B,
) -> Vec<Result<Option<Obj>, Error>>
where
    D: Fn(Vec<String>) -> DFut,
    DFut: std::future::Future<Output = Result<Vec<T>, AwsError>>,
    B: Fn(&Obj, &T, &Tags) -> Obj,
{
    read_by_key(
        states,
        "id",
        |arns| async move { Ok(find_tagged(aws, &arns, not_found, describe, arn_of).await?) },
        |s, (o, tags)| Some(build(s, o, tags)),
    )
    .await
}

/// [`find_tagged`] plus each object's attributes (`attributes(arn)`, one
/// call each: the API has no batch form). Objects gone meanwhile are left
/// out.
pub async fn find_full<T, D, DFut, A, AFut>(
    aws: &Aws,
    arns: &[String],
    not_found: &[&str],
    describe: D,
    arn_of: fn(&T) -> Option<&str>,
    attributes: A,
) -> Result<BTreeMap<String, Found<T>>, Error>
where
    D: Fn(Vec<String>) -> DFut,
    DFut: std::future::Future<Output = Result<Vec<T>, AwsError>>,
    A: Fn(String) -> AFut,
    AFut: std::future::Future<Output = Result<BTreeMap<String, String>, AwsError>>,
{
    let tagged = find_tagged(aws, arns, not_found, describe, arn_of).await?;
    let attrs = futures::future::join_all(tagged.keys().cloned().map(&attributes)).await;
    let mut out = BTreeMap::new();
    for ((arn, (obj, tags)), a) in tagged.into_iter().zip(attrs) {
        let attributes = match a {
            Ok(m) => m,
            Err(e) if e.is(not_found) => continue,
            Err(e) => return Err(e.into()),
        };
        out.insert(
            arn,
            Found {
                obj,
                attributes,
                tags,
            },
        );
    }
    Ok(out)
}

/// Load balancers by ARN, with attributes and tags.
async fn find_lbs_full(
    aws: &Aws,
    arns: &[String],
) -> Result<BTreeMap<String, Found<LoadBalancer>>, Error> {
    find_full(
        aws,
        arns,
        &["LoadBalancerNotFound"],
        |chunk| async move {
            aws.call("ELBv2 DescribeLoadBalancers", || {
                aws.elbv2
                    .describe_load_balancers()
                    .set_load_balancer_arns(Some(chunk.clone()))
                    .send()
            })
            .await
            .map(|out| out.load_balancers().to_vec())
        },
        |lb| lb.load_balancer_arn(),
        |arn| async move {
            aws.call("ELBv2 DescribeLoadBalancerAttributes", || {
                aws.elbv2
                    .describe_load_balancer_attributes()
                    .load_balancer_arn(&arn)
                    .send()
            })
            .await
            .map(|out| attribute_map(out.attributes().iter().map(|a| (a.key(), a.value()))))
        },
    )
    .await
}

async fn find_lb(aws: &Aws, arn: &str) -> Result<Option<LoadBalancer>, AwsError> {
    match aws
        .call("ELBv2 DescribeLoadBalancers", || {
            aws.elbv2
                .describe_load_balancers()
                .load_balancer_arns(arn)
                .send()
        })
        .await
    {
        Ok(out) => Ok(out.load_balancers().first().cloned()),
        Err(e) if e.is(&["LoadBalancerNotFound"]) => Ok(None),
        Err(e) => Err(e),
    }
}

impl LbRes {
    /// The state of a load balancer from what AWS reports.
    fn lb_state(&self, aws: &Aws, state: &Obj, found: &Found<LoadBalancer>) -> Obj {
        let lb = &found.obj;
        let kv = &found.attributes;
        let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
        let mut st = state.clone();
        st.insert("id".into(), vs(&arn));
        st.insert("arn".into(), vs(&arn));
        st.insert("arn_suffix".into(), vs(arn_suffix(&arn)));
        st.insert("name".into(), vso(lb.load_balancer_name()));
        if get_s(&st, "name_prefix").is_none() {
            st.insert("name_prefix".into(), vs(""));
        }
        st.insert("dns_name".into(), vso(lb.dns_name()));
        st.insert("zone_id".into(), vso(lb.canonical_hosted_zone_id()));
        st.insert("vpc_id".into(), vso(lb.vpc_id()));
        let ty = lb
            .r#type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_else(|| "application".into());
        st.insert("load_balancer_type".into(), vs(&ty));
        st.insert(
            "internal".into(),
            vb(lb.scheme().map(|s| s.as_str()) == Some("internal")),
        );
        st.insert(
            "ip_address_type".into(),
            vs(lb.ip_address_type().map(|t| t.as_str()).unwrap_or("ipv4")),
        );
        st.insert(
            "security_groups".into(),
            vset(lb.security_groups().iter().cloned()),
        );
        st.insert(
            "subnets".into(),
            vset(
                lb.availability_zones()
                    .iter()
                    .filter_map(|z| z.subnet_id().map(String::from)),
            ),
        );
        st.insert(
            "subnet_mapping".into(),
            subnets::mappings_from_zones(lb.availability_zones()),
        );
        if get_s(&st, "customer_owned_ipv4_pool").is_none()
            && lb.customer_owned_ipv4_pool().is_some()
        {
            st.insert(
                "customer_owned_ipv4_pool".into(),
                vso(lb.customer_owned_ipv4_pool()),
            );
        }
        for a in lb_attrs() {
            if !a.only.is_empty() && a.only != ty {
                // Not an attribute of this type: keep what was planned.
                if st.get(a.name).is_none_or(Value::is_null) {
                    if let Some(d) = a.default {
                        st.insert(a.name.into(), attr_value(&a.ty, d));
                    }
                }
                continue;
            }
            match kv.get(a.key) {
                Some(v) => {
                    st.insert(a.name.into(), attr_value(&a.ty, v));
                }
                None => {
                    let v = match a.default {
                        Some(d) => attr_value(&a.ty, d),
                        None => vb(ty == "application"),
                    };
                    st.insert(a.name.into(), v);
                }
            }
        }
        let logs_enabled = kv.get("access_logs.s3.enabled").map(String::as_str) == Some("true");
        let had_logs = get_block(state, "access_logs").is_some();
        let lb_ = block(vec![
            ("bucket", req_s()),
            ("enabled", opt_b()),
            ("prefix", opt_s()),
        ]);
        let logs: Vec<Value> = if logs_enabled || had_logs {
            let mut o = Obj::new();
            o.insert(
                "bucket".into(),
                vs(kv.get("access_logs.s3.bucket").cloned().unwrap_or_default()),
            );
            o.insert("enabled".into(), vb(logs_enabled));
            o.insert(
                "prefix".into(),
                vs(kv.get("access_logs.s3.prefix").cloned().unwrap_or_default()),
            );
            vec![nested(&lb_, o)]
        } else {
            vec![]
        };
        st.insert("access_logs".into(), Value::list(lb_.implied_type(), logs));
        aws.set_tags(&mut st, found.tags.clone());
        st
    }

    async fn put_attributes(
        &self,
        aws: &Aws,
        arn: &str,
        prior: Option<&Obj>,
        p: &Obj,
    ) -> Result<(), AwsError> {
        let ty = lb_type(p);
        let mut attrs = Vec::new();
        for a in lb_attrs() {
            if !a.only.is_empty() && a.only != ty {
                continue;
            }
            let Some(v) = p.get(a.name).filter(|v| v.is_known() && !v.is_null()) else {
                continue;
            };
            let send = match prior {
                Some(pr) => pr.get(a.name) != Some(v),
                None => value_string(v).as_deref() != a.default,
            };
            if send {
                if let Some(s) = value_string(v) {
                    attrs.push(LoadBalancerAttribute::builder().key(a.key).value(s).build());
                }
            }
        }
        let logs = get_block(p, "access_logs");
        let logs_changed = match prior {
            Some(pr) => get_block(pr, "access_logs") != logs,
            None => logs.is_some(),
        };
        if logs_changed {
            let l = logs.unwrap_or_default();
            let enabled = get_b(&l, "enabled").unwrap_or(false);
            attrs.push(
                LoadBalancerAttribute::builder()
                    .key("access_logs.s3.enabled")
                    .value(enabled.to_string())
                    .build(),
            );
            if enabled {
                attrs.push(
                    LoadBalancerAttribute::builder()
                        .key("access_logs.s3.bucket")
                        .value(get_s(&l, "bucket").unwrap_or_default())
                        .build(),
                );
                attrs.push(
                    LoadBalancerAttribute::builder()
                        .key("access_logs.s3.prefix")
                        .value(get_s(&l, "prefix").unwrap_or_default())
                        .build(),
                );
            }
        }
        if attrs.is_empty() {
            return Ok(());
        }
        aws.call("ELBv2 ModifyLoadBalancerAttributes", || {
            aws.elbv2
                .modify_load_balancer_attributes()
                .load_balancer_arn(arn)
                .set_attributes(Some(attrs.clone()))
                .send()
        })
        .await
        .map(|_| ())
    }
}

#[async_trait::async_trait]
impl Resource for LbRes {
    fn name(&self) -> &'static str {
        "aws_lb"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("arn_suffix", comp_s()),
            ("customer_owned_ipv4_pool", opt_s().force_new()),
            ("dns_name", comp_s()),
            ("internal", oc_b().force_new()),
            ("ip_address_type", oc_s()),
            ("load_balancer_type", opt_s().force_new()),
            ("name", oc_s().force_new()),
            ("name_prefix", oc_s().force_new()),
            ("security_groups", oc_set()),
            ("subnets", oc_set()),
            ("vpc_id", comp_s()),
            ("zone_id", comp_s()),
        ];
        for a in lb_attrs() {
            let at = if a.default.is_some() {
                terrane_provider::Attribute::optional(a.ty.clone())
            } else {
                terrane_provider::Attribute::optional_computed(a.ty.clone())
            };
            attrs.push((a.name, at));
        }
        attrs.extend(tags());
        let logs = block(vec![
            ("bucket", req_s()),
            ("enabled", opt_b()),
            ("prefix", opt_s()),
        ]);
        schema(with_blocks(
            block(attrs),
            vec![
                ("access_logs", one(logs)),
                ("subnet_mapping", set(subnets::mapping_block())),
                timeouts(&["create", "update", "delete"]),
            ],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        let mut d = vec![("load_balancer_type", vs("application"))];
        for a in lb_attrs() {
            if let Some(v) = a.default {
                d.push((a.name, attr_value(&a.ty, v)));
            }
        }
        d
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        if p.prior.is_none() {
            let name = get_ne(p.config, "name");
            let prefix = get_ne(p.config, "name_prefix");
            if name.is_some() && prefix.is_some() {
                return Err(invalid("\"name\": conflicts with name_prefix"));
            }
            if let Some(n) = &name {
                if n.len() > 32 {
                    return Err(invalid(format!(
                        "name cannot be longer than 32 characters: {n:?}"
                    )));
                }
            }
        }
        subnets::plan(p)
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let ty = lb_type(p);
        let scheme = if get_b(p, "internal") == Some(true) {
            LoadBalancerSchemeEnum::Internal
        } else {
            LoadBalancerSchemeEnum::InternetFacing
        };
        let sgs = get_strs(p, "security_groups");
        let mappings = subnets::to_sdk(p);
        let subnet_ids = get_strs(p, "subnets");
        // ELB names are at most 32 characters ("tf-lb-" + unique suffix).
        let name = name_or_generated(p, "name", "name_prefix", "tf-lb-", 32);
        let out = aws
            .call_retrying("ELBv2 CreateLoadBalancer", &["InvalidSubnet"], || {
                aws.elbv2
                    .create_load_balancer()
                    .name(name.clone())
                    .r#type(LoadBalancerTypeEnum::from(ty.as_str()))
                    .scheme(scheme.clone())
                    .set_subnets((!subnet_ids.is_empty()).then(|| subnet_ids.clone()))
                    .set_subnet_mappings((!mappings.is_empty()).then(|| mappings.clone()))
                    .set_security_groups((!sgs.is_empty()).then(|| sgs.clone()))
                    .set_ip_address_type(
                        get_ne(p, "ip_address_type").map(|t| IpAddressType::from(t.as_str())),
                    )
                    .set_customer_owned_ipv4_pool(get_ne(p, "customer_owned_ipv4_pool"))
                    .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                    .send()
            })
            .await?;
        let arn = out
            .load_balancers()
            .first()
            .and_then(|l| l.load_balancer_arn())
            .ok_or_else(|| invalid("CreateLoadBalancer returned no ARN"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&arn));
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        let limit = timeout(p, "create", Duration::from_secs(600));
        wait_for(aws, "load balancer to become active", limit, || async {
            Ok(find_lb(aws, &arn)
                .await?
                .filter(|l| {
                    l.state().and_then(|s| s.code()).map(|c| c.as_str()) != Some("provisioning")
                })
                .map(|_| ()))
        })
        .await
        .map_err(fail)?;
        self.put_attributes(aws, &arn, None, p)
            .await
            .map_err(|e| fail(e.into()))?;
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(fail(invalid("load balancer disappeared after create"))),
            Err(e) => Err(fail(e)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// DescribeLoadBalancers and DescribeTags take 20 ARNs a call; the
    /// attributes exist only per load balancer.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |arns| async move { find_lbs_full(aws, &arns).await },
            |s, found| Some(self.lb_state(aws, s, found)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let arn = get_s(prior, "id").unwrap_or_default();
        self.put_attributes(aws, &arn, Some(prior), p).await?;
        if prior.get("security_groups") != p.get("security_groups")
            && !is_unknown(p, "security_groups")
        {
            aws.call("ELBv2 SetSecurityGroups", || {
                aws.elbv2
                    .set_security_groups()
                    .load_balancer_arn(&arn)
                    .set_security_groups(Some(get_strs(p, "security_groups")))
                    .send()
            })
            .await?;
        }
        if let Some(mappings) = subnets::changed_mappings(prior, p) {
            aws.call("ELBv2 SetSubnets", || {
                aws.elbv2
                    .set_subnets()
                    .load_balancer_arn(&arn)
                    .set_subnet_mappings(Some(mappings.clone()))
                    .send()
            })
            .await?;
        } else if prior.get("subnets") != p.get("subnets") && !is_unknown(p, "subnets") {
            aws.call("ELBv2 SetSubnets", || {
                aws.elbv2
                    .set_subnets()
                    .load_balancer_arn(&arn)
                    .set_subnets(Some(get_strs(p, "subnets")))
                    .send()
            })
            .await?;
        }
        if prior.get("ip_address_type") != p.get("ip_address_type") {
            if let Some(t) = get_ne(p, "ip_address_type") {
                aws.call("ELBv2 SetIpAddressType", || {
                    aws.elbv2
                        .set_ip_address_type()
                        .load_balancer_arn(&arn)
                        .ip_address_type(IpAddressType::from(t.as_str()))
                        .send()
                })
                .await?;
            }
        }
        sync_tags(aws, &arn, prior, p).await?;
        let mut base = prior.clone();
        for k in ["tags", "timeouts", "access_logs"] {
            base.insert(k.into(), p.get(k).cloned().unwrap_or_default());
        }
        self.read_back(aws, &base, "load balancer").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let arn = get_s(state, "id").unwrap_or_default();
        match aws
            .call("ELBv2 DeleteLoadBalancer", || {
                aws.elbv2
                    .delete_load_balancer()
                    .load_balancer_arn(&arn)
                    .send()
            })
            .await
        {
            Ok(_) => {}
            Err(e) if e.is(&["LoadBalancerNotFound"]) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let limit = timeout(state, "delete", Duration::from_secs(600));
        wait_for(aws, "load balancer to be deleted", limit, || async {
            Ok(find_lb(aws, &arn).await?.is_none().then_some(()))
        })
        .await
    }
}
