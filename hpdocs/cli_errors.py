"""What the CLI says when a run stops: Swedish for every exception, never Python's English.

HpdocsError already carries a Swedish message. An OSError (a full disk, a folder without
permission) is told by its errno and file name. Anything else is a bug in hpdocs: the user
is told so in Swedish and how to get the details (`--debug` shows the traceback).
"""

from __future__ import annotations

import errno

from hpdocs.errors import HpdocsError

EXIT_FAILURE = 1

# errno name -> what it means for the person at the keyboard (names, as not every platform has all)
_OS_ERROR_NAMES = {
    "ENOENT": "finns inte",
    "EACCES": "går inte att komma åt: behörighet saknas",
    "EPERM": "går inte att ändra: åtgärden är inte tillåten",
    "ENOSPC": "kunde inte skrivas: disken är full",
    "EDQUOT": "kunde inte skrivas: din diskkvot är slut",
    "EROFS": "kunde inte skrivas: disken är skrivskyddad",
    "EEXIST": "finns redan",
    "ENOTDIR": "är inte en mapp",
    "EISDIR": "är en mapp, inte en fil",
    "ENOTEMPTY": "är inte tom",
    "EBUSY": "används av ett annat program",
    "ETXTBSY": "används av ett annat program",
    "ENAMETOOLONG": "har ett för långt namn",
    "EMFILE": "kunde inte öppnas: för många öppna filer",
    "EIO": "kunde inte läsas eller skrivas: fel på disken",
    "EADDRINUSE": "är redan upptagen av ett annat program",
}
_OS_ERRORS = {getattr(errno, name): text for name, text in _OS_ERROR_NAMES.items() if hasattr(errno, name)}


def explain(exc: BaseException) -> tuple[str, int]:
    """The Swedish message (without "Fel: ") and exit code for an exception that stopped a run."""
    if isinstance(exc, HpdocsError):
        return str(exc), exc.exit_code
    if isinstance(exc, OSError):
        return _os_message(exc), EXIT_FAILURE
    if isinstance(exc, MemoryError):
        return "Minnet tog slut. Kör med färre filer åt gången eller på en dator med mer minne.", EXIT_FAILURE
    return (
        f"Ett oväntat fel i hpdocs ({type(exc).__name__}). Kör samma kommando igen med "
        "hpdocs --debug … för hela felutskriften och skicka den till den som underhåller hpdocs.",
        EXIT_FAILURE,
    )


def _os_message(exc: OSError) -> str:
    what = _OS_ERRORS.get(exc.errno or 0, f"gick inte att använda (systemfel {exc.errno or 'okänt'})")
    if exc.errno == errno.EADDRINUSE:
        return "Adressen och porten används redan av ett annat program. Välj en annan port med --port."
    if exc.filename is None:
        return f"Det gick inte: systemet svarade att en fil, mapp eller resurs {what}."
    name = str(exc.filename)
    if exc.filename2 is not None:
        name = f"{name} → {exc.filename2}"
    return f'"{name}" {what}.'
