"""`foreach`: the steps inside run once per item, each with its item and a job of its own, and
the step after reads the list of their results."""

import json

from conftest import ROOT, compile_pipeline
from mocks import lambda_result, mock_file, training_job
from sfn_moto import execute, scheduled


def test_a_training_job_per_partition(tmp_path):
    asl = compile_pipeline(ROOT / "fixtures/foreach/partitions.sfn", tmp_path, "--no-lineage-states")["asl"]
    mocks = mock_file({
        "Train": training_job("trainjob", "s3://fraud-ml/models/d"),
        "Report": lambda_result({}),
    })
    result = execute(json.dumps(asl), {"DataDate": "2026-11-30"}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    trains = [t["parameters"] for t in scheduled(result) if t["state"] == "Train"]
    assert len(trains) == 3
    channels = sorted(t["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] for t in trains)
    assert channels == [
        f"s3://fraud-ml/features/2026-11-30/{p}/" for p in ("ap", "eu", "us")
    ]
    names = {t["TrainingJobName"] for t in trains}
    assert len(names) == 3, names
    report = [t["parameters"] for t in scheduled(result) if t["state"] == "Report"][0]
    models = report["Payload"]["Models"]
    assert len(models) == 3
    assert all(m["Train"]["model_artifacts"].endswith("/output/model.tar.gz") for m in models), models


def test_a_failed_partition_is_tolerated_by_the_distributed_map(tmp_path):
    asl = compile_pipeline(ROOT / "fixtures/foreach/tolerant.sfn", tmp_path, "--no-lineage-states")["asl"]
    assert asl["States"]["PerPartition"]["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    failed = {"Throw": {"Error": "Lambda.Unknown", "Cause": "partition b is broken"}}
    mocks = mock_file({
        "ListPartitions": lambda_result({"partitions": ["a", "b", "c"]}),
        "Score": [lambda_result({"score": 1}), failed, lambda_result({"score": 3})],
        "Report": lambda_result({}),
    })
    result = execute(json.dumps(asl), {}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    report = [t["parameters"] for t in scheduled(result) if t["state"] == "Report"][0]
    scores = report["Payload"]["Scores"]
    # One result per partition; the failed partition's is empty (moto's interpreter does not
    # apply the tolerance threshold itself: that is AWS's, see README).
    assert len(scores) == 3, scores
    assert sorted(s["Score"]["payload"]["score"] for s in scores if s) == [1, 3]


def test_the_partitions_parameter_can_be_given_at_start(tmp_path):
    asl = compile_pipeline(ROOT / "fixtures/foreach/partitions.sfn", tmp_path, "--no-lineage-states")["asl"]
    mocks = mock_file({
        "Train": training_job("trainjob", "s3://fraud-ml/models/d"),
        "Report": lambda_result({}),
    })
    result = execute(json.dumps(asl), {"DataDate": "d", "Partitions": ["north", "south"]}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    trains = [t["parameters"] for t in scheduled(result) if t["state"] == "Train"]
    assert sorted(t["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] for t in trains) == [
        "s3://fraud-ml/features/d/north/",
        "s3://fraud-ml/features/d/south/",
    ]


def test_a_list_written_in_the_source(tmp_path):
    asl = compile_pipeline(ROOT / "fixtures/foreach/regions.sfn", tmp_path, "--no-lineage-states")["asl"]
    mocks = mock_file({"Probe": lambda_result({"ok": True}), "Summary": lambda_result({})})
    result = execute(json.dumps(asl), {}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    probes = sorted((t["parameters"]["Payload"]["Region"], t["parameters"]["Payload"]["Url"]) for t in scheduled(result) if t["state"] == "Probe")
    assert probes == [
        ("eu-west-1", "https://eu-west-1.example.com/"),
        ("us-east-1", "https://us-east-1.example.com/"),
    ]
    summary = [t["parameters"] for t in scheduled(result) if t["state"] == "Summary"][0]
    assert summary["Payload"]["Probes"] == [{"Probe": {"payload": {"ok": True}}}] * 2


def test_a_foreach_inside_a_foreach(tmp_path):
    asl = compile_pipeline(ROOT / "fixtures/foreach/nested.sfn", tmp_path, "--no-lineage-states")["asl"]
    mocks = mock_file({
        name: lambda_result({"ok": name}) for name in ("Work", "Prod", "One", "Two", "After", "Final")
    })
    result = execute(json.dumps(asl), {}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    work = sorted((t["parameters"]["Payload"]["R"], t["parameters"]["Payload"]["S"]) for t in scheduled(result) if t["state"] == "Work")
    assert work == [("eu", "a"), ("eu", "b"), ("us", "a"), ("us", "b")]
    final = [t["parameters"] for t in scheduled(result) if t["state"] == "Final"][0]
    outer = final["Payload"]["All"]
    assert len(outer) == 2
    # Each region's iteration saw its own shards' results.
    assert all(len(o["Inner"]["results"]) == 2 for o in outer), outer


def test_lists_past_the_inline_limit_run_as_a_distributed_map(tmp_path):
    """48 shards written out (more than the 40 iterations an inline Map runs at once), and a
    `max_concurrency 100`: both Distributed Maps, every item run."""
    asl = compile_pipeline(ROOT / "fixtures/foreach/wide.sfn", tmp_path, "--no-lineage-states")["asl"]
    maps = {}

    def walk(states):
        for name, s in states.items():
            if s["Type"] == "Map":
                maps[name] = s
            for b in s.get("Branches", []):
                walk(b["States"])

    walk(asl["States"])
    assert {n: m["ItemProcessor"]["ProcessorConfig"]["Mode"] for n, m in maps.items()} == {
        "PerShard": "DISTRIBUTED",
        "PerRegion": "DISTRIBUTED",
    }
    assert maps["PerRegion"]["MaxConcurrency"] == 100
    mocks = mock_file({"Index": [lambda_result({})] * 48, "Probe": [lambda_result({})] * 2})
    result = execute(json.dumps(asl), {}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    # Each iteration is a child execution (its Task events are in its own history): one result
    # per item, in order.
    steps = result["output"]["steps"]
    assert len(steps["PerShard"]["results"]) == 48
    assert len(steps["PerRegion"]["results"]) == 2
