"""Agencies' tokens: issued once, stored hashed, scoped to one country, revocable."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from equivalence import auth
from equivalence.auth import Agent, TokenRegistry
from equivalence.errors import AuthorizationError, InputError, NotFoundError, StoreError
from equivalence.settings import Settings, get_settings


@pytest.fixture
def registry(tmp_path: Path) -> TokenRegistry:
    return TokenRegistry(tmp_path / "state" / "tokens.json")


def test_a_token_is_issued_once_and_only_its_hash_is_kept(registry: TokenRegistry) -> None:
    issued = registry.create("MX", "CONOCER")
    prefix, token_id, secret = issued.token.split("_", 2)
    assert prefix == "eqt"
    assert token_id == issued.token_id
    assert len(secret) == 43  # secrets.token_urlsafe(32): 256 bits
    assert issued.token not in repr(issued)
    text = registry.path.read_text(encoding="utf-8")
    assert secret not in text
    assert issued.token not in text
    [record] = json.loads(text)["tokens"]
    assert record["sha256"] == hashlib.sha256(issued.token.encode()).hexdigest()
    assert (record["id"], record["country"], record["agency"]) == (token_id, "MX", "CONOCER")
    assert stat.S_IMODE(registry.path.stat().st_mode) == 0o600
    assert sorted(
        p.name for p in registry.path.parent.iterdir() if not p.name.endswith(".lock")
    ) == ["tokens.json"]  # no temporary file left
    other = registry.create("MX", "CONOCER")
    assert other.token_id != issued.token_id
    assert other.token != issued.token


def test_authorize_gives_the_agent_of_a_valid_token(registry: TokenRegistry) -> None:
    issued = registry.create("MX", "CONOCER")
    assert registry.authorize(issued.token, "MX") == Agent(
        issued.token_id, "MX", "CONOCER", "CONOCER"
    )
    office = registry.create("PE", "Oficina regional")
    assert registry.authorize(f"  {office.token}\n", "PE") == Agent(
        office.token_id, "PE", "Oficina regional", None
    )
    # another registry object on the same file sees the same tokens
    assert TokenRegistry(registry.path).authorize(issued.token, "MX").token_id == issued.token_id


def test_the_hash_is_compared_in_constant_time(
    registry: TokenRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = registry.create("CO", "SENA")
    calls: list[tuple[str, str]] = []
    real = auth.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    registry.authorize(issued.token, "CO")
    with pytest.raises(AuthorizationError):
        registry.authorize(issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B"), "CO")
    with pytest.raises(AuthorizationError):  # unknown id: compared with a dummy hash all the same
        registry.authorize("eqt_0123456789abcdef_" + issued.token.split("_", 2)[2], "CO")
    assert len(calls) == 3


def _refusal(registry: TokenRegistry, token: str, country: str) -> str:
    with pytest.raises(AuthorizationError) as refused:
        registry.authorize(token, country)
    return refused.value.message


def test_every_bad_token_is_refused_without_echoing_the_secret(registry: TokenRegistry) -> None:
    issued = registry.create("CL", "ChileValora")
    secret = issued.token.split("_", 2)[2]
    tampered = issued.token[:-3] + ("xyz" if not issued.token.endswith("xyz") else "abc")
    cases = {
        "another country": (issued.token, "MX", "only submit the data of CL, not of MX"),
        "wrong secret": (tampered, "CL", "invalid token"),
        "unknown id": ("eqt_ffffffffffffffff_" + secret, "CL", "invalid token"),
        "malformed": ("Bearer " + secret, "CL", "malformed token"),
        "empty": ("", "CL", "malformed token"),
        "no secret": (f"eqt_{issued.token_id}_", "CL", "malformed token"),
        "truncated": (issued.token[:-1], "CL", "malformed token"),
    }
    for name, (token, country, expected) in cases.items():
        message = _refusal(registry, token, country)
        assert expected in message, name
        assert secret not in message, name
        assert secret[:12] not in message, name


def test_a_revoked_token_is_refused(registry: TokenRegistry) -> None:
    issued = registry.create("PE", "MTPE")
    kept = registry.create("PE", "SINEACE")
    info = registry.revoke(issued.token_id)
    assert info.revoked is not None
    assert not info.active
    assert "revoked" in _refusal(registry, issued.token, "PE")
    assert registry.authorize(kept.token, "PE").body == "SINEACE"
    assert registry.revoke(issued.token_id).revoked == info.revoked  # revoking twice is harmless
    with pytest.raises(NotFoundError, match="no token"):
        registry.revoke("0000000000000000")


def test_list_shows_every_token_without_secrets(registry: TokenRegistry) -> None:
    assert registry.list() == []
    first = registry.create("MX", "CONOCER")
    second = registry.create("CO", "SENA")
    registry.revoke(first.token_id)
    listed = registry.list()
    assert [(t.token_id, t.country, t.agency, t.active) for t in listed] == [
        (first.token_id, "MX", "CONOCER", False),
        (second.token_id, "CO", "SENA", True),
    ]
    assert all(t.created.endswith("Z") for t in listed)
    assert first.token not in repr(listed)


def test_create_checks_its_arguments(registry: TokenRegistry) -> None:
    with pytest.raises(InputError, match="unknown country"):
        registry.create("AR", "Ministerio")
    with pytest.raises(InputError, match="empty"):
        registry.create("MX", "  ")
    assert not registry.path.exists()


def test_a_damaged_registry_is_an_error_not_an_empty_one(registry: TokenRegistry) -> None:
    issued = registry.create("MX", "CONOCER")
    registry.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot read the token registry"):
        registry.authorize(issued.token, "MX")
    registry.path.write_text('{"tokens": 3}', encoding="utf-8")
    with pytest.raises(StoreError, match="not a registry"):
        registry.list()


def test_where_the_registry_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("EQUIVALENCE_TOKENS", raising=False)
    assert Settings().tokens_file == tmp_path / "xdg" / "equivalence" / "tokens.json"
    monkeypatch.setenv("EQUIVALENCE_TOKENS", str(tmp_path / "elsewhere.json"))
    assert Settings().tokens_file == tmp_path / "elsewhere.json"
    get_settings.cache_clear()
    try:
        assert auth.default_registry().path == tmp_path / "elsewhere.json"
    finally:
        get_settings.cache_clear()


def test_body_of() -> None:
    assert auth.body_of("conocer", "MX") == "CONOCER"
    assert auth.body_of("ChileValora", "CL") == "ChileValora"
    assert auth.body_of("SENA", "MX") is None  # SENA is Colombia's
    assert auth.body_of("Secretaría", "MX") is None
