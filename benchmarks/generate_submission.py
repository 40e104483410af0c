"""A synthetic submission in the template (standards.csv, units.csv, criteria.csv) of one country.

Deterministic for a seed: the same arguments give byte-identical files. Texts are Spanish,
assembled from word lists (accents, ñ, commas and quotes inside cells); codes follow each
country's scheme (MX ``EC0217.01``, CO nine digits, CL ``P-4711-5230-001-V02`` with units
``U-4711-5230-004-V02``, PE ``PE-5230-0001``); levels lie inside the country's scheme (MX, CL,
CO 1–5, PE 1–8); occupations are ISCO-08 unit groups (``CIUO-08.CL`` for Chile).

With ``invalid_share`` a share of the standards gets exactly one deliberate rule violation that
the template reader still accepts, so that a validator has something to report:

- ``code``: a malformed code (MX ``EC012``, CO seven digits, CL a profile code without ``-Vnn``,
  PE a code with a space);
- ``level``: a level outside the country's scheme (9);
- ``unit-without-criteria``: the standard's last unit has no criteria.

Usage: ``python benchmarks/generate_submission.py --out DIR [--standards 10000] [--country MX]
[--units 8] [--criteria 6] [--invalid-share 0.01] [--seed 1]`` → prints the counts as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from equivalence.io.template import COLUMNS, OPTIONAL_COLUMNS

__all__ = ["COUNTRIES", "INVALID_KINDS", "generate"]

COUNTRIES: Final = ("CL", "CO", "MX", "PE")
INVALID_KINDS: Final = ("code", "level", "unit-without-criteria")
LEVELS: Final = {"MX": 5, "CL": 5, "CO": 5, "PE": 8}
OUT_OF_SCHEME_LEVEL: Final = 9

# The template's columns (docs/template.md): the required ones, then the optional ones written here.
STANDARD_COLUMNS: Final = (*COLUMNS["standards"], "valid_to", "committee", "status", "source_url")
UNIT_COLUMNS: Final = (*COLUMNS["units"], *OPTIONAL_COLUMNS["units"])
CRITERION_COLUMNS: Final = COLUMNS["criteria"]

# ISCO-08 unit groups with a Spanish occupation name (Chilean and Peruvian titles use it).
OCCUPATIONS: Final = (
    ("7212", "soldador"),
    ("5120", "cocinero"),
    ("7411", "electricista de obras"),
    ("8332", "conductor de camión"),
    ("5223", "vendedor de comercio"),
    ("9112", "auxiliar de aseo"),
    ("7126", "gasfíter"),
    ("6111", "agricultor de cultivos de temporada"),
    ("5131", "garzón"),
    ("4222", "ejecutivo de centro de llamadas"),
    ("3123", "capataz de obra"),
    ("7231", "mecánico automotriz"),
    ("8160", "operador de máquinas de alimentos"),
    ("5141", "peluquero"),
    ("5311", "cuidador de niños y niñas"),
    ("5322", "cuidador de adultos mayores"),
    ("7115", "carpintero"),
    ("7112", "albañil"),
    ("7131", "pintor de obras"),
    ("8342", "operador de maquinaria pesada"),
    ("8344", "operador de grúa horquilla"),
    ("4321", "bodeguero"),
    ("5230", "cajero"),
    ("9334", "reponedor de abarrotes"),
    ("7512", "panadero"),
    ("7511", "carnicero"),
    ("7533", "costurero"),
    ("7522", "ebanista"),
    ("7421", "técnico en electrónica"),
    ("3512", "técnico de soporte informático"),
    ("2424", "relator de capacitación"),
    ("4110", "asistente administrativo"),
    ("4311", "auxiliar contable"),
    ("5414", "guardia de seguridad"),
    ("9211", "temporero agrícola"),
    ("6121", "criador de ganado"),
    ("6221", "acuicultor"),
    ("8111", "operador de mina subterránea"),
    ("3117", "técnico en minería"),
    ("7233", "mecánico de maquinaria agrícola"),
    ("7127", "técnico en refrigeración"),
    ("7413", "instalador de líneas eléctricas"),
    ("7544", "fumigador"),
    ("5151", "encargado de limpieza"),
    ("9412", "ayudante de cocina"),
    ("5113", "guía de turismo"),
    ("4221", "agente de viajes"),
    ("4224", "recepcionista de hotel"),
    ("3257", "inspector de seguridad y salud en el trabajo"),
    ("3212", "técnico de laboratorio clínico"),
    ("5321", "auxiliar de enfermería"),
    ("2166", "diseñador gráfico"),
    ("7223", "operador de máquinas herramienta"),
    ("7214", "montador de estructuras metálicas"),
    ("8322", "conductor de taxi"),
    ("8331", "conductor de bus"),
    ("9621", "mensajero"),
    ("7119", "maestro de obras"),
    ("7122", "instalador de pisos y revestimientos"),
    ("7318", "tejedor artesanal"),
    ("7314", "alfarero"),
    ("6222", "pescador artesanal"),
    ("8189", "operador de planta de procesos"),
    ("3139", "operador de sala de control"),
    ("3434", "jefe de cocina"),
    ("5142", "esteticista"),
    ("3422", "entrenador deportivo"),
    ("3322", "representante de ventas"),
    ("4323", "despachador de transporte"),
    ("8350", "marinero de cubierta"),
    ("9313", "peón de la construcción"),
    ("7233", "mecánico de mantenimiento industrial"),
)

# Chilean profile codes start with an ISIC rev. 4 class (CIIU4).
CIIU: Final = (
    "0111", "0141", "0311", "0321", "0710", "1010", "1071", "1410", "1520", "2395",
    "2511", "3510", "4100", "4220", "4321", "4520", "4711", "4721", "4923", "5210",
    "5510", "5610", "6201", "8510", "8530", "8610", "8810", "9004", "9601", "9602",
)  # fmt: skip

SECTORS: Final = (
    "Agricultura, ganadería, caza y silvicultura",
    "Pesca y acuicultura",
    "Minería",
    "Industria alimentaria",
    "Industria textil y del vestido",
    "Industria de la madera y del mueble",
    "Metalmecánica",
    "Energía eléctrica",
    "Agua potable y saneamiento",
    "Construcción",
    "Comercio al por mayor",
    "Comercio al por menor",
    "Transporte y logística",
    "Turismo",
    "Hotelería",
    "Gastronomía",
    "Tecnologías de la información",
    "Telecomunicaciones",
    "Servicios financieros",
    "Servicios educativos",
    "Salud",
    "Asistencia social",
    "Artes y espectáculos",
    "Deporte y recreación",
    "Servicios de apoyo a los negocios",
    "Manejo de residuos y remediación",
    "Seguridad privada",
    "Administración pública",
    "Artesanía",
    "Diseño y comunicación",
    "Cuidado de personas",
    "Servicios personales",
    "Automotriz",
    "Química y farmacéutica",
    "Celulosa y papel",
    "Vitivinicultura",
)

COMMITTEES: Final = (
    "del Sector de Consultoría",
    "del Sector Hídrico",
    "de la Industria Alimentaria",
    "de Construcción y Vivienda",
    "de Turismo y Gastronomía",
    "de Tecnologías de la Información",
    "de Logística y Transporte",
    "de Minería y Energía",
    "de Servicios de Cuidado",
    "de Manufactura y Diseño",
    "Agropecuario y Pesquero",
    "de Comercio y Servicios",
)

# (infinitive, noun, third person)
VERBS: Final = (
    ("verificar", "verificación", "verifica"),
    ("preparar", "preparación", "prepara"),
    ("instalar", "instalación", "instala"),
    ("operar", "operación", "opera"),
    ("registrar", "registro", "registra"),
    ("inspeccionar", "inspección", "inspecciona"),
    ("mantener", "mantenimiento", "mantiene"),
    ("limpiar", "limpieza", "limpia"),
    ("organizar", "organización", "organiza"),
    ("supervisar", "supervisión", "supervisa"),
    ("atender", "atención", "atiende"),
    ("elaborar", "elaboración", "elabora"),
    ("diseñar", "diseño", "diseña"),
    ("reparar", "reparación", "repara"),
    ("controlar", "control", "controla"),
    ("evaluar", "evaluación", "evalúa"),
    ("planificar", "planificación", "planifica"),
    ("almacenar", "almacenamiento", "almacena"),
    ("señalizar", "señalización", "señaliza"),
    ("ajustar", "ajuste", "ajusta"),
    ("calibrar", "calibración", "calibra"),
    ("desinfectar", "desinfección", "desinfecta"),
    ("montar", "montaje", "monta"),
    ("empacar", "empaque", "empaca"),
    ("revisar", "revisión", "revisa"),
    ("coordinar", "coordinación", "coordina"),
)

OBJECTS: Final = (
    "los equipos de protección personal",
    "la maquinaria agrícola",
    "el área de trabajo",
    "los insumos de producción",
    "las herramientas manuales y eléctricas",
    "el sistema de riego tecnificado",
    "la instalación eléctrica de baja tensión",
    "los residuos peligrosos",
    "el inventario de la bodega",
    "las órdenes de trabajo",
    "los productos de limpieza y desinfección",
    "la línea de envasado",
    "el vehículo de carga",
    "los alimentos perecibles",
    "las estructuras metálicas",
    "el mobiliario de oficina",
    "los daños en la carrocería",
    "la señalética de seguridad",
    "los equipos de cómputo",
    "las muestras de laboratorio",
    "las cuentas por cobrar",
    "las piezas de cerámica",
    "el menú del día",
    "las redes de pesca",
    "el ganado bovino",
    "los cultivos de temporada",
    "las prendas de vestir",
    "los documentos contables",
    "el equipo de soldadura",
    "las tuberías de agua potable",
    "los materiales de construcción",
    "la carga y descarga de mercancías",
    "el servicio a los clientes",
    "los paños y encimeras de la cocina",
    "la caja registradora",
    "los planos y especificaciones técnicas",
    "el cuidado de niños y niñas",
    "las instalaciones sanitarias",
    "la cadena de frío",
    "los tableros de distribución",
)

CIRCUMSTANCES: Final = (
    "según el procedimiento establecido",
    "de acuerdo con la normativa vigente",
    "conforme al manual del fabricante",
    "antes de iniciar la jornada",
    "al término de cada turno",
    "según las instrucciones del supervisor",
    "de acuerdo con el programa de mantenimiento",
    "cumpliendo las normas de seguridad e higiene",
    "en el tiempo establecido por la compañía",
    "sin dañar el entorno ni las instalaciones",
    'según el método "primero en entrar, primero en salir"',
    "de acuerdo con la normatividad aplicable",
    "conforme a los estándares de calidad de la organización",
    "según el diseño aprobado por el cliente",
    "de acuerdo con el año de fabricación del equipo",
)

DOCUMENTS: Final = (
    "El reporte de inspección",
    "La bitácora de mantenimiento",
    "La orden de trabajo",
    "El informe técnico",
    "La lista de verificación",
    "El registro de control",
    "La ficha técnica",
    "El plan de trabajo",
    "El acta de entrega",
    "La guía de despacho",
)

PRODUCT_PREDICATES: Final = (
    "contiene fecha, hora y nombre del responsable",
    "corresponde a lo solicitado en la orden de trabajo",
    "incluye las observaciones y los daños detectados",
    "se entrega al supervisor al cierre del turno",
    "lleva la firma del responsable del área",
    "registra los materiales, herramientas y tiempos utilizados",
    "no presenta enmendaduras ni errores",
)

KNOWLEDGE_TOPICS: Final = (
    "Normas de seguridad e higiene en la",
    "Procedimientos de",
    "Tipos y usos de herramientas para la",
    "Principios básicos de",
    "Normativa vigente sobre",
    "Técnicas de",
    "Riesgos asociados a la",
)

ATTITUDES: Final = (
    ("Responsabilidad", "cumple los horarios y compromisos acordados"),
    ("Orden", "mantiene el área de trabajo limpia y ordenada"),
    ("Amabilidad", "trata con respeto a clientes y compañeros"),
    ("Cooperación", "colabora con el equipo de trabajo"),
    ("Iniciativa", "propone mejoras al procedimiento de trabajo"),
    ("Perseverancia", "concluye la tarea aunque surjan dificultades"),
    ("Tolerancia", "escucha las opiniones de los demás sin interrumpir"),
)

NORMS: Final = (
    "normativa y procedimiento técnico",
    "procedimientos de la organización",
    "normativa vigente",
    "manual de operación y normas de seguridad",
    "especificaciones técnicas y protocolo de servicio",
)

PLACES: Final = (
    "en unidades de producción",
    "en establecimientos de alimentos y bebidas",
    "en obras de construcción",
    "en la micro, pequeña y mediana empresa",
    "en centros de distribución",
    "en el sector público",
    "",
    "",
)

KINDS: Final = ("desempeño", "producto", "conocimiento", "actitud")
KIND_WEIGHTS: Final = (50, 20, 20, 10)


def _of(phrase: str) -> str:
    """'de' + a phrase with its article, contracting 'de el' to 'del'."""
    return f"del {phrase[3:]}" if phrase.startswith("el ") else f"de {phrase}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(slots=True)
class _Standard:
    code: str
    title: str
    ciiu: str
    isco: str
    occupation: str
    invalid: str | None = None
    units: list[tuple[str, tuple[str, str, str], str, str]] = field(default_factory=list)


class _Generator:
    def __init__(self, country: str, seed: int) -> None:
        self.country = country
        self.rng = random.Random(f"{country}:{seed}")
        skill_rng = random.Random(f"skills:{seed}")
        self.skills = [
            f"http://data.europa.eu/esco/skill/{uuid.UUID(int=skill_rng.getrandbits(128), version=4)}"
            for _ in range(400)
        ]
        self.cl_sequences: dict[tuple[str, str], int] = {}

    # -- codes -------------------------------------------------------------------------------

    def codes(self, n: int) -> list[str]:
        """n distinct valid codes of the country, in catalogue order (CL are made per standard)."""
        rng = self.rng
        if self.country == "MX":
            versions = min(100, max(3, 2 * math.ceil(n / 9999)))
            if n > 9999 * versions:
                raise ValueError(f"at most {9999 * 100} Mexican codes")
            codes = []
            for x in rng.sample(range(9999 * versions), n):
                number, version = x % 9999 + 1, x // 9999
                codes.append(f"EC{number:04d}" + (f".{version:02d}" if version else ""))
            return sorted(codes)
        if self.country == "CO":
            return [str(x) for x in sorted(rng.sample(range(10**8, 10**9), n))]
        if self.country == "PE":
            per_group: dict[str, int] = {}
            codes = []
            for _ in range(n):
                isco = rng.choice(OCCUPATIONS)[0]
                per_group[isco] = per_group.get(isco, 0) + 1
                codes.append(f"PE-{isco}-{per_group[isco]:04d}")
            return sorted(codes)
        return []

    def cl_sequence(self, ciiu: str, isco: str) -> int:
        """The next free 3-digit sequence of a (CIIU, CIUO) pair (profiles and UCLs share it)."""
        key = (ciiu, isco)
        value = self.cl_sequences.get(key, 0) + 1
        if value > 999:
            raise OverflowError(key)
        self.cl_sequences[key] = value
        return value

    def cl_pair(self) -> tuple[str, str, str]:
        rng = self.rng
        for _ in range(1000):
            ciiu = rng.choice(CIIU)
            isco, occupation = rng.choice(OCCUPATIONS)
            if self.cl_sequences.get((ciiu, isco), 0) < 900:
                return ciiu, isco, occupation
        raise ValueError("too many Chilean profiles for the CIIU × CIUO pairs of the generator")

    # -- texts -------------------------------------------------------------------------------

    def standard_title(self, occupation: str) -> str:
        rng = self.rng
        _, noun, _ = rng.choice(VERBS)
        obj = rng.choice(OBJECTS)
        if self.country == "MX":
            return f"{_cap(noun)} {_of(obj)} {rng.choice(PLACES)}".strip()
        if self.country == "CL":
            return occupation.upper() if rng.random() < 0.6 else f"{occupation} {_of(obj)}".upper()
        if self.country == "CO":
            verb = rng.choice(VERBS)[0]
            return f"{_cap(verb)} {obj} de acuerdo con {rng.choice(NORMS)}"
        return _cap(occupation) if rng.random() < 0.5 else f"{_cap(occupation)} {_of(obj)}"

    def unit_title(self, verb: tuple[str, str, str], obj: str, circumstance: str) -> str:
        if self.country == "MX":
            return f"{_cap(verb[1])} {_of(obj)} {circumstance}"
        if self.country == "CL":
            return f"{verb[0]} {obj}, {circumstance}".upper()
        return f"{_cap(verb[0])} {obj} {circumstance}"

    def criterion_text(
        self, kind: str, verb: tuple[str, str, str], obj: str, circumstance: str
    ) -> str:
        rng = self.rng
        if kind == "desempeño":
            if self.country == "CL":
                return f"{_cap(verb[1])} {_of(obj)} {rng.choice(CIRCUMSTANCES)}."
            return f"{_cap(verb[2])} {obj} {rng.choice(CIRCUMSTANCES)}."
        if kind == "producto":
            return f"{rng.choice(DOCUMENTS)} {_of(obj)} {rng.choice(PRODUCT_PREDICATES)}."
        if kind == "conocimiento":
            topic = rng.choice(KNOWLEDGE_TOPICS)
            return f"{topic} {verb[1]} {_of(obj)}."
        value, description = rng.choice(ATTITUDES)
        return f"{value}: {description} al {verb[0]} {obj}."

    # -- rows --------------------------------------------------------------------------------

    def standard_row(self, s: _Standard) -> list[str]:
        rng = self.rng
        country = self.country
        level = str(rng.randint(1, LEVELS[country])) if rng.random() < 0.95 else ""
        if s.invalid == "level":
            level = str(OUT_OF_SCHEME_LEVEL)
        sector = rng.choice(SECTORS)
        if country in {"MX", "CL"}:
            sector = sector.upper()
        if rng.random() < 0.05:
            sector = ""
        scheme, occupation = ("CIUO-08.CL" if country == "CL" else "ISCO-08"), s.isco
        if country != "CL" and rng.random() < 0.15:
            scheme = occupation = ""
        valid_from = date(2010, 1, 1) + timedelta(days=rng.randrange(5400))
        valid_to = ""
        if rng.random() < 0.35:
            valid_to = (valid_from + timedelta(days=rng.randint(365, 5 * 365))).isoformat()
        description = ""
        if rng.random() < 0.6:
            verb = rng.choice(VERBS)
            description = (
                f"{_cap(verb[0])} {rng.choice(OBJECTS)} y {rng.choice(VERBS)[0]} "
                f"{rng.choice(OBJECTS)}, {rng.choice(CIRCUMSTANCES)}."
            )
        version = str(rng.randint(1, 3))
        if country == "CL":
            version = str(int(s.code[-2:])) if s.code[-3:-2] == "V" else "1"
        committee = rng.choice(COMMITTEES) if country in {"MX", "CO"} and rng.random() < 0.7 else ""
        status = ""
        if country == "CL":
            status = "active" if not valid_to else "inactive"
        elif rng.random() < 0.4:
            status = rng.choice(("vigente", "active", "no vigente"))
        source_url = ""
        if rng.random() < 0.3:
            source_url = (
                f"https://estandares.example.org/{country.lower()}/{s.code.replace(' ', '-')}.pdf"
            )
        return [
            country,
            s.code,
            s.title,
            level,
            sector,
            scheme,
            occupation,
            valid_from.isoformat(),
            description,
            version,
            valid_to,
            committee,
            status,
            source_url,
        ]

    def unit_codes(self, s: _Standard, n: int) -> list[str]:
        country = self.country
        if country == "MX":
            if self.rng.random() < 0.5:
                return [f"E{i:02d}" for i in range(1, n + 1)]
            start = self.rng.randrange(100, 9000)
            return [f"E{start + i:04d}" for i in range(n)]
        if country == "CL":
            version = self.rng.randint(1, 3)
            return [
                f"U-{s.ciiu}-{s.isco}-{self.cl_sequence(s.ciiu, s.isco):03d}-V{version:02d}"
                for _ in range(n)
            ]
        if country == "CO":
            return [f"E{i}" for i in range(1, n + 1)]
        return [f"UC{i}" for i in range(1, n + 1)]

    def criterion_code(self, unit_index: int, i: int) -> str:
        return {
            "MX": f"C{i}",
            "CL": f"{unit_index}.{i}",
            "CO": f"CD{i}",
            "PE": f"CD{i:02d}",
        }[self.country]

    def unit_row(self, s: _Standard, code: str, title: str) -> list[str]:
        rng = self.rng
        r = rng.random()
        essential = "true" if r < 0.85 else "false" if r < 0.95 else "sí"
        description = ""
        if rng.random() < 0.2:
            description = f"{_cap(rng.choice(VERBS)[0])} {rng.choice(OBJECTS)}."
        skills = ""
        if rng.random() < 0.35:
            skills = "|".join(rng.sample(self.skills, rng.randint(1, 3)))
        return [self.country, s.code, code, title, essential, description, skills]


def _write(path: Path, header: Sequence[str]) -> tuple[Any, Any]:
    handle = path.open("w", encoding="utf-8", newline="")
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    return handle, writer


def generate(
    out: Path,
    *,
    standards: int = 10_000,
    country: str = "MX",
    units: int = 8,
    criteria: int = 6,
    invalid_share: float = 0.01,
    seed: int = 1,
) -> dict[str, Any]:
    """Writes standards.csv, units.csv and criteria.csv into `out` (created); returns the counts.

    The counts: ``standards``, ``units``, ``criteria`` (rows written), ``rows``, ``bytes``,
    ``invalid_standards`` and ``invalid`` (per kind: ``code``, ``level``,
    ``unit-without-criteria``) with ``invalid_codes`` (the codes of those standards, per kind).
    """
    country = country.upper()
    if country not in COUNTRIES:
        raise ValueError(f"country must be one of {', '.join(COUNTRIES)}")
    if standards < 0 or units < 1 or criteria < 1 or not 0 <= invalid_share <= 1:
        raise ValueError("standards ≥ 0, units ≥ 1, criteria ≥ 1 and 0 ≤ invalid_share ≤ 1")
    out.mkdir(parents=True, exist_ok=True)
    g = _Generator(country, seed)
    rng = g.rng

    # which standards break a rule, and how: kinds in turn over a random choice of standards
    n_invalid = round(invalid_share * standards)
    invalid_at = {
        i: INVALID_KINDS[k % 3] for k, i in enumerate(rng.sample(range(standards), n_invalid))
    }

    codes = g.codes(standards)
    records: list[_Standard] = []
    malformed = 0
    for i in range(standards):
        ciiu, isco, occupation = g.cl_pair() if country == "CL" else ("", *rng.choice(OCCUPATIONS))
        invalid = invalid_at.get(i)
        if country == "CL":
            sequence = g.cl_sequence(ciiu, isco)
            code = f"P-{ciiu}-{isco}-{sequence:03d}-V{rng.randint(1, 3):02d}"
        elif country == "PE":
            code = codes[i]
            isco = code.split("-")[1]
            occupation = next(o for c, o in OCCUPATIONS if c == isco)
        else:
            code = codes[i]
        if invalid == "code":
            malformed += 1
            code = {
                "MX": f"EC{malformed:03d}" if malformed < 1000 else f"EC-{malformed}",
                "CO": str(1_000_000 + malformed),
                "CL": code.rsplit("-", 1)[0],
                "PE": f"PE {isco}-{malformed:04d}",
            }[country]
        records.append(
            _Standard(code, g.standard_title(occupation), ciiu, isco, occupation, invalid)
        )

    counts: dict[str, Any] = {
        "country": country,
        "seed": seed,
        "standards": 0,
        "units": 0,
        "criteria": 0,
        "invalid_standards": n_invalid,
        "invalid": dict.fromkeys(INVALID_KINDS, 0),
        "invalid_codes": {kind: [] for kind in INVALID_KINDS},
    }
    for s in records:
        if s.invalid:
            counts["invalid"][s.invalid] += 1
            counts["invalid_codes"][s.invalid].append(s.code)

    kinds_rng = rng.choices
    sh, sw = _write(out / "standards.csv", STANDARD_COLUMNS)
    uh, uw = _write(out / "units.csv", UNIT_COLUMNS)
    ch, cw = _write(out / "criteria.csv", CRITERION_COLUMNS)
    try:
        for s in records:
            sw.writerow(g.standard_row(s))
            counts["standards"] += 1
            unit_codes = g.unit_codes(s, units)
            unit_rows = []
            criterion_rows = []
            for u, unit_code in enumerate(unit_codes, start=1):
                verb, obj, circumstance = (
                    rng.choice(VERBS),
                    rng.choice(OBJECTS),
                    rng.choice(CIRCUMSTANCES),
                )
                unit_rows.append(g.unit_row(s, unit_code, g.unit_title(verb, obj, circumstance)))
                if s.invalid == "unit-without-criteria" and u == len(unit_codes):
                    continue
                kinds = kinds_rng(KINDS, KIND_WEIGHTS, k=criteria)
                for c, kind in enumerate(kinds, start=1):
                    criterion_rows.append(
                        [
                            country,
                            s.code,
                            unit_code,
                            g.criterion_code(u, c),
                            kind,
                            g.criterion_text(kind, verb, obj, circumstance),
                        ]
                    )
            uw.writerows(unit_rows)
            cw.writerows(criterion_rows)
            counts["units"] += len(unit_rows)
            counts["criteria"] += len(criterion_rows)
    finally:
        for handle in (sh, uh, ch):
            handle.close()
    counts["rows"] = counts["standards"] + counts["units"] + counts["criteria"]
    counts["bytes"] = sum(
        (out / f"{t}.csv").stat().st_size for t in ("standards", "units", "criteria")
    )
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument("--standards", type=int, default=10_000)
    parser.add_argument("--country", default="MX", choices=COUNTRIES, type=str.upper)
    parser.add_argument("--units", type=int, default=8, help="units per standard")
    parser.add_argument("--criteria", type=int, default=6, help="criteria per unit")
    parser.add_argument("--invalid-share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(
        args.out,
        standards=args.standards,
        country=args.country,
        units=args.units,
        criteria=args.criteria,
        invalid_share=args.invalid_share,
        seed=args.seed,
    )
    counts["seconds"] = round(time.perf_counter() - started, 3)
    counts.pop("invalid_codes")
    json.dump(counts, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
