"""Execution histories of the seed pipeline for `aslc report`: each night is really executed on
moto's Step Functions interpreter (so the events are the interpreter's own), then its
timestamps are rewritten so that each job takes a known time. Run as a script to regenerate
fixtures/report/ (the histories the benchmark and the README example read)."""

from __future__ import annotations

import copy
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import ROOT, compile_pipeline
from mocks import CACHE_MISS, STORED, cache_hit, lambda_result, mock_file, processing_job, s3_json, training_job
from sfn_moto import execute

SEED = ROOT / "fixtures/nightly_fraud_retrain.sfn"
JOBS = ("Featurise", "TrainXGB", "Evaluate", "RegisterIfGoodEnough", "TriggerDeployLambda")
FIRST_NIGHT = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
FEATURES = {"train": "s3://fraud-ml/features/d/train/", "holdout": "s3://fraud-ml/features/d/holdout/"}
CAPACITY = {"Throw": {"Error": "States.TaskFailed", "Cause": "CapacityError: Unable to provision requested ML compute capacity"}}
INVALID = {"Throw": {"Error": "States.TaskFailed", "Cause": "ClientError: ValidationException: Requested resource not found"}}


def seed_definition(out: Path) -> str:
    """The compiled seed pipeline (no lineage states: nothing to mock for them), with its
    job-retry Waits at zero seconds: moto would really sleep, and the timestamps are
    rewritten anyway."""
    asl = compile_pipeline(SEED, out, "--no-lineage-states")["asl"]
    for state in asl["States"].values():
        if state["Type"] == "Wait":
            for key in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"):
                state.pop(key, None)
            state["Seconds"] = 0
    return json.dumps(asl)


def mocks(scenario: str) -> dict:
    auc = 0.921 if scenario == "gate_closed" else 0.948
    train = {
        "ok": training_job("trainxgb-1", "s3://fraud-ml/models/d"),
        "capacity_retry": [CAPACITY, training_job("trainxgb-2", "s3://fraud-ml/models/d")],
        "train_fails": INVALID,
    }.get(scenario, training_job("trainxgb-1", "s3://fraud-ml/models/d"))
    lookup = (
        cache_hit({**FEATURES, "job_arn": "arn:aws:sagemaker:us-east-1:123456789012:processing-job/featurise-0"})
        if scenario == "cache_hit"
        else CACHE_MISS
    )
    return mock_file({
        "Featurise.Cache.Lookup": lookup,
        "Featurise": processing_job("featurise-1", FEATURES),
        "Featurise.Cache.Store": STORED,
        "TrainXGB": train,
        "Evaluate": processing_job("evaluate-1", {"report": "s3://fraud-ml/eval/d/"}),
        "GateOnAuc.Read.Evaluate.metrics": s3_json({"classification_metrics": {"auc": {"value": auc}}}),
        "RegisterIfGoodEnough": {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-classifier/1"},
        "TriggerDeployLambda": lambda_result({"ok": True}),
    })


def run_night(definition: str, scenario: str, name: str) -> list[dict]:
    result = execute(definition, {"DataDate": "2026-10-31"}, mocks(scenario), "Case", execution_name=name)
    expected = "FAILED" if scenario == "train_fails" else "SUCCEEDED"
    assert result["status"] == expected, (scenario, result["error"], result["cause"])
    return result["events"]


def state_of(events: list[dict]) -> dict[int, str]:
    """Event id → the state its chain of `previousEventId`s last entered."""
    out: dict[int, str] = {}
    for e in events:
        details = e.get("stateEnteredEventDetails") or e.get("stateExitedEventDetails")
        if details:
            out[e["id"]] = details["name"]
        elif e.get("previousEventId") in out:
            out[e["id"]] = out[e["previousEventId"]]
    return out


def retime(events: list[dict], start: datetime, job_seconds: dict[str, list[float]]) -> list[dict]:
    """Every event at `start`, except that each job's end comes its known time after the one
    before: `job_seconds[step]` lists the time of each attempt."""
    events = copy.deepcopy(events)
    where = state_of(events)
    attempts: dict[str, int] = {}
    clock = start
    for e in events:
        state = where.get(e["id"])
        if e["type"] in ("TaskSucceeded", "TaskFailed") and state in job_seconds:
            k = attempts.get(state, 0)
            attempts[state] = k + 1
            clock += timedelta(seconds=job_seconds[state][k])
        e["timestamp"] = clock.isoformat(timespec="microseconds")
    return events


def history(events: list[dict]) -> dict:
    return {"events": [{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in e.items()} for e in events]}


# Fourteen nights: (scenario, seconds of each job attempt). Featurise 18 min and TrainXGB 28 min
# most nights; night 5 fails in TrainXGB, night 8 has a capacity retry, night 11 reuses
# Featurise's cached result, night 13 stays under the AUC gate.
def schedule() -> list[tuple[str, dict[str, list[float]]]]:
    nights = []
    for n in range(1, 15):
        scenario = {5: "train_fails", 8: "capacity_retry", 11: "cache_hit", 13: "gate_closed"}.get(n, "ok")
        times = {
            "Featurise": [18 * 60.0],
            "TrainXGB": [(28 + n % 3) * 60.0],
            "Evaluate": [6 * 60.0],
            "RegisterIfGoodEnough": [5.0],
            "TriggerDeployLambda": [2.0],
        }
        if scenario == "train_fails":
            times["TrainXGB"] = [4 * 60.0]
        if scenario == "capacity_retry":
            times["TrainXGB"] = [3 * 60.0, 29 * 60.0]
        if scenario == "cache_hit":
            times["Featurise"] = []
        nights.append((scenario, times))
    return nights


def write_nights(out: Path, work: Path) -> list[tuple[str, dict[str, list[float]]]]:
    definition = seed_definition(work)
    base = {s: run_night(definition, s, s) for s in ("ok", "train_fails", "capacity_retry", "cache_hit", "gate_closed")}
    out.mkdir(parents=True, exist_ok=True)
    nights = schedule()
    for n, (scenario, times) in enumerate(nights, start=1):
        start = FIRST_NIGHT + timedelta(days=n - 1)
        events = retime(base[scenario], start, times)
        name = f"night-{n:02d}"
        (out / f"{name}.json").write_text(json.dumps(history(events)) + "\n")
        (out / f"{name}.describe.json").write_text(json.dumps({"name": name, "status": "FAILED" if scenario == "train_fails" else "SUCCEEDED"}) + "\n")
    return nights


if __name__ == "__main__":
    import tempfile

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures/report/seed-14-nights"
    with tempfile.TemporaryDirectory() as tmp:
        write_nights(target, Path(tmp))
    print(f"wrote {target}")
