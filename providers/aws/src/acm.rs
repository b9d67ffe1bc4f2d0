//! `aws_acm_certificate`: requested (DNS/email validation) or imported
//! certificates, for HTTPS listeners.

use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{invalid, sync_tags_all, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_acm::primitives::Blob;
use aws_sdk_acm::types::{CertificateDetail, KeyAlgorithm, Tag, ValidationMethod};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{Attribute, Block, Schema};
use terrane_value::{Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(CertRes)]
}

fn dvo_block() -> Block {
    block(vec![
        ("domain_name", comp_s()),
        ("resource_record_name", comp_s()),
        ("resource_record_type", comp_s()),
        ("resource_record_value", comp_s()),
    ])
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}

async fn describe(aws: &Aws, arn: &str) -> Result<Option<CertificateDetail>, AwsError> {
    match aws
        .call("ACM DescribeCertificate", || {
            aws.acm.describe_certificate().certificate_arn(arn).send()
        })
        .await
    {
        Ok(o) => Ok(o.certificate().cloned()),
        Err(e) if e.is(&["ResourceNotFoundException"]) => Ok(None),
        Err(e) => Err(e),
    }
}

struct CertRes;

#[async_trait::async_trait]
impl Resource for CertRes {
    fn name(&self) -> &'static str {
        "aws_acm_certificate"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("certificate_authority_arn", opt_s().force_new()),
            ("certificate_body", opt_s()),
            ("certificate_chain", opt_s()),
            ("domain_name", oc_s().force_new()),
            (
                "domain_validation_options",
                Attribute::computed(Type::set(dvo_block().implied_type())),
            ),
            ("early_renewal_duration", opt_s()),
            ("key_algorithm", oc_s().force_new()),
            ("not_after", comp_s()),
            ("not_before", comp_s()),
            ("pending_renewal", Attribute::computed(Type::Bool)),
            ("private_key", opt_s().sensitive()),
            ("renewal_eligibility", comp_s()),
            ("status", comp_s()),
            ("subject_alternative_names", oc_set().force_new()),
            ("type", comp_s()),
            (
                "validation_emails",
                Attribute::computed(Type::list(Type::String)),
            ),
            ("validation_method", oc_s().force_new()),
        ];
        attrs.extend(tags());
        let opts = block(vec![(
            "certificate_transparency_logging_preference",
            opt_s(),
        )]);
        schema(with_blocks(block(attrs), vec![("options", one(opts))]))
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        let imported = p
            .config
            .get("certificate_body")
            .is_some_and(|v| !v.is_null());
        let requested = p.config.get("domain_name").is_some_and(|v| !v.is_null());
        if imported == requested && p.prior.is_none() {
            return Err(invalid(
                "exactly one of domain_name or certificate_body must be set",
            ));
        }
        if requested && p.prior.is_none() {
            // subject_alternative_names always includes the domain name.
            if p.config
                .get("subject_alternative_names")
                .is_none_or(Value::is_null)
            {
                if let Some(d) = get_s(p.config, "domain_name") {
                    p.planned
                        .insert("subject_alternative_names".into(), vset([d]));
                }
            }
            if p.config.get("validation_method").is_none_or(Value::is_null)
                && p.config
                    .get("certificate_authority_arn")
                    .is_none_or(Value::is_null)
            {
                p.planned.insert("validation_method".into(), vs("EMAIL"));
            }
        }
        if let Some(pr) = p.prior {
            let reimport = ["certificate_body", "certificate_chain", "private_key"]
                .iter()
                .any(|k| pr.get(*k) != p.planned.get(*k));
            if reimport {
                for k in ["not_after", "not_before", "status"] {
                    p.unknown(k, Type::String);
                }
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let arn = if let Some(body) = get_ne(p, "certificate_body") {
            let out = aws
                .call("ACM ImportCertificate", || {
                    aws.acm
                        .import_certificate()
                        .certificate(Blob::new(body.clone().into_bytes()))
                        .private_key(Blob::new(
                            get_s(p, "private_key").unwrap_or_default().into_bytes(),
                        ))
                        .set_certificate_chain(
                            get_ne(p, "certificate_chain").map(|c| Blob::new(c.into_bytes())),
                        )
                        .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                        .send()
                })
                .await?;
            out.certificate_arn().unwrap_or_default().to_string()
        } else {
            let domain = get_s(p, "domain_name").unwrap_or_default();
            let sans: Vec<String> = get_strs(p, "subject_alternative_names");
            // `options { certificate_transparency_logging_preference }` is
            // accepted for compatibility; AWS no longer allows opting out,
            // so it is not sent.
            let out = aws
                .call("ACM RequestCertificate", || {
                    aws.acm
                        .request_certificate()
                        .domain_name(&domain)
                        .set_subject_alternative_names((!sans.is_empty()).then(|| sans.clone()))
                        .set_validation_method(
                            get_ne(p, "validation_method")
                                .map(|m| ValidationMethod::from(m.as_str())),
                        )
                        .set_key_algorithm(
                            get_ne(p, "key_algorithm").map(|k| KeyAlgorithm::from(k.as_str())),
                        )
                        .set_certificate_authority_arn(get_ne(p, "certificate_authority_arn"))
                        .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                        .send()
                })
                .await?;
            out.certificate_arn().unwrap_or_default().to_string()
        };
        if arn.is_empty() {
            return Err(invalid("ACM returned no certificate ARN").into());
        }
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&arn));
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("certificate disappeared after create")).with_partial(partial),
            ),
            Err(e) => Err(Failed::from(e).with_partial(partial)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let arn = get_s(state, "id").unwrap_or_default();
        let Some(c) = describe(aws, &arn).await? else {
            return Ok(None);
        };
        let mut st = state.clone();
        st.insert("id".into(), vs(&arn));
        st.insert("arn".into(), vs(&arn));
        st.insert("domain_name".into(), vso(c.domain_name()));
        st.insert(
            "subject_alternative_names".into(),
            vset(c.subject_alternative_names().iter().cloned()),
        );
        st.insert("status".into(), vso(c.status().map(|s| s.as_str())));
        st.insert("type".into(), vso(c.r#type().map(|s| s.as_str())));
        st.insert(
            "key_algorithm".into(),
            vso(c.key_algorithm().map(|s| s.as_str())),
        );
        let fmt = |d: Option<&aws_sdk_acm::primitives::DateTime>| {
            d.and_then(|d| {
                d.fmt(aws_sdk_acm::primitives::DateTimeFormat::DateTime)
                    .ok()
            })
            .unwrap_or_default()
        };
        st.insert("not_after".into(), vs(fmt(c.not_after())));
        st.insert("not_before".into(), vs(fmt(c.not_before())));
        st.insert(
            "renewal_eligibility".into(),
            vs(c.renewal_eligibility()
                .map(|r| r.as_str())
                .unwrap_or_default()),
        );
        st.insert("pending_renewal".into(), vb(false));
        let imported = c.r#type().map(|t| t.as_str()) == Some("IMPORTED");
        let method = c
            .domain_validation_options()
            .first()
            .and_then(|d| d.validation_method())
            .map(|m| m.as_str().to_string());
        st.insert(
            "validation_method".into(),
            vs(if imported {
                "NONE".to_string()
            } else {
                method.unwrap_or_else(|| "NONE".into())
            }),
        );
        let db = dvo_block();
        let mut emails = Vec::new();
        let dvos: Vec<Value> = c
            .domain_validation_options()
            .iter()
            .filter_map(|d| {
                emails.extend(d.validation_emails().iter().cloned());
                let rr = d.resource_record()?;
                let mut o = Obj::new();
                o.insert("domain_name".into(), vs(d.domain_name()));
                o.insert("resource_record_name".into(), vs(rr.name()));
                o.insert("resource_record_type".into(), vs(rr.r#type().as_str()));
                o.insert("resource_record_value".into(), vs(rr.value()));
                Some(vobj(o))
            })
            .collect();
        st.insert(
            "domain_validation_options".into(),
            Value::set(db.implied_type(), dvos),
        );
        st.insert("validation_emails".into(), vlist(emails));
        let tags = aws
            .call("ACM ListTagsForCertificate", || {
                aws.acm
                    .list_tags_for_certificate()
                    .certificate_arn(&arn)
                    .send()
            })
            .await?;
        aws.set_tags(
            &mut st,
            tags.tags()
                .iter()
                .map(|t| {
                    (
                        t.key().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        );
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let arn = get_s(prior, "id").unwrap_or_default();
        let reimport = ["certificate_body", "certificate_chain", "private_key"]
            .iter()
            .any(|k| prior.get(*k) != p.get(*k));
        if reimport {
            if let Some(body) = get_ne(p, "certificate_body") {
                aws.call("ACM ImportCertificate", || {
                    aws.acm
                        .import_certificate()
                        .certificate_arn(&arn)
                        .certificate(Blob::new(body.clone().into_bytes()))
                        .private_key(Blob::new(
                            get_s(p, "private_key").unwrap_or_default().into_bytes(),
                        ))
                        .set_certificate_chain(
                            get_ne(p, "certificate_chain").map(|c| Blob::new(c.into_bytes())),
                        )
                        .send()
                })
                .await?;
            }
        }
        let arn = arn.as_str();
        sync_tags_all(
            prior,
            p,
            |removed| async move {
                let tags: Vec<Tag> = removed
                    .iter()
                    .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
                    .collect();
                aws.call("ACM RemoveTagsFromCertificate", || {
                    aws.acm
                        .remove_tags_from_certificate()
                        .certificate_arn(arn)
                        .set_tags(Some(tags.clone()))
                        .send()
                })
                .await
                .map(|_| ())
            },
            |changed| async move {
                aws.call("ACM AddTagsToCertificate", || {
                    aws.acm
                        .add_tags_to_certificate()
                        .certificate_arn(arn)
                        .set_tags(Some(tag_list(&changed)))
                        .send()
                })
                .await
                .map(|_| ())
            },
        )
        .await?;
        let mut base = p.clone();
        base.insert("id".into(), vs(arn));
        self.read_back(aws, &base, "certificate").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let arn = get_s(state, "id").unwrap_or_default();
        match aws
            .call_retrying("ACM DeleteCertificate", &["ResourceInUseException"], || {
                aws.acm.delete_certificate().certificate_arn(&arn).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["ResourceNotFoundException"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
