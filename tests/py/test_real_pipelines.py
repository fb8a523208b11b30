"""Real public SageMaker pipelines written in .sfn (fixtures/real/), compiled and executed on
moto's interpreter with mocked service responses. Each asserts the requests SageMaker would have
received, as the SDK-generated definitions in ../shared/sagemaker-definitions/ state them, and
the path taken."""

import json
from datetime import datetime

import pytest
from conftest import ROOT, compile_pipeline
from mocks import CACHE_MISS, STORED, cache_hit, lambda_result, mock_file, processing_job, s3_json, training_job
from sfn_moto import entered, execute, scheduled

BUCKET = "s3://sagemaker-us-east-1-123456789012"


def compiled(tmp_path, name, *args):
    return json.dumps(
        compile_pipeline(ROOT / f"fixtures/real/{name}.sfn", tmp_path, "--no-lineage-states", *args)["asl"]
    )


def requests(result):
    return {t["state"]: t["parameters"] for t in scheduled(result)}


def test_step_caching_abalone(tmp_path):
    asl = compiled(tmp_path, "step_caching_abalone")
    prep = {k: f"{BUCKET}/x/{k}" for k in ("train", "validation", "test")}
    miss = mock_file({
        "AbaloneProcess.Cache.Lookup": CACHE_MISS,
        "AbaloneProcess": processing_job("p-1", prep),
        "AbaloneProcess.Cache.Store": STORED,
        "AbaloneTrain.Cache.Lookup": CACHE_MISS,
        "AbaloneTrain": training_job("t-1", f"{BUCKET}/AbaloneTrain"),
        "AbaloneTrain.Cache.Store": STORED,
    })
    result = execute(asl, {"ProcessingInstanceCount": 2}, miss, "Case", execution_name="e-1")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    req = requests(result)
    process = req["AbaloneProcess"]
    assert process["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 2
    dataset = process["ProcessingInputs"][0]
    assert dataset["InputName"] == "abalone-dataset"
    assert dataset["S3Input"]["LocalPath"] == "/opt/ml/processing/input"
    outputs = {o["OutputName"]: o["S3Output"]["S3Uri"] for o in process["ProcessingOutputConfig"]["Outputs"]}
    assert outputs["validation"] == f"{BUCKET}/AbaloneBetaPipelineCaching/e-1/AbaloneProcess/output/validation"
    # The store keeps the result twelve hours (the JSONata expiry state ran).
    store = req["AbaloneTrain.Cache.Store"]
    assert store["TableName"] == "abalone-step-cache"
    assert store["Item"]["expires"]["S"] > "2000"
    # ...and its `ttl` (the table's TTL attribute) is the same instant in epoch seconds.
    expires = datetime.fromisoformat(store["Item"]["expires"]["S"].replace("Z", "+00:00"))
    assert int(store["Item"]["ttl"]["N"]) == int(expires.timestamp())
    # A fresh stored result is reused: the training job does not run again.
    hit = cache_hit({"model_artifacts": "s3://cached/model.tar.gz", "job_arn": "arn:old"})
    reuse = mock_file({
        "AbaloneProcess.Cache.Lookup": CACHE_MISS,
        "AbaloneProcess": processing_job("p-1", prep),
        "AbaloneProcess.Cache.Store": STORED,
        "AbaloneTrain.Cache.Lookup": hit,
    })
    result = execute(asl, {}, reuse, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    assert "AbaloneTrain" not in entered(result) and "AbaloneTrain.Cache.Restore" in entered(result)
    assert result["output"]["steps"]["AbaloneTrain"]["job_arn"] == "arn:old"


@pytest.mark.parametrize("mse, registered", [(4.2, True), (8.8, False)])
def test_emr_step_running_cluster(tmp_path, mse, registered):
    asl = compiled(tmp_path, "emr_step_running_cluster")
    mocks = mock_file({
        "EMRStep": {"Step": {"Status": {"State": "COMPLETED"}}},
        "TrainAbaloneModel": training_job("t-1", f"{BUCKET}/emr-step-pipeline/AbaloneTrain"),
        "EvaluateAbaloneModel": processing_job("e-1", {"evaluation": f"{BUCKET}/emr-step-pipeline/eval"}),
        "CheckMSEAbaloneEvaluation.Read.EvaluateAbaloneModel.AbaloneEvaluationReport": s3_json(
            {"regression_metrics": {"mse": {"value": mse}}}
        ),
        "RegisterAbaloneModel-RegisterModel": {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/abalonepackagegroup/1"},
    })
    result = execute(asl, {"ModelApprovalStatus": "Approved"}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    req = requests(result)
    emr = req["EMRStep"]
    assert emr["ClusterId"] == "j-ABCDEFGHIJKLM"
    assert emr["Step"]["HadoopJarStep"]["Jar"] == "command-runner.jar"
    args = emr["Step"]["HadoopJarStep"]["Args"]
    assert args[4:6] == ["--input", "s3://sagemaker-example-files-prod-us-east-1/datasets/tabular/uci_abalone/abalone.csv"]
    order = entered(result)
    # DependsOn: training and evaluation start only after the EMR step.
    assert order.index("EMRStep") < order.index("TrainAbaloneModel") < order.index("EvaluateAbaloneModel")
    assert ("RegisterAbaloneModel-RegisterModel" in order) == registered
    if registered:
        register = req["RegisterAbaloneModel-RegisterModel"]
        assert register["ModelApprovalStatus"] == "Approved"
        spec = register["InferenceSpecification"]
        assert spec["SupportedRealtimeInferenceInstanceTypes"] == ["ml.t2.medium", "ml.m5.large"]
        assert spec["SupportedTransformInstanceTypes"] == ["ml.m5.large"]
        assert register["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"].endswith("/evaluation/evaluation.json")


def test_register_drift_check_baselines(tmp_path):
    asl = compiled(tmp_path, "register_drift_check_baselines")
    mocks = mock_file({"MyRegisterModelStep-RegisterModel": {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/testmodelpackagegroup/1"}})
    metrics = "s3://b/metrics/run-7"
    result = execute(asl, {"metrics_uri": metrics}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    register = requests(result)["MyRegisterModelStep-RegisterModel"]
    expected = json.load(open(ROOT / "fixtures/real/expected/register_drift_check_baselines.json"))
    report = {"ContentType": "application/json", "S3Uri": metrics}
    for group, items in expected["ModelMetrics"].items():
        for item in items:
            assert register["ModelMetrics"][group][item] == report, (group, item)
    for group, items in expected["DriftCheckBaselines"].items():
        for item in items:
            assert register["DriftCheckBaselines"][group][item] == report, (group, item)
    assert register["CustomerMetadataProperties"] == {"key1": "value1"}
    container = register["InferenceSpecification"]["Containers"][0]
    assert container["ModelDataUrl"].endswith("model-1735689600-abcd/model.tar.gz")
    assert register["InferenceSpecification"]["SupportedContentTypes"] == ["application/json"]


def test_lambda_output_reference(tmp_path):
    asl = compiled(tmp_path, "lambda_output_reference")
    mocks = mock_file({
        "lambda-step1": lambda_result({"output1": "from step 1", "noise": "x" * 1000}),
        "lambda-step2": lambda_result({}),
    })
    result = execute(asl, {}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    req = requests(result)
    assert req["lambda-step1"]["Payload"] == {"arg1": "foo"}
    assert req["lambda-step2"]["Payload"] == {"arg1": "from step 1"}
    assert result["output"]["steps"]["lambda_step1"] == {"payload": {"output1": "from step 1"}}


def test_batch_inference(tmp_path):
    asl = compiled(tmp_path, "batch_inference")
    mocks = mock_file({"BatchInferenceStep": {"TransformJobArn": "arn:aws:sagemaker:us-east-1:123456789012:transform-job/b-1", "TransformOutput": {"S3OutputPath": "s3://out/"}}})
    result = execute(asl, {"ModelName": "abalone-model-3", "OutputPath": "s3://out/"}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    job = requests(result)["BatchInferenceStep"]
    assert job["ModelName"] == "abalone-model-3"
    assert job["TransformInput"]["ContentType"] == "text/csv"
    assert job["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://sagemaker-servicecatalog-seedcode-us-east-1/dataset/abalone-dataset.csv"
    assert job["TransformOutput"] == {"S3OutputPath": "s3://out/", "Accept": "text/csv"}
    assert job["MaxPayloadInMB"] == 10
    # OutputPath has no default: an execution without it stops before the job.
    missing = execute(asl, {"ModelName": "m"}, mocks, "Case")
    assert missing["status"] == "FAILED" and missing["error"] == "aslc.InvalidParameter"
    assert "BatchInferenceStep" not in entered(missing)


def test_register_drift_check_baselines_refuses_a_location_that_is_not_s3(tmp_path):
    asl = compiled(tmp_path, "register_drift_check_baselines")
    mocks = mock_file({"MyRegisterModelStep-RegisterModel": {"ModelPackageArn": "arn:x"}})
    result = execute(asl, {"metrics_uri": "metrics/run-7"}, mocks, "Case")
    assert result["status"] == "FAILED" and result["error"] == "aslc.InvalidParameter"
    assert "MyRegisterModelStep-RegisterModel" not in entered(result)


def test_lambda_output_reference_stops_when_the_first_lambda_fails(tmp_path):
    asl = compiled(tmp_path, "lambda_output_reference")
    failure = {"Throw": {"Error": "Lambda.Unknown", "Cause": "the function crashed"}}
    mocks = mock_file({"lambda-step1": failure})
    result = execute(asl, {}, mocks, "Case")
    assert result["status"] == "FAILED"
    assert result["error"] == "Lambda.Unknown" and result["cause"] == "the function crashed"
    assert "lambda-step2" not in entered(result)
