"""fixtures/real/abalone_lambda_deploy.sfn (the SageMaker example pipeline that deploys with a
Lambda step), executed on moto's interpreter on both paths of its MSE gate. The assertions are
the requests SageMaker would have received, compared with what the SDK-generated definition
(../shared/sagemaker-definitions/lambda_step_deploy.json) says."""

import json

import pytest
from mocks import (
    CACHE_MISS,
    STORED,
    lambda_result,
    mock_file,
    model,
    processing_job,
    s3_json,
    training_job,
)
from sfn_moto import entered, execute, scheduled

BUCKET = "s3://sagemaker-us-east-1-123456789012"
PIPELINE = "lambda-step-pipeline01-01-00-00-00"


def responses(mse: float) -> dict:
    prep = {k: f"{BUCKET}/{PIPELINE}/x/PreprocessAbaloneData/output/{k}" for k in ("train", "validation", "test")}
    return {
        "PreprocessAbaloneData.Cache.Lookup": CACHE_MISS,
        "PreprocessAbaloneData": processing_job("preprocess-1", prep),
        "PreprocessAbaloneData.Cache.Store": STORED,
        "TrainAbaloneModel.Cache.Lookup": CACHE_MISS,
        "TrainAbaloneModel": training_job("train-1", f"{BUCKET}/lambda-step-example/AbaloneTrain"),
        "TrainAbaloneModel.Cache.Store": STORED,
        "EvaluateAbaloneModel.Cache.Lookup": CACHE_MISS,
        "EvaluateAbaloneModel": processing_job(
            "evaluate-1", {"evaluation": f"{BUCKET}/lambda-step-pipeline/evaluation_report"}
        ),
        "EvaluateAbaloneModel.Cache.Store": STORED,
        "CheckMSEAbaloneEvaluation.Read.EvaluateAbaloneModel.AbaloneEvaluationReport": s3_json(
            {"regression_metrics": {"mse": {"value": mse, "standard_deviation": 1.1}}}
        ),
        "CreateModel-CreateModel": model("createmodel-createmodel-abc"),
        "LambdaStep": lambda_result({"statusCode": 200, "body": "deployed"}),
    }


@pytest.fixture(scope="module")
def asl(tmp_path_factory):
    from conftest import ROOT, compile_pipeline

    out = tmp_path_factory.mktemp("real")
    return json.dumps(
        compile_pipeline(
            ROOT / "fixtures/real/abalone_lambda_deploy.sfn", out, "--no-lineage-states"
        )["asl"]
    )


def run(asl, mse, params=None):
    result = execute(asl, params or {}, mock_file(responses(mse)), "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"], entered(result))
    requests = {t["state"]: t["parameters"] for t in scheduled(result)}
    return result, requests


def test_a_good_model_is_created_and_deployed(asl):
    result, req = run(asl, 5.0)
    states = entered(result)
    assert "CreateModel-CreateModel" in states and "LambdaStep" in states
    execution = result["name"]

    prep = req["PreprocessAbaloneData"]
    cluster = prep["ProcessingResources"]["ClusterConfig"]
    assert cluster == {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
    app = prep["AppSpecification"]
    assert app["ImageUri"].endswith("sagemaker-scikit-learn:1.2-1-cpu-py3")
    assert app["ContainerEntrypoint"] == ["python3", "/opt/ml/processing/input/code/preprocess.py"]
    assert app["ContainerArguments"] == [
        "--input-data",
        "s3://sagemaker-sample-files/datasets/tabular/uci_abalone/abalone.csv",
    ]
    outputs = {o["OutputName"]: o["S3Output"] for o in prep["ProcessingOutputConfig"]["Outputs"]}
    for name in ("train", "validation", "test"):
        # SageMaker's default location: bucket / pipeline / execution id / step / output / name.
        assert outputs[name]["S3Uri"] == f"{BUCKET}/{PIPELINE}/{execution}/PreprocessAbaloneData/output/{name}"
        assert outputs[name]["LocalPath"] == f"/opt/ml/processing/{name}"
    code = prep["ProcessingInputs"][0]
    assert code["InputName"] == "code" and code["S3Input"]["LocalPath"] == "/opt/ml/processing/input/code"

    train = req["TrainAbaloneModel"]
    assert train["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert train["HyperParameters"] == {
        "objective": "reg:linear", "num_round": "50", "max_depth": "5", "eta": "0.2",
        "gamma": "4", "min_child_weight": "6", "subsample": "0.7", "silent": "0",
    }
    channels = {c["ChannelName"]: c for c in train["InputDataConfig"]}
    assert channels["train"]["ContentType"] == "text/csv"
    assert channels["train"]["DataSource"]["S3DataSource"]["S3Uri"].endswith("/PreprocessAbaloneData/output/train")
    assert train["OutputDataConfig"]["S3OutputPath"] == f"{BUCKET}/lambda-step-example/AbaloneTrain"

    evaluate = req["EvaluateAbaloneModel"]
    mounts = {i["InputName"]: i["S3Input"] for i in evaluate["ProcessingInputs"]}
    assert mounts["input-1"]["LocalPath"] == "/opt/ml/processing/model"
    assert mounts["input-1"]["S3Uri"] == f"{BUCKET}/lambda-step-example/AbaloneTrain/train-1/output/model.tar.gz"
    assert mounts["input-2"]["LocalPath"] == "/opt/ml/processing/test"

    read = req["CheckMSEAbaloneEvaluation.Read.EvaluateAbaloneModel.AbaloneEvaluationReport"]
    assert read == {"Bucket": "sagemaker-us-east-1-123456789012", "Key": "lambda-step-pipeline/evaluation_report/evaluation.json"}

    assert req["CreateModel-CreateModel"]["PrimaryContainer"]["ModelDataUrl"].endswith("train-1/output/model.tar.gz")
    assert req["LambdaStep"]["Payload"] == {
        "model_name": "createmodel-createmodel-abc",
        "endpoint_config_name": "demo-lambda-deploy-endpoint-config-01-01-00-00-00",
        "endpoint_name": "demo-lambda-deploy-endpoint-01-01-00-00-00",
    }


def test_a_poor_model_stops_at_the_gate_and_parameters_reach_the_requests(asl):
    result, req = run(
        asl, 7.5, {"ProcessingInstanceCount": 3, "TrainingInstanceType": "ml.c5.2xlarge"}
    )
    states = entered(result)
    assert "CreateModel-CreateModel" not in states and "LambdaStep" not in states
    assert states[-1] == "Pipeline.Done"
    assert req["PreprocessAbaloneData"]["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 3
    assert req["TrainAbaloneModel"]["ResourceConfig"]["InstanceType"] == "ml.c5.2xlarge"
