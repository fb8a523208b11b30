"""Run a Step Functions definition on moto's interpreter (LocalStack's, which moto ships), with
the Step Functions Local mock format (MockConfigFile) for service responses.

moto ships the interpreter and LocalStack's mock machinery, but its execution worker is never
given a mock test case; `execute` hands it the one named, read from a mock file in the format
AWS documents: StateMachines.<name>.TestCases.<case>.<state> = <response>, and
MockedResponses.<response>.{"0" | "1-2": {"Return": ...} | {"Throw": {"Error", "Cause"}}}.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from typing import Any

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import boto3  # noqa: E402
import jsonata  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (  # noqa: E402
    state_task_service_callback as callback_service,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (  # noqa: E402
    state_task_service as task_service,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import (  # noqa: E402
    ResourceCondition,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_unsupported import (  # noqa: E402
    StateTaskServiceUnsupported,
)
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata  # noqa: E402
from moto.stepfunctions.parser.backend import execution as sfn_execution  # noqa: E402
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker  # noqa: E402
from moto.stepfunctions.parser.mocking import mock_config  # noqa: E402
from moto.stepfunctions.parser.asl.eval import environment as sfn_environment  # noqa: E402
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (  # noqa: E402
    StatesErrorName,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task import (  # noqa: E402
    mock_eval_utils,
)

ROLE = "arn:aws:iam::123456789012:role/sfn"

# The interpreter logs every failure it handles at ERROR, with its whole parse tree.
logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)

# moto ships LocalStack's interpreter without its JSONata engine (LocalStack runs dashjoin's
# jsonata-java in a JVM; moto's bridge is a stub). jsonata-python is the Python port of that
# same implementation, so JSONata states (`{% %}`) evaluate as they do in LocalStack.
moto_jsonata._eval_jsonata = lambda expression: jsonata.Jsonata(expression).evaluate(None)

# LocalStack's interpreter has no optimised SageMaker integration: it forwards plain calls to
# the service and refuses `.sync` outright, even for a state the mock file answers. Step
# Functions Local returns the mocked response for a `.sync` task (the job's final Describe*
# result); so does this harness, for mocked states only.
_unsupported_body = StateTaskServiceUnsupported._eval_body



def _mocked_sync_body(self, env):
    if env.is_mocked_mode() and self.resource.condition == ResourceCondition.Sync:
        super(callback_service.StateTaskServiceCallback, self)._eval_body(env=env)
    else:
        _unsupported_body(self, env)


StateTaskServiceUnsupported._eval_body = _mocked_sync_body

# Mocked tasks that take this long (seconds), by state name: a job that runs for a while, so
# that tests can see which jobs run at the same time.
JOB_SECONDS: dict[str, float] = {}
_service_execution = task_service.StateTaskService._eval_execution


def _timed_execution(self, env):
    if env.is_mocked_mode():
        time.sleep(JOB_SECONDS.get(self.name, 0.0))
    _service_execution(self, env)


task_service.StateTaskService._eval_execution = _timed_execution


# A failed SageMaker `.sync` job fails its Task with `States.TaskFailed` on AWS (the job's
# FailureReason is in the cause), but moto's mock loader takes every mocked error for a custom
# one and refuses the `States.` prefix. A mocked `States.` error is raised as AWS raises it.
_custom_error_name = mock_eval_utils.CustomErrorName


def _mocked_error_name(name):
    if name is not None and name.startswith("States."):
        return StatesErrorName.from_name(name)
    return _custom_error_name(name)


mock_eval_utils.CustomErrorName = _mocked_error_name


# AWS's mock format consumes the next response on every invocation of the state, retries
# included; moto indexes by the state's RetryCount, which starts again at 0 each time the state
# is entered, so a job-retry loop (the state entered again) would replay the first response for
# ever. Count invocations per state and execution instead; past the last response, the last
# one repeats (a Map iteration or a loop with one response keeps getting it).
def _next_mocked_response(self):
    case = self.mock_test_case
    state = self.next_state_name
    responses = case.state_mocked_responses.get(state) if case else None
    if responses is None:
        return _current_mocked_response(self)
    calls = case.__dict__.setdefault("_aslc_calls", {})
    k = calls.get(state, 0)
    calls[state] = k + 1
    return responses.mocked_responses[min(k, len(responses.mocked_responses) - 1)]


_current_mocked_response = sfn_environment.Environment.get_current_mocked_response
sfn_environment.Environment.get_current_mocked_response = _next_mocked_response


class _Model(dict):
    """The attribute access moto's mock loader expects of LocalStack's pydantic models."""

    def __getattr__(self, key: str) -> Any:
        return _model(self[key]) if key in self else None

    def get(self, key: str, default: Any = None) -> Any:
        return _model(self[key]) if key in self else default

    def items(self):
        return [(k, _model(v)) for k, v in super().items()]

    @property
    def root(self) -> dict:
        return dict(self)

    def model_dump(self) -> Any:
        return dict(self)

    def __bool__(self) -> bool:
        # A model object is there even when it holds nothing (`{"Return": {}}`).
        return True


def _model(raw: Any) -> Any:
    return _Model(raw) if isinstance(raw, dict) else raw


def _install(case: Any) -> None:
    """Start every execution's worker with `case` (a MockTestCase, or None)."""

    def worker(self) -> ExecutionWorker:
        return ExecutionWorker(
            evaluation_details=sfn_execution.EvaluationDetails(
                aws_execution_details=self._get_start_aws_execution_details(),
                execution_details=self.get_start_execution_details(),
                state_machine_details=self.get_start_state_machine_details(),
            ),
            exec_comm=self._get_start_execution_worker_comm(),
            cloud_watch_logging_session=self._cloud_watch_logging_session,
            activity_store=self._activity_store,
            mock_test_case=case,
        )

    sfn_execution.Execution._get_start_execution_worker = worker


def execute(
    definition: str,
    execution_input: Any = None,
    mocks: dict | None = None,
    test_case: str | None = None,
    name: str = "pipeline",
    timeout: float = 60.0,
    execution_name: str | None = None,
) -> dict:
    """Run one execution to its end; returns status, output, error, cause and the events."""
    case = None
    if mocks is not None and test_case is not None:
        case = mock_config._mock_test_case_from_raw(
            state_machine_name=name,
            test_case_name=test_case,
            raw_mock_config=_model(mocks),
        )
    _install(case)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        arn = sfn.create_state_machine(name=name, definition=definition, roleArn=ROLE)[
            "stateMachineArn"
        ]
        # AWS names an unnamed execution with a UUID; moto leaves it `None`.
        ex = sfn.start_execution(
            stateMachineArn=arn,
            name=execution_name or str(uuid.uuid4()),
            input=json.dumps(execution_input or {}),
        )["executionArn"]
        deadline = time.monotonic() + timeout
        while True:
            d = sfn.describe_execution(executionArn=ex)
            if d["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        events = []
        token = None
        while True:
            page = sfn.get_execution_history(
                executionArn=ex, maxResults=1000, **({"nextToken": token} if token else {})
            )
            events.extend(page["events"])
            token = page.get("nextToken")
            if not token:
                break
    output = json.loads(d["output"]) if d.get("output") else None
    return {
        "name": d["name"],
        "status": d["status"],
        "output": output,
        "error": d.get("error"),
        "cause": d.get("cause"),
        "events": events,
    }


def entered(result: dict) -> list[str]:
    """The names of the states entered, in order."""
    return [
        e["stateEnteredEventDetails"]["name"]
        for e in result["events"]
        if "stateEnteredEventDetails" in e
    ]


def _entered_before(event: dict, by_id: dict) -> str | None:
    """The state an event belongs to: the state entered before it on its own chain of
    `previousEventId`s (branches of a Parallel interleave in the history)."""
    e = event
    while e is not None:
        if "stateEnteredEventDetails" in e:
            return e["stateEnteredEventDetails"]["name"]
        e = by_id.get(e.get("previousEventId"))
    return None


def scheduled(result: dict) -> list[dict]:
    """The parameters of every Task scheduled, with the state that scheduled it."""
    out = []
    by_id = {e["id"]: e for e in result["events"]}
    for e in result["events"]:
        if "taskScheduledEventDetails" in e:
            d = e["taskScheduledEventDetails"]
            out.append(
                {
                    "state": _entered_before(e, by_id),
                    "resource": f'{d["resourceType"]}:{d["resource"]}',
                    "parameters": json.loads(d["parameters"]),
                }
            )
    return out


def zero_waits(states: dict) -> None:
    """Waits at zero seconds (moto really sleeps through them), in branches and iterations too."""
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
