"""End to end in a real headless Chromium (Playwright) against a waitress server on loopback.

A manager hands in a workbook with a mistake, sees the problem, hands in a fixed one; the
coordinator logs in, sees the status change, builds and downloads the documents.

Screenshots go to a temporary folder; with HPDOCS_SKARMBILDER=1 they replace docs/bilder/web-*.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("waitress", reason="webbtilläggen (hpdocs[web]) är inte installerade")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright är inte installerat (pip install playwright)"
)

from examples_copy import copy_example  # noqa: E402
from test_web import running_server  # noqa: E402

from hpdocs.web import create_app, set_coordinator_password  # noqa: E402
from hpdocs.web.service import Portal  # noqa: E402
from hpdocs.web.settings import load_settings  # noqa: E402
from hpdocs.workbook.fill import fill_workbook  # noqa: E402
from hpdocs.workbook.read import read_workbook  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MISTAKES = "Enhet Vårdcentralen Sjöstaden.xlsx"  # "60 %" typed into a share
CHROMIUM = os.environ.get("HPDOCS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=sv-SE",
]  # fmt: skip
PASSWORD = "samordnarens-losenord"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason=f"Chromium saknas ({CHROMIUM}); installera med apt-get install chromium",
)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("HPDOCS_SKARMBILDER") == "1":
        return REPO / "docs" / "bilder"
    return tmp_path / "bilder"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example project, with every workbook but Sjöstaden's handed in over the web page."""
    root = tmp_path / "vardbolaget"
    copy_example(root)
    arrived = tmp_path / "e-post"
    (root / "inkorg").rename(arrived)
    (root / "inkorg").mkdir()
    with (root / "hpdocs.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[webb]\nsista_dag = 2022-10-15\n")
    return root


def hand_in_the_rest(portal: Portal, arrived: Path) -> None:
    project = portal.project
    for path in sorted(arrived.glob("*.xlsx"), key=lambda p: ("första" not in p.name, p.name)):
        if path.name == MISTAKES:
            continue
        node = project.organisation.nodes[read_workbook(path, project.plan).node_id]
        with path.open("rb") as fh:
            portal.upload(node, fh, path.name, by="lank")


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        # Swedish browser texts ("Välj fil") where Debian's chromium-l10n is installed.
        swedish = {**os.environ, "LANGUAGE": "sv"}
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True, env=swedish)
        try:
            yield browser
        finally:
            browser.close()


def test_manager_and_coordinator_in_a_real_browser(
    example: Path, tmp_path: Path, browser: Any, shots: Path
) -> None:
    set_coordinator_password(example, PASSWORD)
    app = create_app(example, settings=load_settings(example))
    portal: Portal = app.extensions["hpdocs"].portal
    hand_in_the_rest(portal, tmp_path / "e-post")
    token = portal.issue_link("E12")
    wrong = tmp_path / MISTAKES
    shutil.copyfile(tmp_path / "e-post" / MISTAKES, wrong)
    fixed = fill_workbook(
        wrong, {"kompetens.enhet.m1@Q3": {"varde": 12, "namnare": 20}}, out=tmp_path / "Sjöstaden rättad.xlsx"
    )
    shots.mkdir(parents=True, exist_ok=True)
    expect = sync_api.expect

    with running_server(app) as (host, port):
        base = f"http://{host}:{port}"
        manager = browser.new_context(viewport={"width": 1100, "height": 900}, locale="sv-SE").new_page()
        coordinator = browser.new_context(
            viewport={"width": 1100, "height": 900}, locale="sv-SE", accept_downloads=True
        ).new_page()

        # The manager opens the personal link and hands in the workbook with a mistake.
        manager.goto(f"{base}/n/{token}")
        expect(manager.get_by_role("heading", level=1)).to_have_text("Vårdcentralen Sjöstaden")
        expect(manager.get_by_text("Inte inlämnad ännu.")).to_be_visible()
        manager.get_by_label("Ifylld arbetsbok").set_input_files(wrong)
        manager.get_by_role("button", name="Lämna in").click()
        # One bad cell does not refuse the unit: the rest of the workbook counts.
        expect(manager.get_by_text("Godkänd med fel.")).to_be_visible()
        expect(manager.get_by_text("1 värde räknas inte")).to_be_visible()
        row = manager.get_by_role("row").filter(has_text="60 %")
        expect(row).to_contain_text("Fel")
        expect(row).to_contain_text("Adekvat kunskap och kompetens")
        expect(row).to_contain_text("G22")
        manager.screenshot(path=str(shots / "web-resultat.png"), full_page=True)

        # The coordinator logs in and sees the workbook used with an excluded value.
        coordinator.goto(f"{base}/status")
        expect(coordinator).to_have_url(f"{base}/login?next=/status")
        coordinator.screenshot(path=str(shots / "web-login.png"))
        coordinator.get_by_label("Lösenord").fill(PASSWORD)
        coordinator.get_by_role("button", name="Logga in").click()
        expect(coordinator).to_have_url(f"{base}/status")
        sjostaden = coordinator.get_by_role("row").filter(has_text="Vårdcentralen Sjöstaden")
        expect(sjostaden).to_contain_text("Godkänd med fel")
        expect(coordinator.get_by_role("row").filter(has_text="Hemtjänst Västra")).to_contain_text("Sen")

        # The manager fixes the workbook and hands it in again.
        manager.get_by_role("link", name="Tillbaka").click()
        manager.get_by_label("Ifylld arbetsbok").set_input_files(fixed)
        manager.get_by_role("button", name="Lämna in").click()
        expect(manager.get_by_text("Godkänd.")).to_be_visible()
        expect(manager.get_by_text("Arbetsboken används i sammanställningen.")).to_be_visible()

        # The coordinator sees the change, builds and downloads the documents.
        coordinator.reload()
        expect(sjostaden).to_contain_text("Inlämnad")
        coordinator.screenshot(path=str(shots / "web-status.png"), full_page=True)
        coordinator.get_by_role("button", name="Sammanställ och skapa dokument").click()
        build = coordinator.locator("section.ruta").first
        # While the build runs the page refreshes itself (meta refresh, no JavaScript).
        expect(build).to_contain_text("filer skapade", timeout=600_000)
        links = coordinator.locator('a[href^="/utdata/"]')
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        slides = [h for h in hrefs if h.endswith(".pptx")]
        wanted = slides[0] if slides else next(h for h in hrefs if "Prim" in h and h.endswith(".xlsx"))
        with coordinator.expect_download() as info:
            coordinator.locator(f'a[href="{wanted}"]').click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        check_document(saved)

        # The manager now finds the business area's documents on the personal page.
        manager.goto(f"{base}/n/{token}")
        expect(manager.get_by_text("Inlämnad.")).to_be_visible()
        expect(manager.locator("ul.dokument")).to_contain_text("Primärvård")
        expect(manager.locator("ul.dokument")).not_to_contain_text("Äldreomsorg")
        manager.screenshot(path=str(shots / "web-chef.png"), full_page=True)

        coordinator.goto(f"{base}/status/E21")
        expect(coordinator.get_by_role("button", name="Återställ (gör till den som används)")).to_be_visible()
        coordinator.screenshot(path=str(shots / "web-enhet.png"), full_page=True)


def check_document(path: Path) -> None:
    if path.suffix == ".pptx":
        from pptx import Presentation

        deck = Presentation(str(path))
        assert len(deck.slides) > 1
        words = " ".join(s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame)
        assert "Primärvård" in words or "Omsorgsbolaget" in words
    else:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        try:
            assert wb.sheetnames
        finally:
            wb.close()
