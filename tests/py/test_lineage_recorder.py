"""Lineage is recorded by a second state machine the pipeline starts without waiting for it
(`<stem>.lineage-recorder.asl.json`). On moto: the seed pipeline, lineage wiring on, starts one
recorder execution per recorded step with that step's plan, and succeeds whatever the recorder
does; the recorder, with SageMaker's answers mocked, makes the calls lineage.md §3 describes, the
same on moto and on `aslc run`."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import ROOT, aslc_binary
from mocks import ACCOUNT, mock_file
from report_histories import mocks as seed_mocks
from sfn_moto import execute, scheduled, zero_waits
from test_run_agrees import agree, run_both

SEED = ROOT / "fixtures/nightly_fraud_retrain.sfn"
RECORDER = "nightly-fraud-retrain-lineage-recorder"
RECORDED = ["Featurise", "TrainXGB", "Evaluate", "RegisterIfGoodEnough", "TriggerDeployLambda"]


def compiled(tmp_path) -> tuple[dict, dict]:
    ran = subprocess.run([aslc_binary(), "compile", str(SEED), "-o", str(tmp_path)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    read = lambda n: json.loads((tmp_path / n).read_text())
    return read("nightly_fraud_retrain.asl.json"), read("nightly_fraud_retrain.lineage-recorder.asl.json")


def test_each_recorded_step_starts_the_recorder_and_the_pipeline_never_waits_for_it(tmp_path):
    asl, _ = compiled(tmp_path)
    zero_waits(asl["States"])
    # Only the pipeline's own steps are mocked: the recorder starts are real calls. moto's
    # `states:startExecution` integration cannot make them (it hands botocore `StateMachineArn`
    # where botocore wants `stateMachineArn`), which shows the other half: a start that fails
    # is noted under `lineage.failures` and the pipeline goes on.
    result = execute(json.dumps(asl), {"DataDate": "2026-10-31"}, seed_mocks("ok"), "Case", execution_name="night-1")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    assert sorted(result["output"]["lineage"]["failures"]) == sorted(RECORDED)
    starts = [c for c in scheduled(result) if c["resource"] == "states:startExecution"]
    assert [c["state"] for c in starts] == [f"{s}.Lineage" for s in RECORDED]
    machine = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{RECORDER}"
    assert all(c["parameters"]["StateMachineArn"] == machine for c in starts)
    plans = {c["state"].removesuffix(".Lineage"): c["parameters"]["Input"] for c in starts}
    plans = {k: json.loads(v) if isinstance(v, str) else v for k, v in plans.items()}
    featurise = plans["Featurise"]
    assert featurise["action"]["source"].endswith(":processing-job/featurise-1")
    assert featurise["context"]["execution"].endswith(":night-1")
    assert featurise["context"]["name"] == plans["TrainXGB"]["context"]["name"]
    assert {(a["uri"], a["role"]) for a in featurise["artifacts"]} == {
        ("s3://fraud-ml/raw/2026-10-31/", "input"),
        ("s3://fraud-ml/code/featurise.py", "input"),
        ("s3://fraud-ml/features/d/train/", "output"),
        ("s3://fraud-ml/features/d/holdout/", "output"),
    }
    # The console links each recorder execution to the pipeline's.
    assert all(p["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"].endswith(":night-1") for p in plans.values())


ARTIFACT = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:artifact/a1"
CONFLICT = {"Throw": {"Error": "SageMaker.SageMakerException", "Cause": "already exists"}}
PLAN = {
    "context": {"name": "nightly-fraud-retrain-x", "pipeline": "nightly-fraud-retrain",
                "execution": f"arn:aws:states:us-east-1:{ACCOUNT}:execution:nightly-fraud-retrain:night-1",
                "stateMachine": f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:nightly-fraud-retrain"},
    "action": {"name": "TrainXGB-x", "type": "TrainingJob", "step": "TrainXGB",
               "source": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/trainxgb-1"},
    "artifacts": [{"uri": "s3://fraud-ml/features/d/train/", "type": "DataSet", "role": "input"},
                  {"uri": "s3://fraud-ml/models/d/model.tar.gz", "type": "Model", "role": "output"}],
}
CASES = {
    # A first step of an execution: everything is created.
    "New": {
        "Context": {"ContextArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:context/c"},
        "Action": {"ActionArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:action/a"},
        "InContext": {},
        "Find": [{"ArtifactSummaries": []}] * 2,
        "Create": [{"ArtifactArn": ARTIFACT}] * 2,
        "Input": {}, "Output": {},
    },
    # A later step, or a repeated start: the Context and the Action exist and are looked up,
    # the association is already there, the artifacts are found by URI.
    "Again": {
        "Context": CONFLICT,
        "Context.Existing": {"ContextArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:context/c"},
        "Action": CONFLICT,
        "Action.Existing": {"ActionArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:action/a"},
        "InContext": CONFLICT,
        "Find": [{"ArtifactSummaries": [{"ArtifactArn": ARTIFACT}]}] * 2,
        "Input": {}, "Output": {},
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_recorder_makes_the_calls_lineage_needs(tmp_path, case):
    _, recorder = compiled(tmp_path)
    mocks = mock_file(CASES[case], name=RECORDER)
    moto, ours = run_both(tmp_path, recorder, mocks, PLAN, name=RECORDER, execution="rec-1")
    agree(moto, ours, concurrent=True)
    assert moto["status"] == "SUCCEEDED", (moto["error"], moto["cause"])
    calls = scheduled(moto)
    links = sorted(
        (c["parameters"]["AssociationType"], c["parameters"]["SourceArn"], c["parameters"]["DestinationArn"])
        for c in calls if c["state"] in ("Input", "Output")
    )
    assert links == [
        ("ContributedTo", ARTIFACT, f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:action/a"),
        ("Produced", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:action/a", ARTIFACT),
    ]
    created = [c for c in calls if c["state"] == "Create"]
    assert len(created) == (2 if case == "New" else 0)
    context = next(c for c in calls if c["state"] == "Context")["parameters"]
    assert context["ContextName"] == PLAN["context"]["name"]
    assert context["Source"]["SourceUri"] == PLAN["context"]["execution"]
