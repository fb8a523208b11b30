//! Snapshots of the ASL and lineage sidecar for the seed pipeline and one fixture per step
//! kind. Each snapshot was read when it was accepted: a change here is a change of output.

use aslc::driver;
use std::path::PathBuf;

fn compile(rel: &str) -> (String, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let out = driver::compile_source(&text, &name, &Default::default());
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{rel}: {errors:#?}");
    (out.asl.expect("asl"), out.lineage.expect("lineage"))
}

macro_rules! snapshot {
    ($name:ident, $file:literal) => {
        #[test]
        fn $name() {
            let (asl, lineage) = compile($file);
            insta::assert_snapshot!(concat!(stringify!($name), "_asl"), asl);
            insta::assert_snapshot!(concat!(stringify!($name), "_lineage"), lineage);
        }
    };
}

snapshot!(nightly_fraud_retrain, "fixtures/nightly_fraud_retrain.sfn");
snapshot!(step_processing, "fixtures/steps/processing.sfn");
snapshot!(step_training, "fixtures/steps/training.sfn");
snapshot!(step_tuning, "fixtures/steps/tuning.sfn");
snapshot!(
    step_transform_and_create_model,
    "fixtures/steps/transform.sfn"
);
snapshot!(step_register, "fixtures/steps/register.sfn");
snapshot!(step_lambda, "fixtures/steps/lambda.sfn");
snapshot!(step_callback, "fixtures/steps/callback.sfn");
snapshot!(step_emr, "fixtures/steps/emr.sfn");
snapshot!(step_emr_cluster, "fixtures/steps/emr_cluster.sfn");
snapshot!(step_fail, "fixtures/steps/fail.sfn");
snapshot!(step_when, "fixtures/steps/when.sfn");
snapshot!(step_parallel, "fixtures/steps/parallel.sfn");
snapshot!(step_schedule, "fixtures/steps/schedule.sfn");
snapshot!(step_trigger, "fixtures/steps/trigger.sfn");
snapshot!(foreach_partitions, "fixtures/foreach/partitions.sfn");
snapshot!(foreach_s3_prefix, "fixtures/foreach/s3_prefix.sfn");
snapshot!(step_cache, "fixtures/steps/cache.sfn");
snapshot!(step_names, "fixtures/steps/names.sfn");
snapshot!(step_values, "fixtures/steps/values.sfn");
snapshot!(step_json_optional, "fixtures/steps/json_optional.sfn");
snapshot!(step_result_fields, "fixtures/steps/result_fields.sfn");
snapshot!(step_tuning_options, "fixtures/steps/tuning_options.sfn");

/// The recorder is the same machine for every pipeline but its name and comment: one snapshot.
#[test]
fn lineage_recorder() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/nightly_fraud_retrain.sfn"),
    )
    .expect("read");
    let out = driver::compile_source(&text, "nightly_fraud_retrain.sfn", &Default::default());
    insta::assert_snapshot!("lineage_recorder_asl", out.recorder.expect("recorder"));
}

#[test]
fn output_is_deterministic() {
    let a = compile("fixtures/nightly_fraud_retrain.sfn");
    let b = compile("fixtures/nightly_fraud_retrain.sfn");
    assert_eq!(a, b);
}

#[test]
fn schedules() {
    for (name, rel) in [
        (
            "schedule_nightly_fraud_retrain",
            "fixtures/nightly_fraud_retrain.sfn",
        ),
        ("schedule_rate_today", "fixtures/steps/schedule.sfn"),
    ] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
        let out = driver::compile_source(
            &std::fs::read_to_string(&path).expect("read"),
            "x.sfn",
            &Default::default(),
        );
        insta::assert_snapshot!(name, out.schedule.expect("a schedule"));
    }
}
