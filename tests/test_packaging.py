"""A normal (non-editable) install carries the templates and built-in plans."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_install_finds_templates_and_plans(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    wheel = next(wheels.glob("hpdocs-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, timeout=300
    )
    probe = (
        "import hpdocs, pathlib\n"
        "from hpdocs.resources import templates_dir\n"
        "from hpdocs.planfile import load_plan\n"
        "t = templates_dir()\n"
        "assert 'site-packages' in str(t), t\n"
        "assert (t / 'word' / 'psb-verksamhetschef.docx').is_file()\n"
        "assert (t / 'pptx' / 'mum-status.pptx').is_file()\n"
        "assert load_plan('hp-2022').areas and load_plan('region-2022-2024').areas\n"
        "print(pathlib.Path(hpdocs.__file__).parent)\n"
    )
    result = subprocess.run(
        [str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "site-packages" in result.stdout
