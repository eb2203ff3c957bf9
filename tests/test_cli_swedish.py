"""Every text a person reads from the CLI is Swedish: Click's own help and errors too (issue 16)."""

from __future__ import annotations

import ast
import re
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hpdocs import cli_i18n
from hpdocs.cli import cli

# English that Click writes when nothing translates it (help headings, usage, errors, metavars).
ENGLISH = re.compile(
    r"Usage|Options|Commands|Show this|Show the|Error|Missing|Try '|for help|No such|Did you mean"
    r"|Aborted|default:|required|Invalid value|is not|does not|Got unexpected|requires|Choose from"
    r"|\[OPTIONS\]|COMMAND|\[ARGS\]|INTEGER|DIRECTORY|\bFILE\b|\bPATH\b|\bvalid\b|\bexist"
)


def click_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """Every msgid the installed Click passes to gettext / ngettext."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and args:
                singles.add(args[0])
            elif node.func.id == "ngettext" and len(args) >= 2:
                plurals.add((args[0], args[1]))
    return singles, plurals


def test_every_text_click_can_show_has_a_swedish_translation() -> None:
    singles, plurals = click_messages()
    assert len(singles) > 40 and plurals  # the scan found Click's texts
    assert sorted(singles - set(cli_i18n.MESSAGES)) == []
    assert sorted(plurals - set(cli_i18n.PLURALS)) == []


def test_translations_keep_the_placeholders_click_fills_in() -> None:
    def fields(text: str) -> set[str]:
        return {m.split("!")[0] for m in re.findall(r"\{([^{}]*)\}", text)}

    for english, swedish in cli_i18n.MESSAGES.items():
        assert fields(swedish) <= fields(english), english
    for (one, many), (sv_one, sv_many) in cli_i18n.PLURALS.items():
        assert fields(sv_one) <= fields(one) | fields(many) and fields(sv_many) <= fields(many), one


def commands() -> list[tuple[list[str], click.Command]]:
    assert isinstance(cli, click.Group)
    return [([], cli)] + [([name], command) for name, command in sorted(cli.commands.items())]


def bad_calls(path: list[str], command: click.Command) -> list[list[str]]:
    """Calls that Click refuses before the command runs: one per kind of mistake it can see."""
    calls = [[*path, "--help"], [*path, "--finnsinte"], [*path, "-Z"]]
    for param in command.params:
        if not isinstance(param, click.Option) or param.name in {"help", "version"}:
            continue
        flag = param.opts[0]
        if not param.is_flag:
            calls.append([*path, flag])  # the value is missing
        if isinstance(param.type, click.Choice):
            calls.append([*path, flag, "fel-val"])
        if param.type is click.INT:
            calls.append([*path, flag, "tre"])
        if isinstance(param.type, click.Path) and param.type.exists:
            calls.append([*path, flag, "/finns/inte"])
    for param in command.params:
        if isinstance(param, click.Argument) and isinstance(param.type, click.Path) and param.type.exists:
            calls.append([*path, "/finns/inte"])
    if any(p.required for p in command.params):
        calls.append(path)
    if isinstance(command, click.Group):
        calls += [["valdate"], ["--debg"]]
    return calls


ALL_BAD_CALLS = [call for path, command in commands() for call in bad_calls(path, command)]


@pytest.mark.parametrize("args", ALL_BAD_CALLS, ids=[" ".join(a) or "(inget)" for a in ALL_BAD_CALLS])
def test_help_and_every_refused_call_are_in_swedish(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args, catch_exceptions=False, prog_name="hpdocs")
    text = result.stdout + result.stderr
    assert text.strip()
    assert result.exit_code == (0 if "--help" in args else 2), text
    if "--help" in args:
        assert text.startswith("Användning: hpdocs") and "Flaggor:" in text
    else:
        assert result.stderr.splitlines()[-1].startswith("Fel: ")
        # Click shows the usage line where it knows the command (not for a missing value).
        assert ("Användning: hpdocs" in result.stderr) == ("för hjälp." in result.stderr)
    assert not ENGLISH.search(text), (args, ENGLISH.search(text), text)


def test_the_examples_a_user_meets_first() -> None:
    result = CliRunner().invoke(cli, ["init", "x", "--priod", "Q3"], prog_name="hpdocs")
    assert result.stderr.splitlines()[-1] == 'Fel: Flaggan "--priod" finns inte.'
    result = CliRunner().invoke(cli, ["validate", "--jsn"], prog_name="hpdocs")
    assert result.stderr.splitlines()[-1] == "Fel: Flaggan \"--jsn\" finns inte. Menade du '--json'?"
    result = CliRunner().invoke(cli, ["init", "x"], prog_name="hpdocs")
    assert (
        result.stderr.splitlines()[-1]
        == 'Fel: Ange --namn "Organisationens namn" (eller --fran-projekt MAPP).'
    )
    result = CliRunner().invoke(cli, ["vaidate"], prog_name="hpdocs")
    assert result.stderr.splitlines()[-1] == "Fel: Kommandot \"vaidate\" finns inte. Menade du 'validate'?"


def test_ctrl_c_says_it_in_swedish(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("hpdocs.project.load_project", interrupted)
    result = CliRunner().invoke(cli, ["workbooks", str(tmp_path)], prog_name="hpdocs")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Avbrutet!"


def test_python_errors_reach_the_user_in_swedish_and_in_full_with_debug(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("invalid literal for int() with base 10: 'x'")

    monkeypatch.setattr("hpdocs.project.load_project", broken)
    result = CliRunner().invoke(cli, ["workbooks", str(tmp_path)], catch_exceptions=False, prog_name="hpdocs")
    assert result.exit_code == 1
    assert result.stderr.startswith("Fel: Ett oväntat fel i hpdocs (ValueError).")
    assert "invalid literal" not in result.stderr and "--debug" in result.stderr
    with pytest.raises(ValueError, match="invalid literal"):
        CliRunner().invoke(
            cli, ["--debug", "workbooks", str(tmp_path)], catch_exceptions=False, prog_name="hpdocs"
        )


def test_a_file_system_error_names_the_file_in_swedish(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "låst"

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr("hpdocs.project.load_project", denied)
    result = CliRunner().invoke(cli, ["workbooks", str(tmp_path)], catch_exceptions=False, prog_name="hpdocs")
    assert result.stderr.strip() == f'Fel: "{target}" går inte att komma åt: behörighet saknas.'
    assert result.exit_code == 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT kan inte skickas så på Windows")
def test_ctrl_c_in_a_real_run_says_it_in_swedish(tmp_path: Path) -> None:
    """SIGINT to a real hpdocs process, stopped while it works (here: waiting in load_project)."""
    script = (
        "import sys, time\n"
        "import hpdocs.project\n"
        "def slow(*a, **k):\n"
        "    print('igång', flush=True)\n"
        "    time.sleep(60)\n"
        "hpdocs.project.load_project = slow\n"
        "from hpdocs.cli import cli\n"
        "cli(['workbooks', sys.argv[1]], prog_name='hpdocs')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "igång"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 1
    assert err.strip() == "Avbrutet!"


def test_setting_the_password_from_a_pipe_prints_no_english(tmp_path: Path) -> None:
    pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")
    project = tmp_path / "projekt"
    assert CliRunner().invoke(cli, ["init", str(project), "--namn", "Testbolaget AB"]).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-m", "hpdocs", "serve", str(project), "--satt-losenord"],
        input="ett långt lösenord\nett långt lösenord\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Lösenordet är sparat" in done.stdout
    assert not ENGLISH.search(done.stdout + done.stderr) and "Warning" not in done.stderr
