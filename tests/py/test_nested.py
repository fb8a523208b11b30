"""`run_pipeline`: the caller starts the called pipeline's state machine (same account and
region as its own) with the checked arguments, waits for it, and reads its output."""

import json

from conftest import ROOT, compile_pipeline
from mocks import lambda_result, mock_file, processing_job
from sfn_moto import execute, scheduled


def test_the_called_pipeline_is_started_with_its_arguments(tmp_path):
    asl = compile_pipeline(ROOT / "fixtures/nested/nightly.sfn", tmp_path, "--no-lineage-states")["asl"]
    child = "arn:aws:states:us-east-1:123456789012:execution:train-model:run-1"
    mocks = mock_file({
        "Featurise": processing_job("featurise-1", {"train": "s3://fraud-ml/features/d/train/"}),
        "TrainModel": {"ExecutionArn": child, "Status": "SUCCEEDED", "Output": {"steps": {"Train": {"model_artifacts": "s3://m/model.tar.gz"}}}},
        "Report": lambda_result({}),
    })
    result = execute(json.dumps(asl), {"DataDate": "2026-11-30"}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    req = {t["state"]: t["parameters"] for t in scheduled(result)}
    start = req["TrainModel"]
    # moto names the caller arn:aws:states:us-east-1:123456789012:stateMachine:pipeline.
    assert start["StateMachineArn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:train-model"
    assert start["Input"]["DataUri"] == "s3://fraud-ml/features/d/train/"
    assert start["Input"]["Rounds"] == 200
    assert start["Input"]["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"].startswith("arn:aws:states:")
    assert req["Report"]["Payload"] == {
        "Child": child,
        "Result": {"steps": {"Train": {"model_artifacts": "s3://m/model.tar.gz"}}},
    }
