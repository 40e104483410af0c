"""Spanish (and English) messages for the problems the template reader finds.

The reader (`equivalence.io.template`) reports each problem with a code, a column and an English
message. Agencies read their validation report in Spanish: `template_message` gives, for every code
of ``docs/template.md``, a Spanish message that says what is wrong and how to fix it, and the
reader's English message (or an English one built the same way when there is none).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from equivalence.io.template import BODIES, TABLES
from equivalence.vocab import COUNTRIES, CRITERION_KINDS, OCCUPATION_SCHEMES, STATUSES

__all__ = ["TEMPLATE_CODES", "template_message"]

_LINE: Final = re.compile(r"\bline (\d+)\b")
_SHARED_WITH: Final = re.compile(r"shared with standard (['\"])(.*?)\1")
_TABLE: Final = re.compile(r"\b(" + "|".join(TABLES) + r")\b")


def _or_list(items: tuple[str, ...] | list[str], word: str) -> str:
    """'a, b, c o d' (Spanish) or 'a, b, c or d' (English)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


_COUNTRY_CODES: Final = tuple(COUNTRIES)
_KINDS: Final = tuple(CRITERION_KINDS)
_SCHEMES: Final = tuple(OCCUPATION_SCHEMES)
_SPANISH_STATUSES: Final = ("vigente", "no vigente", "retirado", "en elaboración")
_ESCO_SKILL: Final = "http://data.europa.eu/esco/skill/"
_SHEETS_ES: Final = _or_list(list(TABLES), "y")
_COLUMN_NAMES_ES: Final[Mapping[str, str]] = {"sector": "el sector", "committee": "el comité"}


@dataclass(frozen=True, slots=True)
class _Problem:
    """What the reader says about one problem; the English message may carry extra details."""

    column: str
    value: str | None
    english: str

    def quoted(self) -> str:
        """The offending value as the agency wrote it, or a description of it."""
        if self.value:
            return f"'{self.value}'"
        return f"el valor de {self.column}" if self.column else "el valor"

    def quoted_en(self) -> str:
        if self.value:
            return f"'{self.value}'"
        return f"the value of {self.column}" if self.column else "the value"

    def other_line_es(self) -> str:
        """' (línea N)' when the English message names the other line involved."""
        match = _LINE.search(self.english)
        return f" (línea {match.group(1)})" if match else ""

    def other_line_en(self) -> str:
        match = _LINE.search(self.english)
        return f" (line {match.group(1)})" if match else ""

    def table(self) -> str | None:
        match = _TABLE.search(self.english) or _TABLE.search(self.value or "")
        return match.group(1) if match else None


Messages = tuple[str, str]


# -- structural problems -----------------------------------------------------------------------


def _missing_table(p: _Problem) -> Messages:
    table = p.table()
    if table is None:
        return (
            "Falta una de las tablas de la plantilla; entregue las tablas "
            f"{_SHEETS_ES} (archivos .csv en una carpeta, u hojas de un libro XLSX).",
            f"A table of the template is missing; submit the tables {', '.join(TABLES)}.",
        )
    return (
        f"Falta la tabla {table}: agregue el archivo {table}.csv a la carpeta (o la hoja "
        f"'{table}' al libro XLSX); la plantilla necesita las tablas {_SHEETS_ES}.",
        f"The {table} table is missing: add {table}.csv to the folder (or a sheet '{table}' "
        "to the workbook).",
    )


def _missing_column(p: _Problem) -> Messages:
    return (
        f"Falta la columna {p.column} en el encabezado (línea 1); agréguela aunque todas sus "
        "celdas queden vacías.",
        f"The column {p.column} is missing from the header (line 1); add it even if all its "
        "cells are empty.",
    )


def _duplicate_column(p: _Problem) -> Messages:
    return (
        f"La columna {p.column} aparece dos veces en el encabezado; deje una sola y pase sus "
        "datos a ella.",
        f"The column {p.column} appears twice in the header; keep only one.",
    )


def _encoding(p: _Problem) -> Messages:
    return (
        "El archivo no está codificado en UTF-8; guárdelo como UTF-8 (en Excel: «CSV UTF-8 "
        "(delimitado por comas)»; en LibreOffice: juego de caracteres «Unicode (UTF-8)»).",
        "The file is not UTF-8; save it as UTF-8.",
    )


def _row_length(p: _Problem) -> Messages:
    extra_es = f" (la celda {p.column} está de más)" if p.column else ""
    extra_en = f" (cell {p.column} is extra)" if p.column else ""
    return (
        f"La fila tiene más celdas que columnas tiene el encabezado{extra_es}; quite las celdas "
        "sobrantes o ponga entre comillas dobles las celdas cuyo texto contiene comas.",
        f"The row has more cells than the header has columns{extra_en}; remove the extra cells "
        "or quote cells that contain commas.",
    )


def _csv_syntax(p: _Problem) -> Messages:
    return (
        "El archivo no se puede leer como CSV a partir de esta línea; revise las comillas: "
        'una celda con comas, comillas o saltos de línea va entre comillas dobles ("…") y '
        'cada comilla dentro de ella se escribe dos veces ("").',
        "The file cannot be read as CSV from this line; check the quoting.",
    )


def _xlsx(p: _Problem) -> Messages:
    return (
        "El archivo no se puede abrir como libro XLSX; guárdelo de nuevo en formato .xlsx "
        "(Excel o LibreOffice) o entregue la plantilla como archivos CSV.",
        "The file cannot be opened as an XLSX workbook; save it again as .xlsx or submit CSV "
        "files.",
    )


# -- row problems ------------------------------------------------------------------------------


def _empty_cell(p: _Problem) -> Messages:
    if p.column == "occupation_code":
        return (
            "Se indicó occupation_scheme pero occupation_code está vacío; escriba el código de "
            "la ocupación en esa clasificación, o deje vacías las dos celdas.",
            "occupation_scheme is given but occupation_code is empty; write the occupation "
            "code, or leave both cells empty.",
        )
    if p.column == "occupation_scheme":
        return (
            "Se indicó occupation_code pero occupation_scheme está vacío; escriba la "
            f"clasificación a la que pertenece el código ({_or_list(_SCHEMES, 'o')}), "
            "o deje vacías las dos celdas.",
            "occupation_code is given but occupation_scheme is empty; write the classification "
            "the code belongs to, or leave both cells empty.",
        )
    return (
        f"La celda {p.column} es obligatoria y está vacía; complétela.",
        f"{p.column} is required but empty; fill it in.",
    )


def _unknown_country(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es un país de la plantilla; use {_or_list(_COUNTRY_CODES, 'o')}.",
        f"{p.quoted_en()} is not a country of the template; use one of "
        f"{', '.join(_COUNTRY_CODES)}.",
    )


_DUPLICATES_ES: Final[Mapping[str, tuple[str, str]]] = {
    "code": ("el estándar", "cada estándar debe tener un código único en su país"),
    "unit_code": ("la unidad", "cada unidad debe tener un código único dentro de su estándar"),
    "criterion_code": (
        "el criterio",
        "cada criterio debe tener un código único dentro de su unidad",
    ),
}


def _duplicate(p: _Problem) -> Messages:
    what, rule = _DUPLICATES_ES.get(p.column, ("el código", "los códigos deben ser únicos"))
    code = f" {p.quoted()}" if p.value else ""
    return (
        f"{what.capitalize()}{code} ya aparece en otra fila{p.other_line_es()}; {rule}: "
        "corrija el código o elimine la fila repetida.",
        f"{p.column} {p.quoted_en()} is already given{p.other_line_en()}; correct the code or "
        "remove the repeated row.",
    )


def _unknown_standard(p: _Problem) -> Messages:
    code = f" {p.quoted()}" if p.value else ""
    return (
        f"El estándar{code} no está en la tabla standards para ese país; agregue su fila a "
        "standards o corrija standard_code.",
        f"The standard{code} is not in the standards table for that country; add it or "
        "correct standard_code.",
    )


def _unknown_unit(p: _Problem) -> Messages:
    code = f" {p.quoted()}" if p.value else ""
    return (
        f"La unidad{code} no está en la tabla units bajo ese estándar; agregue su fila a units "
        "o corrija unit_code y standard_code.",
        f"The unit{code} is not in the units table under that standard; add it or correct "
        "unit_code and standard_code.",
    )


def _invalid_kind(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es un tipo de criterio válido; use {_or_list(_KINDS, 'o')}.",
        f"{p.quoted_en()} is not one of {', '.join(_KINDS)}.",
    )


def _invalid_level(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es un nivel válido; escriba un número entero positivo (por ejemplo 3) "
        "o deje la celda vacía.",
        f"{p.quoted_en()} is not a positive integer; write a level such as 3 or leave it empty.",
    )


def _invalid_date(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es una fecha válida; escríbala como AAAA-MM-DD (por ejemplo 2012-10-16).",
        f"{p.quoted_en()} is not a date written YYYY-MM-DD (e.g. 2012-10-16).",
    )


def _invalid_period(p: _Problem) -> Messages:
    return (
        "La fecha valid_to es anterior a valid_from; corrija una de las dos fechas (el fin de "
        "la vigencia no puede ser anterior a su inicio).",
        "valid_to is before valid_from; correct one of the two dates.",
    )


def _invalid_boolean(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es un valor de verdadero o falso; use true o false (también se "
        "aceptan sí/no, verdadero/falso, yes/no, 1/0).",
        f"{p.quoted_en()} is not true or false (also accepted: sí/no, yes/no, 1/0).",
    )


def _unknown_scheme(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es una clasificación de ocupaciones conocida; use "
        f"{_or_list(_SCHEMES, 'o')}.",
        f"{p.quoted_en()} is not a known occupation classification; use one of "
        f"{', '.join(_SCHEMES)}.",
    )


def _invalid_status(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es un estado válido; use {_or_list(_SPANISH_STATUSES, 'o')} "
        f"(o {', '.join(STATUSES)}).",
        f"{p.quoted_en()} is not a status; use one of {', '.join(STATUSES)} "
        f"(or {', '.join(_SPANISH_STATUSES)}).",
    )


def _unknown_body(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es un organismo certificador conocido; use {_or_list(BODIES, 'o')}, "
        "o deje la celda vacía para el organismo por defecto del país.",
        f"{p.quoted_en()} is not a known certifying body; use one of {', '.join(BODIES)}.",
    )


def _invalid_url(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es una dirección web válida; escriba la dirección completa, que "
        "empiece por http:// o https:// y no tenga espacios.",
        f"{p.quoted_en()} is not an http(s) address.",
    )


def _invalid_skill(p: _Problem) -> Messages:
    return (
        f"{p.quoted()} no es un URI de habilidad ESCO; escriba direcciones de la forma "
        f"{_ESCO_SKILL}… y separe varias con '|'.",
        f"{p.quoted_en()} is not an ESCO skill URI ({_ESCO_SKILL}…); separate several with '|'.",
    )


def _inconsistent_label(p: _Problem) -> Messages:
    what = _COLUMN_NAMES_ES.get(p.column, f"el valor de {p.column}")
    return (
        f"{p.quoted()} es {what} de otra fila{p.other_line_es()} escrito de otra forma; "
        "escríbalo siempre igual (mayúsculas, tildes y espacios incluidos) en todo el país.",
        f"{p.quoted_en()} names the same {p.column} as another row{p.other_line_en()}; write "
        "it the same way.",
    )


def _inconsistent_shared(p: _Problem) -> Messages:
    match = _SHARED_WITH.search(p.english)
    profile = f"el perfil '{match.group(2)}'" if match else "otro perfil"
    what = (
        "Este criterio, compartido" if p.english.startswith("criterion") else "Esta UCL, compartida"
    )
    return (
        f"{what} con {profile}{p.other_line_es()}, tiene otro valor en la columna {p.column}; "
        "una UCL compartida por varios perfiles (y cada uno de sus criterios) debe tener los "
        "mismos valores en todas sus filas: copie los mismos datos en cada perfil.",
        f"This unit (or criterion) is shared with another profile{p.other_line_en()} but its "
        f"{p.column} differs; give the same values under every profile.",
    )


_MESSAGES: Final[Mapping[str, Callable[[_Problem], Messages]]] = {
    "missing-table": _missing_table,
    "missing-column": _missing_column,
    "duplicate-column": _duplicate_column,
    "encoding": _encoding,
    "row-length": _row_length,
    "csv-syntax": _csv_syntax,
    "xlsx": _xlsx,
    "empty-cell": _empty_cell,
    "unknown-country": _unknown_country,
    "duplicate": _duplicate,
    "unknown-standard": _unknown_standard,
    "unknown-unit": _unknown_unit,
    "invalid-kind": _invalid_kind,
    "invalid-level": _invalid_level,
    "invalid-date": _invalid_date,
    "invalid-period": _invalid_period,
    "invalid-boolean": _invalid_boolean,
    "unknown-scheme": _unknown_scheme,
    "invalid-status": _invalid_status,
    "unknown-body": _unknown_body,
    "invalid-url": _invalid_url,
    "invalid-skill": _invalid_skill,
    "inconsistent-label": _inconsistent_label,
    "inconsistent-shared": _inconsistent_shared,
}

TEMPLATE_CODES: Final = tuple(_MESSAGES)
"""Every problem code of the template reader that has its own messages."""


def _generic(p: _Problem, code: str) -> Messages:
    detail = f": {p.english}" if p.english else ""
    where = f" (columna {p.column})" if p.column else ""
    return (
        f"Problema en la plantilla{where} [{code}]{detail}",
        p.english or f"Template problem{f' (column {p.column})' if p.column else ''} [{code}]",
    )


def template_message(
    code: str,
    column: str | int | None,
    value: str | None,
    english_message: str | None,
) -> tuple[str, str]:
    """`(Spanish, English)` messages for a problem the template reader found.

    `column` is the template column (or, for ``row-length``, the number of the first extra
    cell), `value` the cell as written when known, `english_message` the reader's message, which
    is kept as the English text. An unknown code gives a generic message carrying the English.
    """
    problem = _Problem("" if column is None else str(column), value or None, english_message or "")
    build = _MESSAGES.get(code)
    if build is None:
        return _generic(problem, code)
    spanish, english = build(problem)
    return spanish, english_message or english
