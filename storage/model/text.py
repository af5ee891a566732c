"""Cleaning text from outside: no terminal escapes, no control characters, no bidi tricks."""

from __future__ import annotations

import re
import unicodedata

# Pattern strings, compiled (and cached by `re`) on first use: every start of papershelf imports
# this module, and hardly any needs the slow path (compiling all four took ~0.8 ms).
# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS (ESC ] ... BEL or ST),
# and two-byte escapes. Their 8-bit C1 forms (\x9b CSI, \x9d OSC, ...) likewise.
_ESCAPES = r"""(?xs)
      (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?                    # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]?                                     # other ESC sequences
"""
# C0 and C1 controls except tab and newline; DEL; bidi embeddings, overrides and isolates.
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]"
_SURROGATES = r"[\ud800-\udfff]"
_SPACES = r"[ \t\u00a0\u2000-\u200a\u3000]+"
# A link papershelf will show and open: http(s), no spaces, no quotes or angle brackets.
WEB_LINK = r"https?://[^\s<>\"]+"


def plural(count: int, noun: str) -> str:
    """`1 paper`, `2 papers`, `10,000 papers`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def is_web_link(text: str) -> bool:
    return re.fullmatch(WEB_LINK, text, re.IGNORECASE) is not None


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters; keep newlines and tabs."""
    text = re.sub(_SURROGATES, "\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(_CONTROLS, "", re.sub(_ESCAPES, "", text))


def clean_line(text: str) -> str:
    """One line of display text: controls removed, all whitespace runs folded to one space."""
    if text.isascii() and text.isprintable():  # the common case: nothing to strip (~8x faster)
        # Printable ASCII has no whitespace but " ": often nothing needs folding either.
        if "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text
        return " ".join(text.split())
    return _clean_line_fully(text)


def _clean_line_fully(text: str) -> str:
    text = strip_controls(text).replace("\n", " ")
    return re.sub(_SPACES, " ", unicodedata.normalize("NFC", text)).strip()


def clean_block(text: str) -> str:
    """Multi-line text from outside (notes): controls removed, line breaks kept."""
    lines = strip_controls(text).split("\n")
    return unicodedata.normalize("NFC", "\n".join(line.rstrip() for line in lines)).strip("\n")


def printable(message: str) -> str:
    """A message that may quote outside text (a file name, an id), safe to print to a terminal:
    escape and control characters are shown as escapes, never sent."""
    return "".join(ch if ch == "\n" or not re.match(_CONTROLS, ch) else repr(ch)[1:-1] for ch in message)
