"""`equivalence submit`, `versions`, `diff`, `rollback` and `token`: a country's versioned data,
end to end through the command line, and every refused attempt leaving the store as it was."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from equivalence.cli import main
from equivalence.store import open_store
from equivalence.vocab import GRAPH, country_graph

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"


pytestmark = pytest.mark.usefixtures("isolated_settings")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _country_template(folder: Path, country: str) -> Path:
    """The rows of one country of the sample template."""
    folder.mkdir(parents=True)
    for table in ("standards", "units", "criteria"):
        with (SAMPLE / "template" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            fields = list(reader.fieldnames or [])
            rows = [r for r in reader if r["country"] == country]
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _set_title(folder: Path, code: str, title: str) -> None:
    path = folder / "standards.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row["code"] == code:
            row["title"] = title
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _content(store_dir: Path) -> set[str]:
    """Every quad of the store, as text (to compare a store before and after)."""
    store = open_store(str(store_dir))
    try:
        return {f"{g} {t}" for g in store.graphs() for t in (str(x) for x in store.triples(g))}
    finally:
        store.close()


@pytest.fixture()
def world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """A store with the reference excerpt, Mexico's data accepted as version 1, and tokens."""
    store = tmp_path / "store"
    code, _, err = _run(
        capsys, "--store", str(store), "load", "--quiet", str(SAMPLE / "reference.ttl")
    )
    assert code == 0, err
    code, mx_token, _ = _run(capsys, "token", "create", "--country", "MX", "--agency", "CONOCER")
    assert code == 0
    code, co_token, _ = _run(capsys, "token", "create", "--country", "CO", "--agency", "SENA")
    assert code == 0
    mx = _country_template(tmp_path / "mx", "MX")
    code, _, err = _run(
        capsys,
        "--store",
        str(store),
        "submit",
        "--country",
        "MX",
        "--token",
        mx_token.strip(),
        str(mx),
    )
    assert code == 0, err
    assert "accepted: version 1 of MX" in err
    return {
        "store": str(store),
        "mx": str(mx),
        "mx_token": mx_token.strip(),
        "co_token": co_token.strip(),
    }


def test_versions_diff_and_rollback(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, mx = world["store"], Path(world["mx"])
    _set_title(mx, "EC0154", "Prestación de los servicios de limpieza y desinfección")
    code, _, err = _run(
        capsys, "--store", store, "submit", "--country", "MX", "--token", world["mx_token"], str(mx)
    )
    assert code == 0, err
    code, out, _ = _run(capsys, "--store", store, "versions", "--country", "MX", "--format", "json")
    rows = json.loads(out)
    assert [r["version"] for r in rows] == [1, 2]
    assert {r["agency"] for r in rows} == {"CONOCER"} and rows[1]["previous"] == 1
    code, out, _ = _run(
        capsys, "--store", store, "diff", "--country", "MX", "1", "2", "--format", "json"
    )
    assert json.loads(out) | {"same_content": None} == {
        "country": "MX",
        "from": 1,
        "to": 2,
        "added": [],
        "removed": [],
        "changed": ["EC0154"],
        "same_content": None,
    }
    before = _content(Path(store))
    code, out, _ = _run(
        capsys,
        "--store",
        store,
        "rollback",
        "--country",
        "MX",
        "--to",
        "1",
        "--token",
        world["mx_token"],
    )
    assert code == 0 and "version 3 of MX restores version 1" in out
    code, out, _ = _run(
        capsys, "--store", store, "diff", "--country", "MX", "1", "--format", "json"
    )
    assert json.loads(out)["changed"] == [] and json.loads(out)["same_content"] is True
    # only the Mexican graph and the submissions metadata changed
    after = _content(Path(store))
    changed_graphs = {line.split(" ", 1)[0] for line in before ^ after}
    assert changed_graphs == {str(country_graph("MX")), str(GRAPH.submissions)}


def test_a_rejected_submission_changes_nothing(
    world: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, mx = world["store"], Path(world["mx"])
    text = (mx / "standards.csv").read_text(encoding="utf-8").replace("EC0249,", "EC249,", 1)
    (mx / "standards.csv").write_text(text, encoding="utf-8")
    for table in ("units", "criteria"):
        path = mx / f"{table}.csv"
        path.write_text(
            path.read_text(encoding="utf-8").replace(",EC0249,", ",EC249,"), encoding="utf-8"
        )
    before = _content(Path(store))
    code, out, err = _run(
        capsys, "--store", store, "submit", "--country", "MX", "--token", world["mx_token"], str(mx)
    )
    assert code == 1
    assert "NO es conforme" in out and "mx-standard-code" in out and "nothing was written" in err
    assert _content(Path(store)) == before


@pytest.mark.parametrize(
    ("token_key", "country", "expected"),
    [
        ("co_token", "MX", "may only submit the data of CO"),
        (None, "MX", "no token"),
        ("forged", "MX", "unknown"),
    ],
)
def test_unauthorised_submissions_change_nothing(
    world: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    token_key: str | None,
    country: str,
    expected: str,
) -> None:
    store = world["store"]
    token = {"forged": "eqt_0123456789abcdef_" + "A" * 43}.get(
        token_key or "", world.get(token_key or "", "")
    )
    before = _content(Path(store))
    args = ["--store", store, "submit", "--country", country, world["mx"]]
    if token:
        args[5:5] = ["--token", token]
    code, _, err = _run(capsys, *args)
    assert code == 3
    assert expected in err.lower() or expected in err
    assert token not in err or not token
    assert _content(Path(store)) == before


def test_a_revoked_token_cannot_submit(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    token_id = world["mx_token"].split("_")[1]
    code, out, _ = _run(capsys, "token", "revoke", token_id)
    assert code == 0 and "revoked" in out
    code, out, _ = _run(capsys, "token", "list")
    assert token_id in out and "revoked" in out
    code, _, _ = _run(
        capsys,
        "--store",
        world["store"],
        "submit",
        "--country",
        "MX",
        "--token",
        world["mx_token"],
        world["mx"],
    )
    assert code == 3


def test_rdf_about_reference_data_or_another_country_is_refused(
    world: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = world["store"]
    attack = tmp_path / "attack.ttl"
    attack.write_text(
        """@prefix eq: <https://w3id.org/equivalence/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/equivalence/id/MX/standard/EC0999> a eq:CompetencyStandard , eq:ConocerStandard ;
    dcterms:identifier "EC0999" ; skos:prefLabel "Estándar"@es ;
    eq:country <https://w3id.org/equivalence/country/MX> ;
    eq:certifyingBody <https://w3id.org/equivalence/body/CONOCER> ;
    eq:hasUnit <https://w3id.org/equivalence/id/MX/standard/EC0999/unit/E01> .
<https://w3id.org/equivalence/id/MX/standard/EC0999/unit/E01> a eq:CompetencyUnit , eq:ConocerElement ;
    dcterms:identifier "E01" ; skos:prefLabel "Unidad"@es ;
    eq:hasCriterion <https://w3id.org/equivalence/id/MX/standard/EC0999/unit/E01/criterion/C1> .
<https://w3id.org/equivalence/id/MX/standard/EC0999/unit/E01/criterion/C1> a eq:PerformanceCriterion ;
    dcterms:identifier "C1" ; skos:prefLabel "Criterio"@es ;
    eq:criterionKind <https://w3id.org/equivalence/criterion-kind/producto> .
<http://data.europa.eu/esco/isco/C2424> skos:prefLabel "Relabelled by an agency"@en .
<https://w3id.org/equivalence/id/CO/standard/210601020> skos:prefLabel "Hijacked"@es .
""",
        encoding="utf-8",
    )
    before = _content(Path(store))
    code, out, _ = _run(
        capsys,
        "--store",
        store,
        "submit",
        "--country",
        "MX",
        "--token",
        world["mx_token"],
        str(attack),
        "--format",
        "json",
    )
    assert code == 1
    refused = {
        r["focus"] for r in json.loads(out)["results"] if r["rule"] == "submission-namespace"
    }
    assert refused == {
        "http://data.europa.eu/esco/isco/C2424",
        "https://w3id.org/equivalence/id/CO/standard/210601020",
    }
    assert _content(Path(store)) == before


def test_submit_of_unreadable_input_exits_2(
    world: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://a> <http://b> .", encoding="utf-8")
    before = _content(Path(world["store"]))
    code, _, err = _run(
        capsys,
        "--store",
        world["store"],
        "submit",
        "--country",
        "MX",
        "--token",
        world["mx_token"],
        str(bad),
    )
    assert code == 2 and "bad.ttl" in err
    assert _content(Path(world["store"])) == before
