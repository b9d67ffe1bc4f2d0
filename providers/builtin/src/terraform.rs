//! The `terraform` provider (`terraform.io/builtin/terraform`): the
//! `terraform_data` resource and the `terraform_remote_state` data source
//! (backends are read through a [`RemoteStateReader`]), and the functions
//! `encode_expr`, `encode_tfvars` and `decode_tfvars`.

use crate::framework::{BuiltinProvider, Function, Planned, Resource, Spec, Specs};
use crate::remote_state::{RemoteState, RemoteStateReader};
use crate::util::{err, go_uuid, s, same, Obj};
use crate::{hclread, hclwrite};
use async_trait::async_trait;
use std::sync::Arc;
use terrane_diagnostics::Diagnostics;
use terrane_provider::FunctionSignature;
use terrane_value::{Type, Value};

/// The `terraform` provider, reading remote state with `reader`.
pub fn provider(reader: Arc<dyn RemoteStateReader>) -> BuiltinProvider {
    BuiltinProvider::new(
        "terraform",
        "terraform.io/builtin/terraform",
        vec![Box::new(TerraformData::new())],
        vec![Box::new(RemoteState::new(reader))],
    )
    .with_functions(vec![
        Box::new(EncodeExpr),
        Box::new(EncodeTfvars),
        Box::new(DecodeTfvars),
    ])
}

fn one_param(name: &str, ty: Type, result: Type, description: &str) -> FunctionSignature {
    FunctionSignature {
        params: vec![(name.to_string(), ty)],
        variadic: None,
        result,
        description: description.to_string(),
    }
}

/// `provider::terraform::encode_expr(value)`.
struct EncodeExpr;

impl Function for EncodeExpr {
    fn name(&self) -> &'static str {
        "encode_expr"
    }

    fn signature(&self) -> FunctionSignature {
        one_param(
            "value",
            Type::Dynamic,
            Type::String,
            "Produce a string representation of an arbitrary value using Terraform expression syntax",
        )
    }

    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)> {
        let v = args
            .first()
            .ok_or(("exactly one argument is required".to_string(), None))?;
        Ok(s(hclwrite::encode_expr(v)))
    }
}

/// `provider::terraform::encode_tfvars(value)`.
struct EncodeTfvars;

impl Function for EncodeTfvars {
    fn name(&self) -> &'static str {
        "encode_tfvars"
    }

    fn signature(&self) -> FunctionSignature {
        one_param(
            "value",
            Type::Dynamic,
            Type::String,
            "Produce a string representation of an object using the same syntax as for `.tfvars` files",
        )
    }

    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)> {
        let v = args
            .first()
            .ok_or(("exactly one argument is required".to_string(), None))?;
        hclwrite::encode_tfvars(v).map(s).map_err(|e| (e, Some(0)))
    }
}

/// `provider::terraform::decode_tfvars(src)`.
struct DecodeTfvars;

impl Function for DecodeTfvars {
    fn name(&self) -> &'static str {
        "decode_tfvars"
    }

    fn signature(&self) -> FunctionSignature {
        one_param(
            "src",
            Type::String,
            Type::Dynamic,
            "Parse a string containing syntax like that used in a `.tfvars` file",
        )
    }

    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)> {
        let src = args
            .first()
            .and_then(Value::as_str)
            .ok_or(("argument must be a string".to_string(), None))?;
        hclread::decode_tfvars(src).map_err(|e| (e, None))
    }
}

struct TerraformData {
    specs: Specs,
}

impl TerraformData {
    fn new() -> Self {
        TerraformData {
            specs: Specs::new(
                "Stores values that follow the managed resource lifecycle and can trigger replacements.",
                vec![
                    Spec::optional("input", Type::Dynamic)
                        .describe("A value to store; its changes are reflected in output."),
                    Spec::computed("output", Type::Dynamic)
                        .describe("The stored value of input, known after apply."),
                    Spec::optional("triggers_replace", Type::Dynamic)
                        .describe("A value whose change forces replacement."),
                    Spec::computed("id", Type::String).keep(),
                ],
            ),
        }
    }
}

/// The planned output for a (re)created instance: null input gives a null
/// output of the same type, otherwise an unknown of the input's type.
fn pending_output(input: &Value) -> Value {
    if input.is_null() {
        input.clone()
    } else {
        Value::unknown(input.ty())
    }
}

#[async_trait]
impl Resource for TerraformData {
    fn name(&self) -> &'static str {
        "terraform_data"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        for attr in ["id", "output"] {
            if !config.is_null(attr) {
                diags.push(err(&format!("{attr:?} attribute is read-only"), ""));
            }
        }
    }

    fn modify_plan(&self, plan: &mut Planned, _diags: &mut Diagnostics) {
        let input = plan.planned.get("input");
        let Some(prior) = &plan.prior else {
            let output = pending_output(input);
            plan.planned.set("id", Value::unknown(Type::String));
            plan.planned.set("output", output);
            return;
        };
        let triggered = !same(
            prior.get("triggers_replace"),
            plan.planned.get("triggers_replace"),
        );
        // `None`: the planned value already is the one to plan (the common
        // no-op case, which then copies nothing).
        let output = if triggered {
            Some(pending_output(input))
        } else if !same(prior.get("input"), input) {
            Some(Value::unknown(input.ty()))
        } else if plan.planned.get("output") == prior.get("output") {
            None
        } else {
            Some(prior.get("output").clone())
        };
        let prior_id = (plan.planned.get("id") != prior.get("id")).then(|| prior.get("id").clone());
        if triggered {
            plan.require_replace("triggers_replace");
            plan.planned.set("id", Value::unknown(Type::String));
        }
        if let Some(output) = output {
            plan.planned.set("output", output);
        }
        if plan.requires_replace.is_empty() {
            if let Some(id) = prior_id {
                plan.planned.set("id", id);
            }
        }
    }

    async fn create(&self, planned: Obj) -> Result<Obj, Diagnostics> {
        Ok(settle(planned))
    }

    async fn update(&self, _prior: Obj, planned: Obj) -> Result<Obj, Diagnostics> {
        Ok(settle(planned))
    }

    fn read_keeps_state(&self) -> bool {
        true
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        Ok(self.specs.object(vec![("id", s(id))]))
    }
}

/// Resolves the planned unknowns: output copies input, id is a new UUID.
fn settle(mut o: Obj) -> Obj {
    if !o.is_known("output") {
        let input = o.get("input").clone();
        o.set("output", input);
    }
    if !o.is_known("id") {
        o.set("id", s(go_uuid()));
    }
    o
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use terrane_provider::{Provider as _, ReadRequest};

    /// terraform_data's read is the identity, so the refresh shortcut
    /// gives what reading would.
    #[tokio::test]
    async fn refresh_returns_the_state_as_it_is() {
        let r = TerraformData::new();
        assert!(r.read_keeps_state());
        let o = r
            .specs()
            .object(vec![("id", s("x")), ("input", s("v")), ("output", s("v"))]);
        assert_eq!(r.read(o.clone()).unwrap(), Some(o.clone()));

        let p = provider(Arc::new(crate::remote_state::LocalStateReader));
        let configured = p
            .configure(terrane_provider::ConfigureRequest {
                config: Value::dynamic_null(),
                terrane_version: String::new(),
            })
            .await
            .provider
            .unwrap();
        let current = o.clone().into_value().mark_sensitive();
        let resp = configured
            .read(ReadRequest {
                type_name: "terraform_data".into(),
                current_state: current,
                private: b"p".to_vec(),
            })
            .await;
        assert_eq!(resp.new_state, o.into_value());
        assert_eq!(resp.private, b"p".to_vec());
        assert!(resp.diagnostics.is_empty());
    }
}
