"""Shared helpers for the Python tests: compile a pipeline with the aslc binary the Rust build
made (or the one $ASLC names), and run it on moto's Step Functions interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))


def aslc_binary() -> str:
    path = os.environ.get("ASLC") or str(ROOT / "target" / "debug" / "aslc")
    if not Path(path).exists():
        pytest.exit(f"{path} does not exist: run `cargo build` first (or set ASLC)", 2)
    return path


def compile_pipeline(source: Path, out: Path, *args: str) -> dict:
    """Compile a .sfn and return the artefacts it wrote, parsed."""
    run = subprocess.run(
        [aslc_binary(), "compile", str(source), "-o", str(out), *args],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    stem = source.name.removesuffix(".sfn")
    return {
        kind: json.loads((out / f"{stem}.{kind}.json").read_text())
        for kind in ("asl", "lineage")
    }


@pytest.fixture
def compiled(tmp_path):
    return lambda rel, *args: compile_pipeline(ROOT / rel, tmp_path, *args)
