"""Every national and core validation rule, on small fixtures (`tests/fixtures/validation/`).

A fixture is a Turtle file (a submission in RDF, with the project's IRIs as the template reader
builds them) or a template folder (standards.csv, units.csv, criteria.csv, and its header in
`fixture.txt`). Its header says what it is about and what validating it must give:

    # rule: mx-standard-code            the rules it is about (the line may repeat)
    # expect: mx-standard-code          exactly the rules reported as Violation or Warning ("none")
    # severity: Violation               the severities of its rules (space-separated)
    # info: standard-occupation-unchecked   exactly the rules reported as Info (optional; "none")
    # store: reference                  validate with a store holding sample/reference.ttl
    # country: MX                       validate as MX's submission
    # input-error: mixed-countries      the reader refuses the file with this code; the shapes are
                                        then checked on its quads (rules the reader pre-empts)
    # case: what the fixture shows (further lines start with "#" and spaces)

A fixture is *invalid* for the rules it expects (in `expect` or `info`) and *valid* for the other
rules it names. Every rule of countries.ttl, standards.ttl, units-criteria.ttl, references.ttl and
mappings.ttl, and the validator's own submission rules, has a valid and an invalid fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from equivalence.errors import InputError
from equivalence.service import load_paths
from equivalence.store import open_store
from equivalence.store.base import TripleStore
from equivalence.validation import (
    Severity,
    Submission,
    ValidationReport,
    ValidationResult,
    read_submission,
    validate_paths,
    validate_submission,
)
from equivalence.validation.shapes import Constraint, project_constraints, shapes_files
from equivalence.vocab import (
    COUNTRIES,
    DCTERMS,
    EQ,
    STANDARD_CLASS,
    UNIT_CLASS,
    country_graph,
    criterion_iri,
    standard_iri,
    unit_iri,
)
from equivalence.vocab import RDF as RDF_NS

ROOT: Final = Path(__file__).resolve().parents[1]
FIXTURES: Final = Path(__file__).resolve().parent / "fixtures" / "validation"
REFERENCE_DATA: Final = ROOT / "sample" / "reference.ttl"
TEMPLATE_HEADER: Final = "fixture.txt"

# The shapes files whose rules are national or core rules (reference-data.ttl checks the
# ontology's own reference data and is left out).
NATIONAL_AND_CORE_FILES: Final = (
    "countries.ttl",
    "standards.ttl",
    "units-criteria.ttl",
    "references.ttl",
    "mappings.ttl",
)
# Rules the validator itself reports (not shapes): all Violations.
VALIDATOR_RULES: Final = ("submission-namespace", "submission-country")

_HEADER_LINE: Final = re.compile(r"^#\s*(?:([a-z-]+):)?\s*(.*?)\s*$")
_KEYS: Final = frozenset(
    {"rule", "expect", "severity", "info", "store", "country", "input-error", "case"}
)
_STANDARD_TYPES: Final = frozenset({EQ.CompetencyStandard, *STANDARD_CLASS.values()})
_UNIT_TYPES: Final = frozenset({EQ.CompetencyUnit, *UNIT_CLASS.values()})
_REPORTED: Final = (Severity.VIOLATION, Severity.WARNING)

# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fixture:
    """One fixture file or template folder and what its header says."""

    path: Path
    rules: tuple[str, ...]
    expect: frozenset[str]
    severities: frozenset[Severity]
    info: frozenset[str] | None
    store: bool
    country: str | None
    input_error: str | None
    case: str

    @property
    def name(self) -> str:
        return self.path.relative_to(FIXTURES).as_posix()

    @property
    def fires(self) -> frozenset[str]:
        """The rules this fixture is invalid for (reported as Violation, Warning or Info)."""
        return self.expect | (self.info or frozenset())


def _rule_set(text: str) -> frozenset[str]:
    words = text.split()
    return frozenset() if words == ["none"] else frozenset(words)


def read_fixture(path: Path) -> Fixture:
    header = path / TEMPLATE_HEADER if path.is_dir() else path
    fields: dict[str, list[str]] = {}
    last = ""
    for line in header.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.match(line)
        assert match is not None
        key, value = match.group(1) or last, match.group(2)
        assert key in _KEYS, f"{header}: unknown header {line!r}"
        fields.setdefault(key, []).append(value)
        last = key
    for required in ("rule", "expect", "severity", "case"):
        assert required in fields, f"{header}: no '# {required}:' line"
    assert fields.get("store", ["reference"]) == ["reference"], f"{header}: '# store: reference'"
    info = fields.get("info")
    country = fields.get("country")
    input_error = fields.get("input-error")
    return Fixture(
        path=path,
        rules=tuple(rule for line in fields["rule"] for rule in line.split()),
        expect=_rule_set(" ".join(fields["expect"])),
        severities=frozenset(Severity(s) for s in " ".join(fields["severity"]).split()),
        info=_rule_set(" ".join(info)) if info is not None else None,
        store=fields.get("store") == ["reference"],
        country=country[0] if country else None,
        input_error=input_error[0] if input_error else None,
        case=" ".join(fields["case"]),
    )


def all_fixtures() -> list[Fixture]:
    paths = [*FIXTURES.rglob("*.ttl"), *(p.parent for p in FIXTURES.rglob(TEMPLATE_HEADER))]
    return [read_fixture(p) for p in sorted(paths)]


FIXTURE_LIST: Final = all_fixtures()
INVALID: Final = [f for f in FIXTURE_LIST if f.fires]


def fixture_id(fixture: Fixture) -> str:
    return fixture.name


@cache
def reference_store() -> TripleStore:
    """An in-memory store with the ontology and the sample's reference data (ISCO-08, ESCO)."""
    store = open_store("oxigraph:memory")
    report = load_paths(store, [REFERENCE_DATA])
    assert not report.failed, report.failed
    return store


def store_for(fixture: Fixture) -> TripleStore | None:
    return reference_store() if fixture.store else None


def fixture_quads(fixture: Fixture) -> list[Quad]:
    """What the validator checks for this fixture: the reader's quads, or for a file the reader
    refuses, the file's triples in the country's graph."""
    if fixture.input_error is None:
        return read_submission([fixture.path], country=fixture.country).quads
    graph = country_graph(fixture.country or "MX")
    triples = parse(path=str(fixture.path), format=RdfFormat.TURTLE)
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def validate_fixture(fixture: Fixture) -> ValidationReport:
    store = store_for(fixture)
    if fixture.input_error is None:
        return validate_paths([fixture.path], store=store, country=fixture.country)
    with pytest.raises(InputError) as refused:
        validate_paths([fixture.path], store=store, country=fixture.country)
    assert refused.value.code == fixture.input_error, str(refused.value)
    submission = Submission(quads=fixture_quads(fixture), inputs=[str(fixture.path)])
    return validate_submission(submission, store=store, country=fixture.country)


# --------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------


@cache
def constraints_by_rule() -> dict[str, tuple[Constraint, ...]]:
    found: dict[str, list[Constraint]] = {}
    for constraint in project_constraints():
        found.setdefault(constraint.rule, []).append(constraint)
    return {rule: tuple(cs) for rule, cs in found.items()}


def rule_severity(rule: str) -> Severity:
    if rule in VALIDATOR_RULES:
        return Severity.VIOLATION
    (severity,) = {c.severity for c in constraints_by_rule()[rule]}
    return severity


@cache
def national_and_core_rules() -> tuple[str, ...]:
    """Every rule defined in the national and core shapes files, and the validator's own."""
    files = {p.name: p for p in shapes_files()}
    graphs = []
    for name in NATIONAL_AND_CORE_FILES:
        graph = Graph()
        graph.parse(files[name], format="turtle")
        graphs.append(graph)
    # a constraint's shape is its property shape, or the node shape of its sh:sparql
    rules = {
        c.rule for c in project_constraints() if any((c.shape, None, None) in g for g in graphs)
    }
    return (*sorted(rules), *VALIDATOR_RULES)


def _select_projects_value(constraint: Constraint) -> bool:
    head = re.split(r"\bWHERE\b", constraint.select, maxsplit=1, flags=re.IGNORECASE)[0]
    return "?value" in head or "$value" in head


def result_has_value(result: ValidationResult) -> bool:
    """Whether SHACL gives this result a value node: not for sh:minCount and sh:maxCount, nor for a SPARQL
    constraint whose SELECT does not bind ?value. The validator's own rules name one."""
    if result.rule in VALIDATOR_RULES:
        return True
    constraints = constraints_by_rule()[result.rule]
    component = (result.component or "").rsplit("#", 1)[-1]
    for constraint in constraints:
        if str(constraint.component_iri).rsplit("#", 1)[-1] != component:
            continue
        if constraint.component in ("minCount", "maxCount"):
            return False
        if constraint.component == "sparql":
            return _select_projects_value(constraint)
        return True
    return True


def test_rules_of_the_national_and_core_files_are_found() -> None:
    rules = national_and_core_rules()
    for rule in ("mx-standard-code", "standard-level-in-scheme", "unit-criteria-required"):
        assert rule in rules
    for rule in ("standard-occupation-known", "mapping-confidence-max", "alignment-score-max"):
        assert rule in rules
    assert "country-notation-required" not in rules  # reference-data.ttl


def _text(term: NamedNode | BlankNode | Literal | Triple) -> str:
    return str(term) if isinstance(term, Triple) else term.value


class _Places:
    """Where each resource of a fixture is: its standards' and units' codes, from its quads."""

    def __init__(self, quads: Sequence[Quad]) -> None:
        self.types: dict[str, set[NamedNode]] = {}
        self.codes: dict[str, set[str]] = {}
        self.parents: dict[str, set[str]] = {}
        self.countries: dict[str, set[str]] = {}
        for quad in quads:
            subject, obj = _text(quad.subject), quad.object
            if quad.predicate == RDF_NS.type and isinstance(obj, NamedNode):
                self.types.setdefault(subject, set()).add(obj)
            elif quad.predicate == DCTERMS.identifier:
                self.codes.setdefault(subject, set()).add(_text(obj))
            elif quad.predicate in (EQ.hasUnit, EQ.hasCriterion):
                self.parents.setdefault(_text(obj), set()).add(subject)
            elif quad.predicate == EQ.country:
                self.countries.setdefault(subject, set()).add(_text(obj))

    def single_codes(self) -> dict[str, str]:
        return {node: next(iter(codes)) for node, codes in self.codes.items() if len(codes) == 1}

    def country_code(self, node: str) -> str | None:
        codes = {c.rsplit("/", 1)[-1] for c in self.countries.get(node, ())}
        return next(iter(codes)) if len(codes) == 1 and codes <= set(COUNTRIES) else None

    def reader_iris(self, node: str) -> set[str]:
        """The IRIs the template reader gives this standard, unit or criterion (one for each
        standard it is in), when every code on the way is single and the country known."""
        codes = self.single_codes()
        code, kind = codes.get(node), self.kind(node)
        if code is None:
            return set()
        if kind == "standard":
            country = self.country_code(node)
            return {standard_iri(country, code).value} if country else set()
        found: set[str] = set()
        units = self.parents.get(node, set()) if kind == "criterion" else {node}
        for unit in units if kind in ("unit", "criterion") else ():
            for standard in self.parents.get(unit, ()):
                country, standard_code = self.country_code(standard), codes.get(standard)
                unit_code = codes.get(unit)
                if country is None or standard_code is None or unit_code is None:
                    continue
                if kind == "unit":
                    found.add(unit_iri(country, standard_code, code).value)
                else:
                    found.add(criterion_iri(country, standard_code, unit_code, code).value)
        return found

    def kind(self, node: str) -> str | None:
        types = self.types.get(node, set())
        if types & _STANDARD_TYPES:
            return "standard"
        if types & _UNIT_TYPES:
            return "unit"
        if EQ.PerformanceCriterion in types:
            return "criterion"
        return None

    def standard_codes(self, node: str) -> set[str]:
        kind = self.kind(node)
        if kind == "standard":
            return self.codes.get(node, set())
        if kind in ("unit", "criterion"):
            return {
                code
                for parent in self.parents.get(node, ())
                for code in self.standard_codes(parent)
            }
        return set()

    def unit_codes(self, node: str) -> set[str]:
        kind = self.kind(node)
        if kind == "unit":
            return self.codes.get(node, set())
        if kind == "criterion":
            return {
                code for parent in self.parents.get(node, ()) for code in self.codes.get(parent, ())
            }
        return set()


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------


def test_there_are_fixtures() -> None:
    assert len(FIXTURE_LIST) > 100
    assert {f.path.suffix for f in FIXTURE_LIST if f.path.is_file()} == {".ttl"}
    assert any(f.path.is_dir() for f in FIXTURE_LIST)


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=fixture_id)
def test_fixture_header_is_consistent(fixture: Fixture) -> None:
    known = set(constraints_by_rule()) | set(VALIDATOR_RULES)
    unknown = set(fixture.rules) - known
    assert not unknown, f"unknown rules {sorted(unknown)}"
    assert fixture.fires <= set(fixture.rules), "every expected rule is named on a rule line"
    assert fixture.severities == {rule_severity(r) for r in fixture.rules}
    assert all(rule_severity(r) in _REPORTED for r in fixture.expect)
    assert all(rule_severity(r) is Severity.INFO for r in fixture.info or ())
    assert fixture.country is None or fixture.country in COUNTRIES
    assert fixture.case


# Fixtures whose IRIs are deliberately not the reader's: a second standard with the same code.
_OWN_IRIS: Final = frozenset({"standards/standard-code-unique.invalid.ttl"})


@pytest.mark.parametrize("fixture", [f for f in FIXTURE_LIST if f.path.is_file()], ids=fixture_id)
def test_fixture_iris_are_the_ones_the_template_reader_builds(fixture: Fixture) -> None:
    """Standards, units and criteria with one code are named with `vocab`'s IRIs."""
    places = _Places(fixture_quads(fixture))
    wrong: list[str] = []
    for node in places.types:
        expected = places.reader_iris(node)
        if expected and node not in expected:
            wrong.append(f"{node} should be one of {sorted(expected)}")
    if fixture.name in _OWN_IRIS:
        assert wrong
    else:
        assert not wrong, "\n".join(wrong)


def test_the_iri_check_sees_the_fixtures_resources() -> None:
    checked = 0
    for fixture in FIXTURE_LIST:
        places = _Places(fixture_quads(fixture))
        checked += sum(1 for node in places.types if places.reader_iris(node))
    assert checked > 3 * len(FIXTURE_LIST)  # a standard, a unit and a criterion each, mostly


# --------------------------------------------------------------------------------------------
# What each fixture gives
# --------------------------------------------------------------------------------------------


def _describe(results: Iterable[ValidationResult]) -> str:
    return "\n".join(
        f"  {r.severity.value} {r.rule} standard={r.standard} unit={r.unit} "
        f"criterion={r.criterion} field={r.field} value={r.value}"
        for r in results
    )


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=fixture_id)
def test_fixture_gives_exactly_the_expected_rules(fixture: Fixture) -> None:
    report = validate_fixture(fixture)
    reported = {r.rule for r in report.results if r.severity in _REPORTED}
    details = f"{fixture.case}\n{_describe(report.results)}"
    assert reported == set(fixture.expect), details
    for result in report.results:
        if result.rule in fixture.fires:
            assert result.severity is rule_severity(result.rule), details
    if fixture.info is not None:
        info = {r.rule for r in report.results if r.severity is Severity.INFO}
        assert info == set(fixture.info), details
    violation_expected = any(rule_severity(r) is Severity.VIOLATION for r in fixture.expect)
    assert report.conforms is not violation_expected, details


# Invalid fixtures whose results cannot all name the field and the value (see the reasons).


def _located_params() -> list[object]:
    return [
        pytest.param(
            f,
            id=f.name,
            marks=[],
        )
        for f in INVALID
    ]


@pytest.mark.parametrize("fixture", _located_params())
def test_every_result_of_an_invalid_fixture_is_located(fixture: Fixture) -> None:
    report = validate_fixture(fixture)
    assert report.results
    places = _Places(fixture_quads(fixture))
    problems: list[str] = []
    for r in report.results:
        where = f"{r.rule} (focus {r.focus})"
        if not r.field:
            problems.append(f"{where}: no field")
        if result_has_value(r) and not r.value:
            problems.append(f"{where}: no value")
        standards = places.standard_codes(r.focus or "")
        if standards and r.standard not in standards:
            problems.append(f"{where}: standard {r.standard!r}, expected one of {standards}")
        units = places.unit_codes(r.focus or "")
        if units and r.unit not in units:
            problems.append(f"{where}: unit {r.unit!r}, expected one of {units}")
        if places.kind(r.focus or "") == "criterion":
            codes = places.codes.get(r.focus or "", set())
            if codes and r.criterion not in codes:
                problems.append(f"{where}: criterion {r.criterion!r}, expected one of {codes}")
        if not r.message_es.strip() or not r.message_en.strip():
            problems.append(f"{where}: an empty message")
        if r.message_es == r.message_en:
            problems.append(f"{where}: the Spanish and English messages are the same")
        if "{?" in r.message_es + r.message_en or "{$" in r.message_es + r.message_en:
            problems.append(f"{where}: a message variable is not filled in")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", national_and_core_rules())
def test_rule_has_a_valid_and_an_invalid_fixture(rule: str) -> None:
    about = [f for f in FIXTURE_LIST if rule in f.rules]
    invalid = [f.name for f in about if rule in f.fires]
    valid = [f.name for f in about if rule not in f.fires]
    assert invalid, f"no fixture where {rule} must fire"
    assert valid, f"no fixture where {rule} must not fire"


# --------------------------------------------------------------------------------------------
# Shapes and ontology
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "constraint", project_constraints(), ids=lambda c: f"{c.rule}:{c.component}"
)
def test_every_constraint_has_a_spanish_and_an_english_message(constraint: Constraint) -> None:
    assert constraint.message_es.strip()
    assert constraint.message_en.strip()
    assert constraint.message_es != constraint.message_en


def _ontology_classes() -> tuple[URIRef, ...]:
    graph = Graph()
    graph.parse(ROOT / "ontology" / "equivalence.ttl", format="turtle")
    return tuple(
        sorted(
            c
            for c in graph.subjects(RDF.type, OWL.Class)
            if isinstance(c, URIRef) and str(c).startswith(str(EQ))
        )
    )


@cache
def _superclasses() -> dict[URIRef, set[URIRef]]:
    graph = Graph()
    graph.parse(ROOT / "ontology" / "equivalence.ttl", format="turtle")
    parents: dict[URIRef, set[URIRef]] = {}
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef):
            parents.setdefault(child, set()).add(parent)

    def above(cls: URIRef, seen: set[URIRef]) -> set[URIRef]:
        for parent in parents.get(cls, ()):
            if parent not in seen:
                seen.add(parent)
                above(parent, seen)
        return seen

    return {cls: above(cls, set()) for cls in parents}


@cache
def _targeted() -> frozenset[URIRef]:
    return frozenset(t for c in project_constraints() for t in c.targets)


def _class_params() -> list[object]:
    params: list[object] = []
    for cls in _ontology_classes():
        name = str(cls).removeprefix(str(EQ))
        marks: list[pytest.MarkDecorator] = []
        params.append(pytest.param(cls, id=name, marks=marks))
    return params


def test_the_ontology_has_the_classes_the_shapes_check() -> None:
    names = {str(c).removeprefix(str(EQ)) for c in _ontology_classes()}
    assert {"CompetencyStandard", "CompetencyUnit", "PerformanceCriterion", "Mapping"} <= names


@pytest.mark.parametrize("cls", _class_params())
def test_every_ontology_class_is_checked_by_a_shape(cls: URIRef) -> None:
    checked = {cls, *_superclasses().get(cls, set())} & _targeted()
    assert checked, f"{cls} is not the sh:targetClass of any shape, nor a subclass of one"
