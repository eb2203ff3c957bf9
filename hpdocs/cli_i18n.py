"""Click's own texts in Swedish: usage lines, help headings, error messages, "Aborted!".

Click looks every text up through `gettext.gettext` / `gettext.ngettext`, bound at import time
in each of its modules as `_` and `ngettext`. `install()` rebinds those names in Click's modules
to a lookup in the catalog below. That touches Click only: the process-wide gettext domain, the
locale and other libraries stay as they are, and no .mo file has to be built or found.

A message Click adds in a later version stays English until it is translated here;
tests/test_cli_swedish.py lists every text the installed Click can show and fails on one that is
missing. `install()` must run before the commands are declared: Click computes some texts
(the names of path types, used as metavars) when an option is created.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# msgid -> Swedish. Quotes: Click formats some values with !r ('x'); a translation may drop the
# conversion and quote with "…" as the rest of hpdocs does.
MESSAGES: dict[str, str] = {
    # Help pages
    "Usage:": "Användning:",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "default: {default}": "standard: {default}",
    "env var: {var}": "miljövariabel: {var}",
    "required": "krävs",
    "(dynamic)": "(beräknas)",
    "deprecated": "föråldrad",
    "Choice({choices})": "Val({choices})",
    # Errors in how a command was called
    "Error: {message}": "Fel: {message}",
    "Try '{command} {option}' for help.": 'Skriv "{command} {option}" för hjälp.',
    "Missing command.": "Ange ett kommando.",
    "No such command {name!r}.": 'Kommandot "{name}" finns inte.',
    "No such option {name!r}.": 'Flaggan "{name}" finns inte.',
    "Missing argument": "Ange argumentet",
    "Missing option": "Ange flaggan",
    "Missing parameter": "Ange parametern",
    "Missing {param_type}": "Ange {param_type}",
    "Missing parameter: {param_name}": "Ange parametern: {param_name}",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "Option {name!r} does not take a value.": 'Flaggan "{name}" tar inget värde.',
    "Argument {name!r} takes {nargs} values.": 'Argumentet "{name}" tar {nargs} värden.',
    "Invalid start character for option ({option})": "Ogiltigt första tecken i flaggan ({option})",
    "Value must be an iterable.": "Värdet måste vara en lista.",
    "Choose from:\n\t{choices}": "Välj bland:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": '"{value}" är inte ett giltigt {number_type}.',
    "{value} is not in the range {range}.": "{value} ligger inte i intervallet {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": '"{value}" är inte ja eller nej. Giltiga värden: {states}',
    "{value!r} is not a valid UUID.": '"{value}" är inte ett giltigt UUID.',
    "unknown error": "okänt fel",
    "Could not open file {filename!r}: {message}": 'Kunde inte öppna filen "{filename}": {message}',
    # Paths: the type's name is "fil", "mapp" or "sökväg" (the metavar FIL, MAPP, SÖKVÄG);
    # Click capitalises it, and all three take -en in the definite form.
    "file": "fil",
    "directory": "mapp",
    "path": "sökväg",
    "{name} {filename!r} does not exist.": '{name}en "{filename}" finns inte.',
    "{name} {filename!r} is a file.": '{name}en "{filename}" är en fil.',
    "{name} {filename!r} is a directory.": '{name}en "{filename}" är en mapp.',
    "{name} {filename!r} is not readable.": '{name}en "{filename}" går inte att läsa (behörighet saknas).',
    "{name} {filename!r} is not writable.": '{name}en "{filename}" går inte att skriva till (behörighet saknas).',
    "{name} {filename!r} is not executable.": '{name}en "{filename}" går inte att köra.',
    # Prompts and interruptions
    "Aborted!": "Avbrutet!",
    "Do you want to continue?": "Vill du fortsätta?",
    "Confirm the action without prompting.": "Bekräfta utan att fråga.",
    "Repeat for confirmation": "Upprepa för att bekräfta",
    "Error: The two entered values do not match.": "Fel: de två värdena är inte lika.",
    "Error: invalid input": "Fel: ogiltigt svar",
    "Press any key to continue...": "Tryck på valfri tangent för att fortsätta …",
    "{editor}: Editing failed": "{editor}: redigeringen misslyckades",
    "{editor}: Editing failed: {e}": "{editor}: redigeringen misslyckades: {e}",
    "d": "d",
    # Texts a developer sees (wrongly declared commands), translated so that none is left out
    "Could not determine name for option with declarations {decls!r}": "Kan inte avgöra namnet på flaggan {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean to pass '--{name}'?": "Inga flaggor angivna men ett namn ({name}). Menade du ett argument, eller '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": "Ett argument deklareras med exakt ett namn, fick {length}: {decls}.",
    "Name '{name}' defined twice": "Namnet '{name}' finns två gånger",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "Flaggan {decl!r} kan inte ha samma namn för sant och falskt.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": 'Varning: kommandot "{name}" är föråldrat.{extra_message}',
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": 'Varning: {param_type} "{name}" är föråldrad.{extra_message}',
    "Unknown color {colour!r}": "Okänd färg {colour!r}",
    "Unknown standard stream '{name}'": "Okänd standardström '{name}'",
    "Windows error: {error}": "Windows-fel: {error}",
    "Couldn't detect Bash version, shell completion is not supported.": "Kunde inte avgöra Bash-versionen; komplettering i skalet stöds inte.",
    "Shell completion is not supported for Bash versions older than 4.4.": "Komplettering i skalet kräver Bash 4.4 eller senare.",
}

# (singular, plural) msgid -> (Swedish singular, Swedish plural)
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Menade du {possibility}?",
        "(Menade du någon av: {possibilities}?)",
    ),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Oväntat extra argument ({args})",
        "Oväntade extra argument ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Tar {nargs} värden men fick 1.",
        "Tar {nargs} värden men fick {len}.",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        'Flaggan "{name}" behöver ett värde.',
        'Flaggan "{name}" behöver {nargs} värden.',
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        '"{value}" är inte {choice}.',
        '"{value}" är inte något av {choices}.',
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        '"{value}" följer inte formatet {format}.',
        '"{value}" följer inget av formaten {formats}.',
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "{len_type} värden krävs, men {len_value} angavs.",
        "{len_type} värden krävs, men {len_value} angavs.",
    ),
}

# Click's modules that bind `_` / `ngettext` (the Windows console module only exists there).
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)

# Type names Click shows as metavars (INTEGER) and in messages ("is not a valid integer").
TYPE_NAMES: dict[click.ParamType, str] = {
    click.INT: "heltal",
    click.FLOAT: "decimaltal",
    click.BOOL: "ja/nej",
}

OPTIONS_METAVAR = "[FLAGGOR]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARGUMENT]..."


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    swedish = PLURALS.get((singular, plural))
    if swedish is None:
        return singular if n == 1 else plural
    return swedish[0] if n == 1 else swedish[1]


def install() -> None:
    """Make Click speak Swedish (idempotent)."""
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a module a future Click drops
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    for param_type, swedish in TYPE_NAMES.items():
        param_type.name = swedish


class SwedishCommand(click.Command):
    """A command whose usage line says [FLAGGOR], not [OPTIONS]."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class SwedishGroup(click.Group):
    """A group whose usage line says KOMMANDO [ARGUMENT]... and whose commands are Swedish too."""

    command_class = SwedishCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)
