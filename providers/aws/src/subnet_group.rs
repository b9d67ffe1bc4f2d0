//! The subnet group resource RDS (`aws_db_subnet_group`) and ElastiCache
//! (`aws_elasticache_subnet_group`) share: the same life cycle (create with
//! tags, read back, modify description and subnets in place, delete,
//! already gone is success) over two services' calls. Each service supplies
//! a [`SubnetGroupApi`] adapter with its calls, schema and naming rules;
//! [`SubnetGroupRes`] holds the resource logic once.

use crate::client::{Aws, AwsError};
use crate::framework::{invalid, Error, Failed, PlanCtx, Resource, Tags};
use crate::vals::*;
use terrane_provider::Schema;
use terrane_value::Value;

/// A subnet group as a service describes it.
pub struct Described {
    /// Its ARN (may be empty on emulators).
    pub arn: String,
    /// Its description.
    pub description: Option<String>,
    /// The VPC of its subnets.
    pub vpc_id: Option<String>,
    /// Its subnets.
    pub subnet_ids: Vec<String>,
    /// Service-specific computed attributes.
    pub extra: Vec<(&'static str, Value)>,
}

/// One service's subnet group calls and rules.
#[async_trait::async_trait]
pub trait SubnetGroupApi: Send + Sync {
    /// Terraform type name.
    fn type_name(&self) -> &'static str;
    /// How diagnostics name it ("DB subnet group").
    fn what(&self) -> &'static str;
    /// The resource schema.
    fn schema(&self) -> Schema;
    /// Name checks and normalisation at plan time.
    fn plan_name(&self, p: &mut PlanCtx<'_>) -> Result<(), Error>;
    /// The name to create the group with.
    fn create_name(&self, p: &Obj) -> String;
    /// Adjusts a read state (e.g. an unset `name_prefix`).
    fn adjust_read(&self, _st: &mut Obj) {}
    /// Creates the group.
    async fn create(
        &self,
        aws: &Aws,
        name: &str,
        description: String,
        subnet_ids: Vec<String>,
        tags: &Tags,
    ) -> Result<(), AwsError>;
    /// Describes the group; `None` when it does not exist.
    async fn describe(&self, aws: &Aws, name: &str) -> Result<Option<Described>, AwsError>;
    /// Sets the description and subnets.
    async fn modify(
        &self,
        aws: &Aws,
        name: &str,
        description: Option<String>,
        subnet_ids: Vec<String>,
    ) -> Result<(), AwsError>;
    /// Deletes the group (already gone is success).
    async fn delete(&self, aws: &Aws, name: &str) -> Result<(), AwsError>;
    /// The group's tags.
    async fn read_tags(&self, aws: &Aws, arn: &str) -> Result<Tags, AwsError>;
    /// Brings the tags from prior `tags_all` to planned.
    async fn sync_tags(&self, aws: &Aws, arn: &str, prior: &Obj, p: &Obj) -> Result<(), AwsError>;
}

/// A subnet group resource over a service adapter.
pub struct SubnetGroupRes<A>(pub A);

#[async_trait::async_trait]
impl<A: SubnetGroupApi> Resource for SubnetGroupRes<A> {
    fn name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("description", vs("Managed by Terraform"))]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        self.0.plan_name(p)
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let name = self.0.create_name(p);
        self.0
            .create(
                aws,
                &name,
                get_s(p, "description").unwrap_or_default(),
                get_strs(p, "subnet_ids"),
                &tags,
            )
            .await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(&name));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(Failed::from(invalid(format!(
                "{} disappeared after create",
                self.0.what()
            )))
            .with_partial(st)),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let name = get_s(state, "id").unwrap_or_default();
        let Some(g) = self.0.describe(aws, &name).await? else {
            return Ok(None);
        };
        let mut st = state.clone();
        st.insert("id".into(), vs(&name));
        st.insert("name".into(), vs(&name));
        st.insert("arn".into(), vs(&g.arn));
        st.insert("description".into(), vso(g.description));
        st.insert("vpc_id".into(), vso(g.vpc_id));
        st.insert("subnet_ids".into(), vset(g.subnet_ids));
        for (k, v) in g.extra {
            st.insert(k.into(), v);
        }
        self.0.adjust_read(&mut st);
        let tags = if g.arn.is_empty() {
            Tags::new()
        } else {
            self.0.read_tags(aws, &g.arn).await?
        };
        aws.set_tags(&mut st, tags);
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let name = get_s(prior, "id").unwrap_or_default();
        if prior.get("subnet_ids") != p.get("subnet_ids")
            || prior.get("description") != p.get("description")
        {
            self.0
                .modify(
                    aws,
                    &name,
                    get_s(p, "description"),
                    get_strs(p, "subnet_ids"),
                )
                .await?;
        }
        let arn = get_s(prior, "arn").unwrap_or_default();
        self.0.sync_tags(aws, &arn, prior, p).await?;
        self.read_back_with_tags(aws, prior, p, self.0.what()).await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let name = get_s(state, "id").unwrap_or_default();
        Ok(self.0.delete(aws, &name).await?)
    }
}
