"""`aslc import` round trips: each SDK-generated definition of fixtures/import/ is imported with
the CLI, compiled, and executed on moto's Step Functions interpreter on the paths it has. Each
SageMaker (and Lambda, SQS, EMR) request the state machine sends is compared with what the
definition's `Arguments` say once SageMaker would have resolved them (parameters, execution
variables, step properties, `Std:Join`), and the branch taken with the one SageMaker takes."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import ROOT, aslc_binary, compile_pipeline
from mocks import CACHE_MISS, STORED, lambda_result, mock_file, model, processing_job, s3_json, training_job
from sfn_moto import entered, execute, scheduled, zero_waits

EXECUTION = "exec-1"


def load(name: str) -> dict:
    return json.loads((ROOT / f"fixtures/import/{name}.json").read_text())


def imported(tmp_path, name: str) -> str:
    """Import with the CLI, compile the source, return the ASL."""
    source = tmp_path / f"{name}.sfn"
    run = subprocess.run(
        [aslc_binary(), "import", str(ROOT / f"fixtures/import/{name}.json"), "-o", str(source)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    asl = compile_pipeline(source, tmp_path, "--no-lineage-states")["asl"]
    zero_waits(asl["States"])
    return json.dumps(asl)


def imported_definition(tmp_path, name: str, definition: dict) -> tuple[str, str]:
    """A definition written here, imported with the CLI: the source and the compiled ASL."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(definition))
    source = tmp_path / f"{name}.sfn"
    run = subprocess.run([aslc_binary(), "import", str(path), "-o", str(source)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    asl = json.dumps(compile_pipeline(source, tmp_path, "--no-lineage-states")["asl"])
    return source.read_text(), asl


def condition_definition(name: str, parameters: list, condition: dict, then: str) -> dict:
    """One condition step whose if-branch is a Lambda named `then`."""
    return {
        "Version": "2020-12-01",
        "Parameters": parameters,
        "Steps": [{"Name": name, "Type": "Condition", "Arguments": {
            "Conditions": [condition],
            "IfSteps": [{"Name": then, "Type": "Lambda", "FunctionArn": f"arn:aws:lambda:us-east-1:123456789012:function:{then}",
                         "Arguments": {}, "OutputParameters": []}],
            "ElseSteps": []}}],
    }


def steps(definition: dict) -> dict[str, dict]:
    """Every step by name, the ones inside conditions too."""
    out = {}

    def walk(items):
        for s in items:
            out[s["Name"]] = s
            if s["Type"] == "Condition":
                walk(s["Arguments"].get("IfSteps", []))
                walk(s["Arguments"].get("ElseSteps", []))

    walk(definition["Steps"])
    return out


def text(v) -> str:
    """How SageMaker writes a value into a string (Join, hyperparameters, environment)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if isinstance(v, str) else json.dumps(v)


class Resolver:
    """SageMaker's resolution of a definition's expressions for one execution."""

    def __init__(self, definition: dict, pipeline: str, params: dict, properties: dict):
        self.params = {p["Name"]: p.get("DefaultValue") for p in definition["Parameters"]}
        self.params.update(params)
        self.pipeline = pipeline
        self.properties = properties

    def __call__(self, v):
        if isinstance(v, list):
            return [self(x) for x in v]
        if not isinstance(v, dict):
            return v
        if set(v) == {"Get"}:
            path = v["Get"]
            if path.startswith("Parameters."):
                return self.params[path.removeprefix("Parameters.")]
            if path == "Execution.PipelineExecutionId":
                return EXECUTION
            if path == "Execution.PipelineName":
                return self.pipeline
            return self.properties[path]
        if set(v) == {"Std:Join"}:
            j = v["Std:Join"]
            return j["On"].join(text(self(x)) for x in j["Values"])
        return {k: self(x) for k, x in v.items()}


def by_name(items, key):
    return {i[key]: i for i in items or []}


def pruned(v):
    """Without empty groups (`"Bias": {}`), which say nothing."""
    if isinstance(v, dict):
        out = {k: pruned(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x is not None} or None
    return v


def strings(m: dict | None) -> dict:
    return {k: text(v) for k, v in (m or {}).items()}


def expect_processing(want: dict, got: dict):
    assert got["AppSpecification"]["ImageUri"] == want["AppSpecification"]["ImageUri"]
    assert [text(a) for a in got["AppSpecification"].get("ContainerArguments", [])] == [
        text(a) for a in want["AppSpecification"].get("ContainerArguments", [])
    ]
    assert got["AppSpecification"].get("ContainerEntrypoint") == want["AppSpecification"].get("ContainerEntrypoint")
    cluster = want["ProcessingResources"]["ClusterConfig"]
    assert got["ProcessingResources"]["ClusterConfig"]["InstanceType"] == cluster["InstanceType"]
    assert got["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == cluster["InstanceCount"]
    assert got["ProcessingResources"]["ClusterConfig"]["VolumeSizeInGB"] == cluster["VolumeSizeInGB"]
    ins, outs = by_name(got["ProcessingInputs"], "InputName"), by_name(want["ProcessingInputs"], "InputName")
    assert ins.keys() == outs.keys()
    for name, w in outs.items():
        for field in ("S3Uri", "LocalPath", "S3InputMode", "S3DataType"):
            assert ins[name]["S3Input"][field] == w["S3Input"][field], (name, field)
        for field in ("S3DataDistributionType", "S3CompressionType"):
            assert ins[name]["S3Input"].get(field, w["S3Input"][field]) == w["S3Input"][field], (name, field)
    got_out = by_name(got.get("ProcessingOutputConfig", {}).get("Outputs"), "OutputName")
    want_out = by_name(want.get("ProcessingOutputConfig", {}).get("Outputs"), "OutputName")
    assert got_out.keys() == want_out.keys()
    for name, w in want_out.items():
        assert got_out[name]["S3Output"] == w["S3Output"], name
    assert strings(got.get("Environment")) == strings(want.get("Environment"))
    assert got["StoppingCondition"]["MaxRuntimeInSeconds"] == want.get("StoppingCondition", {}).get(
        "MaxRuntimeInSeconds", 86400
    )


def expect_training(want: dict, got: dict, hyper: str = "HyperParameters"):
    assert got["AlgorithmSpecification"]["TrainingImage"] == want["AlgorithmSpecification"]["TrainingImage"]
    assert got["AlgorithmSpecification"]["TrainingInputMode"] == want["AlgorithmSpecification"]["TrainingInputMode"]
    resources = "HyperParameterTuningResourceConfig" if "HyperParameterTuningResourceConfig" in want else "ResourceConfig"
    for field in ("InstanceType", "InstanceCount", "VolumeSizeInGB"):
        assert got["ResourceConfig"][field] == want[resources][field], field
    channels, wanted = by_name(got["InputDataConfig"], "ChannelName"), by_name(want["InputDataConfig"], "ChannelName")
    assert channels.keys() == wanted.keys()
    for name, w in wanted.items():
        assert channels[name]["DataSource"] == w["DataSource"], name
        for field in ("ContentType", "InputMode", "CompressionType"):
            assert channels[name].get(field) == w.get(field), (name, field)
    assert got["OutputDataConfig"] == want["OutputDataConfig"]
    assert strings(got.get(hyper)) == strings(want.get(hyper))
    assert strings(got.get("Environment")) == strings(want.get("Environment"))
    assert got["StoppingCondition"] == want["StoppingCondition"]


def expect_container(want: dict, got: dict):
    assert got["Image"] == want["Image"]
    assert got["ModelDataUrl"] == want["ModelDataUrl"]
    assert strings(got.get("Environment")) == strings(want.get("Environment"))


def compare(definition: dict, result: dict, resolve: Resolver) -> set[str]:
    """Compare every request sent for a step of the definition; return the steps seen."""
    by_step = steps(definition)
    seen = set()
    for task in scheduled(result):
        step = by_step.get(task["state"])
        if step is None:
            continue
        seen.add(step["Name"])
        got, kind = task["parameters"], step["Type"]
        want = resolve(step.get("Arguments", {}))
        if kind == "Processing":
            expect_processing(want, got)
        elif kind == "Training":
            expect_training(want, got)
        elif kind == "Tuning":
            expect_training(want["TrainingJobDefinition"], got["TrainingJobDefinition"], "StaticHyperParameters")
            config, wanted = got["HyperParameterTuningJobConfig"], want["HyperParameterTuningJobConfig"]
            for field in ("Strategy", "ResourceLimits", "HyperParameterTuningJobObjective", "TrainingJobEarlyStoppingType"):
                assert config[field] == wanted[field], field
            for kind_ in ("ContinuousParameterRanges", "IntegerParameterRanges", "CategoricalParameterRanges"):
                assert config["ParameterRanges"][kind_] == wanted["ParameterRanges"][kind_], kind_
        elif kind == "Transform":
            for field in ("ModelName", "TransformInput", "TransformResources", "MaxPayloadInMB", "BatchStrategy", "DataProcessing"):
                assert got.get(field) == want.get(field), field
            for field in ("S3OutputPath", "Accept", "AssembleWith"):
                assert got["TransformOutput"].get(field) == want["TransformOutput"].get(field), field
        elif kind == "Model":
            expect_container(want["PrimaryContainer"], got["PrimaryContainer"])
        elif kind == "RegisterModel":
            spec, wanted = got["InferenceSpecification"], want["InferenceSpecification"]
            expect_container(wanted["Containers"][0], spec["Containers"][0])
            for field in ("SupportedContentTypes", "SupportedResponseMIMETypes", "SupportedRealtimeInferenceInstanceTypes", "SupportedTransformInstanceTypes"):
                assert spec.get(field) == wanted.get(field), field
            for field in ("ModelPackageGroupName", "ModelApprovalStatus", "ModelMetrics", "DriftCheckBaselines"):
                assert pruned(got.get(field)) == pruned(want.get(field)), field
        elif kind == "Lambda":
            assert got["FunctionName"] == step["FunctionArn"]
            assert got["Payload"] == want
        elif kind == "Callback":
            assert got["QueueUrl"] == resolve(step["SqsQueueUrl"])
            body = json.loads(got["MessageBody"]) if isinstance(got["MessageBody"], str) else got["MessageBody"]
            for k, v in want.items():
                assert body[k] == v, k
        elif kind == "EMR":
            assert got["ClusterId"] == want["ClusterId"]
            assert got["Step"]["HadoopJarStep"]["Args"] == want["StepConfig"]["HadoopJarStep"]["Args"]
    return seen


BUCKET = "s3://sagemaker-us-east-1-123456789012"


@pytest.mark.parametrize("mse,taken", [(4.5, "if"), (7.5, "else")])
def test_abalone_full(tmp_path, mse, taken):
    asl = imported(tmp_path, "abalone_full")
    definition = load("abalone_full")
    default = {k: f"{BUCKET}/AbalonePipeline/{EXECUTION}/AbaloneProcess/output/{k}" for k in ("train", "validation", "test")}
    mocks = mock_file({
        "AbaloneProcess.Cache.Lookup": CACHE_MISS,
        "AbaloneProcess": processing_job("p-1", default),
        "AbaloneProcess.Cache.Store": STORED,
        "AbaloneTrain.Cache.Lookup": CACHE_MISS,
        "AbaloneTrain": training_job("t-1", f"{BUCKET}/AbaloneTrain"),
        "AbaloneTrain.Cache.Store": STORED,
        "AbaloneEval": processing_job("e-1", {"evaluation": f"{BUCKET}/abalone/evaluation"}),
        "AbaloneMSECond.Read.AbaloneEval.EvaluationReport": s3_json({"regression_metrics": {"mse": {"value": mse}}}),
        "RegisterAbaloneModel-RegisterModel": {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1"},
        "AbaloneCreateModel-CreateModel": model("m-1"),
        "AbaloneTransform": {"TransformJobName": "x-1", "TransformJobArn": "arn:aws:sagemaker:us-east-1:123456789012:transform-job/x-1", "TransformOutput": {"S3OutputPath": f"{BUCKET}/AbaloneTransform"}},
    })
    params = {"ProcessingInstanceCount": 3, "TrainingInstanceType": "ml.c5.2xlarge"}
    result = execute(asl, params, mocks, "Case", execution_name=EXECUTION)
    resolve = Resolver(definition, "AbalonePipeline", params, {
        "Steps.AbaloneProcess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri": default["train"],
        "Steps.AbaloneProcess.ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri": default["validation"],
        "Steps.AbaloneProcess.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri": default["test"],
        "Steps.AbaloneTrain.ModelArtifacts.S3ModelArtifacts": f"{BUCKET}/AbaloneTrain/t-1/output/model.tar.gz",
        # The model the (mocked) CreateModel reports, by its ARN.
        "Steps.AbaloneCreateModel-CreateModel.ModelName": "m-1",
    })
    seen = compare(definition, result, resolve)
    branch = {"RegisterAbaloneModel-RegisterModel", "AbaloneCreateModel-CreateModel", "AbaloneTransform"}
    if taken == "if":
        # SageMaker: MSE 4.5 <= 6.0, the if-steps run.
        assert result["status"] == "SUCCEEDED", result["cause"]
        assert branch <= seen
    else:
        # SageMaker: the else-step fails the execution with the message.
        assert result["status"] == "FAILED"
        assert not branch & seen
        assert result["error"] == "AbaloneMSEFail"
        # SageMaker's Join writes the float parameter 6.0; whether as "6.0" or "6" is not
        # documented (moto's States.Format writes "6").
        assert result["cause"] in ("Execution failed due to MSE > 6.0", "Execution failed due to MSE > 6")
    assert {"AbaloneProcess", "AbaloneTrain", "AbaloneEval"} <= seen


@pytest.mark.parametrize("approved,score,registered", [(True, 0.9, True), (True, 0.2, False), (False, 0.9, False)])
def test_callback_approval(tmp_path, approved, score, registered):
    asl = imported(tmp_path, "callback_approval")
    definition = load("callback_approval")
    mocks = mock_file({
        "Train": training_job("t-1", f"{BUCKET}/approval/models"),
        "Approve": {"approved": approved, "score": score, "approver": "ana"},
        "Register-RegisterModel": {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1"},
    })
    result = execute(asl, {}, mocks, "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    resolve = Resolver(definition, "CallbackApproval", {}, {
        "Steps.Train.ModelArtifacts.S3ModelArtifacts": f"{BUCKET}/approval/models/t-1/output/model.tar.gz",
    })
    seen = compare(definition, result, resolve)
    assert ("Register-RegisterModel" in seen) == registered


@pytest.mark.parametrize("rows,stage,published", [(5000, "prod", True), (10, "prod", False), (10, "dev", True)])
def test_lambda_gate(tmp_path, rows, stage, published):
    asl = imported(tmp_path, "lambda_gate")
    definition = load("lambda_gate")
    mocks = mock_file({
        "CountRows": lambda_result({"rows": rows, "fresh": True}),
        "Publish": lambda_result({}),
    })
    result = execute(asl, {"Stage": stage}, mocks, "Case", execution_name=EXECUTION)
    resolve = Resolver(definition, "LambdaGate", {"Stage": stage}, {"Steps.CountRows.OutputParameters['rows']": rows})
    seen = compare(definition, result, resolve)
    # SageMaker: rows > 1000 or not (stage in [prod, staging]).
    assert ("Publish" in seen) == published
    if published:
        assert result["status"] == "SUCCEEDED", result["cause"]
    else:
        assert result["status"] == "FAILED"
        assert result["cause"] == f"only {rows} rows in {stage}"


def test_emr_then_process(tmp_path):
    asl = imported(tmp_path, "emr_then_process")
    definition = load("emr_then_process")
    mocks = mock_file({
        "Aggregate": {"StepId": "s-1"},
        "Report": processing_job("r-1", {"report": f"{BUCKET}/reports/{EXECUTION}"}),
    })
    result = execute(asl, {"ClusterId": "j-OTHER", "Day": "2025-02-02"}, mocks, "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    seen = compare(definition, result, Resolver(definition, "EmrThenProcess", {"ClusterId": "j-OTHER", "Day": "2025-02-02"}, {}))
    assert seen == {"Aggregate", "Report"}
    # DependsOn: the report starts after the EMR step.
    order = entered(result)
    assert order.index("Report") > order.index("Aggregate")


def test_retry_cache(tmp_path):
    asl = imported(tmp_path, "retry_cache")
    definition = load("retry_cache")
    capacity = {"Throw": {"Error": "States.TaskFailed", "Cause": json.dumps({"FailureReason": "CapacityError: no capacity"})}}
    mocks = mock_file({
        "Prepare.Cache.Lookup": CACHE_MISS,
        "Prepare": processing_job("p-1", {"features": f"{BUCKET}/retry/features"}),
        "Prepare.Cache.Store": STORED,
        "Train.Cache.Lookup": CACHE_MISS,
        "Train": [capacity, training_job("t-2", f"{BUCKET}/retry/models")],
        "Train.Cache.Store": STORED,
    })
    result = execute(asl, {"InstanceCount": 4}, mocks, "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    resolve = Resolver(definition, "RetryCache", {"InstanceCount": 4}, {
        "Steps.Prepare.ProcessingOutputConfig.Outputs['features'].S3Output.S3Uri": f"{BUCKET}/retry/features",
    })
    assert compare(definition, result, resolve) == {"Prepare", "Train"}
    # SageMaker retries a job that failed for capacity (the policy's CAPACITY_ERROR): twice sent.
    assert [t["state"] for t in scheduled(result)].count("Train") == 2


def test_batch_transform(tmp_path):
    asl = imported(tmp_path, "batch_transform")
    definition = load("batch_transform")
    params = {"ModelName": "other-model", "BatchInstanceCount": 5}
    mocks = mock_file({"Score": {"TransformJobName": "x-1", "TransformJobArn": "arn:aws:sagemaker:us-east-1:123456789012:transform-job/x-1", "TransformOutput": {"S3OutputPath": "s3://o"}}})
    result = execute(asl, params, mocks, "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    assert compare(definition, result, Resolver(definition, "BatchTransform", params, {})) == {"Score"}


def test_processing_options(tmp_path):
    asl = imported(tmp_path, "processing_options")
    definition = load("processing_options")
    params = {"Region": "us", "SampleRatio": 0.5}
    mocks = mock_file({
        "Shard": processing_job("s-1", {"shards": f"{BUCKET}/shards"}),
        "Stats": processing_job("s-2", {"stats": f"{BUCKET}/stats/ProcessingOptions"}),
    })
    result = execute(asl, params, mocks, "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    resolve = Resolver(definition, "ProcessingOptions", params, {})
    # START_DATETIME has no fixed value: compare it apart.
    shard = next(t["parameters"] for t in scheduled(result) if t["state"] == "Shard")
    started = shard["AppSpecification"]["ContainerArguments"][-1]
    assert started.startswith("20")
    resolve.properties["__start"] = started
    for arg in steps(definition)["Shard"]["Arguments"]["AppSpecification"]["ContainerArguments"]:
        if arg == {"Get": "Execution.StartDateTime"}:
            arg.clear()
            arg.update({"Get": "__start"})
    assert compare(definition, result, resolve) == {"Shard", "Stats"}


def test_tuning_top_models(tmp_path):
    asl = imported(tmp_path, "tuning_top_models")
    definition = load("tuning_top_models")
    tuning = {
        "HyperParameterTuningJobName": "tune-1",
        "HyperParameterTuningJobArn": "arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/tune-1",
        "BestTrainingJob": {"TrainingJobName": "tune-1-003"},
        "TrainingJobDefinition": {"OutputDataConfig": {"S3OutputPath": f"{BUCKET}/tuning-output"}},
    }
    mocks = mock_file({
        "TuneXGB": tuning,
        "TuneXGB.RankJobs": {"TrainingJobSummaries": [{"TrainingJobName": "tune-1-003"}, {"TrainingJobName": "tune-1-001"}]},
        "BestModel-CreateModel": model("best"),
        "RunnerUpModel-CreateModel": model("second"),
    })
    result = execute(asl, {"TrainData": f"{BUCKET}/other/train"}, mocks, "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    resolve = Resolver(definition, "TuningTopModels", {"TrainData": f"{BUCKET}/other/train"}, {
        # SageMaker lists the tuning job's training jobs by objective, best first.
        "Steps.TuneXGB.TrainingJobSummaries[0].TrainingJobName": "tune-1-003",
        "Steps.TuneXGB.TrainingJobSummaries[1].TrainingJobName": "tune-1-001",
    })
    assert compare(definition, result, resolve) == {"TuneXGB", "BestModel-CreateModel", "RunnerUpModel-CreateModel"}


SHARED = ROOT.parent / "shared" / "sagemaker-definitions"


@pytest.mark.skipif(not (SHARED / "sdk_fail_join_outcome.json").exists(), reason="shared definitions absent")
@pytest.mark.parametrize("value,outcome", [(1, "true"), (2, "false")])
def test_a_fail_message_reads_the_condition_outcome(tmp_path, value, outcome):
    """SDK test_two_step_fail_pipeline_with_join_fn: a Fail step after a condition joins the
    condition's Outcome into its message."""
    source = tmp_path / "outcome.sfn"
    run = subprocess.run([aslc_binary(), "import", str(SHARED / "sdk_fail_join_outcome.json"), "-o", str(source)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    asl = json.dumps(compile_pipeline(source, tmp_path, "--no-lineage-states")["asl"])
    result = execute(asl, {"MyInt": value}, None, None, execution_name=EXECUTION)
    assert result["status"] == "FAILED"
    assert result["error"] == "FailStep"
    # SageMaker writes a boolean into a Join as `true`/`false` (assumed; not documented).
    assert result["cause"] == f"Failed due to xxx == yyy returns: {outcome}"


@pytest.mark.parametrize("step_fails", [False, True])
def test_emr_cluster_config(tmp_path, step_fails):
    """SageMaker's EMR step with a cluster configuration: create the cluster, add the step,
    terminate the cluster, also when the step fails."""
    asl = imported(tmp_path, "emr_cluster_config")
    definition = load("emr_cluster_config")
    step = {"Throw": {"Error": "States.TaskFailed", "Cause": "Step s-1 FAILED"}} if step_fails else {"StepId": "s-1"}
    mocks = mock_file({
        "SparkOnNewCluster.CreateCluster": {"ClusterId": "j-NEW", "ClusterArn": "arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-NEW"},
        "SparkOnNewCluster": step,
        "SparkOnNewCluster.TerminateCluster": {},
        "SparkOnNewCluster.TerminateOnFailure": {},
    })
    result = execute(asl, {}, mocks, "Case", execution_name=EXECUTION)
    sent = {t["state"]: t["parameters"] for t in scheduled(result)}
    create = sent["SparkOnNewCluster.CreateCluster"]
    config = definition["Steps"][0]["Arguments"]["ClusterConfig"]
    for key, value in config.items():
        if key != "Instances":
            assert create[key] == value, key
    assert create["Instances"]["InstanceGroups"] == config["Instances"]["InstanceGroups"]
    assert create["Instances"]["KeepJobFlowAliveWhenNoSteps"] is True
    # The step runs on the cluster created for it, with the definition's step.
    assert sent["SparkOnNewCluster"]["ClusterId"] == "j-NEW"
    hadoop = definition["Steps"][0]["Arguments"]["StepConfig"]["HadoopJarStep"]
    assert sent["SparkOnNewCluster"]["Step"]["HadoopJarStep"]["Args"] == hadoop["Args"]
    assert sent["SparkOnNewCluster"]["Step"]["HadoopJarStep"]["Jar"] == hadoop["Jar"]
    if step_fails:
        # The cluster is terminated, then the execution fails with the step's error.
        assert sent["SparkOnNewCluster.TerminateOnFailure"]["ClusterId"] == "j-NEW"
        assert "SparkOnNewCluster.TerminateCluster" not in sent
        assert result["status"] == "FAILED"
        assert result["error"] == "EmrStepFailed"
        assert result["cause"] == "States.TaskFailed: Step s-1 FAILED"
    else:
        assert sent["SparkOnNewCluster.TerminateCluster"]["ClusterId"] == "j-NEW"
        assert result["status"] == "SUCCEEDED", result["cause"]


@pytest.mark.parametrize("depth,taken", [("8", True), ("3", False), ("10", True)])
def test_text_compared_with_a_number_is_compared_as_a_number(tmp_path, depth, taken):
    """SageMaker converts a String parameter compared with a number: "10" >= 6 holds (as text,
    "10" sorts before "6")."""
    definition = condition_definition(
        "Deep", [{"Name": "MaxDepth", "Type": "String", "DefaultValue": "8"}],
        {"Type": "GreaterThanOrEqualTo", "LeftValue": {"Get": "Parameters.MaxDepth"}, "RightValue": 6}, "Yes")
    source, asl = imported_definition(tmp_path, "deep", definition)
    assert "number(MaxDepth) >= 6" in source
    result = execute(asl, {"MaxDepth": depth}, mock_file({"Yes": lambda_result({})}), "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    assert ("Yes" in entered(result)) == taken


@pytest.mark.parametrize("auc,shipped", [(0.95, True), (0.80, False)])
def test_a_json_file_read_by_s3_uri(tmp_path, auc, shipped):
    """SageMaker's JsonGet(s3_uri=Join(...)): a JSON file that is not a property file, at a
    location under the execution's id, read before the condition."""
    location = {"Std:Join": {"On": "/", "Values": ["s3://metrics-bucket", {"Get": "Execution.PipelineExecutionId"}, "evaluation.json"]}}
    definition = condition_definition(
        "Good", [],
        {"Type": "GreaterThanOrEqualTo", "RightValue": 0.9,
         "LeftValue": {"Std:JsonGet": {"S3Uri": location, "Path": "metrics.auc"}}}, "Ship")
    source, asl = imported_definition(tmp_path, "good", definition)
    assert 'json(join("/", "s3://metrics-bucket", execution.id, "evaluation.json"), "metrics.auc") as float >= 0.9' in source
    mocks = mock_file({"Good.Read.Good_s3.json0": s3_json({"metrics": {"auc": auc}}), "Ship": lambda_result({})})
    result = execute(asl, {}, mocks, "Case", execution_name=EXECUTION)
    assert result["status"] == "SUCCEEDED", result["cause"]
    read = next(t["parameters"] for t in scheduled(result) if t["state"] == "Good.Read.Good_s3.json0")
    # The file SageMaker would read: the joined location, under this execution's id.
    assert read == {"Bucket": "metrics-bucket", "Key": f"{EXECUTION}/evaluation.json"}
    assert ("Ship" in entered(result)) == shipped
