//! The local provider.

use crate::support::*;
use terrane_provider::{ConfigKind, Provider, ReadDataSourceRequest, ValidateRequest};
use terrane_value::Value;

#[tokio::test]
async fn local_file_checksums_and_drift() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/f.txt");
    let f = path.to_string_lossy().into_owned();
    let (cp, cfg, st) = create(
        "local_file",
        vec![("filename", s(&f)), ("content", s("hi"))],
    )
    .await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hi");
    assert_eq!(text(&st, "id"), "c22b5f9178342609428d6f51b2c5af4c0bde6a42");
    assert_eq!(text(&st, "content_md5"), "49f68a5c8493ec2c0bf489821c21fc3b");
    assert_eq!(
        text(&st, "content_sha256"),
        "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"
    );
    assert_eq!(
        text(&st, "content_base64sha256"),
        "j0NDRmSPa5bfid2pAcUXaxCm2Dlh3TwayItZstwyeqQ="
    );
    assert_eq!(text(&st, "file_permission"), "0777");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o700, 0o700);
    }
    // Unchanged on disk: read keeps it and the plan is a no-op.
    let now = read(cp.as_ref(), "local_file", &st).await;
    assert_eq!(now, st);
    assert_eq!(
        plan(cp.as_ref(), "local_file", &now, &cfg)
            .await
            .planned_state,
        st
    );
    // Changed on disk: gone, so the next plan creates it again.
    std::fs::write(&path, "tampered").unwrap();
    let now = read(cp.as_ref(), "local_file", &st).await;
    assert!(now.is_null());
    let p = plan(cp.as_ref(), "local_file", &now, &cfg).await;
    assert!(!attr(&p.planned_state, "id").is_known());
    // Deleted on disk: gone too.
    std::fs::remove_file(&path).unwrap();
    assert!(read(cp.as_ref(), "local_file", &st).await.is_null());
    // Content change forces replacement.
    let p = plan(
        cp.as_ref(),
        "local_file",
        &st,
        &config(
            "local_file",
            vec![("filename", s(&f)), ("content", s("other"))],
        ),
    )
    .await;
    assert_eq!(replaced(&p), vec!["content"]);
}

#[tokio::test]
async fn local_file_sources_and_validation() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    std::fs::write(&src, [0u8, 159, 146, 150]).unwrap();
    let a = dir.path().join("a").to_string_lossy().into_owned();
    let (_, _, st) = create(
        "local_file",
        vec![("filename", s(&a)), ("source", s(&src.to_string_lossy()))],
    )
    .await;
    assert_eq!(std::fs::read(&a).unwrap(), vec![0u8, 159, 146, 150]);
    assert_eq!(text(&st, "content_sha1"), text(&st, "id"));
    let b = dir.path().join("b").to_string_lossy().into_owned();
    create(
        "local_sensitive_file",
        vec![("filename", s(&b)), ("content_base64", s("aGVsbG8="))],
    )
    .await;
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "hello");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&b).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "sensitive files default to 0700");
    }
    let local = terrane_provider_builtin::local();
    assert!(
        local.schema().resources["local_sensitive_file"]
            .block
            .attributes["content"]
            .sensitive
    );
    assert!(
        local.schema().data_sources["local_sensitive_file"]
            .block
            .attributes["content"]
            .sensitive
    );
    let validate = |attrs: Vec<(&str, Value)>| {
        local
            .validate(ValidateRequest {
                kind: ConfigKind::Resource,
                type_name: "local_file".into(),
                config: config("local_file", attrs),
            })
            .diagnostics
    };
    assert!(validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("source", s("y"))
    ])
    .has_errors());
    assert!(validate(vec![("filename", s(&a))]).has_errors());
    assert!(validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("file_permission", s("0999"))
    ])
    .has_errors());
    assert!(validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("file_permission", s("7"))
    ])
    .has_errors());
    assert!(!validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("file_permission", s("0640"))
    ])
    .has_errors());
    // Data sources.
    let cp = configured(&local).await;
    let r = cp
        .read_data_source(ReadDataSourceRequest {
            type_name: "local_file".into(),
            config: config("local_file", vec![("filename", s(&b))]),
        })
        .await;
    assert_eq!(text(&r.state, "content"), "hello");
    assert_eq!(text(&r.state, "content_base64"), "aGVsbG8=");
    assert_eq!(
        text(&r.state, "id"),
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    );
    let r = cp
        .read_data_source(ReadDataSourceRequest {
            type_name: "local_file".into(),
            config: config("local_file", vec![("filename", s("/nonexistent/file"))]),
        })
        .await;
    assert!(r.diagnostics.has_errors());
}

#[tokio::test]
#[cfg(unix)]
async fn local_command_runs_programs() {
    let cp = configured(&terrane_provider_builtin::local()).await;
    let read = |attrs: Vec<(&str, Value)>| {
        let cp = cp.clone();
        let cfg = config("local_command", attrs);
        async move {
            cp.read_data_source(ReadDataSourceRequest {
                type_name: "local_command".into(),
                config: cfg,
            })
            .await
        }
    };
    let r = read(vec![("command", s("cat")), ("stdin", s("piped in"))]).await;
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(text(&r.state, "stdout"), "piped in");
    assert!(attr(&r.state, "stderr").is_null());
    assert_eq!(attr(&r.state, "exit_code"), &n(0));
    let dir = tempfile::tempdir().unwrap();
    let r = read(vec![
        ("command", s("sh")),
        ("arguments", slist(&["-c", "pwd; echo oops >&2; exit 3"])),
        ("working_directory", s(&dir.path().to_string_lossy())),
        ("allow_non_zero_exit_code", Value::bool(true)),
    ])
    .await;
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(attr(&r.state, "exit_code"), &n(3));
    assert_eq!(text(&r.state, "stderr"), "oops\n");
    let pwd = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        std::fs::canonicalize(text(&r.state, "stdout").trim()).unwrap(),
        pwd
    );
    let r = read(vec![
        ("command", s("sh")),
        ("arguments", slist(&["-c", "exit 1"])),
    ])
    .await;
    assert!(
        r.diagnostics.has_errors(),
        "non-zero exit fails unless allowed"
    );
    let r = read(vec![("command", s("/definitely/not/a/command"))]).await;
    assert!(r
        .diagnostics
        .iter()
        .any(|d| d.summary == "Command Lookup Failed"));
}
