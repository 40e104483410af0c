"""The report's words in Spanish (the default) and English, and how numbers are written.

Numbers avoid the decimal separator, which differs between the four countries (México writes
1,5 as 1.5): counts get a no-break space between thousands in Spanish ("1 477", the RAE's
recommendation), shares are whole percentages ("45 %").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from equivalence.vocab import COUNTRIES

__all__ = ["FORMATS", "LANGS", "REPORT_NAME", "Labels"]

LANGS: Final = ("es", "en")
FORMATS: Final = ("html", "pdf")
REPORT_NAME: Final = "report"  # report.html, report.pdf
_NBSP: Final = "\u00a0"

_COUNTRY_EN: Final[Mapping[str, str]] = {
    "CL": "Chile",
    "CO": "Colombia",
    "MX": "Mexico",
    "PE": "Peru",
}

# key -> (Spanish, English); {name} fields are filled by `Labels.__call__`.
_TEXT: Final[Mapping[str, tuple[str, str]]] = {
    "title": (
        "Informe comparativo de la certificación de competencias laborales en la Alianza del "
        "Pacífico",
        "Comparative report on labour-competency certification in the Pacific Alliance",
    ),
    "subtitle": (
        "Chile, Colombia, México y Perú. Generado el {when} (UTC) a partir del grafo de "
        "conocimiento «equivalence».",
        "Chile, Colombia, Mexico and Peru. Generated on {when} (UTC) from the «equivalence» "
        "knowledge graph.",
    ),
    "contents": ("Contenido", "Contents"),
    "skip": ("Saltar al contenido", "Skip to the content"),
    "csv_link": ("Datos (CSV): {file}", "Data (CSV): {file}"),
    "more_rows": (
        "Se muestran {shown} de {total} filas; la lista completa está en {file}.",
        "{shown} of {total} rows shown; the full list is in {file}.",
    ),
    "show_table": ("Mostrar la tabla ({rows} filas)", "Show the table ({rows} rows)"),
    "no_rows": ("Sin datos.", "No data."),
    "none_sector": ("sin sector", "no sector"),
    "none_level": ("sin nivel", "no level"),
    "level_n": ("nivel {level}", "level {level}"),
    "total": ("Total", "Total"),
    "country": ("País", "Country"),
    "other": ("Otro país", "Other country"),
    "standards": ("Estándares", "Standards"),
    "units": ("Unidades", "Units"),
    "criteria": ("Criterios", "Criteria"),
    "sector": ("Sector", "Sector"),
    "level": ("Nivel", "Level"),
    "code": ("Código", "Code"),
    "name": ("Nombre", "Name"),
    "title_col": ("Título", "Title"),
    "share": ("Proporción", "Share"),
    "with_equivalent": ("Con equivalente", "With an equivalent"),
    "without_equivalent": ("Sin equivalente", "Without an equivalent"),
    "share_without": ("% sin equivalente", "% without an equivalent"),
    "without_units": ("Sin equivalente y sin unidades", "Without an equivalent nor units"),
    "with_in": ("Con equivalente en {country}", "With an equivalent in {country}"),
    "share_in": ("% con equivalente en {country}", "% with an equivalent in {country}"),
    "footer_sources": (
        "Fuentes: los datos de cada país cargados en el grafo (CONOCER – RENEC, SENA, "
        "ChileValora, MTPE y SINEACE) y las equivalencias calculadas o registradas en él. "
        "Las cifras salen de consultas SPARQL con nombre (carpeta queries/, prefijo report-).",
        "Sources: each country's data loaded in the graph (CONOCER – RENEC, SENA, ChileValora, "
        "MTPE and SINEACE) and the equivalences computed or recorded in it. The figures come "
        "from named SPARQL queries (folder queries/, prefix report-).",
    ),
    "footer_esco": (
        "Este servicio utiliza la clasificación ESCO de la Comisión Europea.",
        "This service uses the ESCO classification of the European Commission.",
    ),
    # -- 0. summary
    "s0": ("Resumen", "Summary"),
    "s0_intro": (
        "Cifras de los cuatro sistemas tal como están hoy en el grafo. Un estándar «tiene "
        "equivalente» cuando una equivalencia no rechazada lo vincula, en cualquier sentido y "
        "con cualquier predicado SKOS, con un estándar de otro país.",
        "Figures of the four systems as the graph holds them today. A standard «has an "
        "equivalent» when a mapping that is not rejected links it, in either direction and by "
        "any SKOS predicate, to a standard of another country.",
    ),
    "t_totals": ("Estándares, unidades y criterios por país", "Standards, units and criteria"),
    # -- 1. sector and level
    "s1": ("Estándares por sector y por nivel", "Standards by sector and level"),
    "s1_intro": (
        "Número de estándares de cada país por nivel de su propio esquema de cualificación y "
        "por sector (nombre del sector en español, como lo declara cada país). Los niveles de "
        "países distintos no son equivalentes por tener el mismo número: véase la sección 2.",
        "Number of standards of each country by level of its own qualification scheme and by "
        "sector (the sector's Spanish name, as each country states it). Levels of different "
        "countries are not equivalent because they share a number: see section 2.",
    ),
    "t_levels": ("Estándares por nivel y país", "Standards by level and country"),
    "c_levels": ("Estándares por nivel de cada país", "Standards by level in each country"),
    "a_levels": (
        "Gráfico de barras agrupadas del número de estándares por nivel en cada país. {detail}. "
        "Los valores están en la tabla siguiente.",
        "Grouped bar chart of the number of standards by level in each country. {detail}. The "
        "values are in the next table.",
    ),
    "t_sectors": (
        "{country}: estándares por sector y nivel",
        "{country}: standards by sector and level",
    ),
    "c_sectors": ("{country}: estándares por sector", "{country}: standards by sector"),
    "a_sectors": (
        "Gráfico de barras horizontales de los estándares de {country} por sector; se muestran "
        "{shown} sectores, los de más estándares. {detail}. Todos los sectores están en la "
        "tabla siguiente.",
        "Horizontal bar chart of {country}'s standards by sector; {shown} sectors are "
        "shown, those with the most standards. {detail}. Every sector is in the next table.",
    ),
    "other_sectors": ("otros sectores ({count})", "other sectors ({count})"),
    # -- 2. level schemes
    "s2": ("Esquemas de niveles y cómo se comparan", "Level schemes and how they compare"),
    "s2_intro": (
        "Cada país ubica sus estándares en su propio esquema de niveles (conceptos SKOS de "
        "ontology/levels.ttl). Los vínculos entre niveles de países distintos son "
        "aproximaciones (skos:closeMatch): indican una posición parecida en la escala, no una "
        "equivalencia oficial, y no prueban la equivalencia de dos estándares.",
        "Each country places its standards in its own level scheme (SKOS concepts of "
        "ontology/levels.ttl). Links between levels of different countries are approximations "
        "(skos:closeMatch): they show a similar position on the scale, not an official "
        "equivalence, and never prove that two standards are equivalent.",
    ),
    "t_schemes": ("Esquemas de niveles por país", "Level schemes by country"),
    "levels_count": ("Niveles", "Levels"),
    "lowest": ("Nivel más bajo", "Lowest level"),
    "highest": ("Nivel más alto", "Highest level"),
    "c_ladder": (
        "Niveles de cada esquema y vínculos de comparabilidad declarados",
        "Levels of each scheme and the comparability links stated",
    ),
    "a_ladder": (
        "Diagrama con una columna por país y un punto por nivel, del más bajo (abajo) al más "
        "alto; las líneas unen los niveles declarados comparables. {detail}. Los vínculos están "
        "en la tabla siguiente.",
        "Diagram with one column per country and one dot per level, lowest at the bottom; lines "
        "join the levels stated comparable. {detail}. The links are in the next table.",
    ),
    "t_links": (
        "Vínculos entre niveles de países distintos",
        "Links between levels of different countries",
    ),
    "link": ("Vínculo", "Link"),
    "closeMatch": ("aproximado (closeMatch)", "approximate (closeMatch)"),
    "exactMatch_level": ("exacto (exactMatch)", "exact (exactMatch)"),
    "no_links": (
        "{country} no declara vínculos con los niveles de otros países.",
        "{country} states no links to other countries' levels.",
    ),
    "scheme_note": ("{country}: {note}", "{country}: {note}"),
    # -- 3. matrix
    "s3": ("Matriz de equivalencias entre países", "Cross-country equivalence matrix"),
    "s3_intro": (
        "Para cada par de países, los pares de estándares vinculados por una equivalencia no "
        "rechazada, según el predicado SKOS leído desde el primer país: exactMatch "
        "(equivalentes), closeMatch (cercanos), broadMatch (el estándar del primer país es más "
        "acotado que el del otro), narrowMatch (es más amplio), relatedMatch (relacionados). "
        "Un par cuenta una vez aunque su equivalencia esté registrada en los dos sentidos. "
        "«Inferidas» cuenta los pares cuya equivalencia se dedujo (por un tercer país o por "
        "inversión) en vez de compararse unidad por unidad.",
        "For each pair of countries, the pairs of standards linked by a mapping that is not "
        "rejected, by SKOS predicate read from the first country: exactMatch (equivalent), "
        "closeMatch (close), broadMatch (the first country's standard is narrower than the "
        "other's), narrowMatch (it is broader), relatedMatch (related). A pair counts once even "
        "when its mapping is stored both ways. «Inferred» counts the pairs whose mapping was "
        "deduced (through a third country or by inversion) rather than compared unit by unit.",
    ),
    "t_pairs": ("Pares de estándares por predicado", "Pairs of standards by predicate"),
    "c_pairs": (
        "Pares de estándares por par de países y predicado",
        "Pairs of standards by pair of countries and predicate",
    ),
    "a_pairs": (
        "Gráfico de barras apiladas: pares de estándares vinculados en cada par de países, por "
        "predicado. {detail}. Los valores están en la tabla siguiente.",
        "Stacked bar chart: pairs of standards linked for each pair of countries, by predicate. "
        "{detail}. The values are in the next table.",
    ),
    "pair": ("Par de países", "Pair of countries"),
    "inferred": ("Inferidas", "Inferred"),
    "t_by_country": (
        "Estándares de cada país con equivalente en otro país",
        "Standards of each country with an equivalent in another country",
    ),
    "c_matrix": (
        "Proporción de los estándares de cada país (filas) con equivalente en otro (columnas)",
        "Share of each country's standards (rows) with an equivalent in another (columns)",
    ),
    "a_matrix": (
        "Mapa de calor de cuatro por cuatro: la celda de la fila A y la columna B es la "
        "proporción de estándares de A con equivalente en B. {detail}. Los valores están en la "
        "tabla siguiente.",
        "Four-by-four heat map: the cell in row A and column B is the share of A's standards "
        "with an equivalent in B. {detail}. The values are in the next table.",
    ),
    "s3_sector": (
        "Mapa de calor por sector: proporción de los estándares de cada sector de un país que "
        "tienen equivalente en cada uno de los otros tres países.",
        "Heat map by sector: the share of a country's standards of each sector that have an "
        "equivalent in each of the three other countries.",
    ),
    "c_heat": (
        "{country}: proporción con equivalente, por sector",
        "{country}: share with an equivalent, by sector",
    ),
    "a_heat": (
        "Mapa de calor de los {sectors} sectores de {country} (filas) frente a los otros tres "
        "países (columnas); cada celda es la proporción de estándares del sector con "
        "equivalente en ese país. {detail}. Los valores están en la tabla siguiente.",
        "Heat map of {country}'s {sectors} sectors (rows) against the three other countries "
        "(columns); each cell is the share of the sector's standards with an equivalent in "
        "that country. {detail}. The values are in the next table.",
    ),
    "t_heat": (
        "{country}: estándares con equivalente por sector",
        "{country}: standards with an equivalent by sector",
    ),
    "no_mappings": (
        "El grafo no tiene equivalencias entre estándares: ejecute «equivalence match» para "
        "calcularlas o «equivalence import-mappings» para registrar las de los expertos.",
        "The graph holds no mappings between standards: run «equivalence match» to compute "
        "them or «equivalence import-mappings» to record the experts' ones.",
    ),
    "no_standards": (
        "{country} no tiene estándares en el grafo.",
        "{country} has no standards in the graph.",
    ),
    # -- 4. coverage
    "s4": ("Distribución de la cobertura", "Distribution of coverage"),
    "s4_intro": (
        "Cada equivalencia registra su cobertura en los dos sentidos: la del sujeto es la parte "
        "(ponderada) del contenido del estándar sujeto que el otro también tiene; la del "
        "objeto, la inversa. Intervalos de 10 puntos; el último incluye el 100 %.",
        "Each mapping records its coverage both ways: the subject's is the (weighted) share of "
        "the subject standard's content the other also has; the object's, the reverse. "
        "Intervals of 10 points; the last one includes 100%.",
    ),
    "t_hist": ("Equivalencias por intervalo de cobertura", "Mappings by coverage interval"),
    "c_hist": (
        "Histograma de la cobertura de las equivalencias",
        "Histogram of the mappings' coverage",
    ),
    "a_hist": (
        "Histograma con dos series, cobertura del sujeto y del objeto, en diez intervalos de 0 "
        "a 100 %. {detail}. Los valores están en la tabla siguiente.",
        "Histogram with two series, subject and object coverage, in ten intervals from 0 to "
        "100%. {detail}. The values are in the next table.",
    ),
    "from": ("Desde", "From"),
    "to": ("Hasta", "To"),
    "subject_cov": ("Cobertura del sujeto", "Subject coverage"),
    "object_cov": ("Cobertura del objeto", "Object coverage"),
    "t_cov_summary": ("Resumen de la cobertura", "Coverage summary"),
    "side": ("Sentido", "Side"),
    "mappings": ("Equivalencias", "Mappings"),
    "with_value": ("Con cobertura", "With a coverage"),
    "mean": ("Media", "Mean"),
    "median": ("Mediana", "Median"),
    "subject": ("sujeto", "subject"),
    "object": ("objeto", "object"),
    # -- 5. without equivalent
    "s5": ("Estándares sin equivalente en ningún país", "Standards with no equivalent anywhere"),
    "s5_intro": (
        "Estándares que ninguna equivalencia no rechazada vincula con un estándar de otro país. "
        "Un estándar sin unidades no puede compararse unidad por unidad: la última columna "
        "cuenta cuántos de ellos no tienen unidades en el grafo.",
        "Standards that no mapping (not rejected) links to a standard of another country. A "
        "standard without units cannot be compared unit by unit: the last column counts how "
        "many of them have no units in the graph.",
    ),
    "t_without": (
        "Estándares sin equivalente por país",
        "Standards without an equivalent by country",
    ),
    "c_without": (
        "Estándares con y sin equivalente por país",
        "Standards with and without an equivalent by country",
    ),
    "a_without": (
        "Gráfico de barras horizontales apiladas: estándares de cada país con equivalente y sin "
        "él. {detail}. Los valores están en la tabla siguiente.",
        "Stacked horizontal bar chart: each country's standards with and without an "
        "equivalent. {detail}. The values are in the next table.",
    ),
    "t_without_list": (
        "{country}: estándares sin equivalente",
        "{country}: standards without an equivalent",
    ),
    # -- 6. gaps
    "s6": ("Brechas más frecuentes", "Most frequent gaps"),
    "s6_intro": (
        "En una equivalencia con evidencia unidad por unidad, una unidad de cualquiera de los "
        "dos estándares que no aparece en un par de unidades cubierto está en la brecha: falta "
        "(ningún par la nombra) o está cubierta solo en parte (solo la nombran pares cuyo "
        "contenido coincide en parte); quien tiene el otro certificado aún debe demostrarla. "
        "Las unidades se agrupan por su habilidad ESCO cuando la declaran (una unidad con "
        "varias cuenta en cada una) y si no por su título (sin distinguir mayúsculas, tildes ni "
        "espacios). «Apariciones» cuenta los pares (equivalencia, unidad) del grupo; «En la "
        "brecha», los que no están cubiertos; «De ellas, en parte», los que están cubiertos "
        "solo en parte. Las equivalencias inferidas no tienen evidencia y no cuentan.",
        "In a mapping with unit-by-unit evidence, a unit of either standard that no covered "
        "unit pair names is in the gap: missing (no pair names it) or only partly covered (only "
        "pairs whose content matches in part name it); a holder of the other certificate still "
        "has to show it. Units are grouped by their ESCO skill when they state one (a unit with "
        "several counts in each) and otherwise by title (ignoring case, accents and spacing). "
        "«Occurrences» counts the (mapping, unit) pairs of the group; «In the gap», those not "
        "covered; «Of which partly covered», those only partly covered. Inferred mappings carry "
        "no evidence and do not count.",
    ),
    "t_gaps": ("Brechas más frecuentes", "Most frequent gaps"),
    "c_gaps": ("Las {shown} brechas más frecuentes", "The {shown} most frequent gaps"),
    "a_gaps": (
        "Gráfico de barras horizontales: las {shown} unidades o habilidades que más veces "
        "quedan en la brecha de una equivalencia. {detail}. Los valores están en la tabla "
        "siguiente.",
        "Horizontal bar chart: the {shown} units or skills most often in a mapping's gap. "
        "{detail}. The values are in the next table.",
    ),
    "rank": ("Puesto", "Rank"),
    "gap_label": ("Unidad o habilidad", "Unit or skill"),
    "kind": ("Agrupada por", "Grouped by"),
    "kind_skill": ("habilidad ESCO", "ESCO skill"),
    "kind_title": ("título de unidad", "unit title"),
    "gaps": ("En la brecha", "In the gap"),
    "gaps_partial": ("De ellas, en parte", "Of which partly covered"),
    "occurrences": ("Apariciones", "Occurrences"),
    "rate": ("% en la brecha", "% in the gap"),
    "countries": ("Países", "Countries"),
    "no_gaps": (
        "Ninguna equivalencia con evidencia deja unidades en la brecha.",
        "No mapping with evidence leaves a unit in the gap.",
    ),
    # -- 7. data quality
    "s7": (
        "Calidad de los datos: última validación de cada país",
        "Data quality: each country's last validation",
    ),
    "s7_intro": (
        "Cada envío aceptado de un país es una versión que registra el resumen de su validación "
        "SHACL. Se muestra la última versión de cada país, cuándo y qué agencia la envió, y sus "
        "recuentos. Un país cuyos datos se cargaron sin envío no tiene versión.",
        "Each accepted submission of a country is a version that records the summary of its "
        "SHACL validation. Shown: each country's last version, when and by which agency it was "
        "submitted, and its counts. A country whose data was loaded without a submission has "
        "no version.",
    ),
    "t_quality": ("Última validación por país", "Last validation by country"),
    "version": ("Versión", "Version"),
    "versions": ("Versiones", "Versions"),
    "when": ("Fecha (UTC)", "Date (UTC)"),
    "agency": ("Agencia", "Agency"),
    "violations": ("Violaciones", "Violations"),
    "warnings": ("Advertencias", "Warnings"),
    "infos": ("Informativos", "Infos"),
    "remark": ("Observación", "Remark"),
    "no_submission": (
        "sin envíos todavía: datos cargados sin envío",
        "no submission yet: data loaded without one",
    ),
    "no_data": ("sin envíos ni datos", "no submission and no data"),
    "restored": (
        "reversión: recuentos de la versión restaurada",
        "rollback: counts of the restored version",
    ),
    "counts_from": ("Recuentos de la versión", "Counts of version"),
    "no_summary": ("la versión no registra su validación", "the version records no validation"),
}


class Labels:
    """The report's words in one language: `labels("key", name=value)`."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        self.lang = lang
        self._index = LANGS.index(lang)

    def __call__(self, key: str, **fields: object) -> str:
        text = _TEXT[key][self._index]
        return text.format(**fields) if fields else text

    def country(self, code: str) -> str:
        names = _COUNTRY_EN if self.lang == "en" else COUNTRIES
        return names.get(code, code)

    def count(self, value: int) -> str:
        text = f"{value:,}"
        return text.replace(",", _NBSP) if self.lang == "es" else text

    def share(self, value: float) -> str:
        """A share (0–1) as a whole percentage; "<1 %" for a small non-zero one."""
        percent = round(value * 100)
        shown = "<1" if percent == 0 and value > 0 else str(percent)
        return f"{shown}{_NBSP}%" if self.lang == "es" else f"{shown}%"

    def sector(self, sector: str | None) -> str:
        return sector if sector is not None else self("none_sector")

    def level(self, level: str | None) -> str:
        return self("level_n", level=level) if level is not None else self("none_level")
