"""fixtures/steps/values.sfn on moto's interpreter: parameters reach instance types and counts,
numbers become text where SageMaker wants text, outputs without a destination land under the
execution's id, and the fail message carries the value read from the property file."""

import json

import pytest
from conftest import ROOT, compile_pipeline
from mocks import mock_file, processing_job, s3_json, training_job
from sfn_moto import entered, execute, scheduled


@pytest.fixture(scope="module")
def asl(tmp_path_factory):
    out = tmp_path_factory.mktemp("values")
    return json.dumps(
        compile_pipeline(ROOT / "fixtures/steps/values.sfn", out, "--no-lineage-states")["asl"]
    )


def mocks(mse):
    metrics = s3_json({"mse": mse})
    return mock_file(
        {
            "Prepare": processing_job("prepare-1", {"train": "s3://x/train", "report": "s3://b/reports/x"}),
            "Train": training_job("train-1", "s3://x/model"),
            "Gate.Read.Prepare.metrics": metrics,
            "TooHigh.Read.Prepare.metrics": metrics,
            "Register": {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/values-demo/1"},
        }
    )


def test_values_reach_the_requests_and_a_good_model_registers(asl):
    result = execute(asl, {"InstanceCount": 3}, mocks(2.5), "Case", execution_name="night-1")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    req = {t["state"]: t["parameters"] for t in scheduled(result)}
    prep = req["Prepare"]
    assert prep["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 3
    assert prep["ProcessingResources"]["ClusterConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert prep["ProcessingResources"]["ClusterConfig"]["VolumeSizeInGB"] == 50
    assert prep["AppSpecification"]["ContainerArguments"] == ["--threshold", "6.0", "--run", "night-1"]
    assert prep["Environment"] == {"STAGE": "dev", "COUNT": "3", "DEBUG": "false"}
    raw = prep["ProcessingInputs"][0]["S3Input"]
    assert raw["S3Uri"] == "s3://b/raw/" and raw["LocalPath"] == "/opt/ml/processing/input"
    assert raw["S3DataDistributionType"] == "ShardedByS3Key" and raw["S3CompressionType"] == "Gzip"
    outputs = {o["OutputName"]: o["S3Output"] for o in prep["ProcessingOutputConfig"]["Outputs"]}
    assert outputs["train"]["S3Uri"] == "s3://sagemaker-us-east-1-123456789012/values-demo/night-1/Prepare/output/train"
    assert outputs["report"]["S3Uri"] == "s3://b/reports/values-demo/night-1"
    assert outputs["report"]["S3UploadMode"] == "Continuous"
    train = req["Train"]
    assert train["HyperParameters"] == {"max_depth": "3", "eta": "0.2"}
    assert train["InputDataConfig"][0]["InputMode"] == "FastFile"
    assert train["OutputDataConfig"]["S3OutputPath"].endswith("/values-demo/night-1/Train/output/model")
    register = req["Register"]
    assert register["CustomerMetadataProperties"] == {"stage": "dev", "run": "night-1"}
    assert register["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"] == "s3://b/reports/values-demo/night-1/metrics.json"
    assert "TooHigh" not in entered(result)


def test_a_poor_model_fails_with_the_value_in_the_message(asl):
    result = execute(asl, {}, mocks(9.5), "Case")
    assert result["status"] == "FAILED"
    assert result["error"] == "MseTooHigh"
    assert result["cause"] == "MSE 9.5 is above 6.0"


def test_a_stage_outside_the_list_does_not_register(asl):
    result = execute(asl, {"Stage": "prod"}, mocks(2.5), "Case")
    assert result["error"] == "MseTooHigh", "Stage not in [dev, test]: the else branch"


def test_an_s3_parameter_must_hold_an_s3_uri(asl):
    result = execute(asl, {"InputData": "raw/"}, mocks(2.5), "Case")
    assert result["error"] == "aslc.InvalidParameter"
    assert "S3 URI" in result["cause"]


def test_a_metric_missing_from_the_file_fails_the_condition_as_sagemaker_does(asl):
    mocks = mock_file(
        {
            "Prepare": processing_job("prepare-1", {"train": "s3://x/train", "report": "s3://b/reports/x"}),
            "Train": training_job("train-1", "s3://x/model"),
            "Gate.Read.Prepare.metrics": s3_json({"rmse": 1.0}),
        }
    )
    result = execute(asl, {}, mocks, "Case")
    assert result["status"] == "FAILED"
    assert result["error"] == "aslc.JsonGetFailed"
    assert result["cause"] == "Gate: property file Prepare.metrics holds no number at `mse`"
    assert "Register" not in entered(result) and "TooHigh" not in entered(result)


def test_a_property_file_that_is_not_json_fails_naming_the_file(asl):
    mocks = mock_file(
        {
            "Prepare": processing_job("prepare-1", {"train": "s3://x/train", "report": "s3://b/reports/x"}),
            "Train": training_job("train-1", "s3://x/model"),
            "Gate.Read.Prepare.metrics": {"Body": "mse=3", "ContentType": "text/plain"},
        }
    )
    result = execute(asl, {}, mocks, "Case", execution_name="night-9")
    assert result["status"] == "FAILED"
    assert result["error"] == "aslc.PropertyFileUnreadable"
    assert result["cause"].startswith(
        "property file Prepare.metrics (s3://b/reports/values-demo/night-9/metrics.json) could not be read as JSON: "
    ), result["cause"]
