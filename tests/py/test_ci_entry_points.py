"""The CI entry points as their hosts run them: the pre-commit hooks (.pre-commit-hooks.yaml)
on staged files, and the GitHub Action's script (action.yml → .ci/action.sh) on a checkout."""

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import yaml
from conftest import ROOT, aslc_binary


def env_with_aslc() -> dict:
    env = dict(os.environ, NO_COLOR="1")
    env["PATH"] = f"{Path(aslc_binary()).parent}{os.pathsep}{env['PATH']}"
    return env


def test_pre_commit_hooks_run_on_the_files_they_select():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"aslc-check", "aslc-validate", "aslc-validate-templates"}
    cases = {
        "aslc-check": (["fixtures/dag/diamond.sfn"], ["fixtures/invalid/E012_unknown_name.sfn"]),
        "aslc-validate": (
            [
                "fixtures/asl/valid/comment_never_evaluated.asl.json",
                "fixtures/asl/valid/yaml_block_and_flow.asl.yaml",
            ],
            [
                "fixtures/asl/invalid/E128_unknown_optimised_integration.asl.json",
                "fixtures/asl/invalid/E111_yaml_locations.asl.yaml",
            ],
        ),
        "aslc-validate-templates": (
            [
                "fixtures/asl/valid/cdk_join.template.json",
                "fixtures/asl/valid/sam_definition.template.yaml",
            ],
            ["fixtures/asl/invalid/E111_template_sub_block.template.yaml"],
        ),
    }
    for hook_id, (good, bad) in cases.items():
        hook = hooks[hook_id]
        assert hook["language"] == "rust"
        for f in good + bad:
            assert re.search(hook["files"], f), (hook_id, f)
        # pre-commit appends the staged file names to the entry.
        run = lambda files: subprocess.run(  # noqa: E731
            shlex.split(hook["entry"]) + [str(ROOT / f) for f in files],
            env=env_with_aslc(),
            capture_output=True,
            text=True,
        )
        assert run(good).returncode == 0, run(good).stderr
        assert run(bad).returncode == 1


def test_the_action_checks_validates_and_writes_sarif(tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = {s.get("id"): s for s in action["runs"]["steps"]}
    script = steps["run"]["run"]
    assert ".ci/action.sh" in script
    upload = [s for s in action["runs"]["steps"] if "upload-sarif" in s.get("uses", "")]
    assert upload and upload[0]["with"]["sarif_file"] == "${{ steps.run.outputs.sarif }}"

    # A checkout with one good and one broken pipeline, and a valid ASL definition.
    work = tmp_path / "repo"
    (work / "pipelines").mkdir(parents=True)
    shutil.copy(ROOT / "fixtures/dag/diamond.sfn", work / "pipelines")
    shutil.copy(ROOT / "fixtures/invalid/E012_unknown_name.sfn", work / "pipelines")
    (work / "asl").mkdir()
    shutil.copy(ROOT / "fixtures/asl/valid/comment_never_evaluated.asl.json", work / "asl")
    inputs = {k: v["default"] for k, v in action["inputs"].items()}
    env = env_with_aslc() | {
        "PIPELINES": inputs["pipelines"],
        "ASL": inputs["asl"],
        "EXPRESS": inputs["express"],
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(tmp_path / "outputs"),
    }
    run = subprocess.run(
        ["bash", str(ROOT / ".ci/action.sh")], cwd=work, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "E012" in run.stderr
    outputs = dict(line.split("=", 1) for line in (tmp_path / "outputs").read_text().split())
    assert outputs["status"] == "1"
    sarif = Path(outputs["sarif"])
    check = json.loads((sarif / "check.sarif").read_text())
    results = check["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["E012"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "E012_unknown_name.sfn"
    )
    validate = json.loads((sarif / "validate.sarif").read_text())
    assert validate["runs"][0]["results"] == []
