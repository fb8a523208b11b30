"""What the compiled ASL keeps in the state data, executed on moto's interpreter."""

import json

from sfn_moto import entered, execute


def lambda_mocks(count, extra="x" * 50_000):
    ok = {"0": {"Return": {"StatusCode": 200, "Payload": {}}}}
    return {
        "StateMachines": {
            "pipeline": {
                "TestCases": {
                    "Night": {
                        "Score": "Score",
                        "Fast": "Ok",
                        "Slow": "Ok",
                        "Done": "Ok",
                    }
                }
            }
        },
        "MockedResponses": {
            "Score": {
                "0": {
                    "Return": {
                        "StatusCode": 200,
                        "Payload": {"result": {"count": count}, "debug": extra},
                    }
                }
            },
            "Ok": ok,
        },
    }


def test_a_lambda_result_keeps_only_the_fields_later_steps_read(compiled):
    asl = compiled("fixtures/steps/when.sfn")["asl"]
    for count, branch in [(3, "Fast"), (30, "Slow")]:
        result = execute(json.dumps(asl), {}, lambda_mocks(count), "Night")
        assert result["status"] == "SUCCEEDED", result
        states = entered(result)
        assert branch in states and ({"Fast", "Slow"} - {branch}).isdisjoint(states)
        kept = result["output"]["steps"]["Score"]
        assert kept == {"payload": {"result": {"count": count}}}
        # The 50 KB the Lambda also returned is not carried along.
        assert len(json.dumps(result["output"])) < 2_000


def test_a_value_tested_with_exists_is_optional(compiled):
    from mocks import mock_file, processing_job, s3_json

    asl = compiled("fixtures/steps/json_optional.sfn", "--no-lineage-states")["asl"]
    for metrics, branch in [({"auc": 0.95}, "Promote"), ({"auc": 0.5}, "Hold"), ({}, "Hold")]:
        mocks = mock_file(
            {
                "Evaluate": processing_job("e-1", {"report": "s3://b/eval/"}),
                "Gate.Read.Evaluate.metrics": s3_json(metrics),
                "Promote": {"StatusCode": 200, "Payload": {}},
                "Hold": {"StatusCode": 200, "Payload": {}},
            }
        )
        result = execute(json.dumps(asl), {}, mocks, "Case")
        assert result["status"] == "SUCCEEDED", (metrics, result["error"], result["cause"])
        assert branch in entered(result), metrics


def test_declared_result_fields_feed_later_steps(compiled):
    from mocks import mock_file, processing_job
    from sfn_moto import scheduled

    asl = compiled("fixtures/steps/result_fields.sfn", "--no-lineage-states")["asl"]
    for rows, scored in [(5000, True), (10, False)]:
        mocks = mock_file(
            {
                "Approve": {"model_uri": "s3://models/approved/model.tar.gz", "approver": "ana"},
                "Count": {"StatusCode": 200, "Payload": {"rows": rows}},
                "Score": processing_job("s-1", {"scores": "s3://b/scores/"}),
            }
        )
        result = execute(json.dumps(asl), {}, mocks, "Case")
        assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
        req = {t["state"]: t["parameters"] for t in scheduled(result)}
        assert req["Count"]["Payload"] == {"Model": "s3://models/approved/model.tar.gz"}
        assert ("Score" in entered(result)) == scored
        if scored:
            model = req["Score"]["ProcessingInputs"][0]["S3Input"]["S3Uri"]
            assert model == "s3://models/approved/model.tar.gz"
