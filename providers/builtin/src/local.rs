//! The `local` provider (`registry.terraform.io/hashicorp/local`):
//! `local_file` and `local_sensitive_file` resources and data sources, the
//! `local_command` data source and the `direxists` function.
//! Relative file names resolve against the process working directory, as
//! in Terraform. A file deleted or changed on disk reads as gone, so the
//! next plan recreates it.

use crate::framework::{BuiltinProvider, DataSource, Function, Resource, Spec, Specs};
use crate::util::{err, errs, s, Obj};
use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::io::Write;
use terrane_diagnostics::Diagnostics;
use terrane_provider::FunctionSignature;
use terrane_value::{Type, Value};

/// The `local` provider.
pub fn provider() -> BuiltinProvider {
    BuiltinProvider::new(
        "local",
        "registry.terraform.io/hashicorp/local",
        vec![
            Box::new(LocalFile::new(false)),
            Box::new(LocalFile::new(true)),
        ],
        vec![
            Box::new(LocalFileData::new(false)),
            Box::new(LocalFileData::new(true)),
            Box::new(crate::local_command::LocalCommand::new()),
        ],
    )
    .with_functions(vec![Box::new(DirExists)])
}

/// `provider::local::direxists(path)`: whether a directory exists; an
/// existing non-directory is an error, as in the real provider.
struct DirExists;

impl Function for DirExists {
    fn name(&self) -> &'static str {
        "direxists"
    }

    fn signature(&self) -> FunctionSignature {
        FunctionSignature {
            params: vec![("path".into(), Type::String)],
            variadic: None,
            result: Type::Bool,
            description: "Determines whether a directory exists at a given path.".into(),
        }
    }

    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)> {
        let input = args.first().and_then(Value::as_str).unwrap_or_default();
        match std::fs::metadata(input) {
            Ok(m) if m.is_dir() => Ok(Value::bool(true)),
            Ok(_) => Err((
                format!("Invalid file mode detected: {input:?} was found, but is not a directory"),
                Some(0),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::bool(false)),
            Err(e) => Err((format!("Error checking for directory: {e}"), Some(0))),
        }
    }
}

const CHECKSUMS: [&str; 6] = [
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_base64sha256",
    "content_sha512",
    "content_base64sha512",
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sets `id` (the SHA-1 in hex) and every checksum attribute.
fn set_checksums(o: &mut Obj, content: &[u8]) {
    let sha1 = hex(&Sha1::digest(content));
    let sha256 = Sha256::digest(content);
    let sha512 = Sha512::digest(content);
    o.set("content_md5", s(hex(&Md5::digest(content))));
    o.set("content_sha1", s(sha1.clone()));
    o.set("content_sha256", s(hex(&sha256)));
    o.set("content_base64sha256", s(STANDARD.encode(sha256)));
    o.set("content_sha512", s(hex(&sha512)));
    o.set("content_base64sha512", s(STANDARD.encode(sha512)));
    o.set("id", s(sha1));
}

fn checksum_specs() -> Vec<Spec> {
    let what = [
        "MD5 checksum of file content.",
        "SHA1 checksum of file content.",
        "SHA256 checksum of file content.",
        "Base64 encoded SHA256 checksum of file content.",
        "SHA512 checksum of file content.",
        "Base64 encoded SHA512 checksum of file content.",
    ];
    CHECKSUMS
        .iter()
        .zip(what)
        .map(|(name, d)| Spec::computed(name, Type::String).describe(d))
        .collect()
}

/// Checks a permission string: 3 or 4 octal digits, at most 0777.
fn check_permission(attr: &str, v: &Value, diags: &mut Diagnostics) {
    let Some(text) = v.as_str() else { return };
    if text.len() < 3 || text.len() > 4 {
        diags.push(err(
            "Invalid File Permission String Value",
            format!("{attr}: bad mode permission: string length should be 3 or 4 digits: {text}"),
        ));
        return;
    }
    match u32::from_str_radix(text, 8) {
        Ok(m) if m <= 0o777 => {}
        _ => diags.push(err(
            "Invalid File Permission String Value",
            format!("{attr}: bad mode permission: string must be expressed in octal numeric notation: {text}"),
        )),
    }
}

fn parse_mode(o: &Obj, attr: &str) -> u32 {
    o.str(attr)
        .and_then(|t| u32::from_str_radix(t, 8).ok())
        .unwrap_or(0o777)
}

struct LocalFile {
    sensitive: bool,
    specs: Specs,
}

impl LocalFile {
    fn new(sensitive: bool) -> Self {
        let default_perm = if sensitive { "0700" } else { "0777" };
        let mut content = Spec::optional("content", Type::String)
            .force_new()
            .describe("Content to store in the file, expected to be a UTF-8 encoded string.");
        let mut content_b64 = Spec::optional("content_base64", Type::String)
            .force_new()
            .describe(
                "Content to store in the file, expected to be binary encoded as base64 string.",
            );
        if sensitive {
            content = content.sensitive();
            content_b64 = content_b64.sensitive();
        }
        let mut attrs = vec![
            Spec::required("filename", Type::String)
                .force_new()
                .describe("The path to the file that will be created. Missing parent directories will be created."),
            content,
            content_b64,
            Spec::optional("source", Type::String)
                .force_new()
                .describe("Path to file to use as source for the one we are creating."),
            Spec::optional_computed("file_permission", Type::String)
                .default(Value::string(default_perm))
                .force_new()
                .describe("Permissions to set for the output file (before umask), expressed as string in numeric notation."),
            Spec::optional_computed("directory_permission", Type::String)
                .default(Value::string(default_perm))
                .force_new()
                .describe("Permissions to set for directories created (before umask), expressed as string in numeric notation."),
            Spec::computed("id", Type::String)
                .describe("The hexadecimal encoding of the SHA1 checksum of the file content."),
        ];
        if !sensitive {
            attrs.push(
                Spec::optional("sensitive_content", Type::String)
                    .sensitive()
                    .force_new()
                    .deprecated("Use the `local_sensitive_file` resource instead")
                    .describe("Sensitive content to store in the file. Use the local_sensitive_file resource instead."),
            );
        }
        attrs.extend(checksum_specs());
        let description = if sensitive {
            "Generates a local file with the given sensitive content."
        } else {
            "Generates a local file with the given content."
        };
        LocalFile {
            sensitive,
            specs: Specs::new(description, attrs),
        }
    }

    fn content_attrs(&self) -> &'static [&'static str] {
        if self.sensitive {
            &["content", "content_base64", "source"]
        } else {
            &["content", "sensitive_content", "content_base64", "source"]
        }
    }

    fn content(&self, o: &Obj) -> Result<Vec<u8>, String> {
        if let Some(text) = o.str("sensitive_content") {
            return Ok(text.as_bytes().to_vec());
        }
        if let Some(b64) = o.str("content_base64") {
            return STANDARD.decode(b64).map_err(|e| e.to_string());
        }
        if let Some(src) = o.str("source") {
            return std::fs::read(src).map_err(|e| format!("open {src}: {e}"));
        }
        Ok(o.string_or_empty("content").into_bytes())
    }
}

#[cfg(unix)]
fn create_dirs(dir: &std::path::Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(dir)
}

#[cfg(not(unix))]
fn create_dirs(dir: &std::path::Path, _mode: u32) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Writes like Go's `os.WriteFile`: create with `mode` (before umask) or
/// truncate an existing file, keeping its permissions.
fn write_file(path: &str, content: &[u8], mode: u32) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path)?;
    f.write_all(content)
}

#[async_trait]
impl Resource for LocalFile {
    fn name(&self) -> &'static str {
        if self.sensitive {
            "local_sensitive_file"
        } else {
            "local_file"
        }
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        let attrs = self.content_attrs();
        let set = attrs.iter().filter(|a| !config.is_null(a)).count();
        if set != 1 {
            diags.push(err(
                "Invalid Attribute Combination",
                format!(
                    "Exactly one of these attributes must be configured: [{}]",
                    attrs.join(",")
                ),
            ));
        }
        check_permission("file_permission", config.get("file_permission"), diags);
        check_permission(
            "directory_permission",
            config.get("directory_permission"),
            diags,
        );
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let summary = if self.sensitive {
            "Create local sensitive file error"
        } else {
            "Create local file error"
        };
        let content = self.content(&planned).map_err(|e| {
            errs(
                summary,
                format!("An unexpected error occurred while parsing local file content\n\nOriginal Error: {e}"),
            )
        })?;
        let filename = planned
            .str("filename")
            .ok_or_else(|| errs(summary, "filename must be a known string."))?
            .to_string();
        if let Some(dir) = std::path::Path::new(&filename).parent() {
            if !dir.as_os_str().is_empty() && std::fs::metadata(dir).is_err() {
                create_dirs(dir, parse_mode(&planned, "directory_permission")).map_err(|e| {
                    errs(
                        summary,
                        format!("An unexpected error occurred while creating file directory\n\nOriginal Error: {e}"),
                    )
                })?;
            }
        }
        write_file(&filename, &content, parse_mode(&planned, "file_permission")).map_err(|e| {
            errs(
                summary,
                format!(
                    "An unexpected error occurred while writing the file\n\nOriginal Error: {e}"
                ),
            )
        })?;
        set_checksums(&mut planned, &content);
        Ok(planned)
    }

    async fn delete(&self, prior: Obj) -> Diagnostics {
        if let Some(f) = prior.str("filename") {
            // As the real provider: a file already gone is not an error.
            let _ = std::fs::remove_file(f);
        }
        Diagnostics::new()
    }

    fn read(&self, current: Obj) -> Result<Option<Obj>, Diagnostics> {
        let Some(path) = current.str("filename") else {
            return Ok(Some(current));
        };
        let content = match std::fs::read(path) {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(errs(
                    if self.sensitive {
                        "Read local sensitive file error"
                    } else {
                        "Read local file error"
                    },
                    format!(
                    "An unexpected error occurred while reading the file\n\nOriginal Error: {e}"
                ),
                ))
            }
        };
        if Some(hex(&Sha1::digest(&content)).as_str()) != current.str("id") {
            return Ok(None);
        }
        Ok(Some(current))
    }
}

struct LocalFileData {
    sensitive: bool,
    specs: Specs,
}

impl LocalFileData {
    fn new(sensitive: bool) -> Self {
        let mut content = Spec::computed("content", Type::String)
            .describe("Raw content of the file that was read, as UTF-8 encoded string.");
        let mut content_b64 = Spec::computed("content_base64", Type::String)
            .describe("Base64 encoded version of the file content.");
        if sensitive {
            content = content.sensitive();
            content_b64 = content_b64.sensitive();
        }
        let mut attrs = vec![
            Spec::required("filename", Type::String)
                .describe("Path to the file that will be read. The data source will return an error if the file does not exist."),
            content,
            content_b64,
            Spec::computed("id", Type::String)
                .describe("The hexadecimal encoding of the SHA1 checksum of the file content."),
        ];
        attrs.extend(checksum_specs());
        LocalFileData {
            sensitive,
            specs: Specs::new("Reads a file from the local filesystem.", attrs),
        }
    }
}

#[async_trait]
impl DataSource for LocalFileData {
    fn name(&self) -> &'static str {
        if self.sensitive {
            "local_sensitive_file"
        } else {
            "local_file"
        }
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    async fn read(&self, config: Obj) -> Result<(Obj, Diagnostics), Diagnostics> {
        let summary = "Read local file data source error";
        let path = config
            .str("filename")
            .ok_or_else(|| errs(summary, "filename must be a known string."))?;
        let content = std::fs::read(path).map_err(|e| {
            errs(
                summary,
                format!(
                    "The file at given path cannot be read.\n\nOriginal Error: open {path}: {e}"
                ),
            )
        })?;
        let mut out = self.specs.object(vec![("filename", s(path))]);
        out.set("content", s(String::from_utf8_lossy(&content).into_owned()));
        out.set("content_base64", s(STANDARD.encode(&content)));
        set_checksums(&mut out, &content);
        Ok((out, Diagnostics::new()))
    }
}
