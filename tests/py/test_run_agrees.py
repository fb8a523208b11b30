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
from sfn_moto import entered, execute

EXECUTION = "night-1"


def zero_waits(states: dict) -> None:
    """moto really sleeps through a Wait; aslc run does not. Both get zero seconds."""
    for state in states.values():
        if state["Type"] == "Wait":
            for key in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"):
                state.pop(key, None)
            state["Seconds"] = 0
        for branch in state.get("Branches", []):
            zero_waits(branch["States"])
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                zero_waits(state[key]["States"])


def both(tmp_path, source: str, mocks: dict, execution_input: dict) -> tuple[dict, dict]:
    asl = compile_pipeline(ROOT / source, tmp_path, "--no-lineage-states")["asl"]
    zero_waits(asl["States"])
    definition = tmp_path / "definition.asl.json"
    definition.write_text(json.dumps(asl))
    mock_path = tmp_path / "mocks.json"
    mock_path.write_text(json.dumps(mocks))
    moto = execute(json.dumps(asl), execution_input, mocks, "Case", execution_name=EXECUTION)
    ran = subprocess.run(
        [aslc_binary(), "run", str(definition), "--input", json.dumps(execution_input), "--mocks", str(mock_path),
         "--test-case", "Case", "--format", "json"],
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


def agree(moto: dict, ours: dict) -> None:
    assert ours["status"] == moto["status"], (ours["error"], ours["cause"], moto["error"], moto["cause"])
    assert names(ours["events"]) == entered(moto)
    if moto["status"] == "SUCCEEDED":
        # The execution name is part of SageMaker's default locations: both ran as `night-1`.
        assert timeless(ours["output"]) == timeless(moto["output"])
    else:
        assert ours["error"] == moto["error"]
        assert ours["cause"] == moto["cause"]


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
