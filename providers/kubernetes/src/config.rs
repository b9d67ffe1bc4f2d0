//! The `provider "kubernetes"` block: its schema (the Terraform provider's
//! attribute names) and turning it into a client. Sources, in Terraform's
//! order: a kubeconfig (`config_path`/`config_paths`, else `KUBE_CONFIG_PATH`
//! / `KUBE_CONFIG_PATHS`, else `KUBECONFIG`) with `config_context*`
//! selection, then explicit `host`/`token`/certificates overriding it.

use crate::client::Kube;
use crate::vals::*;
use base64::Engine;
use kube::config::{KubeConfigOptions, Kubeconfig};
use terrane_provider::{Attribute, Block, NestedBlock, Nesting, Schema};
use terrane_value::{Type, Value};

/// Why the provider could not be configured.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConfigError {
    /// A kubeconfig could not be read or used.
    #[error("kubeconfig {path}: {message}")]
    Kubeconfig {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Neither a kubeconfig nor a host was given.
    #[error("no cluster configured: set config_path (or KUBE_CONFIG_PATH / KUBECONFIG) or host")]
    Nothing,
    /// An attribute has a value that cannot be used.
    #[error("{attr}: {message}")]
    Invalid {
        /// The attribute.
        attr: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// The provider block's schema.
pub fn provider_schema() -> Schema {
    let s = || Attribute::optional(Type::String);
    let block = Block::default()
        .attr(
            "host",
            s().describe("The hostname (in form of URI) of the Kubernetes API."),
        )
        .attr("username", s())
        .attr("password", s().sensitive())
        .attr("insecure", Attribute::optional(Type::Bool))
        .attr("tls_server_name", s())
        .attr("client_certificate", s())
        .attr("client_key", s().sensitive())
        .attr("cluster_ca_certificate", s())
        .attr("config_path", s())
        .attr(
            "config_paths",
            Attribute::optional(Type::list(Type::String)),
        )
        .attr("config_context", s())
        .attr("config_context_auth_info", s())
        .attr("config_context_cluster", s())
        .attr("token", s().sensitive())
        .attr("proxy_url", s())
        .attr(
            "ignore_annotations",
            Attribute::optional(Type::list(Type::String)),
        )
        .attr(
            "ignore_labels",
            Attribute::optional(Type::list(Type::String)),
        );
    let exec = Block::default()
        .attr("api_version", Attribute::required(Type::String))
        .attr("command", Attribute::required(Type::String))
        .attr("args", Attribute::optional(Type::list(Type::String)))
        .attr("env", Attribute::optional(Type::map(Type::String)));
    let mut nb = NestedBlock::new(Nesting::List, exec);
    nb.max_items = 1;
    let block = block.block("exec", nb);
    Schema { version: 0, block }
}

/// Settings read from the provider block (and the environment).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Annotation key patterns never reported (regular expressions).
    pub ignore_annotations: Vec<String>,
    /// Label key patterns never reported.
    pub ignore_labels: Vec<String>,
}

fn setting(cfg: &Obj, attr: &str, env: &str) -> Option<String> {
    get_s(cfg, attr).or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
}

/// The kubeconfig paths to load, in priority order of their sources.
fn config_paths(cfg: &Obj, host_set: bool) -> Vec<String> {
    if let Some(p) = get_s(cfg, "config_path") {
        return vec![p];
    }
    let listed = get_strs(cfg, "config_paths");
    if !listed.is_empty() {
        return listed;
    }
    if let Ok(p) = std::env::var("KUBE_CONFIG_PATH") {
        if !p.is_empty() {
            return vec![p];
        }
    }
    // KUBECONFIG (kubectl's variable) only applies when no host is given.
    let vars: &[&str] = if host_set {
        &["KUBE_CONFIG_PATHS"]
    } else {
        &["KUBE_CONFIG_PATHS", "KUBECONFIG"]
    };
    for var in vars {
        if let Ok(p) = std::env::var(var) {
            let ps: Vec<String> = p
                .split(':')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if !ps.is_empty() {
                return ps;
            }
        }
    }
    Vec::new()
}

fn expand_home(p: &str) -> String {
    match (p.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => p.to_string(),
    }
}

/// DER certificates from PEM text.
fn pem_certs(attr: &'static str, pem: &str) -> Result<Vec<Vec<u8>>, ConfigError> {
    let mut out = Vec::new();
    let mut body: Option<String> = None;
    for line in pem.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN") {
            body = Some(String::new());
        } else if line.starts_with("-----END") {
            if let Some(b) = body.take() {
                let der = base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .map_err(|e| ConfigError::Invalid {
                        attr,
                        message: format!("bad PEM: {e}"),
                    })?;
                out.push(der);
            }
        } else if let Some(b) = body.as_mut() {
            b.push_str(line);
        }
    }
    if out.is_empty() {
        return Err(ConfigError::Invalid {
            attr,
            message: "no PEM certificate found".into(),
        });
    }
    Ok(out)
}

/// Builds the client from the provider block.
pub async fn connect(config: &Value) -> Result<(Kube, Settings), ConfigError> {
    let cfg = obj(config);
    let context = setting(&cfg, "config_context", "KUBE_CTX");
    let host = setting(&cfg, "host", "KUBE_HOST");
    let paths = config_paths(&cfg, host.is_some());
    let mut kc = if !paths.is_empty() {
        let mut merged: Option<Kubeconfig> = None;
        for p in &paths {
            let path = expand_home(p);
            let k = Kubeconfig::read_from(&path).map_err(|e| ConfigError::Kubeconfig {
                path: path.clone(),
                message: e.to_string(),
            })?;
            merged = Some(match merged {
                None => k,
                Some(m) => m.merge(k).map_err(|e| ConfigError::Kubeconfig {
                    path: path.clone(),
                    message: e.to_string(),
                })?,
            });
        }
        let opts = KubeConfigOptions {
            context,
            cluster: setting(&cfg, "config_context_cluster", "KUBE_CTX_CLUSTER"),
            user: setting(&cfg, "config_context_auth_info", "KUBE_CTX_AUTH_INFO"),
        };
        kube::Config::from_custom_kubeconfig(merged.unwrap_or_default(), &opts)
            .await
            .map_err(|e| ConfigError::Kubeconfig {
                path: paths.join(":"),
                message: e.to_string(),
            })?
    } else if let Some(h) = &host {
        let uri = h.parse().map_err(|e| ConfigError::Invalid {
            attr: "host",
            message: format!("{e}"),
        })?;
        kube::Config::new(uri)
    } else {
        return Err(ConfigError::Nothing);
    };
    if let Some(h) = host {
        kc.cluster_url = h.parse().map_err(|e| ConfigError::Invalid {
            attr: "host",
            message: format!("{e}"),
        })?;
    }
    if let Some(t) = setting(&cfg, "token", "KUBE_TOKEN") {
        kc.auth_info.token = Some(secrecy::SecretString::from(t));
        kc.auth_info.token_file = None;
    }
    if let Some(e) = first_block(&cfg, "exec") {
        // A credential plugin (`aws eks get-token` ...), as in a kubeconfig.
        let env: Vec<serde_json::Value> = e
            .get("env")
            .and_then(Value::as_entries)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| serde_json::json!({"name": k, "value": v.as_str().unwrap_or("")}))
                    .collect()
            })
            .unwrap_or_default();
        let j = serde_json::json!({
            "apiVersion": get_s(&e, "api_version"),
            "command": get_s(&e, "command"),
            "args": get_strs(&e, "args"),
            "env": env,
        });
        let exec = serde_json::from_value(j).map_err(|err| ConfigError::Invalid {
            attr: "exec",
            message: err.to_string(),
        })?;
        kc.auth_info.exec = Some(exec);
        kc.auth_info.token = None;
        kc.auth_info.token_file = None;
    }
    if let Some(u) = setting(&cfg, "username", "KUBE_USER") {
        kc.auth_info.username = Some(u);
    }
    if let Some(p) = setting(&cfg, "password", "KUBE_PASSWORD") {
        kc.auth_info.password = Some(secrecy::SecretString::from(p));
    }
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    if let Some(c) = setting(&cfg, "client_certificate", "KUBE_CLIENT_CERT_DATA") {
        kc.auth_info.client_certificate_data = Some(b64(c));
        kc.auth_info.client_certificate = None;
    }
    if let Some(k) = setting(&cfg, "client_key", "KUBE_CLIENT_KEY_DATA") {
        kc.auth_info.client_key_data = Some(secrecy::SecretString::from(b64(k)));
        kc.auth_info.client_key = None;
    }
    if let Some(ca) = setting(&cfg, "cluster_ca_certificate", "KUBE_CLUSTER_CA_CERT_DATA") {
        kc.root_cert = Some(pem_certs("cluster_ca_certificate", &ca)?);
    }
    let insecure = get_b(&cfg, "insecure").or_else(|| {
        std::env::var("KUBE_INSECURE")
            .ok()
            .map(|v| v == "true" || v == "1")
    });
    if let Some(i) = insecure {
        kc.accept_invalid_certs = i;
    }
    if let Some(n) = setting(&cfg, "tls_server_name", "KUBE_TLS_SERVER_NAME") {
        kc.tls_server_name = Some(n);
    }
    if let Some(p) = setting(&cfg, "proxy_url", "KUBE_PROXY_URL") {
        kc.proxy_url = Some(p.parse().map_err(|e| ConfigError::Invalid {
            attr: "proxy_url",
            message: format!("{e}"),
        })?);
    }
    let ns = kc.default_namespace.clone();
    let client = kube::Client::try_from(kc).map_err(|e| ConfigError::Invalid {
        attr: "host",
        message: e.to_string(),
    })?;
    let settings = Settings {
        ignore_annotations: get_strs(&cfg, "ignore_annotations"),
        ignore_labels: get_strs(&cfg, "ignore_labels"),
    };
    let compile = |attr: &'static str, pats: &[String]| {
        pats.iter()
            .map(|p| {
                regex::Regex::new(p).map_err(|e| ConfigError::Invalid {
                    attr,
                    message: format!("{p:?}: {e}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let mut kube = Kube::new(client, ns);
    kube.ignore = crate::client::Ignore {
        annotations: compile("ignore_annotations", &settings.ignore_annotations)?,
        labels: compile("ignore_labels", &settings.ignore_labels)?,
    };
    Ok((kube, settings))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pem_is_decoded() {
        let pem = "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certs("x", pem).unwrap(), vec![b"hello".to_vec()]);
        assert!(pem_certs("x", "garbage").is_err());
    }
}
