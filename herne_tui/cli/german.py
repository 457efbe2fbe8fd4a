"""argparse in German: its own words ("usage:", "options", its error messages) translated.

argparse looks every text of its own up through gettext (``_()`` and ``ngettext()``, imported
from gettext into its module). ``install()`` points those two names at :class:`ArgparseGerman`,
a ``gettext.NullTranslations`` that knows argparse's messages, so ``--help`` and every parse
error read in German whatever the locale. A text it does not know stays as argparse wrote it.
"""

from __future__ import annotations

import argparse
import gettext

MESSAGES = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "optional arguments": "Optionen",  # Python before 3.10
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "Argument %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "unbekannte Argumente: %s",
    "the following arguments are required: %s": "diese Argumente fehlen: %s",
    "one of the arguments %s is required": "eines dieser Argumente ist nötig: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ungültige Auswahl: %(value)r (möglich: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ungültiger Wert (%(type)s): %(value)r",
    "expected one argument": "erwartet einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "ambiguous option: %(option)s could match %(matches)s": (
        "mehrdeutige Option: %(option)s passt zu %(matches)s"
    ),
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "ignored explicit argument %r": "überzähliger Wert %r",
    "unexpected option string: %s": "unerwartete Option: %s",
    "can't open '%(filename)s': %(error)s": "„%(filename)s“ lässt sich nicht öffnen: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "unbekannter Befehl %(parser_name)r (möglich: %(choices)s)"
    ),
}
"""argparse's own texts (Python 3.11–3.13) and their German."""

PLURALS = {
    ("expected %s argument", "expected %s arguments"): (
        "erwartet %s Wert",
        "erwartet %s Werte",
    ),
}


class ArgparseGerman(gettext.NullTranslations):
    """The German of argparse's messages; anything else passes through unchanged."""

    def gettext(self, message: str) -> str:
        """The German text for one of argparse's messages."""
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        """The German singular or plural for one of argparse's counted messages."""
        one, many = PLURALS.get((msgid1, msgid2), (msgid1, msgid2))
        return one if n == 1 else many


GERMAN = ArgparseGerman()


def install() -> None:
    """Make argparse speak German (idempotent; call before building a parser)."""
    argparse._ = GERMAN.gettext  # type: ignore[attr-defined]
    argparse.ngettext = GERMAN.ngettext  # type: ignore[attr-defined]
