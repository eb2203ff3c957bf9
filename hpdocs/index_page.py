"""The index of a build: what was produced, what is missing, what was wrong.

A static HTML page in the output folder that links every output, readable
without any server (open it from the file system), plus a JSON twin.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from hpdocs import __version__
from hpdocs.atomic import atomic_write_text
from hpdocs.pipeline import ConsolidateResult
from hpdocs.problems import Severity
from hpdocs.reporting import excluded_line, headline, state_lines


@dataclass(frozen=True)
class Output:
    path: Path
    title: str
    group: str  # "Dokument", "Sammanställningar", "Problemrapporter", "PDF"
    node_id: str = ""  # the node whose scope the file covers ("" = none recorded: coordinator only)
    kind: str = ""  # "psb", "mum", "styrelse", "sammanstallning", "problemrapport"


def _link(root: Path, output: Output) -> str:
    rel = output.path.relative_to(root).as_posix()
    return f'<li><a href="{escape(rel, quote=True)}">{escape(output.title)}</a> <span class="fil">{escape(output.path.name)}</span></li>'


def write_index(output_dir: Path, title: str, result: ConsolidateResult, outputs: list[Output]) -> Path:
    comp = result.company.completeness
    inbox = result.inbox
    rejected = [r for r in inbox.reads if not r.report.usable]
    with_warnings = [r for r in inbox.reads if r.report.usable and len(r.report)]
    parts = [
        "<!doctype html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        "<style>body{font-family:Calibri,Carlito,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "h1,h2{color:#1F4E79}.fil{color:#666;font-size:.9em}.fel{color:#9C0006}.ok{color:#006100}"
        "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}</style>",
        "</head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>Period {result.year}-{escape(result.period)} ({escape(result.company.period_label)}). Skapad {datetime.now():%Y-%m-%d %H:%M} med hpdocs {__version__}.</p>",
        "<h2>Inlämning</h2>",
        f"<p>{escape(headline(result.company))}</p>",
    ]
    for line in state_lines(result.company):
        parts.append(f"<p><strong>{escape(line.label)}:</strong> " + escape(", ".join(line.names)) + "</p>")
    if comp.excluded:
        parts.append("<p><strong>Värden som inte räknas:</strong></p><ul>")
        parts.extend(f"<li>{escape(excluded_line(result.company, x))}</li>" for x in comp.excluded)
        parts.append("</ul>")
    if rejected or with_warnings:
        parts.append("<table><tr><th>Fil</th><th>Resultat</th><th>Problem</th></tr>")
        for read in [*rejected, *with_warnings]:
            state = inbox.state(read)
            css = "fel" if not read.report.ok else "ok"
            verdict = f'<span class="{css}">{escape(state.capitalize())}</span>'
            listed = "".join(
                f"<li>{'Fel' if p.severity == Severity.ERROR else 'Varning'}: {escape(p.where)}: {escape(p.message)}</li>"
                for p in read.report.problems
            )
            parts.append(f"<tr><td>{escape(read.name)}</td><td>{verdict}</td><td><ul>{listed}</ul></td></tr>")
        parts.append("</table>")
    for note in inbox.notes:
        parts.append(f"<p>{escape(note.message)}</p>")
    if inbox.ignored:
        parts.append("<p><strong>Filer i inkorgen som inte läses:</strong></p><ul>")
        parts.extend(f"<li>{escape(p.file)}: {escape(p.message)}</li>" for p in inbox.ignored)
        parts.append("</ul>")
    for group in ("Dokument", "PDF", "Sammanställningar", "Problemrapporter"):
        items = [o for o in outputs if o.group == group]
        if items:
            parts.append(f"<h2>{group}</h2><ul>" + "".join(_link(output_dir, o) for o in items) + "</ul>")
    parts.append("</body></html>")
    index = output_dir / "index.html"
    atomic_write_text(index, "\n".join(parts))
    summary = {
        "period": f"{result.year}-{result.period}",
        "inlamnade": [n.name for n in comp.submitted],
        "rapporterat": [result.company.label(n.id) for n in comp.reported],
        "inget_for_perioden": [result.company.label(n.id) for n in comp.empty],
        "saknas": [n.name for n in comp.missing],
        "godkanda_med_fel": [result.company.label(n.id) for n in comp.with_errors],
        "ej_raknade_varden": [asdict(x) for x in comp.excluded],
        "ignorerade": [p.to_dict() for p in inbox.ignored],
        "avvisade": [{"fil": r.name, "problem": [p.to_dict() for p in r.report.problems]} for r in rejected],
        "varningar": [
            {"fil": r.name, "problem": [p.to_dict() for p in r.report.warnings]} for r in with_warnings
        ],
        "utdata": [
            {
                "grupp": o.group,
                "titel": o.title,
                "fil": o.path.relative_to(output_dir).as_posix(),
                "nod": o.node_id,
                "typ": o.kind,
            }
            for o in outputs
        ],
    }
    atomic_write_text(output_dir / "index.json", json.dumps(summary, ensure_ascii=False, indent=2))
    return index
