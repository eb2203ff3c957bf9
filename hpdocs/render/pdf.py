"""Optional PDF export through LibreOffice (soffice) in headless mode.

Several conversions may run at once (a web page, parallel tests): concurrent
runs sharing a LibreOffice profile fail, sometimes with exit code 0 and no
PDF. So each run gets its own fresh profile (`-env:UserInstallation`), its
own output folder, a timeout, and the PDF is checked before it is moved into
place atomically.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from hpdocs.atomic import atomic_path
from hpdocs.errors import TemplateError

INSTALL_HINT = (
    "LibreOffice saknas – installera det för PDF-export, t.ex. apt-get install libreoffice-writer-nogui"
)
_CANDIDATES = ("soffice", "libreoffice")


def soffice_path() -> str | None:
    """The LibreOffice executable, or None. HPDOCS_SOFFICE overrides the search."""
    override = os.environ.get("HPDOCS_SOFFICE")
    if override:
        return override if Path(override).is_file() else shutil.which(override)
    return next((found for name in _CANDIDATES if (found := shutil.which(name))), None)


def libreoffice_available() -> bool:
    return soffice_path() is not None


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run soffice in its own process group so that a timeout ends all of its processes."""
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        return subprocess.CompletedProcess(command, proc.returncode, out, err)


def to_pdf(path: Path, outdir: Path, timeout: float = 180) -> Path:
    """Convert a .docx/.pptx/.xlsx to `outdir/<name>.pdf`; return the PDF's path."""
    soffice = soffice_path()
    if soffice is None:
        raise TemplateError(INSTALL_HINT)
    if not path.is_file():
        raise TemplateError(f"{path} finns inte och kan inte göras om till PDF.")
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{path.stem}.pdf"
    with tempfile.TemporaryDirectory(prefix="hpdocs-soffice-") as tmp:
        profile, work = Path(tmp) / "profil", Path(tmp) / "ut"
        work.mkdir()
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(path.resolve()),
        ]
        try:
            result = _run(command, timeout)
        except subprocess.TimeoutExpired as exc:
            raise TemplateError(
                f"LibreOffice blev inte klart med {path.name} inom {timeout:g} sekunder. "
                "Försök igen, eller öppna dokumentet och spara som PDF för hand."
            ) from exc
        except OSError as exc:
            raise TemplateError(f"LibreOffice kunde inte startas ({soffice}): {exc}. {INSTALL_HINT}") from exc
        produced = work / f"{path.stem}.pdf"
        if result.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = (result.stderr or result.stdout or "").strip().splitlines()
            why = f": {detail[-1]}" if detail else ""
            raise TemplateError(
                f"LibreOffice kunde inte göra om {path.name} till PDF "
                f"(kod {result.returncode}){why}. "
                "Kontrollera att filen går att öppna i Word eller LibreOffice."
            )
        with atomic_path(target) as tmp_target:
            shutil.copyfile(produced, tmp_target)  # the temporary folder may be on another disk
    return target
