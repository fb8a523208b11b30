"""Mock responses shaped like what the integrations return (a `.sync` job's result is its
final Describe* response), and a builder for Step Functions Local mock files."""

from __future__ import annotations

import json

ACCOUNT = "123456789012"


def mock_file(responses: dict[str, object], name: str = "pipeline", case: str = "Case") -> dict:
    """A MockConfigFile with one test case: state → a Return value, or an exception to throw
    (`{"Throw": {...}}`), or a list of those for successive invocations."""
    test_case = {}
    mocked = {}
    for state, value in responses.items():
        key = f"R{len(mocked)}"
        test_case[state] = key
        answers = value if isinstance(value, list) else [value]
        mocked[key] = {
            str(i): (a if isinstance(a, dict) and "Throw" in a else {"Return": a})
            for i, a in enumerate(answers)
        }
    return {
        "StateMachines": {name: {"TestCases": {case: test_case}}},
        "MockedResponses": mocked,
    }


def processing_job(name: str, outputs: dict[str, str]) -> dict:
    return {
        "ProcessingJobName": name,
        "ProcessingJobArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:processing-job/{name}",
        "ProcessingJobStatus": "Completed",
        "ProcessingOutputConfig": {
            "Outputs": [
                {"OutputName": k, "S3Output": {"S3Uri": v, "LocalPath": "/x", "S3UploadMode": "EndOfJob"}}
                for k, v in outputs.items()
            ]
        },
    }


def training_job(name: str, output: str) -> dict:
    return {
        "TrainingJobName": name,
        "TrainingJobArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/{name}",
        "TrainingJobStatus": "Completed",
        "ModelArtifacts": {"S3ModelArtifacts": f"{output}/{name}/output/model.tar.gz"},
        "OutputDataConfig": {"S3OutputPath": output},
    }


def model(name: str) -> dict:
    return {"ModelArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/{name}"}


def s3_json(body: object) -> dict:
    """An `s3:getObject` result holding a JSON document."""
    return {"Body": json.dumps(body), "ContentType": "application/json"}


def lambda_result(payload: object) -> dict:
    return {"StatusCode": 200, "Payload": payload}


CACHE_MISS: dict = {}
STORED: dict = {}


def cache_hit(result: dict) -> dict:
    """A DynamoDB getItem that finds a fresh cache entry holding `result` (each field the step
    keeps, as JSON text in the item's `result` map)."""
    return {
        "Item": {
            "expires": {"S": "2999-01-01T00:00:00Z"},
            "result": {"M": {k: {"S": json.dumps(v)} for k, v in result.items()}},
        }
    }
