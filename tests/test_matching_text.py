"""The Spanish analyzer: folding, thesaurus, stop words, nominalisations, stemming."""

from __future__ import annotations

import pytest

from equivalence.errors import ConfigurationError
from equivalence.matching.text import Analyzer, Thesaurus, default_thesaurus, fold, words

VERBS = ["gestionar", "elaborar", "mantener", "crear", "identificar", "convertir", "enseñar"]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(verbs=VERBS)


def test_fold_removes_accents_and_case_but_keeps_enie() -> None:
    assert fold("Gestión de ÑANDÚES") == "gestion de ñandues"
    assert words("Técnico(a) en mantenimiento, nivel 2.") == [
        "tecnico",
        "a",
        "en",
        "mantenimiento",
        "nivel",
        "2",
    ]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Gestión de inventarios", "gestionar inventarios"),
        ("Elaboración de script", "elaborar el script"),
        ("Mantenimiento preventivo", "mantener preventivo"),
        ("Creación de contenidos", "crear contenido"),
        ("Identificación de necesidades", "IDENTIFICAR NECESIDADES"),
        ("Conversión de conceptos", "convertir los conceptos"),
        ("Enseñanza de escritura", "enseñar escritura"),
        ("Soldadora de tuberías", "soldadores de tubería"),
        ("Atender como garzón", "atender como mesero"),
        ("Reparar teléfonos móviles", "reparar el teléfono celular"),
        ("Instalar equipos de cómputo", "instalar computadoras"),
        ("Plomero", "gásfiter"),
    ],
)
def test_variants_give_the_same_terms(analyzer: Analyzer, left: str, right: str) -> None:
    assert analyzer.terms(left) == analyzer.terms(right)


def test_different_content_gives_different_terms(analyzer: Analyzer) -> None:
    assert analyzer.terms("Gestión de inventarios") != analyzer.terms("Gestión de personal")
    assert analyzer.terms("soldador") != analyzer.terms("electricista")


def test_stop_words_are_dropped(analyzer: Analyzer) -> None:
    assert analyzer.tokens("de acuerdo con la normativa de los trabajadores") == [
        "normativa",
        "trabajadores",
    ]


def test_a_nominalisation_becomes_a_verb_only_when_the_verb_is_known() -> None:
    unknown = Analyzer(verbs=[])
    assert unknown.verb_of("gestion") == "gestion"
    known = Analyzer(verbs=["gestionar"])
    assert known.verb_of("gestion") == "gestionar"
    # a noun whose candidate verb was never seen stays as it is
    assert known.verb_of("estacion") == "estacion"


def test_learn_adds_the_infinitives_of_texts() -> None:
    analyzer = Analyzer(verbs=[])
    analyzer.learn(["supervisar las instalaciones", "la supervisión"])
    assert "supervisar" in analyzer.verbs
    assert analyzer.terms("Supervisión de obras") == analyzer.terms("supervisar obras")


def test_the_shipped_thesaurus_maps_regional_words_to_one_form() -> None:
    thesaurus = default_thesaurus()
    assert thesaurus.canonical(["garzon"]) == ["mesero"]
    assert thesaurus.canonical(["mozo"]) == ["mesero"]
    assert thesaurus.canonical(["telefono", "movil", "nuevo"]) == ["celular", "nuevo"]
    assert thesaurus.canonical(["ordenador"]) == ["computadora"]


def test_a_thesaurus_refuses_a_word_in_two_groups() -> None:
    with pytest.raises(ConfigurationError, match="two groups"):
        Thesaurus.parse("mesero\tmozo\nportero\tmozo\n")


def test_a_thesaurus_can_be_extended() -> None:
    thesaurus = Thesaurus.parse("# comment\nbombilla\tfoco\tampolleta\n")
    analyzer = Analyzer(thesaurus, verbs=["cambiar"])
    assert analyzer.terms("cambiar la ampolleta") == analyzer.terms("cambiar el foco")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("estudio de mercado", "alumno"),
        ("educación inicial", "alumno"),
        ("unidad móvil de salud", "celular"),
        ("asistencia técnica", "ayudante"),
    ],
)
def test_the_thesaurus_leaves_unrelated_words_sharing_a_stem(text: str, absent: str) -> None:
    assert absent not in default_thesaurus().canonical(words(text))


def test_stemming_from_many_threads_gives_the_single_thread_stems() -> None:
    """The search route stems from a thread pool; a shared Snowball stemmer raised IndexError."""
    import threading

    from equivalence.matching import text

    words = [
        f"{stem}{ending}"
        for stem in ("gestion", "capacit", "limpi", "atend", "sold", "cocin")
        for ending in ("ar", "aciones", "adoras", "ando", "imientos", "ería", "amente", "es")
    ]
    text._stem.cache_clear()
    expected = {w: text._stem(w) for w in words}
    failures: list[BaseException] = []
    results: list[dict[str, str]] = []

    def stem_all() -> None:
        try:
            for _ in range(200):
                text._stem.cache_clear()
                results.append({w: text._stem(w) for w in words})
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=stem_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert all(found == expected for found in results)
