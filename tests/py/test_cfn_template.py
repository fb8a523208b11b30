"""`aslc compile --emit cfn`: the CloudFormation template of every fixture pipeline passes
cfn-lint (which also checks the embedded definition, rule E3601), carries the compiled ASL
unchanged, and wires the state machine to its role, log group, schedule, cache table,
failure notification and dashboard."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, aslc_binary, compile_pipeline
from mocks import lambda_result, mock_file, processing_job
from sfn_moto import execute, scheduled

PIPELINES = sorted(
    [ROOT / "fixtures/nightly_fraud_retrain.sfn"]
    + list((ROOT / "fixtures/steps").glob("*.sfn"))
    + list((ROOT / "fixtures/real").glob("*.sfn"))
    + list((ROOT / "fixtures/dag").glob("*.sfn"))
)


def emit(source: Path, out: Path, *extra: str) -> tuple[dict, dict, Path]:
    run = subprocess.run(
        [aslc_binary(), "compile", str(source), "-o", str(out), "--emit", "cfn", *extra],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    stem = source.name.removesuffix(".sfn")
    path = out / f"{stem}.template.json"
    return json.loads(path.read_text()), json.loads((out / f"{stem}.asl.json").read_text()), path


def cfn_lint(*templates: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *map(str, templates)],
        capture_output=True,
        text=True,
    )


def test_every_fixture_template_passes_cfn_lint(tmp_path):
    paths = []
    for source in PIPELINES:
        template, asl, path = emit(source, tmp_path)
        machine = template["Resources"]["StateMachine"]["Properties"]
        assert machine["Definition"] == asl, source.name
        paths.append(path)
    _, _, s3 = emit(
        ROOT / "fixtures/nightly_fraud_retrain.sfn",
        tmp_path / "s3",
        "--definition-s3",
        "s3://deploy-bucket/pipelines/nightly.asl.json",
    )
    paths.append(s3)
    lint = cfn_lint(*paths)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_every_fixture_sam_template_passes_cfn_lint(tmp_path):
    paths = []
    for source in PIPELINES:
        run = subprocess.run(
            [aslc_binary(), "compile", str(source), "-o", str(tmp_path), "--emit", "sam"],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        stem = source.name.removesuffix(".sfn")
        path = tmp_path / f"{stem}.sam.json"
        sam = json.loads(path.read_text())
        assert sam["Transform"] == "AWS::Serverless-2016-10-31"
        machine = sam["Resources"]["StateMachine"]
        assert machine["Type"] == "AWS::Serverless::StateMachine"
        # The definition SAM uploads is the one written beside the template.
        assert (tmp_path / machine["Properties"]["DefinitionUri"]).exists()
        assert machine["Properties"]["DefinitionUri"] == f"{stem}.asl.json"
        recorder = sam["Resources"].get("LineageRecorder")
        if recorder is not None:
            assert recorder["Properties"]["DefinitionUri"] == f"{stem}.lineage-recorder.asl.json"
            assert (tmp_path / recorder["Properties"]["DefinitionUri"]).exists()
        paths.append(path)
    seed = json.loads((tmp_path / "nightly_fraud_retrain.sam.json").read_text())
    assert seed["Resources"]["LineageRecorder"]["Properties"]["Name"] == "nightly-fraud-retrain-lineage-recorder"
    events = seed["Resources"]["StateMachine"]["Properties"]["Events"]
    assert events["Schedule"]["Type"] == "ScheduleV2"
    assert events["Schedule"]["Properties"]["ScheduleExpression"] == "cron(0 2 * * ? *)"
    trigger = json.loads((tmp_path / "trigger.sam.json").read_text())
    rule = trigger["Resources"]["StateMachine"]["Properties"]["Events"]["Trigger1"]
    assert rule["Type"] == "EventBridgeRule" and rule["Properties"]["Pattern"]["source"] == ["aws.s3"]
    lint = cfn_lint(*paths)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_cfn_lint_is_really_checking_the_definition(tmp_path):
    # The same template with a transition to a state that does not exist fails E3601: the
    # test above would catch a definition cfn-lint rejects.
    template, _, path = emit(ROOT / "fixtures/dag/diamond.sfn", tmp_path)
    definition = template["Resources"]["StateMachine"]["Properties"]["Definition"]
    definition["StartAt"] = "NoSuchState"
    path.write_text(json.dumps(template))
    lint = cfn_lint(path)
    assert lint.returncode != 0 and "E3601" in lint.stdout, lint.stdout


def test_the_seed_template_wires_everything_to_the_state_machine(tmp_path):
    template, asl, _ = emit(ROOT / "fixtures/nightly_fraud_retrain.sfn", tmp_path)
    res = template["Resources"]
    props = res["StateMachine"]["Properties"]
    assert props["StateMachineType"] == "STANDARD"
    assert props["RoleArn"] == {"Fn::GetAtt": ["ExecutionRole", "Arn"]}
    logging = props["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    assert logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"] == {
        "Fn::GetAtt": ["LogGroup", "Arn"]
    }
    assert res["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # Execution data and X-Ray are the template's parameters; the machine is tagged.
    assert logging["IncludeExecutionData"] == {"Fn::If": ["IncludeExecutionData", True, False]}
    assert template["Conditions"]["IncludeExecutionData"] == {"Fn::Equals": [{"Ref": "LogExecutionData"}, "true"]}
    assert props["TracingConfiguration"] == {"Enabled": {"Fn::If": ["Tracing", True, False]}}
    assert template["Conditions"]["Tracing"] == {"Fn::Equals": [{"Ref": "TracingEnabled"}, "true"]}
    assert {"Key": "aslc:pipeline", "Value": "nightly-fraud-retrain"} in props["Tags"]

    # The role: Step Functions of this account only, the plan's policy, logging and X-Ray.
    role = res["ExecutionRole"]["Properties"]
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "states.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    policies = {p["PolicyName"]: p["PolicyDocument"] for p in role["Policies"]}
    iam = subprocess.run(
        [aslc_binary(), "compile", str(ROOT / "fixtures/nightly_fraud_retrain.sfn"), "-o", str(tmp_path / "iam"), "--emit", "iam"],
        capture_output=True,
        text=True,
    )
    assert iam.returncode == 0, iam.stderr
    assert policies["Pipeline"] == json.loads((tmp_path / "iam/nightly_fraud_retrain.iam.json").read_text())
    actions = {a for s in policies["LoggingAndTracing"]["Statement"] for a in s["Action"]}
    assert {"logs:CreateLogDelivery", "logs:PutResourcePolicy", "xray:PutTraceSegments"} <= actions

    # The lineage recorder the pipeline starts: deployed beside it under the name the pipeline's
    # ARN expects, with its own role and least-privilege policy; the pipeline may start it only.
    recorder = res["LineageRecorder"]["Properties"]
    assert recorder["StateMachineName"] == "nightly-fraud-retrain-lineage-recorder"
    assert recorder["Definition"] == json.loads((tmp_path / "nightly_fraud_retrain.lineage-recorder.asl.json").read_text())
    assert recorder["RoleArn"] == {"Fn::GetAtt": ["LineageRecorderRole", "Arn"]}
    recorder_policies = {p["PolicyName"]: p["PolicyDocument"] for p in res["LineageRecorderRole"]["Properties"]["Policies"]}
    assert recorder_policies["Pipeline"] == json.loads(
        (tmp_path / "iam/nightly_fraud_retrain.lineage-recorder.iam.json").read_text()
    )
    start = next(s for s in policies["Pipeline"]["Statement"] if s["Sid"] == "StartLineageRecorder")
    assert start["Action"] == ["states:StartExecution"]
    assert start["Resource"].endswith(":stateMachine:nightly-fraud-retrain-lineage-recorder")
    assert not any(a.startswith("sagemaker:CreateContext") for s in policies["Pipeline"]["Statement"] for a in s["Action"])

    # The schedule starts this state machine.
    target = res["Schedule"]["Properties"]["Target"]
    assert target["Arn"] == {"Ref": "StateMachine"}
    assert res["ScheduleRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0][
        "Resource"
    ] == {"Ref": "StateMachine"}

    # The cache table is the one the Store states write, with TTL on the attribute they set.
    stores = [
        s for s in _states(asl) if s.get("Resource") == "arn:aws:states:::dynamodb:putItem"
    ]
    assert stores
    table = res["StepCacheTable"]["Properties"]
    ttl = table["TimeToLiveSpecification"]
    assert ttl["Enabled"] is True
    for s in stores:
        assert s["Parameters"]["TableName"] == table["TableName"]
        assert ttl["AttributeName"] in s["Parameters"]["Item"]
        assert list(s["Parameters"]["Item"][ttl["AttributeName"]]) == ["N.$"]
    assert table["KeySchema"] == [{"AttributeName": "key", "KeyType": "HASH"}]
    assert table["BillingMode"] == "PAY_PER_REQUEST"

    # Failures notify; the dashboard reads this machine's metrics and log group.
    # The topic is created unless one is given.
    assert template["Conditions"]["CreateFailureTopic"] == {"Fn::Equals": [{"Ref": "FailureTopicArn"}, ""]}
    assert res["FailureTopic"]["Condition"] == "CreateFailureTopic"
    given = {"Fn::If": ["CreateFailureTopic", {"Ref": "FailureTopic"}, {"Ref": "FailureTopicArn"}]}
    assert res["FailureRule"]["Properties"]["Targets"][0]["Arn"] == given
    assert template["Outputs"]["FailureTopicArn"]["Value"] == given
    pattern = res["FailureRule"]["Properties"]["EventPattern"]
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
    # The recorder's failures too: a recording that fails does not fail the pipeline.
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": "StateMachine"}, {"Ref": "LineageRecorder"}]
    body = res["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(body)["widgets"]
    assert any("ExecutionsFailed" in json.dumps(w) for w in widgets)
    assert "SOURCE '${LogGroup}'" in widgets[-1]["properties"]["query"]
    assert set(template["Outputs"]) == {"StateMachineArn", "RoleArn", "FailureTopicArn", "DashboardUrl"}


def test_a_pipeline_without_schedule_or_cache_gets_neither(tmp_path):
    template, _, _ = emit(ROOT / "fixtures/dag/diamond.sfn", tmp_path)
    assert not {"Schedule", "ScheduleRole", "StepCacheTable"} & set(template["Resources"])


def test_definition_s3_replaces_the_inline_definition(tmp_path):
    template, _, _ = emit(
        ROOT / "fixtures/dag/diamond.sfn", tmp_path, "--definition-s3", "s3://b/k/diamond.asl.json"
    )
    props = template["Resources"]["StateMachine"]["Properties"]
    assert "Definition" not in props
    assert props["DefinitionS3Location"] == {"Bucket": "b", "Key": "k/diamond.asl.json"}


@pytest.mark.parametrize("bad", ["b/k", "s3://", "s3://bucket", "s3:///key"])
def test_a_bad_definition_s3_is_a_usage_error(tmp_path, bad):
    run = subprocess.run(
        [aslc_binary(), "compile", str(ROOT / "fixtures/dag/diamond.sfn"), "-o", str(tmp_path), "--emit", "cfn", "--definition-s3", bad],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "s3://bucket/key" in run.stderr
    assert not list(tmp_path.iterdir())


def test_a_trigger_starts_the_pipeline_with_the_object_it_saw(tmp_path):
    template, _, _ = emit(ROOT / "fixtures/steps/trigger.sfn", tmp_path)
    rule = template["Resources"]["Trigger1"]["Properties"]
    assert rule["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["fraud-ml"]}, "object": {"key": [{"prefix": "raw/"}]}},
    }
    target = rule["Targets"][0]
    assert target["Arn"] == {"Ref": "StateMachine"}
    assert target["RoleArn"] == {"Fn::GetAtt": ["TriggerRole", "Arn"]}
    # What EventBridge does with an S3 event: fill the input template from the paths map.
    event = {"detail": {"bucket": {"name": "fraud-ml"}, "object": {"key": "raw/2026-11-30/part-0.csv"}}}
    transformer = target["InputTransformer"]
    values = {
        "bucket": event["detail"]["bucket"]["name"],
        "key": event["detail"]["object"]["key"],
    }
    assert transformer["InputPathsMap"] == {"bucket": "$.detail.bucket.name", "key": "$.detail.object.key"}
    text = transformer["InputTemplate"]
    for k, v in values.items():
        text = text.replace(f"<{k}>", v)
    started = json.loads(text)
    asl = json.dumps(compile_pipeline(ROOT / "fixtures/steps/trigger.sfn", tmp_path / "asl", "--no-lineage-states")["asl"])
    mocks = mock_file({
        "Featurise": processing_job("featurise-1", {"train": "s3://fraud-ml/features/prod/train/"}),
        "Notify": lambda_result({}),
    })

    def requests(execution_input):
        result = execute(asl, execution_input, mocks, "Case")
        assert result["status"] == "SUCCEEDED", (result["error"], result["cause"])
        return {t["state"]: t["parameters"] for t in scheduled(result)}

    req = requests(started)
    # object_prefix(): the folder the object landed in; object_key(): the key; literals as given.
    assert req["Featurise"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] == "s3://fraud-ml/raw/2026-11-30/"
    assert req["Notify"]["Payload"] == {"Object": "raw/2026-11-30/part-0.csv", "Env": "prod"}
    # A run started by hand with a prefix keeps it as it is.
    req = requests({"DataPrefix": "s3://fraud-ml/raw/backfill/"})
    assert req["Featurise"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] == "s3://fraud-ml/raw/backfill/"


def _states(machine):
    for state in machine.get("States", {}).values():
        yield state
        for branch in state.get("Branches", []):
            yield from _states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from _states(state[key])
