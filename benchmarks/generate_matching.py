"""Four countries' standards rendered from real ESCO occupations, for the matching benchmark.

Each country gets ``--standards`` standards. A standard is one ESCO occupation (drawn from the
occupations with a Spanish label and enough skills; the four countries draw independently, so
many occupations appear in several countries, which makes true equivalents) whose units are
``--units`` of its skills (essential first), each written the way its country writes:

- MX: the skill's label as a noun phrase start ("Gestión de …" when the label starts with a verb
  the table below knows), a Spanish preferred or alternative label at random;
- CO: the label, lower case, often with "de acuerdo con la normativa vigente";
- CL: upper case with a procedural suffix ("…, SEGÚN NORMATIVA VIGENTE");
- PE: the label, sometimes with "según los estándares del sector".

Every unit has one or two criteria (a product and a knowledge criterion). The truth, the
occupation of each standard and the skills of each unit, goes to ``truth.json``.

Usage: ``python benchmarks/generate_matching.py --data ../shared/data --out DIR
[--standards 2000] [--units 8] [--seed 1]``
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Final

from equivalence.io.template import COLUMNS

COUNTRIES: Final = ("CL", "CO", "MX", "PE")
NOMINAL: Final = {
    "gestionar": "Gestión de",
    "elaborar": "Elaboración de",
    "realizar": "Realización de",
    "aplicar": "Aplicación de",
    "utilizar": "Utilización de",
    "preparar": "Preparación de",
    "mantener": "Mantenimiento de",
    "supervisar": "Supervisión de",
    "controlar": "Control de",
    "identificar": "Identificación de",
    "evaluar": "Evaluación de",
    "planificar": "Planificación de",
    "organizar": "Organización de",
    "operar": "Operación de",
    "instalar": "Instalación de",
    "inspeccionar": "Inspección de",
    "coordinar": "Coordinación de",
    "garantizar": "Garantía de",
    "crear": "Creación de",
    "diseñar": "Diseño de",
}
SUFFIX: Final = {
    "CO": (" de acuerdo con la normativa vigente", " según procedimientos técnicos", ""),
    "CL": (", SEGÚN NORMATIVA VIGENTE", ", DE ACUERDO A PROCEDIMIENTOS ESTABLECIDOS"),
    "PE": (" según los estándares del sector", "", ""),
    "MX": (" conforme a la normatividad aplicable", "", ""),
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _esco(data: Path) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """Spanish labels of skills and occupations, and each occupation's skills (essential first)."""
    es = data / "esco" / "v1.0-es"
    skills = {
        r["conceptUri"]: [r["preferredLabel"], *[a for a in r["altLabels"].split("\n") if a]]
        for r in _read(es / "skills_es.csv")
    }
    occupations = {
        r["conceptUri"]: r["preferredLabel"].split("/")[0]
        for r in _read(es / "occupations_es.csv")
        if r["preferredLabel"]
    }
    relations: dict[str, list[str]] = defaultdict(list)
    optional: dict[str, list[str]] = defaultdict(list)
    path = data / "esco" / "v1.1.1-en" / "occupationSkillRelations.csv"
    for r in _read(path):
        if r["skillUri"] in skills and r["occupationUri"] in occupations:
            target = relations if r["relationType"] == "essential" else optional
            target[r["occupationUri"]].append(r["skillUri"])
    every = {o: relations[o] + optional[o] for o in occupations}
    return skills, every, occupations


def _render(label: str, country: str, rng: random.Random) -> str:
    suffix = rng.choice(SUFFIX[country])
    if country == "MX":
        verb, _, rest = label.partition(" ")
        if verb in NOMINAL and rest:
            return f"{NOMINAL[verb]} {rest}{suffix}"
        return label[0].upper() + label[1:] + suffix
    if country == "CL":
        return (label + suffix).upper()
    return label + suffix


def _code(country: str, n: int) -> str:
    return {
        "MX": f"EC{n:04d}.01",
        "CO": f"{280000000 + n * 1000:09d}",
        "CL": f"P-{n:04d}-0000-001-V01",
        "PE": f"PE-0000-{n:05d}",
    }[country]


def _unit_code(country: str, standard: str, n: int, i: int) -> str:
    if country == "CL":
        return f"U-{n:04d}-0000-{i:03d}-V01"
    if country == "CO":
        return f"{280000000 + n * 1000 + i:09d}"
    return f"{standard}-E{i:02d}"


def generate(
    data: Path,
    out: Path,
    standards: int,
    units: int,
    seed: int,
    countries: tuple[str, ...] = COUNTRIES,
) -> dict[str, Any]:
    started = time.perf_counter()
    rng = random.Random(seed)
    skills, relations, occupations = _esco(data)
    pool = sorted(o for o, s in relations.items() if len(s) >= units)
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, Any] = {}
    rows: dict[str, list[list[str]]] = {"standards": [], "units": [], "criteria": []}
    for country in countries:
        for n, occupation in enumerate(rng.sample(pool, standards), 1):
            code = _code(country, n)
            chosen = relations[occupation][:units]
            truth[f"{country}:{code}"] = {"occupation": occupation, "skills": chosen}
            title = occupations[occupation]
            level = str(rng.randint(1, 8 if country == "PE" else 5))
            rows["standards"].append(
                [country, code, title, level, "", "", "", "2020-01-01", "", "1"]
            )
            for i, skill in enumerate(chosen, 1):
                unit = _unit_code(country, code, n, i)
                label = rng.choice(skills[skill])
                rows["units"].append([country, code, unit, _render(label, country, rng), "true"])
                rows["criteria"].append(
                    [country, code, unit, f"{unit}-C1", "producto", f"Evidencia de {label}."]
                )
                if rng.random() < 0.5:
                    rows["criteria"].append(
                        [
                            country,
                            code,
                            unit,
                            f"{unit}-C2",
                            "conocimiento",
                            f"Conocimiento de {label}.",
                        ]
                    )
    headers = {name: list(COLUMNS[name]) for name in ("standards", "units", "criteria")}
    for name, table in rows.items():
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(headers[name])
            writer.writerows(table)
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return {
        "standards": len(rows["standards"]),
        "units": len(rows["units"]),
        "criteria": len(rows["criteria"]),
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--standards", type=int, default=2000, help="per country")
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--countries", default=",".join(COUNTRIES), help="e.g. CL or CL,MX")
    args = parser.parse_args(argv)
    countries = tuple(c.strip().upper() for c in args.countries.split(",") if c.strip())
    counts = generate(args.data, args.out, args.standards, args.units, args.seed, countries)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
