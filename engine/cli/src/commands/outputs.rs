//! `terrane output`.

use super::common;
use crate::args::OutputArgs;
use terrane_core::planner::state_output_value;
use terrane_value::display::format_value;

/// Runs `output`.
pub fn run(a: OutputArgs) -> u8 {
    let state = match &a.state {
        Some(p) => terrane_state::local::read_state_file(p),
        None => match common::backend() {
            Ok((b, ws)) => b.read(&ws),
            Err(e) => return e.report(),
        },
    };
    let state = match state {
        Ok(s) => s.unwrap_or_else(|| terrane_state::StateFile::new(common::STATE_VERSION)),
        Err(e) => {
            common::error("Failed to load state", e.to_string());
            return 1;
        }
    };
    if let Some(name) = &a.name {
        let Some(o) = state.outputs.get(name) else {
            common::error(
                "Output not found",
                "The output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `terrane apply`, since the state won't be updated with new output variables until that command is run.",
            );
            return 1;
        };
        let v = state_output_value(o).unmark_deep().0;
        if a.json {
            println!("{}", o.value.get());
        } else if a.raw {
            match (&v.kind, v.as_str()) {
                (_, Some(s)) => print!("{s}"),
                (terrane_value::Kind::Number(n), _) => print!("{n}"),
                (terrane_value::Kind::Bool(b), _) => print!("{b}"),
                _ => {
                    common::error("Unsupported value for raw output", format!("The -raw option only supports strings, numbers, and boolean values, but output value {name:?} is {}.\n\nUse the -json option for machine-readable representations of output values that have complex types.", v.ty().friendly_name()));
                    return 1;
                }
            }
        } else {
            println!("{}", format_value(&v));
        }
        return 0;
    }
    if a.json {
        let mut m = serde_json::Map::new();
        for (k, o) in &state.outputs {
            let mut e = serde_json::Map::new();
            e.insert("sensitive".into(), serde_json::Value::Bool(o.sensitive));
            e.insert(
                "type".into(),
                o.value_type.to_value().unwrap_or(serde_json::Value::Null),
            );
            e.insert(
                "value".into(),
                o.value.to_value().unwrap_or(serde_json::Value::Null),
            );
            m.insert(k.clone(), serde_json::Value::Object(e));
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap_or_default()
        );
        return 0;
    }
    if state.outputs.is_empty() {
        eprintln!("╷\n│ Warning: No outputs found\n│\n│ The state file either has no outputs defined, or all the defined outputs\n│ are empty. Please define an output in your configuration with the `output`\n│ keyword and run `terrane refresh` for it to become available. If you are\n│ using interpolation, please verify the interpolated value is not empty. You\n│ can use the `terrane show` command to view the state.\n╵");
        return 0;
    }
    for (k, o) in &state.outputs {
        if o.sensitive {
            println!("{k} = <sensitive>");
        } else {
            println!("{k} = {}", format_value(&state_output_value(o)));
        }
    }
    0
}
