"""`aslc run` against moto's Step Functions interpreter (LocalStack's): the same compiled
definition, the same Step Functions Local mock file, the same input; both must agree on the
status, the states entered, in order, and the output (or the error)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import ROOT, aslc_binary, compile_pipeline
from mocks import CACHE_MISS, STORED, lambda_result, mock_file, processing_job, training_job
from report_histories import mocks as seed_mocks
from sfn_moto import entered, execute, zero_waits

EXECUTION = "night-1"


def both(tmp_path, source: str, mocks: dict, execution_input: dict) -> tuple[dict, dict]:
    asl = compile_pipeline(ROOT / source, tmp_path, "--no-lineage-states")["asl"]
    return run_both(tmp_path, asl, mocks, execution_input)


def run_both(
    tmp_path, asl: dict, mocks: dict, execution_input: dict, case: str = "Case", name: str = "pipeline",
    execution: str = EXECUTION,
) -> tuple[dict, dict]:
    """One definition, one mock file and test case (of state machine `name`), one input: the
    execution on moto and on `aslc run`, both named `execution`."""
    zero_waits(asl["States"])
    definition = tmp_path / "definition.asl.json"
    definition.write_text(json.dumps(asl))
    mock_path = tmp_path / "mocks.json"
    mock_path.write_text(json.dumps(mocks))
    moto = execute(json.dumps(asl), execution_input, mocks, case, name=name, execution_name=execution)
    ran = subprocess.run(
        [aslc_binary(), "run", str(definition), "--input", json.dumps(execution_input), "--mocks", str(mock_path),
         "--test-case", case, "--state-machine", name, "--format", "json", "--name", execution],
        capture_output=True, text=True,
    )
    assert ran.returncode == 0, ran.stderr
    return moto, json.loads(ran.stdout)


def names(events: list[dict]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def timeless(v):
    """Times differ by construction (moto's clock is real, aslc run's simulated): compare the
    rest. A cache entry's `ttl` is its expiry in epoch seconds."""
    if isinstance(v, dict):
        return {k: ("<ttl>" if k == "ttl" else timeless(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [timeless(x) for x in v]
    if isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", v):
        return "<time>"
    return v


def agree(moto: dict, ours: dict, concurrent: bool = False) -> None:
    assert ours["status"] == moto["status"], (ours["error"], ours["cause"], moto["error"], moto["cause"])
    if concurrent:
        # moto runs branches and iterations on threads, so their states interleave in any
        # order; aslc run runs them one after another. The same states, as many times.
        assert sorted(names(ours["events"])) == sorted(entered(moto))
    else:
        assert names(ours["events"]) == entered(moto)
    if moto["status"] == "SUCCEEDED":
        # The execution name is part of SageMaker's default locations: both ran as `night-1`.
        assert timeless(ours["output"]) == timeless(moto["output"])
    else:
        assert ours["error"] == moto["error"]
        # The id of the event that entered the failing state is counted differently by moto.
        same = lambda c: re.sub(r"event id #\d+", "event id #N", c or "")
        assert same(ours["cause"]) == same(moto["cause"])


@pytest.mark.parametrize("scenario", ["ok", "capacity_retry", "train_fails", "gate_closed"])
def test_the_seed_pipeline(tmp_path, scenario):
    """Seed 001's nightly retrain: the 0.948 night registers and deploys, the 0.921 night does
    not, a capacity error is retried, a validation error is not."""
    moto, ours = both(tmp_path, "fixtures/nightly_fraud_retrain.sfn", seed_mocks(scenario), {"DataDate": "2026-10-31"})
    agree(moto, ours)


def test_a_pipeline_with_branches_and_a_condition(tmp_path):
    mocks = mock_file({
        "Score": lambda_result({"result": {"count": 3}}),
        "Fast": lambda_result({}),
        "Done": lambda_result({}),
    })
    moto, ours = both(tmp_path, "fixtures/steps/when.sfn", mocks, {"Env": "dev"})
    agree(moto, ours)


def test_a_missing_parameter_fails_the_same_way(tmp_path):
    moto, ours = both(tmp_path, "fixtures/steps/lambda.sfn", mock_file({"Greet": lambda_result({})}), {})
    agree(moto, ours)


def test_a_task_without_a_mock_is_named(tmp_path):
    asl = tmp_path / "x.asl.json"
    asl.write_text(json.dumps(compile_pipeline(ROOT / "fixtures/steps/lambda.sfn", tmp_path, "--no-lineage-states")["asl"]))
    ran = subprocess.run([aslc_binary(), "run", str(asl), "--input", '{"Name": "Ada"}', "--format", "json"],
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout)
    assert out["status"] == "FAILED"
    assert out["error"] == "aslc.NoMock"
    assert "Greet" in out["cause"]


def generic_response(resource: str, params: dict) -> object:
    """A plausible answer for any Task aslc generates, from its request."""
    arn = "arn:aws:sagemaker:us-east-1:123456789012"
    if "createProcessingJob" in resource:
        outs = params.get("ProcessingOutputConfig", {}).get("Outputs", [])
        return {"ProcessingJobArn": f"{arn}:processing-job/p", "ProcessingJobStatus": "Completed",
                "ProcessingOutputConfig": {"Outputs": [{"OutputName": o["OutputName"], "S3Output": {"S3Uri": f"s3://b/{o['OutputName']}/"}} for o in outs]}}
    if "createTrainingJob" in resource:
        return training_job("t-1", "s3://b/models")
    if "createHyperParameterTuningJob" in resource:
        return {"HyperParameterTuningJobName": "tune-1", "HyperParameterTuningJobArn": f"{arn}:hyper-parameter-tuning-job/tune-1",
                "BestTrainingJob": {"TrainingJobName": "tune-1-001"}, "TrainingJobDefinition": {"OutputDataConfig": {"S3OutputPath": "s3://b/tuning"}}}
    if "listTrainingJobsForHyperParameterTuningJob" in resource:
        return {"TrainingJobSummaries": [{"TrainingJobName": "tune-1-001"}, {"TrainingJobName": "tune-1-002"}]}
    if "createTransformJob" in resource:
        return {"TransformJobArn": f"{arn}:transform-job/x", "TransformOutput": {"S3OutputPath": "s3://b/out"}}
    if "createModelPackage" in resource:
        return {"ModelPackageArn": f"{arn}:model-package/g/1"}
    if "createModel" in resource:
        return {"ModelArn": f"{arn}:model/m-1"}
    if "lambda:invoke" in resource:
        return {"StatusCode": 200, "Payload": {"result": {"count": 3}, "partitions": ["a", "b"], "rows": 5, "output1": "x", "uri": "s3://b/x/"}}
    if "s3:getObject" in resource:
        return {"Body": json.dumps({"auc": 0.95, "mse": 1.0, "verdict": "pass", "ok": True, "classification_metrics": {"auc": {"value": 0.95}}, "regression_metrics": {"mse": {"value": 1.0}}})}
    if "startExecution" in resource:
        return {"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:child:1", "Output": "{}", "Status": "SUCCEEDED"}
    if "createCluster" in resource:
        return {"ClusterId": "j-1"}
    return {}


def tasks(states: dict, out: dict) -> None:
    for name, s in states.items():
        if s["Type"] == "Task":
            out[name] = s
        for b in s.get("Branches", []):
            tasks(b["States"], out)
        for key in ("ItemProcessor", "Iterator"):
            if key in s:
                tasks(s[key]["States"], out)


def generic_mocks(asl: dict) -> dict:
    found: dict = {}
    tasks(asl["States"], found)
    responses = {}
    case = {}
    for name, s in found.items():
        key = f"R{len(responses)}"
        case[name] = key
        responses[key] = {"0-99": {"Return": generic_response(s["Resource"], s.get("Parameters", {}))}}
    return {"StateMachines": {"pipeline": {"TestCases": {"Case": case}}}, "MockedResponses": responses}


def required_input(source: str) -> dict:
    """A value of its type for each parameter without a default."""
    values = {"string": "s3://b/in/", "int": 1, "float": 0.5, "bool": True, "list": ["a", "b"]}
    out = {}
    for m in re.finditer(r"^\s*param\s+(\w+)\s*:\s*(\w+)\s*$", (ROOT / source).read_text(), re.M):
        out[m.group(1)] = values[m.group(2)]
    return out


FIXTURES = sorted(
    str(p.relative_to(ROOT))
    for d in ("fixtures/steps", "fixtures/dag", "fixtures/foreach", "fixtures/real")
    for p in (ROOT / d).glob("*.sfn")
)


def concurrent(states: dict) -> bool:
    return any(s["Type"] in ("Parallel", "Map") for s in states.values())


@pytest.mark.parametrize("source", FIXTURES)
def test_every_compiled_fixture(tmp_path, source):
    """Every compiled fixture, its tasks answered plausibly: aslc run and moto agree."""
    asl = compile_pipeline(ROOT / source, tmp_path, "--no-lineage-states")["asl"]
    if any("ItemReader" in json.dumps(s) for s in asl["States"].values()):
        pytest.skip("moto's interpreter reads a Distributed Map's items from S3 only, not from a mock")
    moto, ours = both(tmp_path, source, generic_mocks(asl), required_input(source))
    agree(moto, ours, concurrent(asl["States"]))


@pytest.mark.parametrize(
    "stem, case",
    [("variables", c) for c in ["Passes", "Throttled", "Rejected", "Broken"]]
    + [("variables_jsonpath", c) for c in ["Enough", "TooFew"]],
)
def test_jsonata_states_and_variables(tmp_path, stem, case):
    """`fixtures/run/variables.asl.json`: JSONata Task (Arguments, Output, Assign, Retry, Catch
    with `$states.errorOutput`), Choice rule Assign, Parallel and Map scopes (a branch's variable
    stays in it), Succeed and Fail expressions over variables. `variables_jsonpath.asl.json`:
    Assign in JSONPath states, `$name` in Parameters, a Choice and intrinsic arguments."""
    asl = json.loads((ROOT / f"fixtures/run/{stem}.asl.json").read_text())
    mocks = json.loads((ROOT / f"fixtures/run/{stem}.mocks.json").read_text())
    execution_input = {"model": "m1", "threshold": 0.9}
    moto, ours = run_both(tmp_path, asl, mocks, execution_input, case=case, name="variables")
    agree(moto, ours, concurrent=True)
