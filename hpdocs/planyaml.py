"""Parse plan YAML into a node tree, explaining every syntax mistake in Swedish.

A coordinator edits plan.yaml in a text editor. The YAML library's own messages
("mapping values are not allowed here") never reach them: each mistake a person
makes by hand — a tab, a colon inside unquoted text, a missing colon, an unclosed
quote, a wrong indentation, typographic quotes, a key written twice — becomes a
Problem with line, column and what to do.
"""

from __future__ import annotations

import re

import yaml

from hpdocs.errors import PlanError
from hpdocs.problems import Problem

CODE = "plan-yaml-fel"
CURLY = "”“‘’„«»"
_CURLY_VALUE = re.compile(rf"(?:^\s*-\s+|:\s+|[{{\[,]\s*)([{CURLY}])")
_BLOCK_START = re.compile(r"^\s*(?:-\s+)?(?:[^\s#'\"][^#]*?:\s+)?[|>][-+0-9]*\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?[\w.åäöÅÄÖ-]+\s*:(\s|$)")

QUOTE_ADVICE = 'Sätt texten inom raka citattecken, t.ex. text: "Mål: 90 % av enheterna".'


def _where(line: int, column: int) -> str:
    return f"rad {line + 1}, kolumn {column + 1}"


def _problem(file: str, line: int, column: int, message: str) -> Problem:
    return Problem(CODE, message, file=file, cell=_where(line, column))


def _in_comment(text: str, column: int) -> bool:
    """Whether `column` is inside a # comment (a rough test, good enough for advice)."""
    before = text[:column]
    return bool(re.search(r"(^|\s)#", before)) and before.count('"') % 2 == 0


def _scan_lines(lines: list[str], file: str) -> list[Problem]:
    """Mistakes seen line by line before parsing: tabs in the indentation, typographic quotes."""
    found: list[Problem] = []
    block: int | None = None  # the indentation of the key whose block text (| or >) we are in
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" \t"))
        if block is not None:
            if not line.strip() or indent > block:
                continue  # a line of a block text is text, whatever it holds
            block = None
        if _BLOCK_START.match(line):
            block = indent
        if line.lstrip().startswith("#"):
            continue
        if "\t" in line[:indent]:
            found.append(
                _problem(
                    file,
                    number,
                    line.index("\t"),
                    "Raden är indragen med tabbtecken. YAML tillåter bara mellanslag: ersätt tabben med "
                    "mellanslag (t.ex. två per nivå), så att raden börjar i samma kolumn som fälten på samma nivå.",
                )
            )
            continue
        match = _CURLY_VALUE.search(line)
        if match and not _in_comment(line, match.start(1)):
            mark = match.group(1)
            found.append(
                _problem(
                    file,
                    number,
                    match.start(1),
                    f"Texten börjar med ett typografiskt citattecken ({mark}), som ordbehandlare skriver. "
                    "YAML känner bara igen raka citattecken: skriv \"…\" (eller '…') runt texten. "
                    'Ska texten börja med citattecknet, sätt hela texten inom raka citattecken: text: "”Nollvisionen” gäller".',
                )
            )
    return found


def _explain(exc: yaml.MarkedYAMLError, lines: list[str], file: str) -> Problem:
    """The Swedish explanation of one YAML syntax error, placed on the line to fix."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    mark, start = exc.problem_mark, exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    text = lines[line] if line < len(lines) else ""

    if "'\\t'" in problem:
        return _problem(
            file,
            line,
            column,
            "Här står ett tabbtecken. YAML tillåter bara mellanslag: ersätt tabben med mellanslag, "
            "eller sätt texten inom citattecken om tabben ska vara en del av den.",
        )
    opened = _unbalanced_quote(lines, line)
    if opened is not None or ("quoted scalar" in context and start is not None):
        at_line, at_column = opened if opened is not None else (start.line, start.column)  # type: ignore[union-attr]
        quote = lines[at_line][at_column] if at_column < len(lines[at_line]) else '"'
        return _problem(
            file,
            at_line,
            at_column,
            f"Citattecknet ({quote}) som börjar här stängs aldrig, så resten av filen läses som en del av texten. "
            f"Lägg till ett avslutande {quote} i slutet av texten. Står {quote} inne i texten, skriv det dubbelt "
            f"({quote}{quote}) eller använd den andra sortens citattecken runt texten.",
        )
    if "simple key" in context and start is not None:
        return _problem(
            file,
            start.line,
            start.column,
            "Raden saknar kolon efter fältnamnet, så den kan inte läsas. Skriv fältnamnet, ett kolon och ett "
            "mellanslag före värdet, t.ex. title: Område A. Är raden en fortsättning på texten ovanför, dra in den "
            "mer än fältnamnet ovanför.",
        )
    if problem == "mapping values are not allowed here":
        colon = text.find(": ")
        colon = colon if colon >= 0 else text.find(":")
        first_on_line = colon >= column or colon < 0
        if first_on_line and _KEY_LINE.match(text):
            previous = _previous_content(lines, line)
            return _problem(
                file,
                line,
                len(text) - len(text.lstrip()),
                "Indraget stämmer inte: raden är indragen mer än fälten den hör ihop med, så den läses som en "
                f"fortsättning på raden ovanför (rad {previous + 1}). Flytta raden så att den börjar i samma kolumn "
                "som fälten på samma nivå (bara mellanslag).",
            )
        return _problem(
            file,
            line,
            column,
            "Texten innehåller ett kolon följt av mellanslag, vilket YAML läser som ett nytt fält. "
            + QUOTE_ADVICE,
        )
    if "block collection" in context or "block mapping" in context or "indentation" in problem:
        return _problem(
            file,
            line,
            column,
            "Indraget stämmer inte: raden börjar i en annan kolumn än fälten den hör ihop med. Rätta mellanslagen "
            "i början av raden så att fält på samma nivå börjar i samma kolumn och listrader (- ) står under varandra.",
        )
    if "flow mapping" in context or "flow sequence" in context:
        anchor = start or mark
        closing = "}" if "mapping" in context else "]"
        return _problem(
            file,
            anchor.line if anchor else line,
            anchor.column if anchor else column,
            f"Klammern som börjar här stängs inte som den ska: ett komma eller ett avslutande {closing} saknas, "
            f"eller en text innehåller komma eller kolon utan citattecken. Kontrollera raden; {QUOTE_ADVICE}",
        )
    if "alias" in problem or "anchor" in context or "alias" in context:
        return _problem(
            file,
            line,
            column,
            "Texten börjar med * eller &, som YAML läser som en hänvisning. " + QUOTE_ADVICE,
        )
    if "cannot start any token" in problem:
        sign = text[column] if column < len(text) else "?"
        return _problem(
            file,
            line,
            column,
            f"Texten börjar med tecknet {sign}, som inte får inleda en text utan citattecken. "
            + QUOTE_ADVICE,
        )
    if "tag" in problem or "tag" in context:
        return _problem(
            file, line, column, "Texten börjar med !, som YAML läser som en typmarkering. " + QUOTE_ADVICE
        )
    return _problem(
        file,
        line,
        column,
        "Planfilen går inte att läsa här. Kontrollera kolon, citattecken och indrag på den här raden och raden "
        "ovanför (se docs/planformat.md).",
    )


_OPENING_QUOTE = re.compile(r"""(?:^\s*-\s+|:\s+|[{\[,]\s*)(["'])""")


def _unbalanced_quote(lines: list[str], until: int) -> tuple[int, int] | None:
    """The first value before line `until` whose opening quote is not closed on its line.

    A quoted text may span lines in YAML, but in a plan file that is nearly always a
    forgotten closing quote, which YAML then closes at the next quote further down.
    """
    for number in range(min(until, len(lines) - 1) + 1):
        line = lines[number]
        for match in _OPENING_QUOTE.finditer(line):
            quote, rest = match.group(1), line[match.end(1) :]
            if _in_comment(line, match.start(1)):
                break
            body = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
            if quote not in body:
                return number, match.start(1)
            # skip past the closing quote so that later values on the line are checked too
    return None


def _previous_content(lines: list[str], line: int) -> int:
    for number in range(line - 1, -1, -1):
        stripped = lines[number].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return max(line - 1, 0)


def _duplicates(node: yaml.Node, file: str, found: list[Problem]) -> None:
    """A key written twice in one mapping is an error: YAML would silently keep the last."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        first = seen[key.value].start_mark.line + 1
                        found.append(
                            _problem(
                                file,
                                key.start_mark.line,
                                key.start_mark.column,
                                f'Fältet "{key.value}" står två gånger på samma ställe (första gången på rad '
                                f"{first}). Bara ett av dem kan gälla: ta bort det ena eller slå ihop dem.",
                            )
                        )
                    else:
                        seen[key.value] = key
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def compose_plan(text: str, file: str) -> yaml.Node | None:
    """The YAML node tree of a plan file; PlanError with every syntax mistake in Swedish."""
    lines = text.splitlines()
    found = _scan_lines(lines, file)
    root: yaml.Node | None = None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        explained = _explain(exc, lines, file)
        if not any(p.cell.split(",")[0] == explained.cell.split(",")[0] for p in found):
            found.append(explained)
    except yaml.YAMLError:
        found.append(
            Problem(
                CODE, "Planfilen går inte att läsa som YAML. Spara den som vanlig text (UTF-8).", file=file
            )
        )
    if root is not None:
        _duplicates(root, file, found)
    if found:
        found.sort(key=lambda p: _line_of(p.cell))
        lines_text = "\n".join(f"  {p}" for p in found)
        raise PlanError(f"Planen {file} har {len(found)} fel:\n{lines_text}", found)
    return root


def _line_of(cell: str) -> int:
    match = re.match(r"rad (\d+)", cell)
    return int(match.group(1)) if match else 0
