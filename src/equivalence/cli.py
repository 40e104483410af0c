"""The `equivalence` command: a thin layer over `equivalence.service`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from equivalence import __version__
from equivalence.auth import default_registry
from equivalence.cli_matching import (
    PLAIN_COMMANDS,
    STORE_COMMANDS,
    add_matching_commands,
    run_plain_command,
    run_store_command,
)
from equivalence.cli_report import add_report_command, run_report
from equivalence.cli_review import REVIEW_COMMANDS, add_review_commands, run_review_command
from equivalence.cli_serve import add_serve_command, serve
from equivalence.errors import (
    AuthorizationError,
    EquivalenceError,
    InputError,
    InvalidSourceError,
    SubmissionRejectedError,
)
from equivalence.formatting import render_select, render_triples
from equivalence.service import (
    LoadedSummary,
    load_paths,
    roll_back,
    run_query,
    statistics,
    submit,
    validate_inputs,
)
from equivalence.settings import default_store_location, get_settings
from equivalence.sources import SourceReader
from equivalence.sparql import default_catalogue
from equivalence.store import TripleStore, open_store
from equivalence.submissions import diff, versions
from equivalence.validation import Severity, ValidationReport
from equivalence.validation.report import render as render_report

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_FORBIDDEN = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="equivalence",
        description="Knowledge graph of the labour-competency certifications of CL, CO, MX and PE.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--store",
        help="a directory (on-disk embedded store) or a descriptor: oxigraph:memory, "
        "oxigraph:DIR, sparql+http://HOST:PORT (default: $EQUIVALENCE_STORE, else "
        "~/.local/share/equivalence/store)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_serve_command(commands)
    add_review_commands(commands)
    add_report_command(commands)

    load = commands.add_parser(
        "load",
        help="load reference and country data",
        description="Loads the ontology and each SOURCE: the shared data folder, a template folder "
        "or .xlsx workbook, RDF files, or a folder of them. Without SOURCE, loads "
        "$EQUIVALENCE_DATA_DIR (default ../shared/data). Each source is loaded atomically.",
    )
    load.add_argument("sources", nargs="*", type=Path, metavar="SOURCE")
    load.add_argument("--quiet", action="store_true", help="no progress bar")

    stats = commands.add_parser("stats", help="counts per country, level, sector; ESCO; mappings")
    stats.add_argument("--format", choices=["json", "table"], default="table")

    query = commands.add_parser("query", help="run a named query or a .rq file")
    query.add_argument("query", metavar="FILE.rq|NAME")
    query.add_argument(
        "--param", action="append", default=[], metavar="K=V", help="bind a query parameter"
    )
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")

    commands.add_parser("queries", help="list the named queries and their parameters")

    validate = commands.add_parser(
        "validate",
        help="validate a country's submission against the shapes (dry run)",
        description="Validates template folders, .xlsx workbooks or RDF files against the SHACL "
        "shapes and the national rules, and prints the report (Spanish by default). Occupation "
        "codes and ESCO skills are checked against the store's reference data when the store "
        "exists. Exit status: 0 conforms, 1 violations, 2 the input cannot be read.",
    )
    validate.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_FOLDER")
    validate.add_argument("--country", help="the submitting country (CL, CO, MX, PE)")
    validate.add_argument(
        "--format", choices=["text", "json", "turtle", "csv"], default="text", help="report format"
    )
    validate.add_argument("--lang", choices=["es", "en"], default="es", help="language of the text")
    validate.add_argument("--out", type=Path, help="write the report to this file")
    _submission_commands(commands)
    add_matching_commands(commands)
    return parser


def _token_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token", help="the agency's token (default: $EQUIVALENCE_TOKEN; avoid shell history)"
    )


def _submission_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    submit = commands.add_parser(
        "submit",
        help="submit a country's new data: validate, then replace its graph atomically",
        description="Validates the files; if they conform, they become the country's new version "
        "(every accepted version is kept, with who and when). Exit status: 0 accepted, "
        "1 rejected (violations; nothing written), 2 unreadable input, 3 not authorised.",
    )
    submit.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_FOLDER")
    submit.add_argument("--country", required=True, help="CL, CO, MX or PE")
    _token_argument(submit)
    submit.add_argument(
        "--format", choices=["text", "json", "turtle", "csv"], default="text", help="report format"
    )
    submit.add_argument("--lang", choices=["es", "en"], default="es")

    versions = commands.add_parser("versions", help="list the accepted versions of a country")
    versions.add_argument("--country", required=True)
    versions.add_argument("--format", choices=["table", "json"], default="table")

    diff = commands.add_parser("diff", help="standards added, removed, changed between versions")
    diff.add_argument("--country", required=True)
    diff.add_argument("from_version", type=int, metavar="FROM")
    diff.add_argument("to_version", type=int, nargs="?", metavar="TO", help="default: live data")
    diff.add_argument("--format", choices=["text", "json"], default="text")

    roll = commands.add_parser("rollback", help="make an earlier version current (a new version)")
    roll.add_argument("--country", required=True)
    roll.add_argument("--to", type=int, required=True, dest="to_version", metavar="N")
    _token_argument(roll)

    token = commands.add_parser("token", help="issue, list and revoke the agencies' tokens")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="issue a token for a country's agency")
    create.add_argument("--country", required=True)
    create.add_argument("--agency", required=True, help="e.g. CONOCER, ChileValora, SENA, MTPE")
    actions.add_parser("list", help="list tokens (never the secrets)")
    revoke = actions.add_parser("revoke", help="revoke a token")
    revoke.add_argument("token_id", metavar="ID")


def _store(args: argparse.Namespace) -> TripleStore:
    descriptor = args.store or get_settings().store_descriptor
    return open_store(descriptor)


def _reference_store(args: argparse.Namespace) -> TripleStore | None:
    """The store whose reference data a validation uses: the one named, else the default if it exists."""
    if args.store or get_settings().store:
        return _store(args)
    return (
        open_store(get_settings().store_descriptor) if default_store_location().exists() else None
    )


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    out.write_text(text, encoding="utf-8")


def _validate(args: argparse.Namespace) -> int:
    store = _reference_store(args)
    try:
        report = validate_inputs(store, args.inputs, country=args.country)
    finally:
        if store is not None:
            store.close()
    _write(render_report(report, args.format, language=args.lang), args.out)
    if args.format != "text" or args.out is not None:
        verdict = "conforms" if report.conforms else "does NOT conform"
        print(
            f"{verdict}: {report.count(Severity.VIOLATION)} violations, "
            f"{report.count(Severity.WARNING)} warnings, {report.count(Severity.INFO)} infos",
            file=sys.stderr,
        )
    return EXIT_OK if report.conforms else EXIT_FAILED


def _print_error(exc: EquivalenceError) -> None:
    print(f"error: {exc}", file=sys.stderr)


def _load(args: argparse.Namespace, store: TripleStore) -> int:
    from tqdm import tqdm

    sources: list[Path] = args.sources or [get_settings().data_dir]
    bar = tqdm(desc="loading", unit="source", disable=args.quiet or None, file=sys.stderr)

    def on_source(reader: SourceReader) -> None:
        bar.set_postfix_str(reader.label[:40])

    def on_loaded(summary: LoadedSummary) -> None:
        bar.update(1)

    try:
        report = load_paths(store, sources, on_source=on_source, on_loaded=on_loaded)
    finally:
        bar.close()
    for item in report.loaded:
        counts = ", ".join(f"{n:,} {what}" for what, n in item.counts.items())
        print(f"loaded {item.name}: {counts} ({item.quads:,} triples, {item.seconds:.1f} s)")
    for label, exc in report.failed:
        print(f"NOT loaded {label} (the store is unchanged for it):", file=sys.stderr)
        _print_error(exc)
    print(f"store {store.descriptor}: {store.count():,} triples")
    return EXIT_OK if report.ok else EXIT_FAILED


def _stats(args: argparse.Namespace, store: TripleStore) -> int:
    stats = statistics(store)
    if args.format == "json":
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    countries = stats["countries"]
    assert isinstance(countries, dict)
    print(f"{'country':8} {'standards':>10} {'units':>8} {'criteria':>9}")
    for code, counts in countries.items():
        print(f"{code:8} {counts['standards']:>10,} {counts['units']:>8,} {counts['criteria']:>9,}")
    reference = stats["reference"]
    assert isinstance(reference, dict)
    for what, n in reference.items():
        print(f"{what}: {n:,}")
    mappings = stats["mappings"]
    assert isinstance(mappings, dict)
    print(f"mappings: {mappings['total']:,}")
    print(f"triples: {stats['triples']:,}")
    return EXIT_OK


def _parse_params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--param {pair!r}: expected NAME=VALUE")
        params[key.strip()] = value
    return params


def _query(args: argparse.Namespace, store: TripleStore) -> int:
    outcome = run_query(store, args.query, _parse_params(args.param))
    if outcome.select is not None:
        sys.stdout.write(render_select(outcome.select, args.format))
    elif outcome.boolean is not None:
        print(
            json.dumps({"boolean": outcome.boolean}) if args.format == "json" else outcome.boolean
        )
    else:
        sys.stdout.write(render_triples(outcome.triples))
    return EXIT_OK


def _token(args: argparse.Namespace) -> str:
    token = args.token or get_settings().token
    if not token:
        raise AuthorizationError("no token: give --token or set EQUIVALENCE_TOKEN")
    return str(token)


def _submit(args: argparse.Namespace, store: TripleStore) -> int:
    try:
        outcome = submit(store, default_registry(), _token(args), args.country, args.inputs)
    except SubmissionRejectedError as exc:
        report = exc.report
        assert isinstance(report, ValidationReport)
        _write(render_report(report, args.format, language=args.lang), None)
        _print_error(exc)
        return EXIT_FAILED
    _write(render_report(outcome.report, args.format, language=args.lang), None)
    v = outcome.version
    print(
        f"accepted: version {v.number} of {v.country} ({v.standards:,} standards, "
        f"{v.triples:,} triples, by {v.agency})",
        file=sys.stderr,
    )
    return EXIT_OK


def _versions(args: argparse.Namespace, store: TripleStore) -> int:
    rows = [v.as_dict() for v in versions(store, args.country.upper())]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(f"no accepted version of {args.country.upper()}")
    for row in rows:
        restores = f" (restores {row['restores']})" if row["restores"] else ""
        print(
            f"{row['version']:>4}  {row['generated_at']}  {row['agency']}  "
            f"{row['standards']:,} standards  {row['triples']:,} triples{restores}"
        )
    return EXIT_OK


def _diff(args: argparse.Namespace, store: TripleStore) -> int:
    d = diff(store, args.country.upper(), args.from_version, args.to_version)
    data = d.as_dict()
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{d.country}: version {data['from']} → {data['to']}")
    for what in ("added", "removed", "changed"):
        codes = data[what]
        assert isinstance(codes, list)
        print(f"  {what} ({len(codes)}): {', '.join(codes) if codes else '-'}")
    return EXIT_OK


def _rollback(args: argparse.Namespace, store: TripleStore) -> int:
    v = roll_back(store, default_registry(), _token(args), args.country, args.to_version)
    print(f"version {v.number} of {v.country} restores version {v.restores}")
    return EXIT_OK


def _tokens(args: argparse.Namespace) -> int:
    registry = default_registry()
    if args.action == "create":
        issued = registry.create(args.country.upper(), args.agency)
        print(issued.token)
        print(
            f"token {issued.token_id} for {issued.agency} ({issued.country}); it is shown only "
            "once: give it to the agency now",
            file=sys.stderr,
        )
    elif args.action == "revoke":
        info = registry.revoke(args.token_id)
        print(f"revoked {info.token_id} ({info.agency}, {info.country})")
    else:
        for info in registry.list():
            state = "active" if info.active else f"revoked {info.revoked}"
            print(
                f"{info.token_id}  {info.country}  {info.agency}  created {info.created}  {state}"
            )
    return EXIT_OK


def _queries() -> int:
    for query in default_catalogue():
        if query.is_update:  # written by the service itself, not runnable with `query`
            continue
        print(f"{query.name}: {query.description}")
        for p in query.parameters:
            flag = " (optional)" if p.optional else ""
            print(f"    --param {p.name}=<{p.type}>{flag}  {p.description}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "queries":
            return _queries()
        if args.command == "token":
            return _tokens(args)
        if args.command == "serve":
            return serve(args)
        if args.command in PLAIN_COMMANDS:
            return run_plain_command(args)
        if args.command == "validate":
            try:
                return _validate(args)
            except InputError as exc:  # unreadable input, not a validation failure
                _print_error(exc)
                return EXIT_USAGE
        store = _store(args)
        try:
            return _on_store(args, store)
        finally:
            store.close()
    except AuthorizationError as exc:
        _print_error(exc)
        return EXIT_FORBIDDEN
    except InvalidSourceError as exc:
        _print_error(exc)
        return EXIT_FAILED
    except EquivalenceError as exc:
        _print_error(exc)
        return EXIT_USAGE if isinstance(exc, InputError) else EXIT_FAILED


def _on_store(args: argparse.Namespace, store: TripleStore) -> int:
    commands = {
        "load": _load,
        "stats": _stats,
        "query": _query,
        "versions": _versions,
        "diff": _diff,
        "rollback": _rollback,
    }
    if args.command in STORE_COMMANDS:
        return run_store_command(args, store)
    if args.command in REVIEW_COMMANDS:
        return run_review_command(args, store)
    if args.command == "report":
        return run_report(args, store)
    if args.command == "submit":
        try:
            return _submit(args, store)
        except InputError as exc:
            _print_error(exc)
            return EXIT_USAGE
    return commands[args.command](args, store)


if __name__ == "__main__":
    sys.exit(main())
