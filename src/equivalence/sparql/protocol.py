"""The SPARQL 1.1 Protocol endpoint, without the web framework: what a request may run, how long
and how much it may return, and the bytes of each result format.

- `prepare` classifies a request (`equivalence.sparql.scan`): updates are refused whatever way
  they come, `SERVICE` is refused unless federation is enabled, a text that is no query form is
  an error; the form decides which media types are offered.
- `QueryRunner` runs each query on one of its worker threads, with a deadline and a result cap.
  The rows or triples are pulled one by one from the store (`TripleStore.stream_query`) and the
  deadline is checked at each; at most `max_results` are kept, the next one only says that the
  result was truncated. The caller waits until the deadline (`RunningQuery.result()` or
  `await RunningQuery.wait()`) and then gets `QueryTimeoutError` even when the query is stuck
  inside one call of the store (pyoxigraph computes ORDER BY, GROUP BY, DISTINCT and the build
  side of a hash join in full in the first step, and cannot be interrupted there): that thread
  runs on until the store returns, then sees the deadline and stops. `max_concurrent` bounds how
  many such threads there can be; a query that finds no free worker before its deadline times
  out as "busy".
- `serialize_result` writes SELECT/ASK results as SPARQL JSON (directly), XML, CSV or TSV
  (pyoxigraph's writers, from that JSON), and CONSTRUCT/DESCRIBE triples as Turtle, N-Triples,
  JSON-LD or RDF/XML.
- A SELECT whose top level is sorted or grouped (`QueryShape.materialised`), on the embedded
  store, is written by pyoxigraph in one call instead (`_select_in_one_call`): pyoxigraph has
  computed all of its solutions inside the query call already, so reading them row by row would
  only add Python work per row and, worse, a release and re-acquisition of the GIL per row
  (each one up to the interpreter's switch interval, 5 ms, while another thread runs Python:
  under load that made a 3 ms query take tens of milliseconds). The cap still holds: the
  rows of the written result are counted, and one over the cap (or over `_ONE_CALL_BYTES_PER_ROW`
  bytes a row) sends the query down the row-by-row path, which cuts it exactly.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)

from equivalence.errors import QueryError, StoreError
from equivalence.sparql.scan import Form, QueryShape, scan
from equivalence.store.base import Term, TripleStore
from equivalence.store.oxigraph import OxigraphStore, query_errors, query_options
from equivalence.vocab import PREFIXES, XSD

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = [
    "GRAPH_MEDIA_TYPES",
    "RESULT_MEDIA_TYPES",
    "Answer",
    "FederationRefusedError",
    "Limits",
    "PreparedQuery",
    "QueryRunner",
    "QueryTimeoutError",
    "RunningQuery",
    "UpdateRefusedError",
    "default_media_type",
    "media_types",
    "prepare",
    "refuse_update",
    "serialize_result",
]

SPARQL_RESULTS_JSON: Final = "application/sparql-results+json"
RESULT_FORMATS: Final[Mapping[str, QueryResultsFormat]] = {
    SPARQL_RESULTS_JSON: QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_FORMATS: Final[Mapping[str, RdfFormat]] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
# the first of each is the default (what `Accept: */*` or no Accept gets)
RESULT_MEDIA_TYPES: Final = tuple(RESULT_FORMATS)
GRAPH_MEDIA_TYPES: Final = tuple(GRAPH_FORMATS)
_XSD_STRING: Final = XSD.string.value
# a result written in one call may take this many bytes a row of the cap (1 KiB: 100 MiB for the
# default cap of 100,000), less than the rows the row-by-row path keeps would take in Python
_ONE_CALL_BYTES_PER_ROW: Final = 1024
# what holds the text of a term in each result format, removed before counting rows: JSON
# strings, CSV's quoted fields (the only places a row separator could appear as data)
_JSON_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_CSV_QUOTED: Final = re.compile(rb'"(?:[^"]|"")*"')
T = TypeVar("T")


class UpdateRefusedError(QueryError):
    """A SPARQL update sent to the read-only endpoint."""

    code = "update-refused"


class FederationRefusedError(QueryError):
    """A query with `SERVICE` while federation is disabled."""

    code = "federation-disabled"


class QueryTimeoutError(StoreError):
    """A query that did not finish (or found no free slot) within its time limit."""

    code = "query-timeout"


@dataclass(frozen=True, slots=True)
class Limits:
    """`timeout` in seconds for each query; `max_results` rows or triples kept at most."""

    timeout: float = 30.0
    max_results: int = 100_000
    federation: bool = False


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """A query that may run: its text, form and dataset (None: the service's usual one)."""

    text: str
    shape: QueryShape
    default_graphs: tuple[NamedNode, ...] | None = None
    named_graphs: tuple[NamedNode, ...] | None = None

    @property
    def form(self) -> Form:
        assert self.shape.form is not None
        return self.shape.form


def refuse_update(how: str) -> NoReturn:
    raise UpdateRefusedError(
        f"this endpoint is read-only: {how} is refused (it accepts SELECT, ASK, CONSTRUCT and "
        "DESCRIBE queries)"
    )


def _graphs(values: Sequence[str], parameter: str) -> tuple[NamedNode, ...]:
    graphs = []
    for value in values:
        try:
            graphs.append(NamedNode(value))
        except ValueError as exc:
            raise QueryError(f"{parameter}: {value!r} is not an absolute IRI") from exc
    return tuple(graphs)


def prepare(
    text: str,
    *,
    federation: bool,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> PreparedQuery:
    """Checks a request before it runs; raises `QueryError` (or a subclass) when it may not."""
    if not text.strip():
        raise QueryError("the query is empty")
    shape = scan(text)
    if shape.update is not None:
        refuse_update(f"an update ({shape.update})")
    if shape.form is None:
        raise QueryError(
            "not a SPARQL query: after PREFIX and BASE declarations it must start with SELECT, "
            "ASK, CONSTRUCT or DESCRIBE"
        )
    if shape.service and not federation:
        raise FederationRefusedError(
            "federated queries (SERVICE) are disabled on this endpoint; a prefixed name that "
            "contains 'service' counts too: write such an IRI in full, as <…>"
        )
    dataset = bool(default_graph_uris or named_graph_uris)
    return PreparedQuery(
        text,
        shape,
        _graphs(default_graph_uris, "default-graph-uri") if dataset else None,
        _graphs(named_graph_uris, "named-graph-uri") if dataset else None,
    )


def media_types(form: Form) -> tuple[str, ...]:
    """The media types a query form can be answered in, the default first."""
    return RESULT_MEDIA_TYPES if form in ("SELECT", "ASK") else GRAPH_MEDIA_TYPES


def default_media_type(form: Form) -> str:
    return media_types(form)[0]


# -- serialisation -------------------------------------------------------------------------------


def _term_json(term: Term) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        },
    }


def _results_json(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    bindings = [
        {
            name: _term_json(value)
            for name, value in zip(variables, row, strict=True)
            if value is not None
        }
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _boolean_json(value: bool) -> bytes:
    return b'{"head":{},"boolean":true}' if value else b'{"head":{},"boolean":false}'


def _convert_results(document: bytes, media_type: str) -> bytes:
    """SPARQL JSON results rewritten by pyoxigraph in the format of `media_type`."""
    if media_type == SPARQL_RESULTS_JSON:
        return document
    parsed = parse_query_results(document, format=QueryResultsFormat.JSON)
    out = parsed.serialize(format=RESULT_FORMATS[media_type])
    assert out is not None
    return out


def serialize_result(
    kind: str,
    media_type: str,
    *,
    variables: Sequence[str] = (),
    rows: Iterable[Sequence[Term | None]] = (),
    boolean: bool = False,
    triples: Iterable[Triple] = (),
) -> bytes:
    """The bytes of a result (`kind`: solutions, boolean or triples) in `media_type`."""
    if kind == "triples":
        rdf_format = GRAPH_FORMATS[media_type]
        prefixes = dict(PREFIXES) if rdf_format in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None
        out = serialize(list(triples), format=rdf_format, prefixes=prefixes)
        assert out is not None
        return out
    if kind == "boolean":
        return _convert_results(_boolean_json(boolean), media_type)
    return _convert_results(_results_json(variables, rows), media_type)


# -- running with a deadline and a cap -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """A serialised result: its bytes and media type, how many rows or triples it holds, and
    whether more were there (`truncated`: the cap was reached)."""

    body: bytes
    media_type: str
    kind: str
    count: int
    truncated: bool


class _ExpiredError(Exception):
    """The deadline passed while the rows were read (raised on the query's own thread)."""


class RunningQuery:
    """A query handed to a worker thread; wait for it with `result()` or `await wait()`."""

    def __init__(self, future: Future[Answer], deadline: float, timeout: float) -> None:
        self.future = future
        self.deadline = deadline
        self.timeout = timeout
        self.admitted = False  # True once a worker has started it
        self._cancelled = threading.Event()

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def cancel(self) -> None:
        """Asks the query to stop at its next row (it cannot stop inside a store call)."""
        self._cancelled.set()

    def expired(self) -> bool:
        return self._cancelled.is_set() or time.monotonic() > self.deadline

    def timeout_error(self) -> QueryTimeoutError:
        if not self.admitted:
            return QueryTimeoutError(
                f"the endpoint is busy: no query worker came free within {self.timeout:g} s"
            )
        return QueryTimeoutError(
            f"the query did not finish within {self.timeout:g} s and was abandoned; narrow it "
            "(a LIMIT does not help ORDER BY or GROUP BY, which sort or group everything first)"
        )

    def result(self) -> Answer:
        """The answer; `QueryTimeoutError` when the deadline passes first."""
        try:
            return self.future.result(timeout=self.remaining())
        except TimeoutError:
            self.cancel()
            raise self.timeout_error() from None

    async def wait(self) -> Answer:
        """`result()` for an event loop: waits without holding a thread."""
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self.future), self.remaining())
        except TimeoutError:
            self.cancel()
            raise self.timeout_error() from None
        except asyncio.CancelledError:  # the client went away
            self.cancel()
            raise


class QueryRunner:
    """Runs queries with `limits` on at most `max_concurrent` worker threads.

    Workers are started as they are needed and then kept; they are daemons, so a query stuck in
    the store never holds up the process at exit. A query waits in line for a free worker; one
    that is still waiting at its deadline times out as "busy" and is dropped unstarted.
    """

    def __init__(self, limits: Limits, *, max_concurrent: int | None = None) -> None:
        self.limits = limits
        self.max_concurrent = max_concurrent or max(4, 2 * (os.cpu_count() or 2))
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers = 0
        self._idle = 0
        self._waiting = 0

    def submit(self, store: TripleStore, query: PreparedQuery, media_type: str) -> RunningQuery:
        """Starts `query`; its answer will be in `media_type` (one of `media_types(query.form)`)."""
        timeout = self.limits.timeout
        running = RunningQuery(Future(), time.monotonic() + timeout, timeout)

        def work() -> None:
            if not running.future.set_running_or_notify_cancel():
                return
            try:
                if running.expired():  # waited in line past its deadline
                    raise _ExpiredError
                running.admitted = True
                answer = self._evaluate(store, query, media_type, running)
            except _ExpiredError:
                running.future.set_exception(running.timeout_error())
            except BaseException as exc:  # handed to the waiting side, which raises it
                running.future.set_exception(exc)
            else:
                running.future.set_result(answer)

        with self._lock:
            self._waiting += 1
            start = self._idle < self._waiting and self._workers < self.max_concurrent
            if start:
                self._workers += 1
        if start:
            threading.Thread(target=self._work, name="sparql-query", daemon=True).start()
        self._queue.put(work)
        return running

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            job = self._queue.get()
            with self._lock:
                self._idle -= 1
                self._waiting -= 1
            job()

    def run(self, store: TripleStore, query: PreparedQuery, media_type: str) -> Answer:
        """Runs a query and waits for its answer (`QueryTimeoutError` at the deadline)."""
        return self.submit(store, query, media_type).result()

    def _evaluate(
        self, store: TripleStore, query: PreparedQuery, media_type: str, running: RunningQuery
    ) -> Answer:
        cap = self.limits.max_results
        if (
            query.shape.materialised
            and query.form == "SELECT"
            and media_type in RESULT_FORMATS
            and isinstance(store, OxigraphStore)
        ):
            answer = _select_in_one_call(store, query, media_type, running, cap)
            if answer is not None:
                return answer
        with store.stream_query(
            query.text,
            union_default_graph=not query.shape.dataset,
            default_graphs=query.default_graphs,
            named_graphs=query.named_graphs,
            timeout=max(running.remaining(), 0.001),
        ) as stream:
            graph = stream.kind == "triples"
            if (media_type in GRAPH_FORMATS) != graph:  # the scanner misread the form
                media_type = GRAPH_MEDIA_TYPES[0] if graph else RESULT_MEDIA_TYPES[0]
            if stream.kind == "boolean":
                if running.expired():
                    raise _ExpiredError
                body = serialize_result("boolean", media_type, boolean=stream.boolean)
                return Answer(body, media_type, stream.kind, 1, False)
            if graph:
                triples, truncated = _take(stream.triples, cap, running)
                body = serialize_result("triples", media_type, triples=triples)
                return Answer(body, media_type, stream.kind, len(triples), truncated)
            rows, truncated = _take(stream.solutions, cap, running)
        body = serialize_result("solutions", media_type, variables=stream.variables, rows=rows)
        return Answer(body, media_type, stream.kind, len(rows), truncated)


def _take(items: Iterable[T], cap: int, running: RunningQuery) -> tuple[list[T], bool]:
    """At most `cap` items, and whether there was one more; checks the deadline at each."""
    kept: list[T] = []
    for item in items:
        if running.expired():
            raise _ExpiredError
        if len(kept) >= cap:
            return kept, True
        kept.append(item)
    if running.expired():
        raise _ExpiredError
    return kept, False


# -- a sorted or grouped SELECT, written by pyoxigraph in one call ------------------------------


class _TooLargeError(Exception):
    """The written result passed its byte budget (raised inside pyoxigraph's writer)."""


class _Collector(io.BytesIO):
    """The file pyoxigraph writes a result to: checks the deadline at each write (one per
    8 KiB: pyoxigraph buffers), and stops past `budget` bytes."""

    def __init__(self, budget: int, running: RunningQuery) -> None:
        super().__init__()
        self.budget = budget
        self.running = running

    def write(self, chunk: ReadableBuffer, /) -> int:
        if self.running.expired():
            raise _ExpiredError
        if self.tell() + len(memoryview(chunk)) > self.budget:
            raise _TooLargeError
        return super().write(chunk)


def _rows_written(body: bytes, media_type: str) -> int:
    """How many solutions a result pyoxigraph wrote holds, read from its bytes.

    In SPARQL JSON two rows are separated by `},{"` (two bindings of a row by `},"`), which a
    string cannot hold (its quotes are escaped): counting it is exact unless a row has no
    binding at all (`{}`, which a string can hold), when the strings are removed first. In XML
    each row is one `<result>` (`<` is escaped in text). In TSV and CSV each row is a line after
    the header: TSV writes terms in Turtle syntax (a line break in a literal escaped), CSV quotes
    a field that holds one (quoted fields are removed first).
    """
    if media_type == SPARQL_RESULTS_JSON:
        if body.endswith(b"[]}}"):
            return 0
        if b"{}" not in body:
            return body.count(b'},{"') + 1
        return _JSON_STRING.sub(b"", body).count(b"},{") + 1
    if media_type == "application/sparql-results+xml":
        return body.count(b"<result>")
    if media_type == "text/csv" and b'"' in body:
        return _CSV_QUOTED.sub(b"", body).count(b"\n") - 1
    return body.count(b"\n") - 1


def _select_in_one_call(
    store: OxigraphStore, query: PreparedQuery, media_type: str, running: RunningQuery, cap: int
) -> Answer | None:
    """The answer of a SELECT whose solutions pyoxigraph computes in full anyway (a sorted or
    grouped top level), written by pyoxigraph's own writer in one call: no Python work per
    row, and the GIL given up and taken back a few times, not once per row.

    None when the result goes over the cap (or over its byte budget, or the query turns out to
    be no SELECT): the caller then reads it row by row, which cuts it at the cap. Such a query
    is evaluated twice, the price of results of more than `cap` rows only.
    """
    options = query_options(not query.shape.dataset, query.default_graphs, query.named_graphs)
    collector = _Collector(max(cap, 1) * _ONE_CALL_BYTES_PER_ROW, running)
    try:
        with query_errors():  # as `OxigraphStore.stream_query` raises them
            result = store.raw.query(query.text, **options)
            if not isinstance(result, QuerySolutions):  # the scanner misread the form
                return None
            result.serialize(collector, format=RESULT_FORMATS[media_type])
    except _TooLargeError:
        return None
    if running.expired():
        raise _ExpiredError
    body = collector.getvalue()
    rows = _rows_written(body, media_type)
    if rows > cap:
        return None
    return Answer(body, media_type, "solutions", rows, False)
