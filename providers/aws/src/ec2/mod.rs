//! EC2 networking resources and data sources, and the helpers they share:
//! tag conversion, tag updates, and batched, paginated Describe calls by ID
//! filter (the basis of `read_many`).

mod data;
mod eip_nat;
mod nacl;
mod route;
mod sg;
mod sg_rules;
mod vpc;

use crate::client::{Aws, AwsError};
use crate::framework::{apply_tag_changes, DataSource, Resource};
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

/// Every EC2 resource type.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    let mut v: Vec<Arc<dyn Resource>> = Vec::new();
    v.extend(vpc::resources());
    v.extend(route::resources());
    v.extend(sg::resources());
    v.extend(sg_rules::resources());
    v.extend(eip_nat::resources());
    v.extend(nacl::resources());
    v
}

/// Every EC2 data source type.
pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    data::data_sources()
}

/// Values per filter AWS accepts in one Describe call.
pub const FILTER_CHUNK: usize = 200;

/// A Describe filter.
pub fn filter(name: &str, values: impl IntoIterator<Item = impl Into<String>>) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.into_iter().map(Into::into).collect()))
        .build()
}

/// Tags as a map.
pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Tags as SDK tags.
pub fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// A tag specification for create calls (None when there are no tags).
pub fn tag_spec(rt: ResourceType, tags: &BTreeMap<String, String>) -> Option<TagSpecification> {
    (!tags.is_empty()).then(|| {
        TagSpecification::builder()
            .resource_type(rt)
            .set_tags(Some(tag_list(tags)))
            .build()
    })
}

/// Brings an EC2 object's tags from `old` to `new` (CreateTags/DeleteTags).
pub async fn update_tags(
    aws: &Aws,
    id: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    apply_tag_changes(
        old,
        new,
        |removed| async move {
            let keys: Vec<Tag> = removed
                .keys()
                .map(|k| Tag::builder().key(k).build())
                .collect();
            aws.call_retrying("EC2 DeleteTags", crate::client::EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .delete_tags()
                    .resources(id)
                    .set_tags(Some(keys.clone()))
                    .send()
            })
            .await
            .map(|_| ())
        },
        |changed| async move {
            aws.call_retrying("EC2 CreateTags", crate::client::EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .create_tags()
                    .resources(id)
                    .set_tags(Some(tag_list(&changed)))
                    .send()
            })
            .await
            .map(|_| ())
        },
    )
    .await
}

/// Updates tags when `tags_all` changed between prior and planned.
pub async fn sync_tags(
    aws: &Aws,
    id: &str,
    prior: &crate::vals::Obj,
    planned: &crate::vals::Obj,
) -> Result<(), AwsError> {
    let old = crate::vals::get_map(prior, "tags_all");
    let new = crate::vals::get_map(planned, "tags_all");
    if old != new {
        update_tags(aws, id, &old, &new).await?;
    }
    Ok(())
}

/// Runs a Describe call for `ids` in chunks of [`FILTER_CHUNK`], following
/// pagination, and returns every item found. `call(chunk, next_token)`
/// returns one page and the next token.
pub async fn describe_by_ids<T, F, Fut>(ids: &[String], call: F) -> Result<Vec<T>, AwsError>
where
    F: Fn(Vec<String>, Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), AwsError>>,
{
    let mut out = Vec::new();
    let mut uniq: Vec<String> = ids.to_vec();
    uniq.sort();
    uniq.dedup();
    for chunk in uniq.chunks(FILTER_CHUNK) {
        let mut token: Option<String> = None;
        loop {
            let (items, next) = call(chunk.to_vec(), token.clone()).await?;
            out.extend(items);
            match next {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => break,
            }
        }
    }
    Ok(out)
}
