"""The report document, section by section, from the facts read from the graph.

CSV file names (stable, whatever the language) and their columns are listed in docs/report.md;
`Table.name` is the file's stem. Section numbers prefix the names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from typing import Final

from equivalence import __version__
from equivalence.report import charts
from equivalence.report.document import Block, Chart, Column, Paragraph, Report, Section, Table
from equivalence.report.figures import (
    PREDICATES,
    country_equivalence,
    coverage_histogram,
    coverage_summary,
    gap_groups,
    level_key,
    level_positions,
    levels_of,
    pair_rows,
    sector_equivalence,
    sectors_of,
    standards_without_equivalent,
    unique_level_links,
)
from equivalence.report.labels import Labels
from equivalence.report.model import ReportData

__all__ = ["build_document"]

SECTORS_CHARTED: Final = 12
GAPS_CHARTED: Final = 15
GAPS_SHOWN: Final = 25


def build_document(data: ReportData, lang: str = "es") -> Report:
    """The whole report in one language ("es" or "en")."""
    t = Labels(lang)
    builders = (
        _summary,
        _sector_level,
        _level_schemes,
        _matrix,
        _coverage,
        _without_equivalent,
        _gaps,
        _quality,
    )
    return Report(
        lang=lang,
        title=t("title"),
        subtitle=t("subtitle", when=data.generated_at.strftime("%Y-%m-%d %H:%M")),
        generated_at=data.generated_at,
        sections=tuple(build(data, t) for build in builders),
        footer=(t("footer_sources"), t("footer_esco"), f"equivalence {__version__}"),
    )


def _has_mappings(data: ReportData) -> bool:
    return bool(data.pair_predicates or data.coverages)


def _listing(items: Sequence[str]) -> str:
    return "; ".join(items)


# -- 0. summary ----------------------------------------------------------------------------------


def _summary(data: ReportData, t: Labels) -> Section:
    with_equivalent: defaultdict[str, int] = defaultdict(int)
    for standard in data.standards:
        if standard.equivalents:
            with_equivalent[standard.country] += 1
    table = Table(
        name="00-summary",
        caption=t("t_totals"),
        columns=(
            Column("country", t("country"), "country"),
            Column("standards", t("standards"), "count"),
            Column("units", t("units"), "count"),
            Column("criteria", t("criteria"), "count"),
            Column("with_equivalent", t("with_equivalent"), "count"),
        ),
        rows=tuple(
            (x.country, x.standards, x.units, x.criteria, with_equivalent[x.country])
            for x in data.totals
        ),
    )
    return Section("resumen", t("s0"), (Paragraph(t("s0_intro")), table))


# -- 1. sector and level -------------------------------------------------------------------------


def _sector_level(data: ReportData, t: Labels) -> Section:
    positions = level_positions(data)
    counts = {c: {row.level: row.standards for row in levels_of(data, c)} for c in data.countries}
    levels_table = Table(
        name="01-standards-by-level",
        caption=t("t_levels"),
        columns=(
            Column("level", t("level"), "level"),
            *(Column(c, t.country(c), "count") for c in data.countries),
        ),
        rows=tuple(
            (level, *(counts[c].get(level, 0) for c in data.countries)) for level in positions
        ),
        empty=t("none_level"),
    )
    blocks: list[Block] = [Paragraph(t("s1_intro"))]
    if positions:
        detail = _listing(
            [
                f"{t.country(c)}: " + ", ".join(f"{t.level(lv)} {n}" for lv, n in counts[c].items())
                for c in data.countries
                if counts[c]
            ]
        )
        blocks.append(
            Chart(
                name="01-standards-by-level",
                caption=t("c_levels"),
                alt=t("a_levels", detail=detail),
                draw=partial(
                    charts.bar_groups,
                    t("c_levels"),
                    [t.level(lv) for lv in positions],
                    {c: [counts[c].get(lv, 0) for lv in positions] for c in data.countries},
                    charts.COUNTRY_COLOURS,
                    ylabel=t("standards"),
                ),
                data=levels_table.filename,
            )
        )
    blocks.append(levels_table)
    for country in data.countries:
        blocks += _sector_blocks(data, t, country)
    return Section("sector-nivel", t("s1"), tuple(blocks))


def _sector_blocks(data: ReportData, t: Labels, country: str) -> list[Block]:
    rows = sectors_of(data, country)
    name = t.country(country)
    levels = sorted({lv for row in rows for lv in row.by_level}, key=level_key)
    table = Table(
        name=f"01-standards-by-sector-{country}",
        caption=t("t_sectors", country=name),
        columns=(
            Column("sector", t("sector")),
            *(Column(f"level_{lv or 'none'}", t.level(lv), "count") for lv in levels),
            Column("standards", t("total"), "count"),
        ),
        rows=tuple(
            (row.sector, *(row.by_level.get(lv, 0) for lv in levels), row.standards) for row in rows
        ),
        empty=t("none_sector"),
    )
    if not rows:
        return [Paragraph(t("no_standards", country=name)), table]
    shown = rows[:SECTORS_CHARTED]
    labels = [t.sector(r.sector) for r in shown]
    values = [r.standards for r in shown]
    rest = rows[SECTORS_CHARTED:]
    if rest:
        labels.append(t("other_sectors", count=len(rest)))
        values.append(sum(r.standards for r in rest))
    detail = _listing([f"{label}: {value}" for label, value in zip(labels, values, strict=True)])
    chart = Chart(
        name=f"01-standards-by-sector-{country}",
        caption=t("c_sectors", country=name),
        alt=t("a_sectors", country=name, shown=len(shown), detail=detail),
        draw=partial(
            charts.horizontal_bars,
            t("c_sectors", country=name),
            labels,
            values,
            colour=charts.COUNTRY_COLOURS[country],
        ),
        data=table.filename,
    )
    return [chart, table]


# -- 2. level schemes ----------------------------------------------------------------------------


def _level_schemes(data: ReportData, t: Labels) -> Section:
    links = _links_table(data, t)
    blocks: list[Block] = [Paragraph(t("s2_intro")), _schemes_table(data, t)]
    blocks += [
        Paragraph(t("scheme_note", country=t.country(s.country), note=s.note(t.lang)), note=True)
        for s in data.schemes
        if s.note(t.lang)
    ]
    blocks += [_ladder_chart(data, t, links), links]
    linked = {k.country for k in data.level_links} | {k.other for k in data.level_links}
    blocks += [
        Paragraph(t("no_links", country=t.country(s.country)), note=True)
        for s in data.schemes
        if s.country not in linked
    ]
    return Section("niveles", t("s2"), tuple(blocks))


def _schemes_table(data: ReportData, t: Labels) -> Table:
    return Table(
        name="02-level-schemes",
        caption=t("t_schemes"),
        columns=(
            Column("country", t("country"), "country"),
            Column("scheme", t("name")),
            Column("levels", t("levels_count"), "count"),
            Column("lowest", t("lowest"), "count"),
            Column("highest", t("highest"), "count"),
        ),
        rows=tuple(
            (s.country, s.name(t.lang), s.levels, s.lowest, s.highest) for s in data.schemes
        ),
    )


def _links_table(data: ReportData, t: Labels) -> Table:
    words = {"closeMatch": t("closeMatch"), "exactMatch": t("exactMatch_level")}
    return Table(
        name="02-level-links",
        caption=t("t_links"),
        columns=(
            Column("country", t("country"), "country"),
            Column("level", t("level"), "level"),
            Column("other", t("other"), "country"),
            Column("other_level", t("level"), "level"),
            Column("predicate", t("link"), words=words),
        ),
        rows=tuple(
            (k.country, k.notation, k.other, k.other_notation, k.predicate)
            for k in unique_level_links(data)
        ),
        empty="—",
    )


def _ladder_chart(data: ReportData, t: Labels, links: Table) -> Chart:
    ladder = {
        c: sorted(
            (lv.position, lv.notation)
            for lv in data.levels
            if lv.country == c and lv.position is not None
        )
        for c in data.countries
    }
    position = {(lv.country, lv.notation): lv.position for lv in data.levels}
    lines = []
    for k in unique_level_links(data):
        here = position.get((k.country, k.notation))
        there = position.get((k.other, k.other_notation))
        if here is not None and there is not None:
            lines.append((k.country, here, k.other, there))
    detail = _listing(
        [f"{t.country(c)}: {len(ladder[c])}" for c in data.countries]
        + [f"{t('t_links')}: {len(lines)}"]
    )
    return Chart(
        name="02-level-links",
        caption=t("c_ladder"),
        alt=t("a_ladder", detail=detail),
        draw=partial(charts.level_ladder, t("c_ladder"), data.countries, ladder, lines),
        data=links.filename,
    )


# -- 3. equivalence matrix -------------------------------------------------------------------------


def _matrix(data: ReportData, t: Labels) -> Section:
    blocks: list[Block] = [Paragraph(t("s3_intro"))]
    if not _has_mappings(data):
        blocks.append(Paragraph(t("no_mappings"), note=True))
    blocks += _pair_blocks(data, t)
    blocks += _country_matrix_blocks(data, t)
    blocks.append(Paragraph(t("s3_sector")))
    for country in data.countries:
        blocks += _heat_blocks(data, t, country)
    return Section("matriz", t("s3"), tuple(blocks))


def _pair_blocks(data: ReportData, t: Labels) -> list[Block]:
    rows = pair_rows(data)
    table = Table(
        name="03-mappings-by-pair",
        caption=t("t_pairs"),
        columns=(
            Column("country", t("country"), "country"),
            Column("other", t("other"), "country"),
            *(Column(p, p, "count") for p in PREDICATES),
            Column("total", t("total"), "count"),
            Column("inferred", t("inferred"), "count"),
        ),
        rows=tuple(
            (
                r.country,
                r.other,
                *(r.by_predicate.get(p, 0) for p in PREDICATES),
                r.total,
                r.inferred,
            )
            for r in rows
        ),
    )
    if not any(r.total for r in rows):
        return [table]
    labels = [f"{r.country}–{r.other}" for r in rows]
    used = [p for p in PREDICATES if any(r.by_predicate.get(p) for r in rows)]
    detail = _listing([f"{label}: {r.total}" for label, r in zip(labels, rows, strict=True)])
    chart = Chart(
        name="03-mappings-by-pair",
        caption=t("c_pairs"),
        alt=t("a_pairs", detail=detail),
        draw=partial(
            charts.stacked_bars,
            t("c_pairs"),
            labels,
            {p: [r.by_predicate.get(p, 0) for r in rows] for p in used},
        ),
        data=table.filename,
    )
    return [chart, table]


def _country_matrix_blocks(data: ReportData, t: Labels) -> list[Block]:
    rows = country_equivalence(data)
    table = Table(
        name="03-equivalence-by-country",
        caption=t("t_by_country"),
        columns=(
            Column("country", t("country"), "country"),
            Column("other", t("other"), "country"),
            Column("standards", t("standards"), "count"),
            Column("with_equivalent", t("with_equivalent"), "count"),
            Column("share", t("share"), "share"),
        ),
        rows=tuple((r.country, r.other, r.standards, r.with_equivalent, r.share) for r in rows),
    )
    if not _has_mappings(data):
        return [table]
    cell = {(r.country, r.other): r for r in rows}
    countries = data.countries
    values = [[cell[(a, b)].share if a != b else None for b in countries] for a in countries]
    notes = [
        [
            f"{t.share(cell[(a, b)].share)}\n({cell[(a, b)].with_equivalent})" if a != b else ""
            for b in countries
        ]
        for a in countries
    ]
    detail = _listing(
        [f"{r.country}→{r.other} {t.share(r.share)}" for r in rows if r.with_equivalent]
    )
    chart = Chart(
        name="03-equivalence-by-country",
        caption=t("c_matrix"),
        alt=t("a_matrix", detail=detail or t("no_rows")),
        draw=partial(charts.heat_map, t("c_matrix"), countries, countries, values, notes),
        data=table.filename,
    )
    return [chart, table]


def _heat_blocks(data: ReportData, t: Labels, country: str) -> list[Block]:
    rows = sector_equivalence(data, country)
    others = [c for c in data.countries if c != country]
    name = t.country(country)
    columns = [Column("sector", t("sector")), Column("standards", t("standards"), "count")]
    for other in others:
        columns += [
            Column(f"with_equivalent_{other}", t("with_in", country=other), "count"),
            Column(f"share_{other}", t("share_in", country=other), "share"),
        ]
    table = Table(
        name=f"03-equivalence-by-sector-{country}",
        caption=t("t_heat", country=name),
        columns=tuple(columns),
        rows=tuple(
            (
                r.sector,
                r.standards,
                *(v for o in others for v in (r.with_equivalent.get(o, 0), r.share(o))),
            )
            for r in rows
        ),
        empty=t("none_sector"),
    )
    if not rows or not _has_mappings(data):
        return [table]
    labels = [t.sector(r.sector) for r in rows]
    counts = [f"({r.standards})" for r in rows]
    values: list[list[float | None]] = [[r.share(o) for o in others] for r in rows]
    notes = [[t.share(r.share(o)) for o in others] for r in rows]
    best = sorted(
        ((r.share(o), t.sector(r.sector), o) for r in rows for o in others), reverse=True
    )[:3]
    detail = _listing([f"{label} → {o}: {t.share(v)}" for v, label, o in best if v > 0])
    chart = Chart(
        name=f"03-equivalence-by-sector-{country}",
        caption=t("c_heat", country=name),
        alt=t("a_heat", country=name, sectors=len(rows), detail=detail or t("no_rows")),
        draw=partial(
            charts.heat_map,
            t("c_heat", country=name),
            labels,
            others,
            values,
            notes,
            suffixes=counts,
        ),
        data=table.filename,
    )
    return [chart, table]


# -- 4. coverage --------------------------------------------------------------------------------


def _coverage(data: ReportData, t: Labels) -> Section:
    bins = coverage_histogram(data)
    histogram = Table(
        name="04-coverage-histogram",
        caption=t("t_hist"),
        columns=(
            Column("from", t("from"), "share"),
            Column("to", t("to"), "share"),
            Column("subject", t("subject_cov"), "count"),
            Column("object", t("object_cov"), "count"),
            Column("total", t("total"), "count"),
        ),
        rows=tuple((b.low, b.high, b.subject, b.object, b.total) for b in bins),
    )
    summary = Table(
        name="04-coverage-summary",
        caption=t("t_cov_summary"),
        columns=(
            Column("side", t("side"), words={"subject": t("subject"), "object": t("object")}),
            Column("mappings", t("mappings"), "count"),
            Column("with_value", t("with_value"), "count"),
            Column("mean", t("mean"), "share"),
            Column("median", t("median"), "share"),
        ),
        rows=tuple(
            (s.side, s.mappings, s.values, s.mean, s.median) for s in coverage_summary(data)
        ),
        empty="—",
    )
    blocks: list[Block] = [Paragraph(t("s4_intro"))]
    if data.coverages:
        intervals = [f"{round(b.low * 100)}–{round(b.high * 100)}" for b in bins]
        detail = _listing(
            [f"{i} %: {b.subject} / {b.object}" for i, b in zip(intervals, bins, strict=True)]
        )
        blocks.append(
            Chart(
                name="04-coverage-histogram",
                caption=t("c_hist"),
                alt=t("a_hist", detail=detail),
                draw=partial(
                    charts.bar_groups,
                    t("c_hist"),
                    [f"{i} %" if t.lang == "es" else f"{i}%" for i in intervals],
                    {
                        t("subject_cov"): [b.subject for b in bins],
                        t("object_cov"): [b.object for b in bins],
                    },
                    {},
                    ylabel=t("mappings"),
                ),
                data=histogram.filename,
            )
        )
    else:
        blocks.append(Paragraph(t("no_mappings"), note=True))
    blocks += [histogram, summary]
    return Section("cobertura", t("s4"), tuple(blocks))


# -- 5. without equivalent ---------------------------------------------------------------------


def _without_equivalent(data: ReportData, t: Labels) -> Section:
    lists = {c: standards_without_equivalent(data, c) for c in data.countries}
    totals = {c: sum(1 for s in data.standards if s.country == c) for c in data.countries}
    summary = Table(
        name="05-without-equivalent-summary",
        caption=t("t_without"),
        columns=(
            Column("country", t("country"), "country"),
            Column("standards", t("standards"), "count"),
            Column("with_equivalent", t("with_equivalent"), "count"),
            Column("without_equivalent", t("without_equivalent"), "count"),
            Column("share_without", t("share_without"), "share"),
            Column("without_units", t("without_units"), "count"),
        ),
        rows=tuple(
            (
                c,
                totals[c],
                totals[c] - len(lists[c]),
                len(lists[c]),
                len(lists[c]) / totals[c] if totals[c] else 0.0,
                sum(1 for s in lists[c] if s.units == 0),
            )
            for c in data.countries
        ),
    )
    blocks: list[Block] = [Paragraph(t("s5_intro"))]
    if any(totals.values()):
        detail = _listing(
            [
                f"{t.country(c)}: {totals[c] - len(lists[c])} / {len(lists[c])}"
                for c in data.countries
            ]
        )
        blocks.append(
            Chart(
                name="05-without-equivalent-summary",
                caption=t("c_without"),
                alt=t("a_without", detail=detail),
                draw=partial(
                    charts.stacked_bars,
                    t("c_without"),
                    [t.country(c) for c in data.countries],
                    {
                        t("with_equivalent"): [totals[c] - len(lists[c]) for c in data.countries],
                        t("without_equivalent"): [len(lists[c]) for c in data.countries],
                    },
                    horizontal=True,
                ),
                data=summary.filename,
            )
        )
    blocks.append(summary)
    for country in data.countries:
        blocks.append(
            Table(
                name=f"05-without-equivalent-{country}",
                caption=t("t_without_list", country=t.country(country)),
                columns=(
                    Column("code", t("code"), "code"),
                    Column("title", t("title_col")),
                    Column("sector", t("sector")),
                    Column("level", t("level"), "level"),
                    Column("units", t("units"), "count"),
                ),
                rows=tuple(
                    (s.code, s.title, "; ".join(x for x in s.sectors if x), s.level, s.units)
                    for s in lists[country]
                ),
                folded=True,
                empty="—",
            )
        )
    return Section("sin-equivalente", t("s5"), tuple(blocks))


# -- 6. gaps -------------------------------------------------------------------------------------


def _gaps(data: ReportData, t: Labels) -> Section:
    groups = gap_groups(data)
    kinds = {"skill": t("kind_skill"), "title": t("kind_title")}
    table = Table(
        name="06-frequent-gaps",
        caption=t("t_gaps"),
        columns=(
            Column("rank", t("rank"), "count"),
            Column("label", t("gap_label")),
            Column("kind", t("kind"), words=kinds),
            Column("gaps", t("gaps"), "count"),
            Column("partial", t("gaps_partial"), "count"),
            Column("occurrences", t("occurrences"), "count"),
            Column("rate", t("rate"), "share"),
            Column("units", t("units"), "count"),
            Column("countries", t("countries")),
            Column("key", "key", csv_only=True),
        ),
        rows=tuple(
            (
                i,
                g.label,
                g.kind,
                g.gaps,
                g.partial,
                g.occurrences,
                g.rate,
                g.units,
                " ".join(g.countries),
                g.key,
            )
            for i, g in enumerate(groups, start=1)
        ),
        shown=GAPS_SHOWN,
    )
    blocks: list[Block] = [Paragraph(t("s6_intro"))]
    if not groups:
        blocks.append(Paragraph(t("no_gaps") if _has_mappings(data) else t("no_mappings"), True))
        return Section("brechas", t("s6"), (*blocks, table))
    top = groups[:GAPS_CHARTED]
    notes = [f"{g.gaps} ({t.share(g.rate)})" for g in top]
    detail = _listing([f"{g.label}: {g.gaps}" for g in top[:5]])
    blocks.append(
        Chart(
            name="06-frequent-gaps",
            caption=t("c_gaps", shown=len(top)),
            alt=t("a_gaps", shown=len(top), detail=detail),
            draw=partial(
                charts.horizontal_bars,
                t("c_gaps", shown=len(top)),
                [g.label for g in top],
                [g.gaps for g in top],
                colour=charts.SERIES_COLOURS[5],
                annotations=notes,
            ),
            data=table.filename,
        )
    )
    blocks.append(table)
    return Section("brechas", t("s6"), tuple(blocks))


# -- 7. data quality ---------------------------------------------------------------------------


def _quality(data: ReportData, t: Labels) -> Section:
    loaded = {x.country for x in data.totals if x.standards}
    remarks = {
        "no-submission": t("no_submission"),
        "no-data": t("no_data"),
        "restored": t("restored"),
        "no-summary": t("no_summary"),
    }
    table = Table(
        name="07-data-quality",
        caption=t("t_quality"),
        columns=(
            Column("country", t("country"), "country"),
            Column("version", t("version"), "count"),
            Column("versions", t("versions"), "count"),
            Column("submitted_at", t("when")),
            Column("agency", t("agency")),
            Column("standards", t("standards"), "count"),
            Column("violations", t("violations"), "count"),
            Column("warnings", t("warnings"), "count"),
            Column("infos", t("infos"), "count"),
            Column("counts_from", t("counts_from"), "count"),
            Column("remark", t("remark"), words=remarks),
        ),
        rows=tuple(
            (
                s.country,
                s.version,
                s.versions,
                s.submitted_at.strftime("%Y-%m-%d %H:%M") if s.submitted_at else None,
                s.agency or None,
                s.standards,
                s.violations,
                s.warnings,
                s.infos,
                s.counts_from,
                _remark(s.version, s.counts_from, bool(s.summary), s.country in loaded),
            )
            for s in data.submissions
        ),
        empty="—",
    )
    return Section("calidad", t("s7"), (Paragraph(t("s7_intro")), table))


def _remark(
    version: int | None, counts_from: int | None, summary: bool, loaded: bool
) -> str | None:
    """A code for the remark column (translated for display by the column's words)."""
    if version is None:
        return "no-submission" if loaded else "no-data"
    if counts_from is not None:
        return "restored"
    return None if summary else "no-summary"
