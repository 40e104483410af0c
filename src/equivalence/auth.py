"""Agencies' tokens: who may submit a country's data.

Each national agency holds a token scoped to its own country: with it, it can replace that
country's data and nothing else (not another country's, not the reference data). Tokens are
issued once, as ``eqt_<id>_<secret>``, and only a hash is kept, in a JSON file (the setting
`EQUIVALENCE_TOKENS`, by default ``$XDG_DATA_HOME/equivalence/tokens.json``, next to the default
store) readable by its owner only (mode 0600) and rewritten atomically.

Why one SHA-256 and not a slow password hash (bcrypt, scrypt, Argon2): a slow hash protects
*guessable* secrets, such as passwords, against someone who stole the hashes and tries
candidates offline. The secret of a token is 32 random bytes (`secrets.token_urlsafe(32)`, 256
bits) that no person chose: no dictionary helps, and trying 2**255 candidates on average is out
of reach however fast the hash. SHA-256 is preimage resistant, so the stored hash does not give
the token back, and checking a token stays cheap on every request.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from equivalence.errors import AuthorizationError, InputError, NotFoundError, StoreError
from equivalence.vocab import COUNTRIES

__all__ = ["Agent", "IssuedToken", "TokenInfo", "TokenRegistry", "body_of", "default_registry"]

TOKEN_PREFIX = "eqt_"  # noqa: S105 - the visible prefix of every token, no secret
_TOKEN = re.compile(r"^eqt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_FORMAT = 1
# the certifying bodies of `ontology/reference.ttl`, by the name an agency may be registered with
_BODIES = {"CONOCER": "MX", "CHILEVALORA": "CL", "SENA": "CO", "MTPE": "PE", "SINEACE": "PE"}
_BODY_SPELLING = {
    name.upper(): name for name in ("CONOCER", "ChileValora", "SENA", "MTPE", "SINEACE")
}


@dataclass(frozen=True, slots=True)
class Agent:
    """Who a valid token belongs to: its id, its country, the agency and its certifying body.

    `body` is the acronym of the agency's certifying body (``CONOCER`` …) when the agency is
    one of them, for `vocab.body_iri`.
    """

    token_id: str
    country: str
    agency: str
    body: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just created: `token` is the secret, shown once and stored nowhere."""

    token_id: str
    country: str
    agency: str
    token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What the registry keeps about a token (never the token itself)."""

    token_id: str
    country: str
    agency: str
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


def body_of(agency: str, country: str) -> str | None:
    """The acronym of the certifying body an agency name is, if it is one of that country's."""
    key = agency.strip().upper()
    return _BODY_SPELLING[key] if _BODIES.get(key) == country else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_DUMMY_HASH = _hash("eqt_0000000000000000_" + "0" * 43)


class TokenRegistry:
    """The tokens of the agencies, in a JSON file; every call reads it again (no stale cache)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"TokenRegistry({str(self.path)!r})"

    # -- issuing and revoking --------------------------------------------------------------

    def create(self, country: str, agency: str) -> IssuedToken:
        """Issues a token for `agency` to submit `country`'s data; the secret is returned once."""
        if country not in COUNTRIES:
            raise InputError(f"unknown country {country!r}; use one of {', '.join(COUNTRIES)}")
        agency = agency.strip()
        if not agency:
            raise InputError("the agency's name is empty")
        token_id = secrets.token_hex(8)
        token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        with self._locked():
            records = self._read()
            records.append(
                {
                    "id": token_id,
                    "country": country,
                    "agency": agency,
                    "sha256": _hash(token),
                    "created": _now(),
                    "revoked": None,
                }
            )
            self._write(records)
        return IssuedToken(token_id, country, agency, token)

    def revoke(self, token_id: str) -> TokenInfo:
        """Revokes a token (kept in the file, marked revoked); `NotFoundError` if unknown."""
        with self._locked():
            records = self._read()
            record = next((r for r in records if r.get("id") == token_id), None)
            if record is None:
                raise NotFoundError(f"no token with id {token_id!r}")
            if record.get("revoked") is None:
                record["revoked"] = _now()
                self._write(records)
        return _info(record)

    def list(self) -> builtins.list[TokenInfo]:
        """Every token issued (revoked ones included), oldest first."""
        return [_info(record) for record in self._read()]

    # -- checking ----------------------------------------------------------------------------

    def authorize(self, token: str, country: str) -> Agent:
        """The agent a token belongs to, if it may write `country`'s data.

        Raises `AuthorizationError` for a malformed, unknown or revoked token, or one of another
        country; the message names the token id at most, never the secret. The hash comparison
        takes the same time whether the token is right or not (`hmac.compare_digest`).
        """
        match = _TOKEN.match(token.strip()) if isinstance(token, str) else None
        if match is None:
            raise AuthorizationError(
                "malformed token: a token looks like eqt_<id>_<secret>, as it was issued"
            )
        token_id = match.group(1)
        record = next((r for r in self._read() if r.get("id") == token_id), None)
        expected = str(record.get("sha256", "")) if record else _DUMMY_HASH
        valid = hmac.compare_digest(_hash(token.strip()), expected)
        if record is None or not valid:
            raise AuthorizationError(f"invalid token (id {token_id}): unknown or wrong secret")
        if record.get("revoked") is not None:
            raise AuthorizationError(f"token {token_id} was revoked on {record['revoked']}")
        if record.get("country") != country:
            raise AuthorizationError(
                f"token {token_id} ({record.get('agency')}) may only submit the data of "
                f"{record.get('country')}, not of {country}"
            )
        agency = str(record["agency"])
        return Agent(token_id, country, agency, body_of(agency, country))

    # -- the file ----------------------------------------------------------------------------

    def _read(self) -> builtins.list[dict[str, Any]]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read the token registry {self.path}: {exc}") from exc
        tokens = document.get("tokens") if isinstance(document, dict) else None
        if not isinstance(tokens, builtins.list) or not all(isinstance(t, dict) for t in tokens):
            raise StoreError(f"the token registry {self.path} is not a registry file")
        return tokens

    def _write(self, records: builtins.list[dict[str, Any]]) -> None:
        """Writes the file atomically: a temporary file (mode 0600), fsync, rename."""
        data = json.dumps({"format": _FORMAT, "tokens": records}, indent=2, ensure_ascii=False)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                out.write(data + "\n")
                out.flush()
                os.fsync(out.fileno())
            temporary.chmod(0o600)  # O_CREAT's mode does not apply to an existing file
            temporary.replace(self.path)  # atomic rename
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise StoreError(f"cannot write the token registry {self.path}: {exc}") from exc

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialises read-modify-write cycles between processes (POSIX advisory lock)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no inter-process lock
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(f".{self.path.name}.lock")
        descriptor = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)


def default_registry() -> TokenRegistry:
    """The registry at the `EQUIVALENCE_TOKENS` setting (or its default location)."""
    from equivalence.settings import get_settings

    return TokenRegistry(get_settings().tokens_file)


def _info(record: dict[str, Any]) -> TokenInfo:
    revoked = record.get("revoked")
    return TokenInfo(
        token_id=str(record["id"]),
        country=str(record["country"]),
        agency=str(record["agency"]),
        created=str(record.get("created", "")),
        revoked=str(revoked) if revoked is not None else None,
    )


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
