"""fixtures/steps/tuning_options.sfn on moto: the tuning request carries SageMaker's options, and
the second-best model is built from the ranked training jobs (get_top_model_s3_uri)."""

import json

from mocks import mock_file
from sfn_moto import execute, scheduled


def test_tuning_options_and_the_second_best_model(compiled):
    asl = compiled("fixtures/steps/tuning_options.sfn", "--no-lineage-states")["asl"]
    tuning = {
        "HyperParameterTuningJobName": "tune-abc",
        "HyperParameterTuningJobArn": "arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/tune-abc",
        "BestTrainingJob": {"TrainingJobName": "tune-abc-007"},
        "TrainingJobDefinition": {"OutputDataConfig": {"S3OutputPath": "s3://b/tuning/"}},
    }
    ranked = {"TrainingJobSummaries": [{"TrainingJobName": "tune-abc-007"}, {"TrainingJobName": "tune-abc-003"}]}
    mocks = mock_file(
        {
            "Tune": tuning,
            "Tune.RankJobs": ranked,
            "Best": {"ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/best-1"},
            "RunnerUp": {"ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/runnerup-1"},
        }
    )
    result = execute(json.dumps(asl), {}, mocks, "Case")
    assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
    req = {t["state"]: t["parameters"] for t in scheduled(result)}
    config = req["Tune"]["HyperParameterTuningJobConfig"]
    assert config["TrainingJobEarlyStoppingType"] == "Auto"
    assert config["Strategy"] == "Hyperband"
    assert config["ParameterRanges"]["ContinuousParameterRanges"][0]["ScalingType"] == "Logarithmic"
    assert req["Tune"]["WarmStartConfig"] == {
        "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "nightly-tuning-0001"}],
        "WarmStartType": "TransferLearning",
    }
    assert req["Tune.RankJobs"]["HyperParameterTuningJobName"] == "tune-abc"
    assert req["Tune.RankJobs"]["SortOrder"] == "Descending"
    best = req["Best"]["PrimaryContainer"]
    assert best["ModelDataUrl"] == "s3://b/tuning/tune-abc-007/output/model.tar.gz"
    assert best["Environment"] == {"SAGEMAKER_PROGRAM": "inference.py", "THREADS": "4"}
    second = req["RunnerUp"]["PrimaryContainer"]["ModelDataUrl"]
    assert second == "s3://b/tuning/tune-abc-003/output/model.tar.gz"
