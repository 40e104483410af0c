"""The review commands of `equivalence`: an agency accepts or rejects a mapping, anyone reads
where its review stands.

    equivalence review MAPPING_ID --accept|--reject [--comment TEXT] [--token T | --token-file F]
    equivalence review-status MAPPING_ID [--format text|json]

Hooked into `equivalence.cli` by `add_review_commands` (parser) and `run_review_command`
(on the store). Errors are the library's: `AuthorizationError` (exit 3 in `cli.main`),
`NotFoundError` (1), `InputError` (2).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TypeAlias

from equivalence.auth import default_registry
from equivalence.errors import AuthorizationError, InputError
from equivalence.matching.graph import standard_key
from equivalence.review import (
    COMMENT_LIMIT,
    ReviewDecision,
    ReviewState,
    authorize_reviewer,
    decision_json,
    decision_time,
    review_history,
    review_mapping,
    review_state,
    state_json,
)
from equivalence.settings import get_settings
from equivalence.store import TripleStore
from equivalence.vocab import SKOS

__all__ = [
    "REVIEW_COMMANDS",
    "add_review_commands",
    "decision_json",
    "read_token",
    "run_review_command",
    "state_json",
    "state_text",
]

REVIEW_COMMANDS = frozenset({"review", "review-status"})

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_review_commands(commands: Commands) -> None:
    review = commands.add_parser(
        "review",
        help="an agency accepts or rejects a mapping of its country",
        description="Records the decision of the agency whose token is given (it must be the "
        "agency of one of the mapping's two countries). The mapping is recognised once both "
        "countries' agencies have accepted it; a later decision of the same agency replaces its "
        "earlier one, and every decision is kept with who and when. Exit status: 0 recorded, "
        "1 no such mapping, 2 bad input, 3 not authorised (nothing written).",
    )
    review.add_argument("mapping", metavar="MAPPING_ID", help="the mapping's id or IRI")
    verdict = review.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--accept", dest="decision", action="store_const", const="accept")
    verdict.add_argument("--reject", dest="decision", action="store_const", const="reject")
    review.add_argument("--comment", help=f"why (at most {COMMENT_LIMIT} characters)")
    tokens = review.add_mutually_exclusive_group()
    tokens.add_argument(
        "--token", help="the agency's token (default: $EQUIVALENCE_TOKEN; avoid shell history)"
    )
    tokens.add_argument(
        "--token-file", type=Path, help="a file holding the agency's token (e.g. mode 0600)"
    )
    review.add_argument("--format", choices=["text", "json"], default="text")

    status = commands.add_parser(
        "review-status",
        help="where the review of a mapping stands, and every decision taken on it",
    )
    status.add_argument("mapping", metavar="MAPPING_ID", help="the mapping's id or IRI")
    status.add_argument("--format", choices=["text", "json"], default="text")


def read_token(token: str | None, token_file: Path | None) -> str:
    """The token given, else the one in `token_file`, else `EQUIVALENCE_TOKEN`."""
    if token:
        return token.strip()
    if token_file is not None:
        try:
            text = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"cannot read the token file: {exc}", file=token_file) from exc
        if not text:
            raise InputError("the token file is empty", file=token_file)
        return text
    configured = get_settings().token
    if not configured:
        raise AuthorizationError("no token: give --token, --token-file or set EQUIVALENCE_TOKEN")
    return str(configured)


def run_review_command(args: argparse.Namespace, store: TripleStore) -> int:
    if args.command == "review":
        token = read_token(args.token, args.token_file)
        agent = authorize_reviewer(default_registry(), token, store, args.mapping)
        state = review_mapping(store, args.mapping, agent, args.decision, args.comment)
        history = review_history(store, args.mapping)
        print(
            f"recorded: {agent.agency} ({agent.country}) {args.decision}s mapping "
            f"{state.mapping_id}; it is now {state.status}",
            file=sys.stderr,
        )
    else:
        state = review_state(store, args.mapping)
        history = review_history(store, args.mapping)
    if args.format == "json":
        print(json.dumps(state_json(state, history), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(state_text(state, history))
    return 0


# -- output -------------------------------------------------------------------------------------


def _side(iri: str) -> str:
    key = standard_key(iri)
    return f"{key[0]}:{key[1]}" if key else iri


def _predicate(iri: str | None) -> str:
    if iri is None:
        return "?"
    return f"skos:{iri.removeprefix(str(SKOS))}" if iri.startswith(str(SKOS)) else iri


def _line(decision: ReviewDecision) -> str:
    comment = f"  «{decision.comment}»" if decision.comment else ""
    return (
        f"{decision.country}  {decision.decision:<6}  {decision_time(decision)}  "
        f"{decision.agency} (token {decision.agent}){comment}"
    )


def state_text(state: ReviewState, history: list[ReviewDecision]) -> str:
    lines = [
        f"mapping {state.mapping_id}: {_side(state.subject)} {_predicate(state.predicate)} "
        f"{_side(state.object)}",
        f"status: {state.status}",
    ]
    for country in state.countries:
        decision = state.latest.get(country)
        lines.append(f"  {_line(decision)}" if decision else f"  {country}  awaiting its agency")
    if history:
        count = f"{len(history)} decision" + ("s" if len(history) != 1 else "")
        lines.append(f"history ({count}, oldest first):")
        lines += [f"  {_line(d)}" for d in history]
    return "\n".join(lines) + "\n"
