//! The `null` provider (`registry.terraform.io/hashicorp/null`):
//! `null_resource` and the deprecated `null_data_source`.

use crate::framework::{BuiltinProvider, DataSource, Replace, Resource, Spec, Specs};
use crate::util::{random_u63, s, Obj};
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_value::Type;

/// The `null` provider.
pub fn provider() -> BuiltinProvider {
    BuiltinProvider::new(
        "null",
        "registry.terraform.io/hashicorp/null",
        vec![Box::new(NullResource::new())],
        vec![Box::new(NullDataSource::new())],
    )
}

struct NullResource {
    specs: Specs,
}

impl NullResource {
    fn new() -> Self {
        NullResource {
            specs: Specs::new(
                "Implements the standard resource lifecycle but takes no further action.",
                vec![
                    Spec::optional("triggers", Type::map(Type::String))
                        .replace(Replace::IfValuesNotNull)
                        .describe("A map of arbitrary strings that, when changed, will force the null resource to be replaced."),
                    Spec::computed("id", Type::String)
                        .keep()
                        .describe("This is set to a random value at create time."),
                ],
            ),
        }
    }
}

#[async_trait]
impl Resource for NullResource {
    fn name(&self) -> &'static str {
        "null_resource"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        planned.set("id", s(random_u63().to_string()));
        Ok(planned)
    }
}

struct NullDataSource {
    specs: Specs,
}

impl NullDataSource {
    fn new() -> Self {
        let mut specs = Specs::new(
            "Implements the standard data source lifecycle but does not interact with any external APIs.",
            vec![
                Spec::optional("inputs", Type::map(Type::String))
                    .describe("A map of arbitrary strings that is copied into the outputs attribute."),
                Spec::computed("outputs", Type::map(Type::String))
                    .describe("After the data source is read, a copy of the inputs map."),
                Spec::computed("random", Type::String).describe("A random value."),
                Spec::optional_computed("has_computed_default", Type::String)
                    .describe("If set, its literal value will be stored and returned. If not, its value defaults to \"default\"."),
                Spec::computed("id", Type::String).deprecated("This attribute is only present for some legacy compatibility issues and should not be used. It will be removed in a future version."),
            ],
        );
        specs.deprecated = true;
        NullDataSource { specs }
    }
}

#[async_trait]
impl DataSource for NullDataSource {
    fn name(&self) -> &'static str {
        "null_data_source"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    async fn read(&self, mut config: Obj) -> Result<(Obj, Diagnostics), Diagnostics> {
        let inputs = config.get("inputs").clone();
        config.set("outputs", inputs);
        config.set("random", s(random_u63().to_string()));
        if config.is_null("has_computed_default") {
            config.set("has_computed_default", s("default"));
        }
        config.set("id", s("static"));
        Ok((config, Diagnostics::new()))
    }
}
