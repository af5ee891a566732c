"""Text <-> LaTeX as BibTeX files hold it.

In: the simple markup BibTeX files use (protection braces, escapes, accents, text symbols)
becomes plain text. Out: any text becomes a field value that every parser reads back, with
balanced braces: titles with their capitals protected, person names that stay one name.
"""

from __future__ import annotations

import re
import unicodedata

from storage.formats.shared import one_line

# --- LaTeX -> text (the simple escapes BibTeX files use) ---------------------------------

_LATEX_SYMBOLS = {
    "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}",
    "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_", "textdollar": "$",
    "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…", "textellipsis": "…",
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
_LATEX = re.compile(
    r"""
      \\(?P<escaped>[&%$\#_{}\ ])                                  # \& \% \{ ...
    | \\(?P<accent>['`^"~=.]|[uvHckr](?=\s*\{|\s+[A-Za-z]))        # \'e  \"{o}  \c c
      \s*(?:\{\s*(?P<braced>\\?[A-Za-z])\s*\}|(?P<bare>\\?[A-Za-z]))
    | \\(?P<command>[A-Za-z]+)(?P<after>\s*\{\s*\}|\s*)            # \textbackslash{} \emph
    | (?P<linebreak>\\\\)
    | (?P<brace>[{}])
    | (?P<tilde>~)
    """,
    re.VERBOSE,
)


def latex_to_text(value: str, keep_newlines: bool = False) -> str:
    """Undo BibTeX/LaTeX markup: protection braces, escapes, accents, text symbols."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return match["escaped"]
        if match["accent"]:
            letter = (match["braced"] or match["bare"]).lstrip("\\")  # \'{\i} is an accented i
            return letter + _ACCENTS[match["accent"]]
        if match["command"]:
            return _latex_command(match["command"], match["after"], match.group(0))
        if match["linebreak"]:
            return "\n" if keep_newlines else " "
        return " " if match["tilde"] else ""

    return unicodedata.normalize("NFC", _LATEX.sub(replace, value))


def _latex_command(name: str, after: str, whole: str) -> str:
    if name in _LATEX_SYMBOLS:
        return _LATEX_SYMBOLS[name]
    if after.strip() == "{}":  # an unknown symbol command: keep it readable
        return "\\" + name
    # \emph, \textbf, ... : drop the command, its argument stays; unknown others stay as text
    return "" if _FORMATTING.match(name) else whole


_FORMATTING = re.compile(r"(?:emph|text[a-z]+|math[a-z]+|url|mbox|bf|it|em|sc|tt|rm|sf)\Z")


# --- text -> LaTeX --------------------------------------------------------------------

# Braces and backslash become brace-free commands (or balanced `{}`) so that parsers which
# honour `\{` (bibtexparser) and parsers which count every brace (BibTeX, pybtex) agree.
_BIB_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_BIB_SPECIAL = re.compile("[" + re.escape("".join(_BIB_SPECIALS)) + "]")
# bibtexparser takes `@word{` or `@word(` at the start of a line as a new entry, even inside
# a value: such an `@` is wrapped in braces (TeX prints it the same).
_BIB_LINE_START_AT = re.compile(r"^([ \t]*)@", re.MULTILINE)


def bib_escape(text: str) -> str:
    """Text as a BibTeX field value: specials escaped, every brace balanced."""
    escaped = _BIB_SPECIAL.sub(lambda m: _BIB_SPECIALS[m.group()], text)
    return _BIB_LINE_START_AT.sub(r"\1{@}", escaped)


def bib_title(title: str) -> str:
    """The escaped title with each word holding a capital protected in braces (keeps ReLIC)."""
    words = []
    for word in one_line(title).split(" "):
        escaped = bib_escape(word)
        words.append(protected(escaped) if any(ch.isupper() for ch in word) else escaped)
    return " ".join(words)


def protected(escaped: str) -> str:
    """Escaped text in a brace group that styles neither re-case nor split.

    `{\\cmd…}` at the top level is a BibTeX "special character" whose letters styles may
    still re-case; an extra pair makes it a plain protected group."""
    return f"{{{{{escaped}}}}}" if escaped.startswith("\\") else f"{{{escaped}}}"


# BibTeX splits a name list at "and" between spaces (any case), reads a comma as "Last, First"
# and a name "others" as "et al.": a name holding one of these is protected whole, in braces.
_NAME_NEEDS_BRACES = re.compile(r"(?:^|\s)and(?:\s|$)|,|^others$", re.IGNORECASE)


def bib_names(names: tuple[str, ...]) -> str:
    """An `author` value: each name escaped, and protected if BibTeX would read it otherwise."""
    return " and ".join(bib_name(name) for name in names if name.split())


def bib_name(name: str) -> str:
    text = " ".join(name.split())  # BibTeX parsers split a name at any space
    if _NAME_NEEDS_BRACES.search(text):
        return protected(bib_escape(text))
    return " ".join(_name_word(word) for word in text.split(" "))


def _name_word(word: str) -> str:
    """bibtexparser's name splitter loses a word that starts with a command (`a \\& and b`
    reads as "a", "b"): that first escape goes in a group, which BibTeX reads the same."""
    escaped = bib_escape(word)
    if not escaped.startswith("\\"):
        return escaped
    head = bib_escape(word[0])
    return f"{{{head}}}{escaped[len(head):]}"
