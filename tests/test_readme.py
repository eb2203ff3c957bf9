"""The README stays true: its commands exist, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from hpdocs.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_blocks() -> list[str]:
    return re.findall(r"```\n(.*?)```", README, flags=re.S)


def test_every_command_is_in_the_readme_and_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in cli.commands:
        assert f"hpdocs {name}" in README, name
        result = runner.invoke(cli, [name, "--help"], catch_exceptions=False)
        assert result.exit_code == 0 and "Exempel" in result.output, name


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _code_blocks()[1].strip()
    assert test_command == 'python3 -m pip install -e ".[test]" && python3 -m pytest'
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command.replace("python3", "python") in ci


def test_ci_runs_lint_formatting_and_types_from_the_test_extra() -> None:
    import tomllib

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in ("ruff check .", "ruff format --check .", "mypy"):
        assert f"python -m {command}\n" in ci, command
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = " ".join(config["project"]["optional-dependencies"]["test"])
    assert "ruff" in extra and "mypy" in extra
    assert config["tool"]["mypy"]["packages"] == ["hpdocs"] and "ruff" in config["tool"]


def test_first_command_builds_the_bundled_example() -> None:
    first = _code_blocks()[0].strip()
    assert first == "python3 -m pip install . && hpdocs build examples/vardbolaget"
    assert (ROOT / "examples" / "vardbolaget" / "hpdocs.toml").is_file()


def test_linked_docs_exist() -> None:
    for link in re.findall(r"\]\(((?:docs|examples)/[^)#]+)\)", README):
        assert (ROOT / link).exists(), link


def test_every_problem_code_is_documented() -> None:
    pattern = re.compile(
        r'"((?:fil|plan|org|varde|post|kolumn|kolumner|status|period|andel|egen|blad|omrade|identitet|data|formel|fel|annan|okand|mall|webb)-[a-z0-9-]+)"'
    )
    codes = {
        m
        for path in (ROOT / "hpdocs").rglob("*.py")
        for m in pattern.findall(path.read_text(encoding="utf-8"))
    }
    documented = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert codes and sorted(c for c in codes if f"`{c}`" not in documented) == []
