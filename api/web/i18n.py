"""Every visible string of the officer pages, in Spanish (the default) and English.

`MESSAGES[lang][key]` is a `str.format` template; `translator(lang)` gives the function the
templates call as ``t("key", name=value)``. Both languages must hold the same keys (a test
checks it). Messages of the library (validation results) carry both languages themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "MESSAGES",
    "Translator",
    "language_or_none",
    "translator",
]

LANGUAGES: Final = ("es", "en")
DEFAULT_LANGUAGE: Final = "es"

Translator = Callable[..., str]

_ES: Final[Mapping[str, str]] = {
    # layout
    "site.name": "equivalence",
    "site.tagline": "Equivalencias entre certificaciones de competencias laborales de la Alianza del Pacífico",
    "skip": "Saltar al contenido",
    "nav.label": "Principal",
    "nav.search": "Buscar estándares",
    "nav.validate": "Validar una entrega",
    "nav.api": "API",
    "lang.other": "English",
    "lang.other_long": "Read this page in English",
    "footer.sources": (
        "Datos de ChileValora (Chile), SENA (Colombia), CONOCER (México), MTPE y SINEACE (Perú). "
        "Este servicio usa la clasificación ESCO de la Comisión Europea."
    ),
    "footer.api": "Los mismos datos, en JSON y RDF",
    "pct": "{n} %",
    "none": "—",
    # countries
    "country.CL": "Chile",
    "country.CO": "Colombia",
    "country.MX": "México",
    "country.PE": "Perú",
    # search
    "search.title": "Buscar estándares de competencia",
    "search.intro": (
        "Busque por código o por palabras del título, de las unidades o de los criterios, en los "
        "cuatro países. Las tildes y las mayúsculas no importan."
    ),
    "search.form": "Búsqueda",
    "search.q": "Código o palabras",
    "search.q_hint": "Por ejemplo: EC0217.01, capacitación, cajero.",
    "search.countries": "Países",
    "search.sector": "Sector",
    "search.any_sector": "Todos los sectores",
    "search.level": "Nivel",
    "search.any_level": "Todos los niveles",
    "search.level_n": "Nivel {n}",
    "search.submit": "Buscar",
    "search.results_one": "1 estándar encontrado",
    "search.results_many": "{n} estándares encontrados",
    "search.results_for": "para «{q}»",
    "search.none": "Ningún estándar coincide. Pruebe con menos palabras o quite algún filtro.",
    "search.page_of": "Página {page} de {pages}",
    "search.paging": "Páginas de resultados",
    "search.prev": "Anterior",
    "search.next": "Siguiente",
    "search.page_n": "Página {n}",
    "search.unavailable": "La búsqueda no está disponible en este momento.",
    "search.problem": "No se pudo buscar",
    "search.nothing": "No hay nada que buscar en «{q}»: escriba un código o palabras con contenido.",
    "search.overview": "Estándares por país",
    "search.overview_caption": "Cuántos estándares, unidades y criterios tiene cada país en el servicio",
    "search.col_country": "País",
    "search.col_standards": "Estándares",
    "search.col_units": "Unidades",
    "search.col_criteria": "Criterios",
    "search.mappings": "Equivalencias calculadas entre estándares: {n}.",
    # a standard
    "std.details": "Datos del estándar",
    "std.code": "Código",
    "std.country": "País",
    "std.level": "Nivel",
    "std.no_level": "sin nivel",
    "std.sector": "Sector",
    "std.no_sector": "sin sector",
    "std.valid": "Vigencia",
    "std.valid_from": "desde {date}",
    "std.valid_to": "hasta {date}",
    "std.status": "Estado",
    "std.version": "Versión",
    "std.body": "Organismo",
    "std.committee": "Comité",
    "std.source": "Fuente",
    "std.source_link": "Ficha publicada por la agencia",
    "std.title_en": "Título en inglés",
    "std.description": "Descripción",
    "std.units": "Unidades de competencia",
    "std.units_count": "{n} unidades",
    "std.essential": "obligatoria",
    "std.optional": "optativa",
    "std.criteria": "Criterios de la unidad {code}",
    "std.no_criteria": "Sin criterios registrados.",
    "std.no_units": "Este estándar no tiene unidades registradas.",
    "std.occupations": "Ocupaciones",
    "std.no_occupations": "Sin ocupaciones registradas.",
    "std.equivalents": "Equivalencias en otros países",
    "std.equivalents_intro": (
        "Cada fila es un estándar de otro país: cómo se relaciona con éste, la confianza del "
        "cálculo, la cobertura en ambos sentidos y si las agencias ya la revisaron."
    ),
    "std.coverage_help": (
        "«Cubre de éste»: parte de las unidades de este estándar que el otro también tiene. "
        "«Éste cubre»: parte de las unidades del otro que este estándar tiene."
    ),
    "std.none_in": "Sin equivalentes en {country}.",
    "std.equivalents_in": "Equivalentes en {country}",
    "std.see_json": "Ver en JSON",
    "std.see_turtle": "Ver en Turtle (RDF)",
    "eq.standard": "Estándar",
    "eq.relation": "Relación",
    "eq.confidence": "Confianza",
    "eq.coverage_here": "Cubre de éste",
    "eq.coverage_there": "Éste cubre",
    "eq.review": "Revisión",
    "eq.actions": "Comparación",
    "eq.compare": "Comparar",
    "eq.compare_label": "Comparar {a} con {b}",
    "eq.inferred": "inferida por otro país",
    "predicate.exactMatch": "equivalente",
    "predicate.closeMatch": "cercano",
    "predicate.broadMatch": "más amplio",
    "predicate.narrowMatch": "más específico",
    "predicate.relatedMatch": "relacionado",
    "predicate.none": "sin equivalencia",
    "state.active": "vigente",
    "state.inactive": "inactivo",
    "state.withdrawn": "retirado",
    "state.draft": "borrador",
    "std.occupation_scheme": "clasificación {scheme}",
    "review.proposed": "propuesta",
    "review.accepted": "aceptada por un país",
    "review.rejected": "rechazada",
    "review.recognised": "reconocida",
    "kind.desempeno": "desempeño",
    "kind.producto": "producto",
    "kind.conocimiento": "conocimiento",
    "kind.actitud": "actitud",
    # comparison
    "cmp.title": "Comparación",
    "cmp.heading": "{a} frente a {b}",
    "cmp.summary": "Resultado",
    "cmp.relation": "Relación de {b} con {a}",
    "cmp.confidence": "Confianza",
    "cmp.coverage": "Cobertura de {a} por {b}",
    "cmp.levels": "Niveles",
    "cmp.levels_value": "{a} / {b} ({comparison})",
    "cmp.review": "Revisión por las agencias",
    "cmp.not_stored": "no es una equivalencia guardada",
    "cmp.swap": "Ver la comparación en sentido inverso",
    "cmp.back": "Volver a {code}",
    "level.same": "iguales",
    "level.comparable": "comparables",
    "level.higher": "el de {b} es más alto",
    "level.lower": "el de {b} es más bajo",
    "level.unknown": "no se pueden comparar",
    "cmp.alignment": "Unidades lado a lado",
    "cmp.alignment_intro": (
        "Cada unidad de {a} junto a su unidad más parecida en {b}; al final, las unidades de {b} "
        "que no corresponden a ninguna de {a}."
    ),
    "cmp.alignment_caption": "Unidades de {a} y de {b}, alineadas",
    "cmp.col_a": "Unidad de {a}",
    "cmp.col_status": "Estado",
    "cmp.col_b": "Unidad de {b}",
    "cmp.score": "similitud {score}",
    "cmp.no_counterpart": "ninguna",
    "status.covered": "cubierta",
    "status.partial": "parcial",
    "status.missing": "falta",
    "cmp.gaps": "Brechas",
    "cmp.gap": "Lo que un titular de {a} aún debe demostrar para ser reconocido en {b}",
    "cmp.no_gap": "Nada: todas las unidades de {b} están cubiertas.",
    "cmp.gap_units": "{n} unidades por demostrar",
    "cmp.missing_criteria": "Criterios no demostrados",
    "cmp.unit_only_partly": "parcialmente cubierta por {code}",
    # validation
    "val.title": "Validar una entrega",
    "val.intro": (
        "Suba la plantilla (standards.csv, units.csv y criteria.csv, o un libro .xlsx), un "
        "archivo RDF (Turtle, N-Triples, JSON-LD o RDF/XML) o un .zip con ellos. Es una prueba: "
        "no se guarda nada."
    ),
    "val.form": "Archivos a validar",
    "val.files": "Archivos",
    "val.files_hint": "Puede elegir varios archivos a la vez (por ejemplo, los tres CSV de la plantilla).",
    "val.country": "País que entrega",
    "val.any_country": "Deducirlo de los datos",
    "val.submit": "Validar",
    "val.busy": "Validando la entrega; puede tardar unos segundos.",
    "val.error_title": "No se pudo validar",
    "val.no_file": "Elija al menos un archivo.",
    "val.unreadable": "No se pudo leer la entrega: {detail}",
    "val.unreadable_list": "No se pudo leer la entrega:",
    "val.more": "… y {n} más",
    "val.report": "Informe de validación",
    "val.conforms": "La entrega es conforme.",
    "val.not_conforms": "La entrega NO es conforme.",
    "val.counts": "Resultados por gravedad",
    "val.files_read": "Archivos leídos",
    "val.standards_read": "Estándares validados",
    "val.countries": "Países",
    "val.download": "Descargar el informe",
    "val.download_as": "Descargar en {format}",
    "val.format.json": "JSON",
    "val.format.csv": "CSV",
    "val.format.turtle": "Turtle (SHACL)",
    "val.format.text": "texto",
    "val.download_expired": "No se pudo leer el informe enviado; valide la entrega otra vez.",
    "val.by_rule": "Resultados por regla",
    "val.by_rule_caption": "Cuántos resultados dio cada regla, con un ejemplo",
    "val.col_rule": "Regla",
    "val.col_severity": "Gravedad",
    "val.col_count": "Resultados",
    "val.col_example": "Ejemplo",
    "val.by_standard": "Resultados por estándar",
    "val.other": "Sin estándar",
    "val.group_caption": "Resultados de {standard}",
    "val.col_where": "Dónde",
    "val.col_field": "Campo",
    "val.col_value": "Valor",
    "val.col_message": "Mensaje",
    "val.col_location": "Archivo",
    "val.col_status": "Frente a lo aceptado",
    "val.unit": "unidad {code}",
    "val.criterion": "criterio {code}",
    "val.standard_itself": "el estándar",
    "val.line": "línea {n}",
    "val.column": "columna {name}",
    "val.no_results": "Sin resultados: no hay nada que corregir.",
    "val.comparison": (
        "Frente a los datos aceptados ({baseline}) — resultados nuevos: {new}; corregidos: "
        "{fixed}; sin cambios: {persisting}."
    ),
    "val.status.new": "nuevo",
    "val.status.persisting": "sigue igual",
    "val.truncated": (
        "Se muestran {shown} de {total} resultados; descargue el informe para verlos todos."
    ),
    "severity.Violation": "Violación",
    "severity.Warning": "Advertencia",
    "severity.Info": "Informativo",
    "severity_one.Violation": "1 violación",
    "severity_one.Warning": "1 advertencia",
    "severity_one.Info": "1 informativo",
    "severity_count.Violation": "{n} violaciones",
    "severity_count.Warning": "{n} advertencias",
    "severity_count.Info": "{n} informativos",
    # errors
    "err.not_found": "Página no encontrada",
    "err.no_page": "No hay ninguna página en esta dirección.",
    "err.standard_not_found": "No hay ningún estándar {code} en {country}.",
    "err.suggestions": "¿Quiso decir alguno de éstos?",
    "err.search_instead": "Buscar «{code}» en todos los países",
    "err.unknown_country": (
        "No conocemos el país «{country}». Los países son Chile (CL), Colombia (CO), México (MX) "
        "y Perú (PE)."
    ),
    "err.back_home": "Ir a la búsqueda",
}

_EN: Final[Mapping[str, str]] = {
    # layout
    "site.name": "equivalence",
    "site.tagline": "Equivalences between the labour-competency certifications of the Pacific Alliance",
    "skip": "Skip to content",
    "nav.label": "Main",
    "nav.search": "Search standards",
    "nav.validate": "Validate a submission",
    "nav.api": "API",
    "lang.other": "Español",
    "lang.other_long": "Leer esta página en español",
    "footer.sources": (
        "Data from ChileValora (Chile), SENA (Colombia), CONOCER (Mexico), MTPE and SINEACE (Peru). "
        "This service uses the ESCO classification of the European Commission."
    ),
    "footer.api": "The same data, as JSON and RDF",
    "pct": "{n}%",
    "none": "—",
    # countries
    "country.CL": "Chile",
    "country.CO": "Colombia",
    "country.MX": "Mexico",
    "country.PE": "Peru",
    # search
    "search.title": "Search competency standards",
    "search.intro": (
        "Search by code or by words of the title, the units or the criteria, in all four "
        "countries. Accents and capitals do not matter."
    ),
    "search.form": "Search",
    "search.q": "Code or words",
    "search.q_hint": "For example: EC0217.01, capacitación, cajero.",
    "search.countries": "Countries",
    "search.sector": "Sector",
    "search.any_sector": "All sectors",
    "search.level": "Level",
    "search.any_level": "All levels",
    "search.level_n": "Level {n}",
    "search.submit": "Search",
    "search.results_one": "1 standard found",
    "search.results_many": "{n} standards found",
    "search.results_for": "for “{q}”",
    "search.none": "No standard matches. Try fewer words or remove a filter.",
    "search.page_of": "Page {page} of {pages}",
    "search.paging": "Result pages",
    "search.prev": "Previous",
    "search.next": "Next",
    "search.page_n": "Page {n}",
    "search.unavailable": "Search is not available at the moment.",
    "search.problem": "The search could not run",
    "search.nothing": "There is nothing to search for in “{q}”: type a code or words with content.",
    "search.overview": "Standards per country",
    "search.overview_caption": "How many standards, units and criteria each country has in the service",
    "search.col_country": "Country",
    "search.col_standards": "Standards",
    "search.col_units": "Units",
    "search.col_criteria": "Criteria",
    "search.mappings": "Equivalences computed between standards: {n}.",
    # a standard
    "std.details": "About the standard",
    "std.code": "Code",
    "std.country": "Country",
    "std.level": "Level",
    "std.no_level": "no level",
    "std.sector": "Sector",
    "std.no_sector": "no sector",
    "std.valid": "Validity",
    "std.valid_from": "from {date}",
    "std.valid_to": "until {date}",
    "std.status": "Status",
    "std.version": "Version",
    "std.body": "Body",
    "std.committee": "Committee",
    "std.source": "Source",
    "std.source_link": "The page published by the agency",
    "std.title_en": "Title in English",
    "std.description": "Description",
    "std.units": "Units of competency",
    "std.units_count": "{n} units",
    "std.essential": "essential",
    "std.optional": "optional",
    "std.criteria": "Criteria of unit {code}",
    "std.no_criteria": "No criteria recorded.",
    "std.no_units": "This standard has no units recorded.",
    "std.occupations": "Occupations",
    "std.no_occupations": "No occupations recorded.",
    "std.equivalents": "Equivalents in other countries",
    "std.equivalents_intro": (
        "Each row is a standard of another country: how it relates to this one, the confidence of "
        "the computation, the coverage both ways, and whether the agencies have reviewed it."
    ),
    "std.coverage_help": (
        "“Covers of this”: the share of this standard's units the other one also has. "
        "“This covers”: the share of the other's units this standard has."
    ),
    "std.none_in": "No equivalents in {country}.",
    "std.equivalents_in": "Equivalents in {country}",
    "std.see_json": "View as JSON",
    "std.see_turtle": "View as Turtle (RDF)",
    "eq.standard": "Standard",
    "eq.relation": "Relation",
    "eq.confidence": "Confidence",
    "eq.coverage_here": "Covers of this",
    "eq.coverage_there": "This covers",
    "eq.review": "Review",
    "eq.actions": "Comparison",
    "eq.compare": "Compare",
    "eq.compare_label": "Compare {a} with {b}",
    "eq.inferred": "inferred through another country",
    "predicate.exactMatch": "equivalent",
    "predicate.closeMatch": "close",
    "predicate.broadMatch": "broader",
    "predicate.narrowMatch": "narrower",
    "predicate.relatedMatch": "related",
    "predicate.none": "no equivalence",
    "state.active": "active",
    "state.inactive": "inactive",
    "state.withdrawn": "withdrawn",
    "state.draft": "draft",
    "std.occupation_scheme": "classification {scheme}",
    "review.proposed": "proposed",
    "review.accepted": "accepted by one country",
    "review.rejected": "rejected",
    "review.recognised": "recognised",
    "kind.desempeno": "performance",
    "kind.producto": "product",
    "kind.conocimiento": "knowledge",
    "kind.actitud": "attitude",
    # comparison
    "cmp.title": "Comparison",
    "cmp.heading": "{a} compared with {b}",
    "cmp.summary": "Result",
    "cmp.relation": "Relation of {b} to {a}",
    "cmp.confidence": "Confidence",
    "cmp.coverage": "Coverage of {a} by {b}",
    "cmp.levels": "Levels",
    "cmp.levels_value": "{a} / {b} ({comparison})",
    "cmp.review": "Review by the agencies",
    "cmp.not_stored": "not a stored equivalence",
    "cmp.swap": "See the comparison the other way round",
    "cmp.back": "Back to {code}",
    "level.same": "the same",
    "level.comparable": "comparable",
    "level.higher": "{b}'s is higher",
    "level.lower": "{b}'s is lower",
    "level.unknown": "cannot be compared",
    "cmp.alignment": "Units side by side",
    "cmp.alignment_intro": (
        "Each unit of {a} next to its most similar unit of {b}; at the end, the units of {b} that "
        "match none of {a}."
    ),
    "cmp.alignment_caption": "Units of {a} and of {b}, aligned",
    "cmp.col_a": "Unit of {a}",
    "cmp.col_status": "Status",
    "cmp.col_b": "Unit of {b}",
    "cmp.score": "similarity {score}",
    "cmp.no_counterpart": "none",
    "status.covered": "covered",
    "status.partial": "partly covered",
    "status.missing": "missing",
    "cmp.gaps": "Gaps",
    "cmp.gap": "What a holder of {a} must still show to be recognised in {b}",
    "cmp.no_gap": "Nothing: every unit of {b} is covered.",
    "cmp.gap_units": "{n} units to show",
    "cmp.missing_criteria": "Criteria not shown",
    "cmp.unit_only_partly": "partly covered by {code}",
    # validation
    "val.title": "Validate a submission",
    "val.intro": (
        "Upload the template (standards.csv, units.csv and criteria.csv, or an .xlsx workbook), "
        "an RDF file (Turtle, N-Triples, JSON-LD or RDF/XML) or a .zip of them. This is a dry "
        "run: nothing is saved."
    ),
    "val.form": "Files to validate",
    "val.files": "Files",
    "val.files_hint": "You can choose several files at once (for example the template's three CSV files).",
    "val.country": "Submitting country",
    "val.any_country": "Read it from the data",
    "val.submit": "Validate",
    "val.busy": "Validating the submission; this can take a few seconds.",
    "val.error_title": "The submission could not be validated",
    "val.no_file": "Choose at least one file.",
    "val.unreadable": "The submission could not be read: {detail}",
    "val.unreadable_list": "The submission could not be read:",
    "val.more": "… and {n} more",
    "val.report": "Validation report",
    "val.conforms": "The submission conforms.",
    "val.not_conforms": "The submission does NOT conform.",
    "val.counts": "Results by severity",
    "val.files_read": "Files read",
    "val.standards_read": "Standards validated",
    "val.countries": "Countries",
    "val.download": "Download the report",
    "val.download_as": "Download as {format}",
    "val.format.json": "JSON",
    "val.format.csv": "CSV",
    "val.format.turtle": "Turtle (SHACL)",
    "val.format.text": "text",
    "val.download_expired": "The report sent could not be read; validate the submission again.",
    "val.by_rule": "Results by rule",
    "val.by_rule_caption": "How many results each rule gave, with an example",
    "val.col_rule": "Rule",
    "val.col_severity": "Severity",
    "val.col_count": "Results",
    "val.col_example": "Example",
    "val.by_standard": "Results by standard",
    "val.other": "No standard",
    "val.group_caption": "Results of {standard}",
    "val.col_where": "Where",
    "val.col_field": "Field",
    "val.col_value": "Value",
    "val.col_message": "Message",
    "val.col_location": "File",
    "val.col_status": "Against the accepted data",
    "val.unit": "unit {code}",
    "val.criterion": "criterion {code}",
    "val.standard_itself": "the standard",
    "val.line": "line {n}",
    "val.column": "column {name}",
    "val.no_results": "No results: nothing to fix.",
    "val.comparison": (
        "Against the accepted data ({baseline}) — new results: {new}; fixed: {fixed}; "
        "unchanged: {persisting}."
    ),
    "val.status.new": "new",
    "val.status.persisting": "unchanged",
    "val.truncated": "{shown} of {total} results are shown; download the report to see them all.",
    "severity.Violation": "Violation",
    "severity.Warning": "Warning",
    "severity.Info": "Info",
    "severity_one.Violation": "1 violation",
    "severity_one.Warning": "1 warning",
    "severity_one.Info": "1 info message",
    "severity_count.Violation": "{n} violations",
    "severity_count.Warning": "{n} warnings",
    "severity_count.Info": "{n} info messages",
    # errors
    "err.not_found": "Page not found",
    "err.no_page": "There is no page at this address.",
    "err.standard_not_found": "There is no standard {code} in {country}.",
    "err.suggestions": "Did you mean one of these?",
    "err.search_instead": "Search for “{code}” in all countries",
    "err.unknown_country": (
        "We do not know the country “{country}”. The countries are Chile (CL), Colombia (CO), "
        "Mexico (MX) and Peru (PE)."
    ),
    "err.back_home": "Go to the search",
}

MESSAGES: Final[Mapping[str, Mapping[str, str]]] = {"es": _ES, "en": _EN}


def language_or_none(value: str | None) -> str | None:
    """`value` when it names a language of the pages (``es``, ``en``, any case), else None."""
    if value is None:
        return None
    code = value.strip().lower()
    return code if code in LANGUAGES else None


def translator(lang: str) -> Translator:
    """The function ``t(key, **values)`` of one language; an unknown key raises KeyError."""
    messages = MESSAGES[lang if lang in MESSAGES else DEFAULT_LANGUAGE]

    def t(key: str, /, **values: object) -> str:
        template = messages[key]
        return template.format(**values) if values else template

    return t
