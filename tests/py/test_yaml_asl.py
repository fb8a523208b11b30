"""ASL in YAML validates as its JSON does: every definition of the corpus, and every invalid
fixture, converted to YAML by PyYAML, gets the same diagnostics (codes and JSON pointers) from
`aslc validate`, located in the YAML file."""

import json
import subprocess
from pathlib import Path

import yaml
from conftest import ROOT, aslc_binary

# Fixtures whose problem is JSON text itself (syntax, duplicate keys, size, depth): a YAML
# conversion cannot carry it.
JSON_ONLY = ("E100", "E101", "E102", "E103", "E104")


def report(files: list[Path]) -> dict[str, set[tuple[str, str]]]:
    run = subprocess.run(
        [aslc_binary(), "validate", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert run.returncode in (0, 1), run.stderr
    return {
        Path(f["path"]).name: {(d["code"], d.get("pointer") or "") for d in f["diagnostics"]}
        for f in json.loads(run.stdout)["files"]
    }


def as_yaml(sources: list[Path], out: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for i, src in enumerate(sources):
        doc = json.loads(src.read_text())
        target = out / f"{i:03}-{src.name.removesuffix('.json')}.yaml"
        # Half block style, half flow style: both are YAML users write.
        target.write_text(yaml.safe_dump(doc, sort_keys=False, default_flow_style=bool(i % 2)))
        pairs.append((src, target))
    return pairs


def test_the_corpus_in_yaml_validates_as_in_json(tmp_path):
    sources = sorted((ROOT / "fixtures/asl/corpus/valid").iterdir())
    assert len(sources) >= 168
    pairs = as_yaml(sources, tmp_path)
    from_json = report([s for s, _ in pairs])
    from_yaml = report([y for _, y in pairs])
    for src, y in pairs:
        assert from_yaml[y.name] == from_json[src.name], src.name
        assert not any(code.startswith("E") for code, _ in from_yaml[y.name]), src.name


def test_invalid_fixtures_in_yaml_report_the_same_problems(tmp_path):
    sources = [
        p
        for p in sorted((ROOT / "fixtures/asl/invalid").glob("*.asl.json"))
        if not p.name.startswith(JSON_ONLY)
        # Express-only problems need `--express`; the other fixtures cover the same rules.
        and "--express" not in p.with_name(p.name.replace(".asl.json", ".expect")).read_text()
    ]
    pairs = as_yaml(sources, tmp_path)
    from_json = report([s for s, _ in pairs])
    from_yaml = report([y for _, y in pairs])
    for src, y in pairs:
        assert from_json[src.name], src.name
        assert from_yaml[y.name] == from_json[src.name], src.name


def test_yaml_errors_point_at_the_yaml_line():
    run = subprocess.run(
        [aslc_binary(), "validate", "--format", "json", str(ROOT / "fixtures/asl/invalid/E111_yaml_locations.asl.yaml")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    diags = json.loads(run.stdout)["files"][0]["diagnostics"]
    at = {d["code"]: d["start"]["line"] for d in diags}
    assert at == {"E128": 7, "E111": 10, "E113": 11}
