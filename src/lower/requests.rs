//! Task requests for each step kind: resource, parameters, and how each output is selected
//! from the integration's result.

use super::retry::Integration;
use super::values::{arg, put, put_str};
use crate::asl::model::Payload;
use crate::check::steps_prefix as job_prefix;
use crate::check::{Instance, Named, RangeKind, StepDef, StepIr, Training, Val};
use serde_json::{json, Value as Json};

pub struct Request {
    pub resource: String,
    pub parameters: Payload,
    /// Output name → path (or intrinsic) into the raw result.
    pub outputs: Vec<(String, String)>,
    /// Outputs kept whether or not a later step reads them (job ARNs: small, and what an
    /// execution's output needs to be traced back to its jobs).
    pub always: &'static [&'static str],
    pub integration: Integration,
    pub timeout: Option<u64>,
    pub heartbeat: Option<u64>,
}

impl Request {
    fn new(resource: &str, integration: Integration) -> Request {
        Request {
            resource: resource.to_string(),
            parameters: Payload::new(),
            outputs: Vec::new(),
            always: &[],
            integration,
            timeout: None,
            heartbeat: None,
        }
    }
}

/// `States.Format('featurise-{}', States.UUID())`: unique per attempt, at most 63 characters.
fn job_name(step: &str) -> Json {
    Json::String(format!(
        "States.Format('{}-{{}}', States.UUID())",
        job_prefix(step)
    ))
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn with(f: impl FnOnce(&mut Payload)) -> Json {
    let mut m = Payload::new();
    f(&mut m);
    Json::Object(m)
}

fn resources(i: &Instance, volume: i64) -> Json {
    obj(vec![
        ("InstanceCount", json!(i.count)),
        ("InstanceType", json!(i.ty)),
        ("VolumeSizeInGB", json!(volume)),
    ])
}

fn env(map: &mut Payload, environment: &[Named]) {
    if !environment.is_empty() {
        map.insert(
            "Environment".into(),
            with(|m| environment.iter().for_each(|n| put(m, &n.name, &n.value))),
        );
    }
}

/// A list of strings: a literal array, or `States.Array(...)` when any element is resolved at
/// run time (payload templates cannot put `.$` on array elements).
fn string_list(map: &mut Payload, key: &str, items: &[Val]) {
    if items.iter().all(|v| matches!(v, Val::Lit(_))) {
        let arr = items
            .iter()
            .map(|v| {
                if let Val::Lit(j) = v {
                    j.clone()
                } else {
                    Json::Null
                }
            })
            .collect();
        map.insert(key.into(), Json::Array(arr));
    } else {
        let args: Vec<String> = items.iter().map(arg).collect();
        map.insert(
            format!("{key}.$"),
            Json::String(format!("States.Array({})", args.join(", "))),
        );
    }
}

pub fn request(step: &StepDef, role: &str) -> Option<Request> {
    let name = &step.name;
    Some(match &step.body {
        StepIr::Processing {
            image,
            instance,
            volume_gb,
            max_runtime,
            code,
            entrypoint,
            arguments,
            inputs,
            outputs,
            property_files: _,
            environment,
        } => {
            let mut r = Request::new(
                "arn:aws:states:::sagemaker:createProcessingJob.sync",
                Integration::SageMaker,
            );
            let p = &mut r.parameters;
            p.insert("ProcessingJobName.$".into(), job_name(name));
            put_str(p, "RoleArn", role);
            p.insert(
                "AppSpecification".into(),
                with(|m| {
                    put(m, "ImageUri", image);
                    if !entrypoint.is_empty() {
                        m.insert("ContainerEntrypoint".into(), json!(entrypoint));
                    }
                    if !arguments.is_empty() {
                        string_list(m, "ContainerArguments", arguments);
                    }
                }),
            );
            p.insert(
                "ProcessingResources".into(),
                obj(vec![("ClusterConfig", resources(instance, *volume_gb))]),
            );
            let mut ins: Vec<Json> = Vec::new();
            let input = |name: &str, uri: &Val, local: String| {
                with(|m| {
                    put_str(m, "InputName", name);
                    m.insert(
                        "S3Input".into(),
                        with(|s| {
                            put(s, "S3Uri", uri);
                            put_str(s, "LocalPath", &local);
                            put_str(s, "S3DataType", "S3Prefix");
                            put_str(s, "S3InputMode", "File");
                        }),
                    );
                })
            };
            for n in inputs {
                ins.push(input(
                    &n.name,
                    &n.value,
                    format!("/opt/ml/processing/input/{}", n.name),
                ));
            }
            if let Some(code) = code {
                ins.push(input("code", code, "/opt/ml/processing/input/code".into()));
            }
            if !ins.is_empty() {
                p.insert("ProcessingInputs".into(), Json::Array(ins));
            }
            if !outputs.is_empty() {
                let outs: Vec<Json> = outputs
                    .iter()
                    .map(|n| {
                        with(|m| {
                            put_str(m, "OutputName", &n.name);
                            m.insert(
                                "S3Output".into(),
                                with(|s| {
                                    put(s, "S3Uri", &n.value);
                                    put_str(
                                        s,
                                        "LocalPath",
                                        &format!("/opt/ml/processing/output/{}", n.name),
                                    );
                                    put_str(s, "S3UploadMode", "EndOfJob");
                                }),
                            );
                        })
                    })
                    .collect();
                p.insert(
                    "ProcessingOutputConfig".into(),
                    obj(vec![("Outputs", Json::Array(outs))]),
                );
            }
            p.insert(
                "StoppingCondition".into(),
                obj(vec![("MaxRuntimeInSeconds", json!(max_runtime))]),
            );
            env(p, environment);
            r.outputs = outputs
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    (
                        n.name.clone(),
                        format!("$.ProcessingOutputConfig.Outputs[{i}].S3Output.S3Uri"),
                    )
                })
                .chain([("job_arn".to_string(), "$.ProcessingJobArn".to_string())])
                .collect();
            r.always = &["job_arn"];
            r
        }
        StepIr::Training(t) => {
            let mut r = Request::new(
                "arn:aws:states:::sagemaker:createTrainingJob.sync",
                Integration::SageMaker,
            );
            r.parameters
                .insert("TrainingJobName.$".into(), job_name(name));
            put_str(&mut r.parameters, "RoleArn", role);
            training_definition(&mut r.parameters, t, "HyperParameters");
            r.outputs = vec![
                (
                    "model_artifacts".into(),
                    "$.ModelArtifacts.S3ModelArtifacts".into(),
                ),
                ("job_name".into(), "$.TrainingJobName".into()),
                (
                    t.output.name.clone(),
                    "$.OutputDataConfig.S3OutputPath".into(),
                ),
                ("job_arn".into(), "$.TrainingJobArn".into()),
            ];
            r.always = &["job_arn"];
            r
        }
        StepIr::Tuning {
            training,
            objective_type,
            objective_metric,
            strategy,
            max_jobs,
            max_parallel,
            ranges,
        } => {
            let mut r = Request::new(
                "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
                Integration::SageMaker,
            );
            // Tuning job names are limited to 32 characters: a short prefix and 12 random hex
            // digits (the last group of a UUID).
            let prefix: String = job_prefix(name)
                .chars()
                .take(19)
                .collect::<String>()
                .trim_end_matches('-')
                .to_string();
            r.parameters.insert(
                "HyperParameterTuningJobName.$".into(),
                Json::String(format!("States.Format('{prefix}-{{}}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))")),
            );
            let mut cont = Vec::new();
            let mut int = Vec::new();
            let mut cat = Vec::new();
            for range in ranges {
                match &range.kind {
                    RangeKind::Continuous(a, b) => {
                        cont.push(json!({"Name": range.name, "MinValue": a, "MaxValue": b}))
                    }
                    RangeKind::Integer(a, b) => {
                        int.push(json!({"Name": range.name, "MinValue": a, "MaxValue": b}))
                    }
                    RangeKind::Categorical(v) => cat.push(json!({"Name": range.name, "Values": v})),
                }
            }
            r.parameters.insert(
                "HyperParameterTuningJobConfig".into(),
                json!({
                    "Strategy": strategy,
                    "HyperParameterTuningJobObjective": {"Type": objective_type, "MetricName": objective_metric},
                    "ResourceLimits": {"MaxNumberOfTrainingJobs": max_jobs, "MaxParallelTrainingJobs": max_parallel},
                    "ParameterRanges": {
                        "ContinuousParameterRanges": cont,
                        "IntegerParameterRanges": int,
                        "CategoricalParameterRanges": cat,
                    },
                }),
            );
            let mut def = Payload::new();
            put_str(&mut def, "RoleArn", role);
            training_definition(&mut def, training, "StaticHyperParameters");
            r.parameters
                .insert("TrainingJobDefinition".into(), Json::Object(def));
            let glue = if matches!(&training.output.value, Val::Lit(Json::String(s)) if s.ends_with('/'))
            {
                ""
            } else {
                "/"
            };
            r.outputs = vec![
                ("best_training_job".into(), "$.BestTrainingJob.TrainingJobName".into()),
                (
                    "model_artifacts".into(),
                    format!("States.Format('{{}}{glue}{{}}/output/model.tar.gz', $.TrainingJobDefinition.OutputDataConfig.S3OutputPath, $.BestTrainingJob.TrainingJobName)"),
                ),
                (training.output.name.clone(), "$.TrainingJobDefinition.OutputDataConfig.S3OutputPath".into()),
                ("job_arn".into(), "$.HyperParameterTuningJobArn".into()),
            ];
            r.always = &["job_arn"];
            r
        }
        StepIr::Transform {
            model,
            instance,
            input,
            output,
            content_type,
            split_type,
            max_runtime,
        } => {
            let mut r = Request::new(
                "arn:aws:states:::sagemaker:createTransformJob.sync",
                Integration::SageMaker,
            );
            let p = &mut r.parameters;
            p.insert("TransformJobName.$".into(), job_name(name));
            p.insert(
                "ModelName.$".into(),
                Json::String(crate::check::step_path(model, "model_name")),
            );
            p.insert(
                "TransformInput".into(),
                with(|m| {
                    m.insert(
                        "DataSource".into(),
                        obj(vec![(
                            "S3DataSource",
                            with(|s| {
                                put_str(s, "S3DataType", "S3Prefix");
                                put(s, "S3Uri", &input.value);
                            }),
                        )]),
                    );
                    if let Some(ct) = content_type {
                        put_str(m, "ContentType", ct);
                    }
                    if let Some(st) = split_type {
                        put_str(m, "SplitType", st);
                    }
                }),
            );
            p.insert(
                "TransformOutput".into(),
                with(|m| put(m, "S3OutputPath", &output.value)),
            );
            p.insert(
                "TransformResources".into(),
                obj(vec![
                    ("InstanceCount", json!(instance.count)),
                    ("InstanceType", json!(instance.ty)),
                ]),
            );
            r.outputs = vec![
                (output.name.clone(), "$.TransformOutput.S3OutputPath".into()),
                ("job_arn".into(), "$.TransformJobArn".into()),
            ];
            r.always = &["job_arn"];
            r.timeout = *max_runtime;
            r
        }
        StepIr::CreateModel { image, model_data } => {
            let mut r = Request::new(
                "arn:aws:states:::sagemaker:createModel",
                Integration::SageMaker,
            );
            r.parameters.insert("ModelName.$".into(), job_name(name));
            put_str(&mut r.parameters, "ExecutionRoleArn", role);
            r.parameters.insert(
                "PrimaryContainer".into(),
                with(|m| {
                    put(m, "Image", image);
                    put(m, "ModelDataUrl", model_data);
                }),
            );
            // CreateModel returns only the ARN; the name is its last segment.
            r.outputs = vec![
                ("model_arn".into(), "$.ModelArn".into()),
                (
                    "model_name".into(),
                    "States.ArrayGetItem(States.StringSplit($.ModelArn, '/'), 1)".into(),
                ),
            ];
            r.always = &["model_arn"];
            r
        }
        StepIr::Register {
            group,
            approval,
            image,
            model_data,
            content_types,
            response_types,
            metrics,
            description,
        } => {
            let mut r = Request::new(
                "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
                Integration::SageMakerSdk,
            );
            let p = &mut r.parameters;
            put(p, "ModelPackageGroupName", group);
            put_str(p, "ModelApprovalStatus", approval);
            if let Some(d) = description {
                put(p, "ModelPackageDescription", d);
            }
            p.insert(
                "InferenceSpecification".into(),
                with(|m| {
                    m.insert(
                        "Containers".into(),
                        Json::Array(vec![with(|c| {
                            put(c, "Image", image);
                            put(c, "ModelDataUrl", model_data);
                        })]),
                    );
                    m.insert("SupportedContentTypes".into(), json!(content_types));
                    m.insert("SupportedResponseMIMETypes".into(), json!(response_types));
                }),
            );
            if let Some(uri) = metrics {
                p.insert(
                    "ModelMetrics".into(),
                    obj(vec![(
                        "ModelQuality",
                        obj(vec![(
                            "Statistics",
                            with(|s| {
                                put_str(s, "ContentType", "application/json");
                                put(s, "S3Uri", uri);
                            }),
                        )]),
                    )]),
                );
            }
            p.insert(
                "MetadataProperties".into(),
                json!({"GeneratedBy.$": "$$.Execution.Id"}),
            );
            // Idempotent across retries of this state within one execution.
            p.insert(
                "ClientToken.$".into(),
                Json::String(format!(
                    "States.Hash(States.Format('{{}}/{name}', $$.Execution.Id), 'MD5')"
                )),
            );
            r.outputs = vec![("model_package_arn".into(), "$.ModelPackageArn".into())];
            r.always = &["model_package_arn"];
            r
        }
        StepIr::Lambda {
            function,
            payload,
            timeout,
        } => {
            let mut r = Request::new("arn:aws:states:::lambda:invoke", Integration::Lambda);
            put(&mut r.parameters, "FunctionName", function);
            r.parameters.insert(
                "Payload".into(),
                with(|m| payload.iter().for_each(|n| put(m, &n.name, &n.value))),
            );
            r.outputs = vec![("payload".into(), "$.Payload".into())];
            r.timeout = *timeout;
            r
        }
        StepIr::Callback {
            queue,
            message,
            timeout,
            heartbeat,
        } => {
            let mut r = Request::new(
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                Integration::Sqs,
            );
            put(&mut r.parameters, "QueueUrl", queue);
            r.parameters.insert(
                "MessageBody".into(),
                with(|m| {
                    message.iter().for_each(|n| put(m, &n.name, &n.value));
                    m.insert("TaskToken.$".into(), json!("$$.Task.Token"));
                    m.insert("ExecutionId.$".into(), json!("$$.Execution.Id"));
                }),
            );
            r.outputs = vec![("output".into(), "$".into())];
            r.timeout = *timeout;
            r.heartbeat = *heartbeat;
            r
        }
        StepIr::Emr {
            cluster,
            jar,
            args,
            action_on_failure,
        } => {
            let mut r = Request::new(
                "arn:aws:states:::elasticmapreduce:addStep.sync",
                Integration::Emr,
            );
            put(&mut r.parameters, "ClusterId", cluster);
            r.parameters.insert(
                "Step".into(),
                with(|s| {
                    put_str(s, "Name", name);
                    put_str(s, "ActionOnFailure", action_on_failure);
                    s.insert(
                        "HadoopJarStep".into(),
                        with(|h| {
                            put_str(h, "Jar", jar);
                            string_list(h, "Args", args);
                        }),
                    );
                }),
            );
            r
        }
        StepIr::Fail { .. } | StepIr::When { .. } | StepIr::Parallel { .. } => return None,
    })
}

/// The parts of a training request shared by training and tuning steps.
fn training_definition(p: &mut Payload, t: &Training, hyper_key: &str) {
    p.insert(
        "AlgorithmSpecification".into(),
        with(|m| {
            put(m, "TrainingImage", &t.image);
            put_str(m, "TrainingInputMode", t.input_mode);
        }),
    );
    if !t.channels.is_empty() {
        let channels = t
            .channels
            .iter()
            .map(|c| {
                with(|m| {
                    put_str(m, "ChannelName", &c.name);
                    m.insert(
                        "DataSource".into(),
                        obj(vec![(
                            "S3DataSource",
                            with(|s| {
                                put_str(s, "S3DataType", "S3Prefix");
                                put(s, "S3Uri", &c.value);
                                put_str(s, "S3DataDistributionType", "FullyReplicated");
                            }),
                        )]),
                    );
                })
            })
            .collect();
        p.insert("InputDataConfig".into(), Json::Array(channels));
    }
    p.insert(
        "OutputDataConfig".into(),
        with(|m| put(m, "S3OutputPath", &t.output.value)),
    );
    p.insert("ResourceConfig".into(), resources(&t.instance, t.volume_gb));
    p.insert(
        "StoppingCondition".into(),
        obj(vec![("MaxRuntimeInSeconds", json!(t.max_runtime))]),
    );
    if !t.hyperparameters.is_empty() {
        p.insert(
            hyper_key.into(),
            with(|m| t.hyperparameters.iter().for_each(|(k, v)| put(m, k, v))),
        );
    }
    env(p, &t.environment);
}
