"""Concurrency from data flow, executed on moto: in a diamond (A → B, A → C, B + C → D) the
middle jobs both start before either ends and D starts after both; two independent chains run
side by side."""

import json

import sfn_moto
from mocks import lambda_result, mock_file, processing_job
from sfn_moto import execute


def spans(result: dict) -> dict[str, tuple[int, int]]:
    """Each state's (entered, exited) position in the execution history."""
    out: dict[str, list[int]] = {}
    for i, e in enumerate(result["events"]):
        if "stateEnteredEventDetails" in e:
            out.setdefault(e["stateEnteredEventDetails"]["name"], [i, -1])
        if "stateExitedEventDetails" in e:
            out[e["stateExitedEventDetails"]["name"]][1] = i
    return {k: (a, b) for k, (a, b) in out.items()}


def test_diamond_runs_the_middle_steps_together(compiled, monkeypatch):
    asl = compiled("fixtures/dag/diamond.sfn", "--no-lineage-states")["asl"]
    monkeypatch.setattr(sfn_moto, "JOB_SECONDS", {"B": 0.5, "C": 0.5})
    mocks = mock_file(
        {
            "A": processing_job("a-1", {"clean": "s3://b/clean/2026-12-01/"}),
            "B": processing_job("b-1", {"left": "s3://b/left/2026-12-01/"}),
            "C": processing_job("c-1", {"right": "s3://b/right/2026-12-01/"}),
            "D": lambda_result({"ok": True}),
        }
    )
    result = execute(json.dumps(asl), {"DataDate": "2026-12-01"}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    s = spans(result)
    # Both middle jobs started before either ended; D started after both ended.
    assert max(s["B"][0], s["C"][0]) < min(s["B"][1], s["C"][1])
    assert s["D"][0] > max(s["B"][1], s["C"][1])
    assert s["A"][1] < min(s["B"][0], s["C"][0])
    payload = [
        json.loads(e["taskScheduledEventDetails"]["parameters"])
        for e in result["events"]
        if "taskScheduledEventDetails" in e and "lambda" in e["taskScheduledEventDetails"]["resourceType"]
    ]
    assert payload[0]["Payload"] == {
        "Left": "s3://b/left/2026-12-01/",
        "Right": "s3://b/right/2026-12-01/",
    }


def test_independent_chains_run_side_by_side(compiled):
    asl = compiled("fixtures/dag/two_chains.sfn")["asl"]
    mocks = mock_file(
        {
            "Prep1": lambda_result({"uri": "s3://b/one/"}),
            "Prep2": lambda_result({"uri": "s3://b/two/"}),
            "Use1": lambda_result({}),
            "Use2": lambda_result({}),
            "Report": lambda_result({}),
        }
    )
    result = execute(json.dumps(asl), {}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    s = spans(result)
    fork = s["Together Prep1 and Prep2"]
    for step in ("Prep1", "Use1", "Prep2", "Use2"):
        assert fork[0] < s[step][0] and s[step][1] < fork[1], step
    assert s["Report"][0] > fork[1]
    used = [
        json.loads(e["taskScheduledEventDetails"]["parameters"])["Payload"].get("From")
        for e in result["events"]
        if "taskScheduledEventDetails" in e
    ]
    assert sorted(u for u in used if u) == ["s3://b/one/", "s3://b/two/"]
