"""`aslc report` as a user runs it: fourteen nights of the seed pipeline, each really executed
on moto's Step Functions interpreter and retimed to known job durations
(report_histories.py), reported by the CLI in every format; the HTML page is opened in a
headless Chromium (Debian's `chromium`, installed by .ci/run)."""

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, aslc_binary
from report_histories import SEED, schedule, write_nights


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nights")
    write_nights(out, tmp_path_factory.mktemp("work"))
    return out


def report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([aslc_binary(), "report", *args], capture_output=True, text=True)


def test_the_report_says_what_each_night_did(nights):
    run = report(str(nights), "--pipeline", str(SEED), "--format", "json")
    assert run.returncode == 0, run.stderr
    r = json.loads(run.stdout)
    assert r["pipeline"] == "nightly-fraud-retrain"
    assert [e["name"] for e in r["executions"]] == [f"night-{n:02d}" for n in range(1, 15)]
    for e, (scenario, times) in zip(r["executions"], schedule()):
        steps = {s["step"]: s for s in e["steps"]}
        for job, attempts in times.items():
            if job in steps:
                assert steps[job]["seconds"] == sum(attempts), (e["name"], job)
                assert steps[job]["attempts"] == len(attempts), (e["name"], job)
        assert e["status"] == ("FAILED" if scenario == "train_fails" else "SUCCEEDED")
        deployed = scenario not in ("train_fails", "gate_closed")
        assert ("TriggerDeployLambda" in steps) == deployed, e["name"]
        assert steps["Featurise"].get("cache") == ("hit" if scenario == "cache_hit" else "miss")
    failed = r["executions"][4]["failure"]
    assert failed["step"] == "TrainXGB" and failed["error"] == "JobFailed"
    assert "ValidationException" in failed["cause"]
    # The same report from the sidecar as from the source.
    out = nights.parent / "compiled"
    subprocess.run([aslc_binary(), "compile", str(SEED), "-o", str(out)], check=True, capture_output=True)
    by_sidecar = report(str(nights), "--sidecar", str(out / "nightly_fraud_retrain.lineage.json"), "--format", "json")
    assert json.loads(by_sidecar.stdout) == r


def test_text_svg_and_html(nights, tmp_path):
    text = report(str(nights), "--pipeline", str(SEED))
    assert text.returncode == 0
    assert "night-05" in text.stdout and "TrainXGB (JobFailed)" in text.stdout
    svg = tmp_path / "r.svg"
    assert report(str(nights), "--pipeline", str(SEED), "--format", "svg", "-o", str(svg)).returncode == 0
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    html = tmp_path / "r.html"
    assert report(str(nights), "--pipeline", str(SEED), "--format", "html", "-o", str(html)).returncode == 0
    page = html.read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page


def chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI"):
        pytest.fail("CI installs Debian's chromium (.ci/run): it is missing")
    return found


def test_the_html_page_renders_in_chromium(nights, tmp_path):
    browser = chromium()
    if browser is None:
        pytest.skip("no chromium here (CI installs it)")
    html = tmp_path / "r.html"
    assert report(str(nights), "--pipeline", str(SEED), "--format", "html", "-o", str(html)).returncode == 0
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    # The DOM Chromium built: the chart and both tables are there, one row per night.
    dom = subprocess.run([browser, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<tr") >= 1 + 14 + 1 + 6 and "<svg" in dom.stdout
    # And a picture of it that is not blank.
    png = tmp_path / "r.png"
    shot = subprocess.run(
        [browser, *flags, "--window-size=1100,1400", f"--screenshot={png}", html.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.returncode == 0 and png.exists(), shot.stderr[-2000:]
    from PIL import Image

    image = Image.open(png).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 20, "the page rendered as (nearly) one colour"
    # The Gantt chart's bars: TrainXGB's orange is on the page.
    assert any(c == (0xF2, 0x8E, 0x2B) for _, c in colours)


def test_bad_histories_are_named_and_the_rest_is_reported(nights, tmp_path):
    mixed = tmp_path / "mixed"
    shutil.copytree(nights, mixed)
    (mixed / "garbage.json").write_text("{ not json")
    night = json.loads((nights / "night-01.json").read_text())
    night["nextToken"] = "AAAA"
    (mixed / "truncated.json").write_text(json.dumps(night))
    run = report(str(mixed), "--pipeline", str(SEED), "--format", "json")
    assert run.returncode == 1
    assert "garbage.json: not JSON" in run.stderr and "truncated.json: truncated" in run.stderr
    r = json.loads(run.stdout)
    assert len(r["executions"]) == 15
    # --last keeps the most recent executions.
    last = json.loads(report(str(nights), "--pipeline", str(SEED), "--format", "json", "--last", "3").stdout)
    assert [e["name"] for e in last["executions"]] == ["night-12", "night-13", "night-14"]
    missing = report(str(tmp_path / "nowhere"), "--pipeline", str(SEED))
    assert missing.returncode == 2 and "nowhere" in missing.stderr
