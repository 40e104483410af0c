"""Running the SPARQL constraints' queries: in this process, or in a child process meanwhile.

The queries run on a pyoxigraph store loaded with the statements they read (N-Triples). In this
process they must wait for the Python evaluation of the other constraints: on threads side by
side, the two fought for the GIL (pyoxigraph takes it back for every solution) and each took
twice as long. A child process has a GIL of its own: `ChildProcess` is forked before the data
is read (a small process then, so that the two share next to no memory), is handed the
statements and the queries when they are known, and answers while the parent evaluates the rest.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Final, Protocol, Self

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, RdfFormat, Store

from equivalence.errors import ConfigurationError
from equivalence.validation.scope import Reading, reading

__all__ = ["Answer", "ChildProcess", "InProcess", "QueryRunner", "child_process_possible"]

Term = NamedNode | BlankNode | Literal
# a query's variables and its solutions, one term (or None) per variable
Answer = tuple[list[str], list[tuple[Term | None, ...]]]
# a term as it crosses the pipe: ("I", iri), ("B", label) or ("L", lexical, datatype, language)
_Encoded = tuple[str, ...] | None

_FORK: Final = "fork"


class QueryRunner(Protocol):
    def submit(self, n_triples: str, queries: Sequence[str]) -> None:
        """Hands over the statements and the queries (at most once)."""

    def answers(self) -> list[Answer]:
        """Each query's answer, in order (waits for them)."""

    def readings(self) -> Mapping[str, Reading]:
        """What the SPARQL constraints read, when parsed ahead (else empty)."""

    def close(self) -> None:
        """Releases what the runner holds (a child process that was never used)."""


def _store(n_triples: str) -> Store:
    store = Store()
    store.load(n_triples, format=RdfFormat.N_TRIPLES, lenient=True)  # checked when built
    return store


def _answer(store: Store, query: str) -> Answer:
    solutions = store.query(query, use_default_graph_as_union=True)
    if not isinstance(solutions, QuerySolutions):
        raise ConfigurationError("a validation query must be a SELECT query")
    variables = [v.value for v in solutions.variables]
    rows = [tuple(_term(s[name]) for name in variables) for s in solutions]
    return variables, rows


def _term(value: object) -> Term | None:
    return value if isinstance(value, NamedNode | BlankNode | Literal) else None


def _answers(n_triples: str, queries: Sequence[str], workers: int) -> list[Answer]:
    store = _store(n_triples)
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        return list(pool.map(lambda query: _answer(store, query), queries))


class _Closing:
    """A runner is a context manager that closes it."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class InProcess(_Closing):
    """Runs the queries when their answers are asked for, on `workers` threads."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._work: tuple[str, Sequence[str]] | None = None

    def readings(self) -> Mapping[str, Reading]:
        return {}

    def submit(self, n_triples: str, queries: Sequence[str]) -> None:
        self._work = (n_triples, queries)

    def answers(self) -> list[Answer]:
        if self._work is None:
            return []
        n_triples, queries = self._work
        self._work = None
        return _answers(n_triples, queries, self.workers)

    def close(self) -> None:
        self._work = None


def _encode(term: Term | None) -> _Encoded:
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return ("I", term.value)
    if isinstance(term, BlankNode):
        return ("B", term.value)
    return ("L", term.value, term.datatype.value, term.language or "")


class _Decoder:
    """Terms back from the pipe; an IRI met again (a path, a scheme, a skill) is built once."""

    def __init__(self) -> None:
        self._iris: dict[str, NamedNode] = {}

    def __call__(self, encoded: _Encoded) -> Term | None:
        if encoded is None:
            return None
        if encoded[0] == "I":
            iri = self._iris.get(encoded[1])
            if iri is None:
                iri = self._iris[encoded[1]] = NamedNode(encoded[1])
            return iri
        if encoded[0] == "B":
            return BlankNode(encoded[1])
        _, lexical, datatype, language = encoded
        if language:
            return Literal(lexical, language=language)
        return Literal(lexical, datatype=NamedNode(datatype))


def _serve(connection: Connection, workers: int, selects: Sequence[str]) -> None:
    """The child: parses the SPARQL constraints (while the parent reads the data) and sends
    what they read; then waits for statements and queries (or None), sends back the answers."""
    connection.send(("readings", {select: reading(select) for select in selects}))
    work = connection.recv()
    if work is None:
        return
    n_triples, queries = work
    try:
        answers = _answers(n_triples, queries, workers)
    except Exception as error:
        connection.send(("error", f"{type(error).__name__}: {error}"))
        return
    connection.send(
        ("answers", [(v, [tuple(map(_encode, row)) for row in rows]) for v, rows in answers])
    )


def child_process_possible() -> bool:
    """Whether a child can be forked safely: a fork of a process with other threads may
    inherit a lock one of them held (e.g. in a web server)."""
    return _FORK in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class _ChildGoneError(Exception):
    """The child process ended before it answered (it is then done here)."""


class ChildProcess(_Closing):
    """Runs the queries in a child process, forked when this is made; should the child end
    without answering, they run here instead."""

    def __init__(self, workers: int = 2, selects: Sequence[str] = ()) -> None:
        """Forks the child, which parses the `selects` of the SPARQL constraints meanwhile."""
        context = multiprocessing.get_context(_FORK)
        self.workers = workers
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_end, workers, list(selects)), daemon=True
        )
        self._process.start()
        child_end.close()
        self._work: tuple[str, Sequence[str]] | None = None
        self._readings: dict[str, Reading] | None = None

    def readings(self) -> dict[str, Reading]:
        """What the SPARQL constraints read, parsed by the child (waits for it)."""
        if self._readings is None:
            try:
                self._readings = self._receive("readings")
            except _ChildGoneError:
                self._readings = {}  # parsed here when they are needed
        return self._readings

    def _receive(self, expected: str) -> Any:
        try:
            status, payload = self._connection.recv()
        except (EOFError, OSError):
            raise _ChildGoneError from None
        if status == "error":
            raise ConfigurationError(f"a validation query failed: {payload}")
        if status != expected:
            raise ConfigurationError(f"the query process sent {status}, not {expected}")
        return payload

    def submit(self, n_triples: str, queries: Sequence[str]) -> None:
        self._work = (n_triples, queries)
        with suppress(OSError):  # the child is gone: answers() runs them here
            self._connection.send((n_triples, list(queries)))

    def answers(self) -> list[Answer]:
        if self._work is None:
            return []
        work, self._work = self._work, None
        try:
            self.readings()  # sent first
            payload = self._receive("answers")
        except _ChildGoneError:
            return _answers(*work, self.workers)
        finally:
            self._process.join(timeout=5)
        decode = _Decoder()
        return [(v, [tuple(map(decode, row)) for row in rows]) for v, rows in payload]

    def close(self) -> None:
        if self._process.is_alive():
            if self._work is None:
                with suppress(OSError):
                    self._connection.send(None)
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()
        self._connection.close()
