"""Check a Word (or PowerPoint) template before it is used.

Coordinators restyle the templates in Word, and Word likes to turn straight
quotes into curly ones and to split or break tags. This module lists every tag
and reports, as `Problem`s with the part and paragraph they are in: curly
quotes inside tags, broken or unbalanced tags (with the Jinja syntax error and
its line), names the context does not provide, and files that cannot be read.
PowerPoint templates are only scanned for `{{ … }}` placeholders.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from hpdocs.errors import TemplateError
from hpdocs.problems import Problem, Severity
from hpdocs.render.check_layout import layout_problems
from hpdocs.render.context import BOARD_KEYS, PSB_KEYS
from hpdocs.render.word import (
    BOARD_TEMPLATE,
    MAX_TEMPLATE_BYTES,
    PSB_TEMPLATE,
    make_environment,
    render_docx,
)

KNOWN_TEMPLATES: dict[str, frozenset[str]] = {PSB_TEMPLATE: PSB_KEYS, BOARD_TEMPLATE: BOARD_KEYS}
"""Template file name -> the top-level names its context provides."""

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPENERS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_FIXED_QUOTES = "“”‘’"  # docxtpl turns these into straight quotes itself
_BAD_QUOTES = "„‟‚‛«»‹›″′"
_ROOT_NAME = re.compile(r"^\{\{-?\s*([A-Za-z_]\w*)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class _Paragraph:
    part: str  # "brödtext", "sidhuvud 1", "bild 2" ...
    number: int  # 1-based within the part
    text: str
    in_table: bool

    @property
    def where(self) -> str:
        return f"stycke {self.number}"


def _part_label(name: str) -> str | None:
    """A Swedish label for the XML parts that can hold tags; None for the rest."""
    patterns = (
        (r"word/document\.xml", "brödtext"),
        (r"word/header(\d*)\.xml", "sidhuvud {}"),
        (r"word/footer(\d*)\.xml", "sidfot {}"),
        (r"word/footnotes\.xml", "fotnoter"),
        (r"ppt/slides/slide(\d+)\.xml", "bild {}"),
        (r"ppt/slideLayouts/slideLayout(\d+)\.xml", "layout {}"),
        (r"ppt/slideMasters/slideMaster(\d+)\.xml", "bakgrundsbild {}"),
    )
    for pattern, label in patterns:
        match = re.fullmatch(pattern, name)
        if match:
            return label.format(*match.groups()).strip()
    return None


def _read_parts(path: Path) -> list[tuple[str, bytes]]:
    """(label, xml) of every part that can hold tags; TemplateError if unreadable."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_TEMPLATE_BYTES:
                raise TemplateError(f"{path.name} är orimligt stor uppackad.")
            word = path.suffix.lower() == ".docx"
            if ("word/document.xml" if word else "ppt/presentation.xml") not in zf.namelist():
                kind = "Word-dokument (.docx)" if word else "PowerPoint-presentation (.pptx)"
                raise TemplateError(f"{path.name} är ingen {kind}: huvuddelen saknas.")
            return [(label, zf.read(i)) for i in infos if (label := _part_label(i.filename))]
    except (zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(f"{path.name} kan inte läsas: {exc}") from exc


def _paragraphs(path: Path) -> Iterator[_Paragraph]:
    ns = W if path.suffix.lower() == ".docx" else A
    for label, xml in _read_parts(path):
        try:
            root = etree.fromstring(xml, parser=_PARSER)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"{path.name} ({label}) har trasig XML: {exc}") from exc
        texts: dict[Any, list[str]] = {}
        order: list[Any] = []
        for t in root.iter(f"{ns}t"):
            p = t.getparent()
            while p is not None and p.tag != f"{ns}p":
                p = p.getparent()
            if p is None:
                continue
            if p not in texts:
                texts[p] = []
                order.append(p)
            texts[p].append(t.text or "")
        numbers = {p: n for n, p in enumerate(root.iter(f"{ns}p"), start=1)}
        for p in order:
            in_table = any(a.tag in (f"{W}tc", f"{A}tc") for a in p.iterancestors())
            yield _Paragraph(label, numbers[p], "".join(texts[p]), in_table)


def template_tags(path: Path) -> list[str]:
    """Every distinct tag in the template, in document order."""
    seen: dict[str, None] = {}
    for paragraph in _paragraphs(path):
        for match in _TAG.finditer(paragraph.text):
            seen.setdefault(" ".join(match.group(0).split()), None)
    return list(seen)


def _problem(
    path: Path, code: str, message: str, p: _Paragraph | None = None, *, warning: bool = False
) -> Problem:
    return Problem(
        code,
        message,
        Severity.WARNING if warning else Severity.ERROR,
        file=path.name,
        sheet=p.part if p else "",
        cell=p.where if p else "",
    )


def _tag_problems(path: Path, paragraphs: list[_Paragraph]) -> Iterator[Problem]:
    for p in paragraphs:
        tags = [m.group(0) for m in _TAG.finditer(p.text)]
        for tag in tags:
            bad = sorted({c for c in tag if c in _BAD_QUOTES})
            fixed = sorted({c for c in tag if c in _FIXED_QUOTES})
            if bad:
                yield _problem(
                    path,
                    "mall-krullig-citattecken",
                    f"Taggen {tag} innehåller typografiska citattecken ({' '.join(bad)}) som inte "
                    "fungerar. Skriv om dem som raka citattecken (\" eller ').",
                    p,
                )
            elif fixed:
                yield _problem(
                    path,
                    "mall-krullig-citattecken",
                    f"Taggen {tag} innehåller krulliga citattecken ({' '.join(fixed)}). De rättas "
                    "automatiskt, men byt dem gärna mot raka (\" eller ') och stäng av Words "
                    "autokorrigering av citattecken.",
                    p,
                    warning=True,
                )
            if tag.startswith("{%tr") and not p.in_table:
                yield _problem(
                    path,
                    "mall-trasig-tagg",
                    f"Taggen {tag} står utanför en tabell. {{%tr %}} får bara stå i en tabellrad; "
                    "använd {%p %} i vanliga stycken.",
                    p,
                )
            if tag.startswith(("{%p", "{%tr", "{%tc")) and _TAG.sub("", p.text).strip():
                yield _problem(
                    path,
                    "mall-trasig-tagg",
                    f"Stycket med {tag} innehåller även annan text, som försvinner när "
                    "dokumentet skapas. Låt taggen stå ensam i stycket/raden.",
                    p,
                    warning=True,
                )
        rest = _TAG.sub("", p.text)
        leftovers = _OPENERS.findall(rest)
        if leftovers:
            yield _problem(
                path,
                "mall-trasig-tagg",
                f"Stycket har en tagg som inte är hel ({' '.join(leftovers)}): "
                f'"{p.text.strip()[:80]}". '
                "En tagg börjar med {{ och slutar med }}, eller börjar med {% och slutar med %}, "
                "i samma stycke.",
                p,
            )


def _docx_sources(path: Path) -> list[tuple[str, str]]:
    """The XML docxtpl itself would give Jinja: body, then headers and footers."""
    doc = DocxTemplate(path)
    doc.init_docx()
    sources = [("brödtext", doc.patch_xml(doc.get_xml()))]
    for uri, label in ((doc.HEADER_URI, "sidhuvud"), (doc.FOOTER_URI, "sidfot")):
        for _, part in doc.get_headers_footers(uri):
            sources.append((label, doc.patch_xml(doc.get_part_xml(part))))
    return [(label, re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)) for label, xml in sources]


def _syntax_problems(path: Path, env: jinja2.Environment) -> list[Problem]:
    problems = []
    for label, xml in _docx_sources(path):
        try:
            env.parse(xml)
        except jinja2.TemplateSyntaxError as exc:
            lines = xml.splitlines()
            near = ""
            if exc.lineno and 0 < exc.lineno <= len(lines):
                near = " ".join(re.sub(r"<[^>]+>", "", lines[exc.lineno - 1]).split())[:120]
            near_text = f' Stycket: "{near}".' if near else ""
            problems.append(
                Problem(
                    "mall-trasig-tagg",
                    f"Jinja kan inte läsa mallen: {exc.message}.{near_text} Kontrollera att "
                    "varje {% for %}/{% if %} har sitt {% endfor %}/{% endif %} och att "
                    "taggarna är hela.",
                    file=path.name,
                    sheet=label,
                    cell=f"rad {exc.lineno}" if exc.lineno else "",
                )
            )
    return problems


def _unknown_names(
    path: Path, paragraphs: list[_Paragraph], names: set[str], available: set[str]
) -> Iterator[Problem]:
    known = ", ".join(sorted(available))
    for name in sorted(names - available):
        where = next(
            (p for p in paragraphs if re.search(rf"\b{re.escape(name)}\b", " ".join(_TAG.findall(p.text)))),
            None,
        )
        yield _problem(
            path,
            "mall-okand-variabel",
            f'Mallen använder "{name}", som inte finns i underlaget. Tillgängliga namn: {known} '
            "(se docs/mallar.md).",
            where,
        )


def check_template(
    path: Path,
    available: set[str] | frozenset[str] | None = None,
    *,
    context: dict[str, Any] | None = None,
) -> list[Problem]:
    """Every problem found in one template; an empty list means it can be used.

    `available` is the set of top-level names the context provides (defaults to
    the known set for the built-in template names). With a sample `context`,
    the template is also rendered once, which finds misspelt attributes too.
    """
    if available is None:
        available = KNOWN_TEMPLATES.get(path.name)
    try:
        paragraphs = list(_paragraphs(path))
    except TemplateError as exc:
        return [
            _problem(
                path,
                "mall-olasbar",
                f"{exc} Spara om filen i Word eller använd den inbyggda mallen.",
            )
        ]
    problems = list(_tag_problems(path, paragraphs))
    if path.suffix.lower() != ".docx":
        if available is not None:
            roots = {
                m.group(1) for p in paragraphs for t in _TAG.findall(p.text) if (m := _ROOT_NAME.match(t))
            }
            problems += _unknown_names(path, paragraphs, roots, set(available))
        return problems
    env = make_environment()
    try:
        syntax = _syntax_problems(path, env)
    except Exception as exc:  # docxtpl/python-docx failing to open the file at all
        return [
            *problems,
            _problem(path, "mall-olasbar", f"Mallen kan inte öppnas som Word-dokument: {exc}"),
        ]
    problems += syntax
    if syntax:
        return problems
    problems += layout_problems(path)
    if available is not None:
        names = DocxTemplate(path).get_undeclared_template_variables(jinja_env=env)  # fresh instance
        problems += _unknown_names(path, paragraphs, set(names) - set(env.globals), set(available))
    if context is not None and not any(p.severity is Severity.ERROR for p in problems):
        with tempfile.TemporaryDirectory(prefix="hpdocs-check-") as tmp:
            try:
                render_docx(path, context, Path(tmp) / "prov.docx")
            except TemplateError as exc:
                problems.append(_problem(path, "mall-trasig-tagg", f"Provrendering misslyckades: {exc}"))
    return problems


def check_templates(folder: Path | None = None) -> dict[Path, list[Problem]]:
    """Check the known Word templates in `folder` (a project's template folder) or
    the built-in ones; returns each template's problems."""
    from hpdocs.resources import template_path

    return {
        path: check_template(path, available)
        for name, available in KNOWN_TEMPLATES.items()
        if (path := template_path("word", name, folder)).is_file()
    }
