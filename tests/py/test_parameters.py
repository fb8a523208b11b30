"""Parameter checks of the compiled ASL, executed on moto's interpreter."""

import json

import pytest
from sfn_moto import entered, execute


@pytest.mark.parametrize(
    "depth, ok",
    [(8, True), (-3, True), (8.5, False), (1e3, False), ("8", False)],
)
def test_an_int_parameter_must_be_a_whole_number(compiled, depth, ok):
    asl = compiled("fixtures/steps/training.sfn")["asl"]
    result = execute(json.dumps(asl), {"Depth": depth, "DataDate": "2028-02-16"})
    states = entered(result)
    if ok:
        # Past the checks: the first step runs (and, unmocked here, fails: moto cannot start a
        # training job, and says so before the state's entered event).
        assert "Pipeline.Failed" not in states
        assert states[-1] == "Parameters.ValidateIntegers"
        assert result["error"] != "aslc.InvalidParameter"
        assert "createTrainingJob" in result["cause"]
    else:
        assert result["status"] == "FAILED"
        assert result["error"] == "aslc.InvalidParameter"
        assert states[-1] == "Pipeline.Failed"
        assert result["cause"] == "parameter Depth must be a whole number (int)"
