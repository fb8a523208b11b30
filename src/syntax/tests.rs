use super::ast::*;
use super::parse;
use crate::diagnostics::Code;

fn errors(src: &str) -> Vec<(Code, String, usize)> {
    parse(src)
        .1
        .into_iter()
        .map(|d| (d.code, d.message, d.span.start as usize))
        .collect()
}

#[test]
fn parses_the_sketch_example_without_errors() {
    let src = include_str!("../../fixtures/nightly_fraud_retrain.sfn");
    let (p, diags) = parse(src);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(p.name.as_plain().as_deref(), Some("nightly-fraud-retrain"));
    let steps: Vec<&str> = p
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Step(s) => Some(s.name.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(steps, ["Featurise", "TrainXGB", "Evaluate", "GateOnAuc"]);
}

#[test]
fn spans_cover_exactly_their_tokens() {
    let src = "pipeline \"p\" {\n  param AucThreshold: float = 0.94\n}\n";
    let (p, d) = parse(src);
    assert!(d.is_empty());
    let Item::Param(param) = &p.items[0] else {
        panic!("not a param")
    };
    assert_eq!(&src[param.name.span.range()], "AucThreshold");
    assert_eq!(&src[param.ty.span.range()], "float");
    assert_eq!(&src[param.default.as_ref().unwrap().span.range()], "0.94");
    assert_eq!(&src[param.span.range()], "param AucThreshold: float = 0.94");
}

#[test]
fn three_typos_give_three_errors() {
    let src = "pipeline \"p\" {\n  param A float\n  processng X { image \"i\" }\n  param B: int = \n  param C: int\n}\n";
    let errs = errors(src);
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(errs[0].1.contains("expected `:`"), "{}", errs[0].1);
    assert!(
        errs[1].1.contains("did you mean `processing`"),
        "{}",
        errs[1].1
    );
}

#[test]
fn strings_escapes_and_interpolation() {
    let src = r#"pipeline "p" { role "a\"b\{c\}{DataDate}/{Step.out}" }"#;
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{d:?}");
    let Item::Setting(prop) = &p.items[0] else {
        panic!()
    };
    let PropValue::Expr(Expr {
        kind: ExprKind::Str(s),
        ..
    }) = &prop.value
    else {
        panic!()
    };
    assert_eq!(s.parts.len(), 4);
    assert_eq!(s.parts[0], StrPart::Text("a\"b{c}".into()));
    let StrPart::Interp(ids, span) = &s.parts[3] else {
        panic!()
    };
    assert_eq!(ids.len(), 2);
    assert_eq!(&src[span.range()], "{Step.out}");
}

#[test]
fn durations_and_instance_specs() {
    let src =
        "pipeline \"p\" { training T { max_runtime 2h instance ml.m5.xlarge x 3 cache 30d } }";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{d:?}");
    let Item::Step(step) = &p.items[0] else {
        panic!()
    };
    let StepBody::Props(props) = &step.body else {
        panic!()
    };
    assert_eq!(
        props[0].value,
        PropValue::Expr(Expr {
            kind: ExprKind::Duration(7200),
            span: props[0].value.span(props[0].span)
        })
    );
    let PropValue::Instance(spec) = &props[1].value else {
        panic!()
    };
    assert_eq!(spec.ty.name, "ml.m5.xlarge");
    assert!(matches!(spec.count, Some(Count::Lit(3, _))));
    let PropValue::Expr(Expr {
        kind: ExprKind::Duration(d),
        ..
    }) = &props[2].value
    else {
        panic!()
    };
    assert_eq!(*d, 30 * 86_400);
}

#[test]
fn bad_input_never_panics() {
    let long_nesting = format!("pipeline \"p\" {{ {} }}", "when W: A {".repeat(500));
    let samples = [
        "",
        "\u{0}\u{1}\u{2}garbage\u{7f}",
        "pipeline \"unterminated",
        "pipeline \"p\" { role \"x",
        "pipeline \"p\" { param X: int = ((((((((((((1 }",
        "}}}}{{{{",
        "pipeline \"p\" { /* never closed",
        &long_nesting,
    ];
    for s in samples {
        let (_, d) = parse(s);
        assert!(
            !d.is_empty() || s.is_empty() && d.is_empty() || s.is_empty(),
            "{s:?}"
        );
    }
    assert!(errors(&long_nesting).iter().any(|e| e.0 == Code::E005));
    let deep_parens = format!(
        "pipeline \"p\" {{ param X: int = {}1 }}",
        "(".repeat(10_000)
    );
    assert!(errors(&deep_parens).iter().any(|e| e.0 == Code::E005));
}

#[test]
fn unterminated_string_has_its_own_code() {
    let errs = errors("pipeline \"p\" {\n  role \"abc\n}\n");
    assert_eq!(errs[0].0, Code::E002);
}

#[test]
fn unclosed_block_points_at_the_opening_brace() {
    let (_, d) = parse("pipeline \"p\" {\n  processing X {\n    image \"i\"\n");
    let e = d.iter().find(|d| d.code == Code::E006).expect("E006");
    assert_eq!(e.secondary.len(), 1);
}
