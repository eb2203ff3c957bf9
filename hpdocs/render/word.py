"""Render the Word documents with docxtpl, in a strict Jinja sandbox.

Templates are user-editable, so they are rendered in an immutable sandbox
with autoescape on (`&`, `<`, `>` in texts never corrupt the document) and
undefined names raising (a misspelt tag is reported, not silently empty).
Every failure becomes a `TemplateError` naming the template, the line and the
text around the tag, with a hint in Swedish. A `DocxTemplate` renders only
once, so each document gets a fresh instance.
"""

from __future__ import annotations

import operator
import re
import zipfile
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from hpdocs.atomic import atomic_path
from hpdocs.consolidate import Rollup
from hpdocs.errors import OutputError, TemplateError
from hpdocs.plan import Plan
from hpdocs.render.board_context import BoardSettings, board_context
from hpdocs.render.fit_tables import fit_loop_tables, word_scale
from hpdocs.render.psb_context import psb_context
from hpdocs.resources import template_path

PSB_TEMPLATE = "psb-verksamhetschef.docx"
BOARD_TEMPLATE = "styrelsebeslut.docx"
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # uncompressed; a real template is well under 1 MB
MAX_OUTPUT_ITEMS = 1_000_000  # longest string/list a template may build with * or **

_HINT_SYNTAX = (
    "Kontrollera att taggen är hel och skriven i en följd, t.ex. {{ area.title }} eller "
    "{%p for area in areas %}, med raka citattecken (\" eller ') och att varje {% for %} "
    "och {% if %} har sitt {% endfor %} eller {% endif %}. Tabellrader loopas med {%tr for %}."
)
_HINT_UNDEFINED = "Taggen använder ett namn som inte finns. Tillgängliga namn står i docs/mallar.md."
_HINT_SECURITY = "Mallen försöker nå något som inte är tillåtet i en mall. Ta bort taggen."
_HINT_XML = (
    "Resultatet blev inte giltig Word-XML. Oftast står en {%tr %}-tagg utanför en tabell, "
    "en {%p %}-tagg i samma stycke som annan text, eller en loop i fel nivå."
)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Immutable sandbox: no unsafe attributes, no mutating lists/dicts, and no
    huge strings or lists built with `*` or `**` (a template could hang a run)."""

    intercepted_binops = frozenset(["*", "**"])

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        raise jinja2.exceptions.SecurityError(
            f"Åtkomst till {attribute!r} på ett {type(obj).__name__}-objekt är inte tillåten i en mall."
        )

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise jinja2.exceptions.SecurityError("För stor exponent i mallen.")
            return operator.pow(left, right)
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT_ITEMS:
                raise jinja2.exceptions.SecurityError("Mallen försöker bygga en för lång text eller lista.")
        return operator.mul(left, right)


def make_environment() -> jinja2.Environment:
    """The Jinja environment every Word template is rendered (and checked) in.

    `safe` would let a template write raw XML (also from users' comments) and
    `lipsum` can build endless text, so both are removed.
    """
    env = _Sandbox(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters.pop("safe", None)
    env.globals.pop("lipsum", None)
    return env


def _template_lineno(exc: BaseException) -> int | None:
    """The template line of an error: from the exception, else from Jinja's rewritten traceback."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    found = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _line_text(template: Path, lineno: int | None) -> str:
    """The visible text of the template paragraph at `lineno` (docxtpl puts one <w:p> per line)."""
    if lineno is None:
        return ""
    try:
        doc = DocxTemplate(template)
        doc.init_docx()
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", doc.patch_xml(doc.get_xml()))
        lines = xml.splitlines()
    except Exception:  # best effort only: the real error is reported anyway
        return ""
    if not 0 < lineno <= len(lines):
        return ""
    visible = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    return " ".join(visible.split())[:160]


def _describe(exc: BaseException, template: Path) -> TemplateError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        what, hint = f"trasig tagg: {exc.message}", _HINT_SYNTAX
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        what, hint = f"otillåten tagg: {exc}", _HINT_SECURITY
    elif isinstance(exc, jinja2.UndefinedError):
        what, hint = f"okänt namn: {exc.message}", _HINT_UNDEFINED
    elif isinstance(exc, etree.XMLSyntaxError):
        what, hint = f"ogiltig XML efter rendering: {exc}", _HINT_XML
    elif isinstance(exc, OverflowError | MemoryError | RecursionError):
        what, hint = f"mallen bygger för mycket: {exc}", _HINT_SECURITY
    else:
        what, hint = f"{type(exc).__name__}: {exc}", _HINT_SYNTAX
    lineno = _template_lineno(exc)
    where = f", rad {lineno}" if lineno else ""
    text = _line_text(template, lineno)
    near = f' (i stycket: "{text}")' if text else ""
    return TemplateError(f"Mallen {template}{where}: {what}{near}. {hint}")


def open_template(template: Path) -> DocxTemplate:
    """A fresh DocxTemplate, after checking the file is a readable, reasonably sized .docx."""
    if not template.is_file():
        raise TemplateError(f"Mallen {template} finns inte. Kontrollera sökvägen eller mallmappen.")
    try:
        with zipfile.ZipFile(template) as zf:
            size = sum(i.file_size for i in zf.infolist())
            if "word/document.xml" not in zf.namelist():
                raise TemplateError(f"Mallen {template} är inget Word-dokument (.docx).")
        if size > MAX_TEMPLATE_BYTES:
            raise TemplateError(f"Mallen {template} är orimligt stor uppackad ({size // 2**20} MB).")
        doc = DocxTemplate(template)
        doc.init_docx()
    except TemplateError:
        raise
    except (
        zipfile.BadZipFile,
        PackageNotFoundError,
        KeyError,
        OSError,
        etree.XMLSyntaxError,
    ) as exc:
        raise TemplateError(
            f"Mallen {template} kan inte läsas som Word-dokument ({exc}). "
            "Spara den som .docx i Word eller LibreOffice, eller använd den inbyggda mallen."
        ) from exc
    return doc


def render_docx(template: Path, context: dict[str, Any], out: Path) -> Path:
    """Render `template` with `context` into `out` (written atomically); return `out`."""
    doc = open_template(template)
    try:
        doc.render(context, jinja_env=make_environment(), autoescape=True)
    except Exception as exc:  # the template is user code: any failure is a template error
        raise _describe(exc, template) from exc
    fit_loop_tables(doc.docx.element.body, **_table_fonts(doc.docx))
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(out) as tmp:
            doc.save(tmp)
    except OSError as exc:
        raise OutputError(f"{out} kunde inte skrivas: {exc}. Är filen öppen i Word?") from exc
    return out


def _table_fonts(document: Any) -> dict[str, float]:
    """The table styles' sizes and the body font's width factor, for fitting loop tables."""

    def size(name: str) -> float:
        try:
            style = document.styles[name]
        except KeyError:
            return 9.0
        while style is not None and style.font.size is None:
            style = style.base_style
        return style.font.size.pt if style is not None else 9.0

    try:
        typeface = document.styles["Normal"].font.name or "Calibri"
    except KeyError:
        typeface = "Calibri"
    return {
        "header_size": size("Tabellrubrik"),
        "body_size": size("Tabelltext"),
        "scale": word_scale(typeface),
    }


def _template(name: str, templates_dir: Path | None) -> Path:
    return template_path("word", name, templates_dir)


def render_psb(
    rollup: Rollup,
    out: Path,
    templates_dir: Path | None = None,
    *,
    organisation_name: str = "",
    generated: date | None = None,
    whole_year: bool = False,
) -> Path:
    """The PSB chapter "Verksamhetschef" for the roll-up's scope and period (or the whole year)."""
    context = psb_context(
        rollup, organisation_name=organisation_name, generated=generated, whole_year=whole_year
    )
    return render_docx(_template(PSB_TEMPLATE, templates_dir), context, out)


def render_board(
    plan: Plan,
    out: Path,
    *,
    organisation_name: str,
    year: int,
    signer: str = "",
    regional_plan: Plan | None = None,
    settings: BoardSettings | None = None,
    templates_dir: Path | None = None,
    generated: date | None = None,
) -> Path:
    """The board paper (styrelsebeslut) asking the board to approve the plan for the year."""
    context = board_context(
        plan,
        organisation_name=organisation_name,
        year=year,
        signer=signer,
        regional_plan=regional_plan,
        settings=settings,
        generated=generated,
    )
    return render_docx(_template(BOARD_TEMPLATE, templates_dir), context, out)
