"""Every compiled fixture pipeline is accepted by the ASL validators teams already run:
asl-validator and the AWS Toolkit's language service (tests/js, pinned; installed by
tests/run). The foreach fixtures include an inline Map and Distributed Maps (one over an S3
prefix with ItemReader and ResultWriter)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, aslc_binary

CHECK = ROOT / "tests/js/check.js"


def node() -> str | None:
    found = shutil.which("node")
    ready = (ROOT / "tests/js/node_modules/asl-validator").exists()
    if (found is None or not ready) and os.environ.get("CI"):
        pytest.fail("CI installs Node.js and tests/js (.ci/run, tests/run)")
    return found if ready else None


def test_compiled_fixtures_pass_the_outside_validators(tmp_path):
    runtime = node()
    if runtime is None:
        pytest.skip("no Node.js or tests/js/node_modules here (tests/run installs them)")
    sources = [ROOT / "fixtures/nightly_fraud_retrain.sfn", ROOT / "fixtures/nested/nightly.sfn"]
    for d in ("steps", "real", "dag", "foreach"):
        sources += sorted((ROOT / "fixtures" / d).glob("*.sfn"))
    for s in sources:
        run = subprocess.run([aslc_binary(), "compile", str(s), "-o", str(tmp_path)], capture_output=True, text=True)
        assert run.returncode == 0, (s, run.stderr)
    # Each pipeline's own machine, and the lineage recorders of those that record lineage.
    compiled = sorted(str(p) for p in Path(tmp_path).glob("*.asl.json"))
    recorders = [p for p in compiled if p.endswith(".lineage-recorder.asl.json")]
    assert len(compiled) - len(recorders) == len(sources)
    assert len(recorders) > 10
    check = subprocess.run([runtime, str(CHECK), *compiled], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
