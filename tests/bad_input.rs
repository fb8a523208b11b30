//! Hostile input: never a panic, a hang or a stack overflow; always a diagnostic.

use aslc::diagnostics::Code;
use aslc::{asl, driver};

fn codes_of_source(text: &str) -> Vec<Code> {
    driver::check_source(text)
        .1
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn empty_and_garbage_pipeline_sources_get_diagnostics() {
    assert!(codes_of_source("").contains(&Code::E001));
    assert!(codes_of_source("}}}{{{ \u{1}\u{2} ###").contains(&Code::E001));
    assert!(codes_of_source("pipeline \"p\" {\n  role \"never closed\n}\n").contains(&Code::E002));
}

#[test]
fn binary_and_non_utf8_sources_are_refused_with_a_diagnostic() {
    let err =
        driver::decode(&[0x70, 0xff, 0xfe, 0x00], driver::MAX_SOURCE_BYTES).expect_err("not UTF-8");
    assert_eq!(err.code, Code::E004);
    let err = driver::decode(b"pipeline \0", driver::MAX_SOURCE_BYTES).expect_err("NUL byte");
    assert_eq!(err.code, Code::E004);
    let err = driver::decode(&[b' '; 100], 10).expect_err("too large");
    assert_eq!(err.code, Code::E004);
}

#[test]
fn a_ten_megabyte_source_is_handled() {
    let step = "  lambda Notify { function \"notify\" }\n";
    let mut src = String::from("pipeline \"big\" {\n");
    while src.len() < 10 << 20 {
        src.push_str(step);
    }
    src.push_str("}\n");
    let (_, diags) = driver::check_source(&src);
    // Every repetition is a duplicate step; the report stays bounded in size to stay useful.
    assert!(diags.iter().any(|d| d.code == Code::E010));
    let garbage = "x".repeat(10 << 20);
    assert!(!driver::check_source(&garbage).1.is_empty());
}

#[test]
fn five_hundred_nested_whens_are_refused_not_overflowed() {
    let mut src = String::from("pipeline \"p\" {\n param F: bool\n");
    for i in 0..500 {
        src.push_str(&format!("when W{i}: F {{\n"));
    }
    src.push_str(&"}\n".repeat(501));
    assert!(codes_of_source(&src).contains(&Code::E005));
}

#[test]
fn asl_that_is_not_json_or_not_an_object() {
    let code = |t: &str| {
        asl::validate(t, &asl::Options::default())
            .first()
            .map(|d| d.code)
    };
    assert_eq!(code("not json"), Some(Code::E100));
    assert_eq!(code("{\"StartAt\": \"A\", // comment\n}"), Some(Code::E100));
    assert_eq!(code("[1, 2]"), Some(Code::E101));
    assert_eq!(code("\"text\""), Some(Code::E101));
    assert_eq!(code(""), Some(Code::E101));
}

#[test]
fn deeply_nested_json_is_reported() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let d = asl::validate(&deep, &asl::Options::default());
    assert_eq!(d[0].code, Code::E104);
    let deep_objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    assert_eq!(
        asl::validate(&deep_objects, &asl::Options::default())[0].code,
        Code::E104
    );
}

#[test]
fn nesting_past_the_fast_parser_is_still_checked_and_located() {
    // 200 levels: past serde_json's limit (128), within the span-keeping parser's.
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let machine = |next: &str| {
        format!("{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": {deep}, {next}}}}}}}")
    };
    let options = asl::Options::default();
    assert!(asl::validate(&machine("\"End\": true"), &options).is_empty());
    let text = machine("\"Next\": \"B\"");
    let d = asl::validate(&text, &options);
    let missing = d.iter().find(|d| d.code == Code::E111).expect("E111");
    assert_eq!(&text[missing.span.range()], "\"B\"");
}

#[test]
fn oversized_definition_is_reported() {
    // 100 MB: a valid machine padded with a huge Comment.
    let comment = "x".repeat(100 << 20);
    let doc = format!("{{\"Comment\": \"{comment}\", \"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Succeed\"}}}}}}");
    let d = asl::validate(&doc, &asl::Options::default());
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![Code::E103]
    );
}

#[test]
fn duplicate_keys_are_reported_with_both_places() {
    let doc =
        "{\"StartAt\": \"A\", \"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}";
    let d = asl::validate(doc, &asl::Options::default());
    assert_eq!(d[0].code, Code::E102);
    assert_eq!(d[0].secondary.len(), 1);
    assert_eq!(d[0].pointer.as_deref(), Some("/StartAt"));
}

#[test]
fn a_pipeline_too_large_for_step_functions_is_the_users_limit_not_a_compiler_bug() {
    let mut src = String::from(
        "pipeline \"p\" {\n  role \"arn:aws:iam::123456789012:role/r\"\n  cache_table \"t\"\n",
    );
    for i in 0..160 {
        src.push_str(&format!("  processing P{i} {{\n    image \"i\" instance ml.m5.xlarge\n    output o = \"s3://b/out/{i}/\"\n    cache 1d\n  }}\n"));
    }
    src.push_str("}\n");
    let out = driver::compile_source(&src, "big.sfn", &Default::default());
    let codes: Vec<Code> = out.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::E103], "{:?}", out.diagnostics);
    assert!(out.asl.is_none());
}

/// Every recursive construct of the language, nested `depth` times.
fn nested_sources(depth: usize) -> Vec<(&'static str, String)> {
    let pipeline = |body: String| format!("pipeline \"p\" {{\n  param F: bool\n{body}\n}}\n");
    let when = |cond: String| pipeline(format!("  when W: {cond} {{\n  }}\n"));
    let parallel = {
        let mut s = String::new();
        for i in 0..depth {
            s.push_str(&format!("parallel P{i} {{ branch {{\n"));
        }
        s.push_str("fail Stop { error \"E\" }\n");
        s.push_str(&"} }\n".repeat(depth));
        pipeline(s)
    };
    let whens = {
        let mut s = String::new();
        for i in 0..depth {
            s.push_str(&format!("when W{i}: F {{\n"));
        }
        s.push_str(&"}\n".repeat(depth));
        pipeline(s)
    };
    vec![
        (
            "lists",
            pipeline(format!(
                "  param X: string = {}\"a\"{}",
                "[".repeat(depth),
                "]".repeat(depth)
            )),
        ),
        (
            "parentheses",
            pipeline(format!(
                "  param X: int = {}1{}",
                "(".repeat(depth),
                ")".repeat(depth)
            )),
        ),
        ("not", when(format!("{}F", "not ".repeat(depth)))),
        (
            "call arguments",
            pipeline(format!(
                "  param X: string = {}\"a\"{}",
                "f(".repeat(depth),
                ")".repeat(depth)
            )),
        ),
        (
            "exists",
            when(format!("{}F{}", "exists(".repeat(depth), ")".repeat(depth))),
        ),
        (
            "json",
            when(format!(
                "{}F{} as int > 1",
                "json(".repeat(depth),
                ", \"a\")".repeat(depth)
            )),
        ),
        ("when", whens),
        ("parallel", parallel),
    ]
}

fn has_e005(text: &str) -> bool {
    codes_of_source(text).contains(&Code::E005)
}

#[test]
fn every_recursive_construct_stops_at_the_nesting_limit() {
    let limit = aslc::syntax::MAX_DEPTH as usize;
    for (what, src) in nested_sources(limit - 8) {
        assert!(!has_e005(&src), "{what}: refused below the limit");
    }
    for (what, src) in nested_sources(limit + 1) {
        assert!(has_e005(&src), "{what}: accepted past the limit");
    }
}

#[test]
fn two_hundred_thousand_levels_of_each_construct_are_one_diagnostic_not_a_crash() {
    for (what, src) in nested_sources(200_000) {
        assert!(has_e005(&src), "{what}");
        // The whole compile, too: diagnostics, no artefact, no overflow.
        let out = driver::compile_source(&src, "deep.sfn", &Default::default());
        assert!(out.asl.is_none(), "{what}");
        assert!(
            out.diagnostics.iter().any(|d| d.code == Code::E005),
            "{what}"
        );
    }
}

#[test]
fn options_do_not_nest() {
    // `input a = x { input b = y { … } }`: an option block holds `key value` pairs only.
    let src = format!(
        "pipeline \"p\" {{\n  processing P {{\n{}\n{}\n  }}\n}}\n",
        "input a = \"s3://b/\" {".repeat(200_000),
        "}".repeat(200_000)
    );
    assert!(codes_of_source(&src).contains(&Code::E001));
}

#[test]
fn two_hundred_thousand_levels_of_json_are_reported() {
    let codes = |t: &str| -> Vec<Code> {
        asl::validate(t, &asl::Options::default())
            .iter()
            .map(|d| d.code)
            .collect()
    };
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert_eq!(codes(&deep), vec![Code::E104]);
    // Over the size limit as well: both are said.
    let objects = format!("{}1{}", "{\"a\":".repeat(200_000), "}".repeat(200_000));
    assert_eq!(codes(&objects), vec![Code::E103, Code::E104]);
}

#[test]
fn hostile_yaml_gets_one_clear_diagnostic() {
    let codes = |yaml: &str| {
        asl::validate_yaml(yaml, &asl::Options::default())
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    };
    let deep = format!("a: {}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert_eq!(codes(&deep), vec![Code::E136]);
    let deep_maps = format!("a: {}1{}", "{x: ".repeat(50_000), "}".repeat(50_000));
    assert_eq!(codes(&deep_maps), vec![Code::E136]);
    // An alias bomb ("billion laughs") is refused before anything expands.
    let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n";
    assert_eq!(codes(bomb), vec![Code::E136]);
    assert_eq!(codes("a: !Ref Thing\n"), vec![Code::E136]);
    // Empty YAML is the JSON `null`: not an object.
    assert_eq!(codes(""), vec![Code::E101]);
}

#[test]
fn a_long_derived_state_name_is_the_users_e028_not_an_internal_error() {
    // `<Step>.Cache.Lookup` is 83 characters: a name only the lowering makes.
    let step = format!("Prep{}", "X".repeat(66));
    let src = format!(
        "pipeline \"lw\" {{\n  role \"arn:aws:iam::123456789012:role/r\"\n  cache_table \"t\"\n  processing {step} {{\n    image \"i\"\n    instance ml.m5.xlarge x 1\n    code \"s3://b/c.py\"\n    output o = \"s3://b/o/\"\n    cache 1d\n  }}\n}}\n"
    );
    let out = driver::compile_source(&src, "lw.sfn", &Default::default());
    let codes: Vec<Code> = out.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::E028], "{:?}", out.diagnostics);
    assert!(out.diagnostics[0].message.contains(".Cache."));
    assert!(out.asl.is_none());
}

#[test]
fn a_long_step_name_is_judged_by_the_names_the_lowering_makes() {
    // 70 characters: `<Step>.Lineage` (78) fits, in the middle of the pipeline and at its end,
    // where the top level's one `Pipeline.Done` ends it (not a `<Step>.Lineage.Done` of 83).
    let long = format!("R{}", "x".repeat(69));
    let src = |last: bool| {
        let tail = if last {
            String::new()
        } else {
            format!("\n  lambda After {{ function \"a\" depends_on [{long}] }}")
        };
        format!("pipeline \"p\" {{\n  role \"arn:aws:iam::1:role/r\"\n  training T {{\n    image \"i\" instance ml.m5.xlarge output m = \"s3://b/m/\"\n  }}\n  register {long} {{\n    model_package_group \"g\" model T\n  }}{tail}\n}}\n")
    };
    for last in [false, true] {
        let out = driver::compile_source(&src(last), "p.sfn", &Default::default());
        assert!(out.asl.is_some(), "{:?}", out.diagnostics);
        assert!(out.asl.unwrap_or_default().contains("Pipeline.Done") == last);
    }
    // One character more and `<Step>.Lineage` (79 + 8) is over: the user's E028, never E900.
    let longer = src(true).replace(&long, &format!("{long}xxxxxxxxxx"));
    let out = driver::compile_source(&longer, "p.sfn", &Default::default());
    let codes: Vec<Code> = out.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::E028]);
    assert!(out.diagnostics[0].message.contains(".Lineage"));
}

#[test]
fn hostile_templates_get_clear_diagnostics() {
    let codes = |name: &str, text: &str| {
        asl::validate_file(std::path::Path::new(name), text, &asl::Options::default())
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    };
    let machine = |props: &str| {
        format!("{{\"Resources\": {{\"M\": {{\"Type\": \"AWS::StepFunctions::StateMachine\", \"Properties\": {props}}}}}}}")
    };
    // A definition string that is not JSON, an intrinsic where the definition goes, a
    // `Fn::Join` of numbers, `Properties` that is not an object: a diagnostic, never a panic.
    assert_eq!(
        codes("t.json", &machine(r#"{"DefinitionString": "{ not json"}"#)),
        vec![Code::E100]
    );
    assert_eq!(
        codes("t.json", &machine(r#"{"Definition": {"Ref": "X"}}"#)),
        vec![Code::E101]
    );
    assert_eq!(
        codes(
            "t.json",
            &machine(r#"{"DefinitionString": {"Fn::Join": [1, [2, {"Fn::Sub": [3]}]]}}"#)
        ),
        vec![Code::E100]
    );
    assert_eq!(codes("t.json", &machine("5")), vec![Code::W106]);
    // Deeply nested definitions and templates are refused where the JSON or YAML is read.
    let deep = machine(&format!(
        "{{\"Definition\": {}{}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    ));
    assert_eq!(codes("t.json", &deep), vec![Code::E104]);
    let deep_yaml = format!("Resources: {}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert_eq!(codes("t.yaml", &deep_yaml), vec![Code::E136]);
    // An unknown tag in a template is not a CloudFormation intrinsic.
    let tagged = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: !<tag:x> 1\n";
    assert_eq!(codes("t.yaml", tagged), vec![Code::E136]);
}
