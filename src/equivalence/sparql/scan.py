"""A lexical look at a SPARQL request before it runs: its form, its dataset clause, and whether
it could call another endpoint (`SERVICE`).

The scanner splits the text into the tokens of the SPARQL 1.1 grammar that matter here: comments
(to the end of the line, `\\r` or `\\n`), string literals (the four kinds, with backslash
escapes), IRI references, variables and "words" (keywords, prefixed names, numbers, blank-node
labels, language tags). Comments, strings and IRIs never count; only words do.

The `SERVICE` check is a security boundary: pyoxigraph evaluates `SERVICE <iri> { … }` by sending
an HTTP request to that IRI (measured with 0.5.13), so a query that gets past it can make the
server call any host it can reach. The check is therefore conservative:

- Oxigraph's parser does not require a word boundary after a keyword: `SERVICE:x {…}`,
  `SERVICEex:x {…}`, `SERVICESILENT<…> {…}` and `?s ?p 1SERVICE<…> {…}` all reach the network.
  So any word that *contains* `service`, in any case, counts: a prefixed name such as
  `ex:customerService` is refused too (write it as a full `<IRI>`); a variable (`?service`) is
  not a word and never counts.
- A backslash outside strings escapes the next character (prefixed names may hold `\\'`,
  `\\#` …), so an escaped quote or hash never opens a string or a comment.
- The text is scanned twice, as sent and with its `\\uXXXX` / `\\UXXXXXXXX` escapes decoded
  (SPARQL 1.1 §19.2 lets them appear anywhere; Oxigraph 0.5 does not decode them outside IRIs
  and strings, a later version might), and a `SERVICE` found in either counts.

It also notes whether the query's solutions are sorted or grouped at the top level (`ORDER BY`
or `GROUP BY` after the outer group pattern, not inside a subquery): pyoxigraph then computes
them all before the first one, which `equivalence.sparql.protocol` uses to write such a result
in one call. A misreading there costs speed (or keeps a worker past a deadline), never a
wrong answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["QueryShape", "scan"]

Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
_FORMS: Final[tuple[Form, ...]] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES: Final = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
)

# SPARQL 1.1 grammar [164]-[166]: the characters of a variable name
_PN_CHARS_BASE: Final = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_VARNAME: Final = f"[{_PN_CHARS_BASE}_0-9][{_PN_CHARS_BASE}_0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
# single characters that end a word (and are tokens of their own); whitespace is [ \t\r\n] only,
# as in the grammar: any other character (a no-break space …) stays inside the word around it
_DELIMITERS: Final = r"{}()\[\];,<>=!&|+*/^\"'#?$\\ \t\r\n"
# each match skips whitespace and the punctuation that starts no token, then takes one token
_TOKEN: Final = re.compile(
    r"""
    [ \t\r\n{}()\[\];,=!&|+*/^>]*
    (?:
      (?P<comment>\#[^\r\n]*)
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<string>'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''
                |\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
                |'(?:[^'\\\r\n]|\\[\s\S])*'
                |"(?:[^"\\\r\n]|\\[\s\S])*")
    | (?P<variable>[?$]"""
    + _VARNAME
    + r""")
    | (?P<word>(?:[^"""
    + _DELIMITERS
    + r"""]|\\[\s\S])+)
    | (?P<other>[\s\S])
    | (?P<end>$)
    )
    """,
    re.VERBOSE,
)
_CODEPOINT: Final = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class QueryShape:
    """What the scanner saw in a request.

    `form` is the query form (None when the first keyword after the prologue is none of them);
    `update` the update operation it starts with instead, if any; `service` whether it may call
    another endpoint; `dataset` whether it names its own dataset (`FROM` / `FROM NAMED`);
    `materialised` whether its top level has `ORDER BY` or `GROUP BY` (solutions computed in
    full before the first one).
    """

    form: Form | None
    update: str | None
    service: bool
    dataset: bool
    materialised: bool = False


def _is_from(word: str) -> bool:
    upper = word.upper()
    return upper == "FROM" or upper.startswith("FROMNAMED")  # `FROMNAMED<g>` parses too


def _decoded(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _CODEPOINT.sub(replace, text)


def _pass(
    text: str, *, service: bool, dataset: bool, modifiers: bool = False
) -> tuple[str | None, bool, bool, bool]:
    """One pass over the tokens: the first keyword after the prologue (upper-cased), and,
    when asked for, whether a word holds `service`, whether there is a `FROM`, and whether
    `ORDER` or `GROUP` follows the outer group pattern (at brace depth 0, after a brace)."""
    keyword: str | None = None
    in_prologue = True
    expect_iri = expect_prefix = False
    found_service = found_dataset = found_modifier = False
    depth, opened = 0, False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if modifiers:  # the braces are in the punctuation skipped before the token
            skipped = text[match.start() : match.start(kind)] if kind else ""
            if "{" in skipped or "}" in skipped:
                opened = True
                depth += skipped.count("{") - skipped.count("}")
        if kind == "comment" or kind == "end":
            continue
        if in_prologue:
            if expect_iri:
                expect_iri = False
                in_prologue = kind == "iri"
            elif kind != "word":
                in_prologue = False
            else:
                upper = match.group(kind).upper()
                if expect_prefix:  # the prefix name of `PREFIX p: <iri>`
                    expect_prefix, expect_iri = False, True
                elif upper == "BASE":
                    expect_iri = True
                elif upper == "PREFIX":
                    expect_prefix = True
                elif upper.startswith("PREFIX") and upper.endswith(":"):  # `PREFIXp:` glued
                    expect_iri = True
                else:
                    keyword = upper
                    in_prologue = False
        if kind == "word":  # every word counts, the prologue's too
            word = match.group(kind)
            if service and not found_service and "service" in word.lower():
                found_service = True
            if dataset and not found_dataset and _is_from(word):
                found_dataset = True
            if modifiers and opened and depth <= 0 and word.upper().startswith(("ORDER", "GROUP")):
                found_modifier = True
        if (
            not in_prologue
            and found_service >= service
            and found_dataset >= dataset
            and found_modifier >= modifiers
        ):
            break
    return keyword, found_service, found_dataset, found_modifier


def scan(text: str) -> QueryShape:
    """The form, update operation, `SERVICE` use and dataset clause of a SPARQL request."""
    lowered = text.lower()
    # without the letters, no spelling of the keywords can be there: one pass, often short
    keyword, service, dataset, materialised = _pass(
        text,
        service="service" in lowered,
        dataset="from" in lowered,
        modifiers="order" in lowered or "group" in lowered,
    )
    if not service and "\\u" in lowered:
        decoded = _decoded(text)
        if "service" in decoded.lower():
            service = _pass(decoded, service=True, dataset=False)[1]
    form = next((f for f in _FORMS if keyword and keyword.startswith(f)), None)
    update = None
    if form is None and keyword is not None:
        update = next((u for u in _UPDATES if keyword.startswith(u)), None)
    return QueryShape(form, update, service, dataset, materialised)
