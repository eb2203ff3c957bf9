"""--json: English keys a program can rely on, Swedish messages, a schema_version, all documented."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from examples_copy import copy_example

from hpdocs.cli import cli
from hpdocs.json_output import SCHEMA_VERSION

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "data.md").read_text(encoding="utf-8")
DOCUMENTED = set(re.findall(r"`([a-z_]+)`", DOCS))


def keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in keys(v)}
    return set()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("json") / "vardbolaget")


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)  # stdout is JSON and nothing else


@pytest.mark.parametrize("command", ["validate", "consolidate"])
def test_json_keys_are_english_documented_and_versioned(example: Path, command: str) -> None:
    args = ["validate", "--projekt", str(example)] if command == "validate" else ["consolidate", str(example)]
    code, data = run_json(*args, "--json")
    assert code == 1  # Sjöstaden has an error
    assert data["schema_version"] == SCHEMA_VERSION and data["command"] == command
    found = keys(data)
    assert all(re.fullmatch(r"[a-z_]+", k) for k in found), found
    assert found - DOCUMENTED == set()


def test_json_messages_are_swedish_and_states_are_codes(example: Path) -> None:
    _, data = run_json("validate", "--projekt", str(example), "--json")
    files = {f["file"]: f for f in data["files"]}
    sjostaden = files["Enhet Vårdcentralen Sjöstaden.xlsx"]
    assert (sjostaden["state"], sjostaden["state_text"], sjostaden["kind"]) == (
        "accepted_with_errors",
        "godkänd med fel",
        "workbook",
    )
    assert sjostaden["error_count"] == 1 and sjostaden["usable"] and not sjostaden["ok"]
    percent = next(p for p in sjostaden["problems"] if p["code"] == "andel-som-procent")
    assert (percent["severity"], percent["cell"]) == ("fel", "G22")
    assert "procentsats" in percent["message"]
    assert {f["state"] for f in data["files"]} <= {"accepted", "accepted_with_errors", "refused", "replaced"}
    replaced = [f for f in data["files"] if f["state"] == "replaced"]
    assert replaced and all(
        f["replaced_by"] in files and f["state_text"].startswith("ersatt av") for f in replaced
    )
    assert data["error_count"] == sum(f["error_count"] for f in data["files"]) + sum(
        1 for p in data["notes"] + data["ignored"] if p["severity"] == "fel"
    )


def test_consolidate_json_says_who_has_reported(example: Path) -> None:
    _, data = run_json("consolidate", str(example), "--period", "Q3", "--json")
    assert (data["year"], data["period"], data["period_id"]) == (2022, "Q3", "2022-Q3")
    comp = data["completeness"]
    assert "Hemtjänst Västra" in {n["name"] for n in comp["missing"]}
    assert comp["expected"] == sum(len(comp[k]) for k in ("reported", "empty", "missing", "rejected"))
    assert data["headline"].endswith("har rapporterat för Kvartal 3.")
    assert data["outputs"] and all(Path(o["path"]).is_file() for o in data["outputs"])
