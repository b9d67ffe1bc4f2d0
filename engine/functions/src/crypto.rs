//! Hash and crypto functions: base64sha256, base64sha512, bcrypt,
//! filebase64sha256, filebase64sha512, filemd5, filesha1, filesha256,
//! filesha512, md5, rsadecrypt, sha1, sha256, sha512, uuid, uuidv5.

use crate::filesystem::read_for_hash;
use crate::numeric::{int_of, string};
use crate::registry::{arg_err, call_err, p, FuncContext, ImplFn, Registry, Ret, R};
use crate::strings::sv;
use crate::text::hex;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use terrane_value::{Type, Value};

fn md5_hex(b: &[u8]) -> String {
    hex(&Md5::digest(b))
}
fn sha1_hex(b: &[u8]) -> String {
    hex(&Sha1::digest(b))
}
fn sha256_hex(b: &[u8]) -> String {
    hex(&Sha256::digest(b))
}
fn sha512_hex(b: &[u8]) -> String {
    hex(&Sha512::digest(b))
}
fn sha256_b64(b: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(b))
}
fn sha512_b64(b: &[u8]) -> String {
    STANDARD.encode(Sha512::digest(b))
}

pub(crate) fn register(r: &mut Registry) {
    let s = Ret::Static(Type::String);
    let st = || p("str", Type::String);
    let path = || p("path", Type::String);
    let string_fns: [(&'static str, ImplFn); 6] = [
        ("md5", |a, _| Ok(sv(md5_hex(string(&a[0]).as_bytes())))),
        ("sha1", |a, _| Ok(sv(sha1_hex(string(&a[0]).as_bytes())))),
        ("sha256", |a, _| {
            Ok(sv(sha256_hex(string(&a[0]).as_bytes())))
        }),
        ("sha512", |a, _| {
            Ok(sv(sha512_hex(string(&a[0]).as_bytes())))
        }),
        ("base64sha256", |a, _| {
            Ok(sv(sha256_b64(string(&a[0]).as_bytes())))
        }),
        ("base64sha512", |a, _| {
            Ok(sv(sha512_b64(string(&a[0]).as_bytes())))
        }),
    ];
    for (name, f) in string_fns {
        r.func(name, vec![st()], s.clone(), f);
    }
    let file_fns: [(&'static str, ImplFn); 6] = [
        ("filemd5", |a, c| {
            Ok(sv(md5_hex(&read_for_hash(string(&a[0]), c)?)))
        }),
        ("filesha1", |a, c| {
            Ok(sv(sha1_hex(&read_for_hash(string(&a[0]), c)?)))
        }),
        ("filesha256", |a, c| {
            Ok(sv(sha256_hex(&read_for_hash(string(&a[0]), c)?)))
        }),
        ("filesha512", |a, c| {
            Ok(sv(sha512_hex(&read_for_hash(string(&a[0]), c)?)))
        }),
        ("filebase64sha256", |a, c| {
            Ok(sv(sha256_b64(&read_for_hash(string(&a[0]), c)?)))
        }),
        ("filebase64sha512", |a, c| {
            Ok(sv(sha512_b64(&read_for_hash(string(&a[0]), c)?)))
        }),
    ];
    for (name, f) in file_fns {
        r.func(name, vec![path()], s.clone(), f);
    }
    r.func("bcrypt", vec![st()], s.clone(), bcrypt_fn)
        .variadic(p("cost", Type::Number))
        .impure();
    r.func("uuid", vec![], s.clone(), |_, _| {
        Ok(sv(uuid::Uuid::new_v4().to_string()))
    })
    .impure();
    r.func(
        "uuidv5",
        vec![p("namespace", Type::String), p("name", Type::String)],
        s.clone(),
        uuidv5,
    );
    r.func(
        "rsadecrypt",
        vec![p("ciphertext", Type::String), p("privatekey", Type::String)],
        s,
        rsadecrypt,
    );
}

fn bcrypt_fn(a: Vec<Value>, _: &FuncContext) -> R {
    if a.len() > 2 {
        return Err(call_err("bcrypt() takes no more than two arguments"));
    }
    let mut cost = 10i64;
    if let Some(c) = a.get(1) {
        cost = int_of(c).map_err(call_err)?;
    }
    if cost < 4 {
        cost = 10;
    }
    if cost > 31 {
        return Err(call_err(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        )));
    }
    let parts = bcrypt::hash_with_result(string(&a[0]), cost as u32)
        .map_err(|e| call_err(format!("error occured generating password {e}")))?;
    Ok(sv(parts.format_for_version(bcrypt::Version::TwoA)))
}

fn uuidv5(a: Vec<Value>, _: &FuncContext) -> R {
    let ns_text = string(&a[0]);
    let ns = match ns_text {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => {
            let len = other.len();
            let parsed = if matches!(len, 36 | 38 | 45 | 32) {
                uuid::Uuid::parse_str(other).map_err(|_| "invalid UUID format".to_string())
            } else {
                Err(format!("invalid UUID length: {len}"))
            };
            parsed.map_err(|m| {
                call_err(format!("uuidv5() doesn't support namespace {other} ({m})"))
            })?
        }
    };
    Ok(sv(
        uuid::Uuid::new_v5(&ns, string(&a[1]).as_bytes()).to_string()
    ))
}

fn rsadecrypt(a: Vec<Value>, _: &FuncContext) -> R {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let ct_text = string(&a[0]);
    let ct = crate::encoding::b64_decode(ct_text).map_err(|_| {
        arg_err(
            0,
            format!("failed to decode input {ct_text:?}: cipher text must be base64-encoded"),
        )
    })?;
    let pem_text = string(&a[1]);
    let block =
        pem::parse(pem_text).map_err(|_| arg_err(1, "invalid private key: ssh: no key found"))?;
    let key = match block.tag() {
        "RSA PRIVATE KEY" => rsa::RsaPrivateKey::from_pkcs1_der(block.contents())
            .map_err(|e| arg_err(1, format!("invalid private key: {e}")))?,
        "PRIVATE KEY" => rsa::RsaPrivateKey::from_pkcs8_der(block.contents())
            .map_err(|e| arg_err(1, format!("invalid private key: {e}")))?,
        other => {
            return Err(arg_err(
                1,
                format!("invalid private key: ssh: unsupported key type {other:?}"),
            ))
        }
    };
    let out = key
        .decrypt(rsa::Pkcs1v15Encrypt, &ct)
        .map_err(|_| call_err("failed to decrypt: crypto/rsa: decryption error"))?;
    String::from_utf8(out)
        .map(sv)
        .map_err(|_| call_err("the decrypted text is not valid UTF-8"))
}
