//! `aws_lb_listener` (HTTP/HTTPS with `certificate_arn`; forward, redirect
//! and fixed-response actions) and `aws_lb_listener_rule`.

use super::{read_tagged, sync_tags, tag_list};
use crate::client::Aws;
use crate::framework::s::*;
use crate::framework::{invalid, single, Error, Failed, PlanCtx, Resource, Tags};
use crate::vals::*;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, FixedResponseActionConfig, ForwardActionConfig,
    HostHeaderConditionConfig, HttpHeaderConditionConfig, HttpRequestMethodConditionConfig,
    Listener, PathPatternConditionConfig, ProtocolEnum, QueryStringConditionConfig,
    QueryStringKeyValuePair, RedirectActionConfig, RedirectActionStatusCodeEnum, Rule,
    RuleCondition, SourceIpConditionConfig, TargetGroupStickinessConfig, TargetGroupTuple,
};
use std::sync::Arc;
use terrane_provider::{Block, Schema};
use terrane_value::{Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(ListenerRes), Arc::new(RuleRes)]
}

fn forward_block() -> Block {
    with_blocks(
        block(vec![]),
        vec![
            (
                "target_group",
                set(block(vec![("arn", req_s()), ("weight", opt_n())])),
            ),
            (
                "stickiness",
                one(block(vec![("duration", req_n()), ("enabled", opt_b())])),
            ),
        ],
    )
}

fn redirect_block() -> Block {
    block(vec![
        ("host", opt_s()),
        ("path", opt_s()),
        ("port", opt_s()),
        ("protocol", opt_s()),
        ("query", opt_s()),
        ("status_code", req_s()),
    ])
}

fn fixed_block() -> Block {
    block(vec![
        ("content_type", req_s()),
        ("message_body", opt_s()),
        ("status_code", oc_s()),
    ])
}

/// The `default_action` / `action` block.
fn action_block() -> Block {
    with_blocks(
        block(vec![
            ("order", oc_n()),
            ("target_group_arn", opt_s()),
            ("type", req_s()),
        ]),
        vec![
            ("fixed_response", one(fixed_block())),
            ("forward", one(forward_block())),
            ("redirect", one(redirect_block())),
        ],
    )
}

/// Terraform's defaults inside actions (redirect placeholders, weights,
/// order = position), applied to planned actions.
fn plan_actions(v: &Value) -> Value {
    let ab = action_block();
    let Some(items) = v.as_seq() else {
        return v.clone();
    };
    let out = items
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut o = obj(a);
            if o.get("order").is_none_or(Value::is_null) {
                o.insert("order".into(), vi(i as i64 + 1));
            }
            if let Some(mut r) = get_block(&o, "redirect") {
                for (k, d) in [
                    ("host", "#{host}"),
                    ("path", "/#{path}"),
                    ("port", "#{port}"),
                    ("protocol", "#{protocol}"),
                    ("query", "#{query}"),
                ] {
                    if r.get(k)
                        .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
                    {
                        r.insert(k.into(), vs(d));
                    }
                }
                let rb = redirect_block();
                o.insert(
                    "redirect".into(),
                    Value::list(rb.implied_type(), vec![vobj(r)]),
                );
            }
            if let Some(mut f) = get_block(&o, "fixed_response") {
                if f.get("status_code")
                    .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
                {
                    f.insert("status_code".into(), Value::unknown(Type::String));
                }
                let fb = fixed_block();
                o.insert(
                    "fixed_response".into(),
                    Value::list(fb.implied_type(), vec![vobj(f)]),
                );
            }
            if let Some(mut f) = get_block(&o, "forward") {
                let fb = forward_block();
                let tgb = &fb.blocks["target_group"].block;
                let tgs: Vec<Value> = get_blocks(&f, "target_group")
                    .into_iter()
                    .map(|mut t| {
                        if t.get("weight").is_none_or(Value::is_null) {
                            t.insert("weight".into(), vi(1));
                        }
                        vobj(t)
                    })
                    .collect();
                f.insert("target_group".into(), Value::set(tgb.implied_type(), tgs));
                o.insert(
                    "forward".into(),
                    Value::list(fb.implied_type(), vec![vobj(f)]),
                );
            }
            vobj(o)
        })
        .collect();
    Value::list(ab.implied_type(), out)
}

fn expand_actions(list: &[Obj]) -> Vec<Action> {
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            let ty = get_s(a, "type").unwrap_or_default();
            let mut b = Action::builder()
                .r#type(ActionTypeEnum::from(ty.as_str()))
                .order(get_i(a, "order").map(|n| n as i32).unwrap_or(i as i32 + 1));
            match ty.as_str() {
                "forward" => {
                    if let Some(f) = get_block(a, "forward") {
                        let tgs: Vec<TargetGroupTuple> = get_blocks(&f, "target_group")
                            .iter()
                            .map(|t| {
                                TargetGroupTuple::builder()
                                    .set_target_group_arn(get_s(t, "arn"))
                                    .set_weight(get_i(t, "weight").map(|n| n as i32))
                                    .build()
                            })
                            .collect();
                        let mut fc = ForwardActionConfig::builder().set_target_groups(Some(tgs));
                        if let Some(s) = get_block(&f, "stickiness") {
                            fc = fc.target_group_stickiness_config(
                                TargetGroupStickinessConfig::builder()
                                    .set_enabled(get_b(&s, "enabled"))
                                    .set_duration_seconds(get_i(&s, "duration").map(|n| n as i32))
                                    .build(),
                            );
                        }
                        b = b.forward_config(fc.build());
                    } else {
                        b = b.set_target_group_arn(get_ne(a, "target_group_arn"));
                    }
                }
                "redirect" => {
                    let r = get_block(a, "redirect").unwrap_or_default();
                    b = b.redirect_config(
                        RedirectActionConfig::builder()
                            .set_host(get_ne(&r, "host"))
                            .set_path(get_ne(&r, "path"))
                            .set_port(get_ne(&r, "port"))
                            .set_protocol(get_ne(&r, "protocol"))
                            .set_query(get_s(&r, "query"))
                            .status_code(RedirectActionStatusCodeEnum::from(
                                get_s(&r, "status_code").unwrap_or_default().as_str(),
                            ))
                            .build(),
                    );
                }
                "fixed-response" => {
                    let f = get_block(a, "fixed_response").unwrap_or_default();
                    b = b.fixed_response_config(
                        FixedResponseActionConfig::builder()
                            .set_content_type(get_ne(&f, "content_type"))
                            .set_message_body(get_ne(&f, "message_body"))
                            .set_status_code(get_ne(&f, "status_code"))
                            .build(),
                    );
                }
                _ => {}
            }
            b.build()
        })
        .collect()
}

/// AWS's actions in the configured shape; `prior` decides whether a
/// single-target forward is shown as `target_group_arn` or a `forward` block.
fn flatten_actions(actions: &[Action], prior: &[Obj]) -> Value {
    let ab = action_block();
    let mut sorted: Vec<&Action> = actions.iter().collect();
    sorted.sort_by_key(|a| a.order().unwrap_or(0));
    let items = sorted
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let was = prior.get(i);
            let mut o = Obj::new();
            let ty = a
                .r#type()
                .map(|t| t.as_str())
                .unwrap_or_default()
                .to_string();
            o.insert("type".into(), vs(&ty));
            o.insert(
                "order".into(),
                vi(a.order().map(i64::from).unwrap_or(i as i64 + 1)),
            );
            let wants_forward_block = was.is_some_and(|w| get_block(w, "forward").is_some());
            let single_tg = a.target_group_arn().map(String::from).or_else(|| {
                a.forward_config()
                    .filter(|f| f.target_groups().len() == 1)
                    .and_then(|f| f.target_groups()[0].target_group_arn().map(String::from))
            });
            let fb = forward_block();
            let mut forward = Vec::new();
            if ty == "forward" && (wants_forward_block || single_tg.is_none()) {
                if let Some(f) = a.forward_config() {
                    let tgb = &fb.blocks["target_group"].block;
                    let mut fo = Obj::new();
                    fo.insert(
                        "target_group".into(),
                        Value::set(
                            tgb.implied_type(),
                            f.target_groups()
                                .iter()
                                .map(|t| {
                                    let mut to = Obj::new();
                                    to.insert(
                                        "arn".into(),
                                        vs(t.target_group_arn().unwrap_or_default()),
                                    );
                                    to.insert("weight".into(), vi(t.weight().unwrap_or(1).into()));
                                    nested(tgb, to)
                                })
                                .collect(),
                        ),
                    );
                    let sb = &fb.blocks["stickiness"].block;
                    let stick: Vec<Value> = f
                        .target_group_stickiness_config()
                        .filter(|s| {
                            s.enabled() == Some(true)
                                || was
                                    .and_then(|w| get_block(w, "forward"))
                                    .and_then(|f| get_block(&f, "stickiness"))
                                    .is_some()
                        })
                        .map(|s| {
                            let mut so = Obj::new();
                            so.insert("enabled".into(), vb(s.enabled().unwrap_or(false)));
                            so.insert(
                                "duration".into(),
                                vi(s.duration_seconds().unwrap_or(0).into()),
                            );
                            nested(sb, so)
                        })
                        .into_iter()
                        .collect();
                    fo.insert("stickiness".into(), Value::list(sb.implied_type(), stick));
                    forward.push(nested(&fb, fo));
                }
                o.insert("target_group_arn".into(), vs(""));
            } else {
                o.insert("target_group_arn".into(), vs(single_tg.unwrap_or_default()));
            }
            o.insert("forward".into(), Value::list(fb.implied_type(), forward));
            let rb = redirect_block();
            let redirect: Vec<Value> = a
                .redirect_config()
                .map(|r| {
                    let mut ro = Obj::new();
                    ro.insert("host".into(), vs(r.host().unwrap_or_default()));
                    ro.insert("path".into(), vs(r.path().unwrap_or_default()));
                    ro.insert("port".into(), vs(r.port().unwrap_or_default()));
                    ro.insert("protocol".into(), vs(r.protocol().unwrap_or_default()));
                    ro.insert("query".into(), vs(r.query().unwrap_or_default()));
                    ro.insert(
                        "status_code".into(),
                        vs(r.status_code().map(|s| s.as_str()).unwrap_or_default()),
                    );
                    nested(&rb, ro)
                })
                .into_iter()
                .collect();
            o.insert("redirect".into(), Value::list(rb.implied_type(), redirect));
            let fxb = fixed_block();
            let fixed: Vec<Value> = a
                .fixed_response_config()
                .map(|f| {
                    let mut fo = Obj::new();
                    fo.insert(
                        "content_type".into(),
                        vs(f.content_type().unwrap_or_default()),
                    );
                    fo.insert(
                        "message_body".into(),
                        vs(f.message_body().unwrap_or_default()),
                    );
                    fo.insert(
                        "status_code".into(),
                        vs(f.status_code().unwrap_or_default()),
                    );
                    nested(&fxb, fo)
                })
                .into_iter()
                .collect();
            o.insert(
                "fixed_response".into(),
                Value::list(fxb.implied_type(), fixed),
            );
            nested(&ab, o)
        })
        .collect();
    Value::list(ab.implied_type(), items)
}

// ------------------------------------------------------------- listener

struct ListenerRes;

#[async_trait::async_trait]
impl Resource for ListenerRes {
    fn name(&self) -> &'static str {
        "aws_lb_listener"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("alpn_policy", opt_s()),
            ("arn", comp_s()),
            ("certificate_arn", opt_s()),
            ("load_balancer_arn", req_s().force_new()),
            ("port", opt_n()),
            ("protocol", oc_s()),
            ("ssl_policy", oc_s()),
        ];
        attrs.extend(tags());
        let mut da = list(action_block());
        da.min_items = 1;
        schema(with_blocks(
            block(attrs),
            vec![("default_action", da), timeouts(&["create", "update"])],
        ))
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        let v = p.planned.get("default_action").cloned().unwrap_or_default();
        let planned = plan_actions(&v);
        // Keep server-computed fixed-response status codes from the prior state.
        let planned = keep_prior_unknowns(planned, p.prior.and_then(|pr| pr.get("default_action")));
        p.planned.insert("default_action".into(), planned);
        if get_s(&p.planned, "protocol").as_deref() == Some("HTTPS")
            && p.config.get("ssl_policy").is_none_or(Value::is_null)
            && p.prior.is_none()
        {
            p.unknown("ssl_policy", Type::String);
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let lb = get_s(p, "load_balancer_arn").unwrap_or_default();
        let actions = expand_actions(&get_blocks(p, "default_action"));
        let certs = get_ne(p, "certificate_arn")
            .map(|c| vec![Certificate::builder().certificate_arn(c).build()]);
        let out = aws
            .call("ELBv2 CreateListener", || {
                aws.elbv2
                    .create_listener()
                    .load_balancer_arn(&lb)
                    .set_port(get_i(p, "port").map(|n| n as i32))
                    .set_protocol(get_ne(p, "protocol").map(|x| ProtocolEnum::from(x.as_str())))
                    .set_ssl_policy(
                        get_ne(p, "ssl_policy").filter(|_| !is_unknown(p, "ssl_policy")),
                    )
                    .set_certificates(certs.clone())
                    .set_alpn_policy(get_ne(p, "alpn_policy").map(|a| vec![a]))
                    .set_default_actions(Some(actions.clone()))
                    .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                    .send()
            })
            .await?;
        let arn = out
            .listeners()
            .first()
            .and_then(|l| l.listener_arn())
            .ok_or_else(|| invalid("CreateListener returned no ARN"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&arn));
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => {
                Err(Failed::from(invalid("listener disappeared after create"))
                    .with_partial(partial))
            }
            Err(e) => Err(Failed::from(e).with_partial(partial)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// DescribeListeners and DescribeTags take 20 ARNs a call.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_tagged(
            aws,
            states,
            &["ListenerNotFound"],
            |chunk| async move {
                aws.call("ELBv2 DescribeListeners", || {
                    aws.elbv2
                        .describe_listeners()
                        .set_listener_arns(Some(chunk.clone()))
                        .send()
                })
                .await
                .map(|out| out.listeners().to_vec())
            },
            |l| l.listener_arn(),
            |s, l, tags| listener_state(aws, s, l, tags),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let arn = get_s(prior, "id").unwrap_or_default();
        let fields = [
            "port",
            "protocol",
            "ssl_policy",
            "certificate_arn",
            "alpn_policy",
            "default_action",
        ];
        if fields.iter().any(|k| prior.get(*k) != p.get(*k)) {
            let actions = expand_actions(&get_blocks(p, "default_action"));
            let certs = get_ne(p, "certificate_arn")
                .map(|c| vec![Certificate::builder().certificate_arn(c).build()]);
            aws.call("ELBv2 ModifyListener", || {
                aws.elbv2
                    .modify_listener()
                    .listener_arn(&arn)
                    .set_port(get_i(p, "port").map(|n| n as i32))
                    .set_protocol(get_ne(p, "protocol").map(|x| ProtocolEnum::from(x.as_str())))
                    .set_ssl_policy(get_ne(p, "ssl_policy"))
                    .set_certificates(certs.clone())
                    .set_alpn_policy(get_ne(p, "alpn_policy").map(|a| vec![a]))
                    .set_default_actions(Some(actions.clone()))
                    .send()
            })
            .await?;
        }
        sync_tags(aws, &arn, prior, p).await?;
        let mut base = p.clone();
        base.insert("id".into(), vs(&arn));
        self.read_back(aws, &base, "listener").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let arn = get_s(state, "id").unwrap_or_default();
        match aws
            .call("ELBv2 DeleteListener", || {
                aws.elbv2.delete_listener().listener_arn(&arn).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["ListenerNotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Replaces planned unknowns inside actions with the prior value at the same
/// place (server-computed values such as a fixed response's status code).
fn keep_prior_unknowns(planned: Value, prior: Option<&Value>) -> Value {
    let Some(prior) = prior else {
        return planned;
    };
    match (&planned.kind, &prior.kind) {
        (terrane_value::Kind::Unknown(_), _) if !prior.is_null() && prior.is_wholly_known() => {
            prior.clone()
        }
        (terrane_value::Kind::Object(m), terrane_value::Kind::Object(pm)) => Value::object(
            m.iter()
                .map(|(k, v)| (k.clone(), keep_prior_unknowns(v.clone(), pm.get(k))))
                .collect(),
        ),
        (terrane_value::Kind::List(t, xs), terrane_value::Kind::List(_, pxs)) => Value::list(
            t.clone(),
            xs.iter()
                .enumerate()
                .map(|(i, x)| keep_prior_unknowns(x.clone(), pxs.get(i)))
                .collect(),
        ),
        _ => planned,
    }
}

// ------------------------------------------------------------ listener rule

struct RuleRes;

fn values_block() -> Block {
    block(vec![("values", opt_set())])
}

fn condition_block() -> Block {
    with_blocks(
        block(vec![]),
        vec![
            ("host_header", one(values_block())),
            (
                "http_header",
                one(block(vec![
                    ("http_header_name", req_s()),
                    ("values", opt_set()),
                ])),
            ),
            ("http_request_method", one(values_block())),
            ("path_pattern", one(values_block())),
            (
                "query_string",
                set(block(vec![("key", opt_s()), ("value", req_s())])),
            ),
            ("source_ip", one(values_block())),
        ],
    )
}

fn expand_conditions(list: &[Obj]) -> Vec<RuleCondition> {
    list.iter()
        .map(|c| {
            let mut b = RuleCondition::builder();
            if let Some(h) = get_block(c, "host_header") {
                b = b.field("host-header").host_header_config(
                    HostHeaderConditionConfig::builder()
                        .set_values(Some(get_strs(&h, "values")))
                        .build(),
                );
            } else if let Some(h) = get_block(c, "path_pattern") {
                b = b.field("path-pattern").path_pattern_config(
                    PathPatternConditionConfig::builder()
                        .set_values(Some(get_strs(&h, "values")))
                        .build(),
                );
            } else if let Some(h) = get_block(c, "http_header") {
                b = b.field("http-header").http_header_config(
                    HttpHeaderConditionConfig::builder()
                        .set_http_header_name(get_s(&h, "http_header_name"))
                        .set_values(Some(get_strs(&h, "values")))
                        .build(),
                );
            } else if let Some(h) = get_block(c, "http_request_method") {
                b = b.field("http-request-method").http_request_method_config(
                    HttpRequestMethodConditionConfig::builder()
                        .set_values(Some(get_strs(&h, "values")))
                        .build(),
                );
            } else if let Some(h) = get_block(c, "source_ip") {
                b = b.field("source-ip").source_ip_config(
                    SourceIpConditionConfig::builder()
                        .set_values(Some(get_strs(&h, "values")))
                        .build(),
                );
            } else {
                let pairs: Vec<QueryStringKeyValuePair> = get_blocks(c, "query_string")
                    .iter()
                    .map(|q| {
                        QueryStringKeyValuePair::builder()
                            .set_key(get_ne(q, "key"))
                            .set_value(get_s(q, "value"))
                            .build()
                    })
                    .collect();
                b = b.field("query-string").query_string_config(
                    QueryStringConditionConfig::builder()
                        .set_values(Some(pairs))
                        .build(),
                );
            }
            b.build()
        })
        .collect()
}

fn flatten_conditions(conds: &[RuleCondition]) -> Value {
    let cb = condition_block();
    let one_values = |name: &str, vals: &[String]| {
        let b = &cb.blocks[name].block;
        let mut o = Obj::new();
        o.insert("values".into(), vset(vals.iter().cloned()));
        Value::list(b.implied_type(), vec![nested(b, o)])
    };
    let items = conds
        .iter()
        .map(|c| {
            let mut o = Obj::new();
            match c.field().unwrap_or_default() {
                "host-header" => {
                    let v = c
                        .host_header_config()
                        .map(|h| h.values().to_vec())
                        .unwrap_or_else(|| c.values().to_vec());
                    o.insert("host_header".into(), one_values("host_header", &v));
                }
                "path-pattern" => {
                    let v = c
                        .path_pattern_config()
                        .map(|h| h.values().to_vec())
                        .unwrap_or_else(|| c.values().to_vec());
                    o.insert("path_pattern".into(), one_values("path_pattern", &v));
                }
                "http-request-method" => {
                    let v = c
                        .http_request_method_config()
                        .map(|h| h.values().to_vec())
                        .unwrap_or_default();
                    o.insert(
                        "http_request_method".into(),
                        one_values("http_request_method", &v),
                    );
                }
                "source-ip" => {
                    let v = c
                        .source_ip_config()
                        .map(|h| h.values().to_vec())
                        .unwrap_or_default();
                    o.insert("source_ip".into(), one_values("source_ip", &v));
                }
                "http-header" => {
                    let b = &cb.blocks["http_header"].block;
                    let mut ho = Obj::new();
                    ho.insert(
                        "http_header_name".into(),
                        vs(c.http_header_config()
                            .and_then(|h| h.http_header_name())
                            .unwrap_or_default()),
                    );
                    ho.insert(
                        "values".into(),
                        vset(
                            c.http_header_config()
                                .map(|h| h.values().to_vec())
                                .unwrap_or_default(),
                        ),
                    );
                    o.insert(
                        "http_header".into(),
                        Value::list(b.implied_type(), vec![nested(b, ho)]),
                    );
                }
                _ => {
                    let b = &cb.blocks["query_string"].block;
                    let pairs: Vec<Value> = c
                        .query_string_config()
                        .map(|q| q.values().to_vec())
                        .unwrap_or_default()
                        .iter()
                        .map(|kv| {
                            let mut qo = Obj::new();
                            qo.insert("key".into(), vs(kv.key().unwrap_or_default()));
                            qo.insert("value".into(), vs(kv.value().unwrap_or_default()));
                            nested(b, qo)
                        })
                        .collect();
                    o.insert("query_string".into(), Value::set(b.implied_type(), pairs));
                }
            }
            let mut full = blank(&cb);
            full.extend(o);
            vobj(full)
        })
        .collect();
    Value::set(cb.implied_type(), items)
}

#[async_trait::async_trait]
impl Resource for RuleRes {
    fn name(&self) -> &'static str {
        "aws_lb_listener_rule"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("listener_arn", req_s().force_new()),
            ("priority", oc_n()),
        ];
        attrs.extend(tags());
        let mut actions = list(action_block());
        actions.min_items = 1;
        let mut conds = set(condition_block());
        conds.min_items = 1;
        schema(with_blocks(
            block(attrs),
            vec![("action", actions), ("condition", conds)],
        ))
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        let v = p.planned.get("action").cloned().unwrap_or_default();
        let planned =
            keep_prior_unknowns(plan_actions(&v), p.prior.and_then(|pr| pr.get("action")));
        p.planned.insert("action".into(), planned);
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let listener = get_s(p, "listener_arn").unwrap_or_default();
        let priority = match get_i(p, "priority") {
            Some(n) => n as i32,
            None => next_priority(aws, &listener).await?,
        };
        let out = aws
            .call_retrying("ELBv2 CreateRule", &["PriorityInUse"], || {
                aws.elbv2
                    .create_rule()
                    .listener_arn(&listener)
                    .priority(priority)
                    .set_actions(Some(expand_actions(&get_blocks(p, "action"))))
                    .set_conditions(Some(expand_conditions(&get_blocks(p, "condition"))))
                    .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                    .send()
            })
            .await?;
        let arn = out
            .rules()
            .first()
            .and_then(|r| r.rule_arn())
            .ok_or_else(|| invalid("CreateRule returned no ARN"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&arn));
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("listener rule disappeared after create"))
                    .with_partial(partial),
            ),
            Err(e) => Err(Failed::from(e).with_partial(partial)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// DescribeRules and DescribeTags take 20 ARNs a call.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_tagged(
            aws,
            states,
            &["RuleNotFound"],
            |chunk| async move {
                aws.call("ELBv2 DescribeRules", || {
                    aws.elbv2
                        .describe_rules()
                        .set_rule_arns(Some(chunk.clone()))
                        .send()
                })
                .await
                .map(|out| out.rules().to_vec())
            },
            |r| r.rule_arn(),
            |s, r, tags| rule_state(aws, s, r, tags),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let arn = get_s(prior, "id").unwrap_or_default();
        if prior.get("priority") != p.get("priority") {
            if let Some(n) = get_i(p, "priority") {
                let pair = aws_sdk_elasticloadbalancingv2::types::RulePriorityPair::builder()
                    .rule_arn(&arn)
                    .priority(n as i32)
                    .build();
                aws.call("ELBv2 SetRulePriorities", || {
                    aws.elbv2
                        .set_rule_priorities()
                        .rule_priorities(pair.clone())
                        .send()
                })
                .await?;
            }
        }
        if prior.get("action") != p.get("action") || prior.get("condition") != p.get("condition") {
            aws.call("ELBv2 ModifyRule", || {
                aws.elbv2
                    .modify_rule()
                    .rule_arn(&arn)
                    .set_actions(Some(expand_actions(&get_blocks(p, "action"))))
                    .set_conditions(Some(expand_conditions(&get_blocks(p, "condition"))))
                    .send()
            })
            .await?;
        }
        sync_tags(aws, &arn, prior, p).await?;
        let mut base = p.clone();
        base.insert("id".into(), vs(&arn));
        self.read_back(aws, &base, "listener rule").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let arn = get_s(state, "id").unwrap_or_default();
        match aws
            .call("ELBv2 DeleteRule", || {
                aws.elbv2.delete_rule().rule_arn(&arn).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["RuleNotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The listener ARN a rule ARN belongs to (`listener-rule/...` → `listener/...`).
fn arn_listener(rule_arn: &str) -> Option<String> {
    let (head, tail) = rule_arn.split_once(":listener-rule/")?;
    let parts: Vec<&str> = tail.split('/').collect();
    (parts.len() >= 4).then(|| format!("{head}:listener/{}", parts[..parts.len() - 1].join("/")))
}

/// The next free priority on a listener (Terraform picks max + 1).
async fn next_priority(aws: &Aws, listener: &str) -> Result<i32, Error> {
    let out = aws
        .call("ELBv2 DescribeRules", || {
            aws.elbv2.describe_rules().listener_arn(listener).send()
        })
        .await?;
    Ok(out
        .rules()
        .iter()
        .filter_map(|r| r.priority().and_then(|p| p.parse::<i32>().ok()))
        .max()
        .unwrap_or(0)
        + 1)
}

/// The state of a listener from what AWS reports.
fn listener_state(aws: &Aws, state: &Obj, l: &Listener, tags: &Tags) -> Obj {
    let arn = l.listener_arn().unwrap_or_default().to_string();
    let mut st = state.clone();
    st.insert("id".into(), vs(&arn));
    st.insert("arn".into(), vs(&arn));
    st.insert("load_balancer_arn".into(), vso(l.load_balancer_arn()));
    st.insert("port".into(), vio(l.port().map(i64::from)));
    st.insert("protocol".into(), vso(l.protocol().map(|p| p.as_str())));
    st.insert("ssl_policy".into(), vs(l.ssl_policy().unwrap_or_default()));
    let cert = l
        .certificates()
        .first()
        .and_then(|c| c.certificate_arn())
        .map(String::from);
    if !(cert.is_none() && state.get("certificate_arn").is_none_or(Value::is_null)) {
        st.insert("certificate_arn".into(), vs(cert.unwrap_or_default()));
    }
    let alpn = l.alpn_policy().first().cloned();
    if !(alpn.is_none() && state.get("alpn_policy").is_none_or(Value::is_null)) {
        st.insert("alpn_policy".into(), vs(alpn.unwrap_or_default()));
    }
    st.insert(
        "default_action".into(),
        flatten_actions(l.default_actions(), &get_blocks(state, "default_action")),
    );
    aws.set_tags(&mut st, tags.clone());
    st
}

/// The state of a listener rule from what AWS reports.
fn rule_state(aws: &Aws, state: &Obj, r: &Rule, tags: &Tags) -> Obj {
    let arn = r.rule_arn().unwrap_or_default().to_string();
    let mut st = state.clone();
    st.insert("id".into(), vs(&arn));
    st.insert("arn".into(), vs(&arn));
    if let Some(listener) = arn_listener(&arn) {
        st.insert("listener_arn".into(), vs(listener));
    }
    st.insert(
        "priority".into(),
        vio(r.priority().and_then(|p| p.parse().ok())),
    );
    st.insert(
        "action".into(),
        flatten_actions(r.actions(), &get_blocks(state, "action")),
    );
    st.insert("condition".into(), flatten_conditions(r.conditions()));
    aws.set_tags(&mut st, tags.clone());
    st
}
