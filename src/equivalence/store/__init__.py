"""Triple stores, opened by descriptor through a registry that imports backends lazily.

Descriptors:

- `oxigraph:memory`: embedded pyoxigraph, in memory;
- `oxigraph:/path/to/dir` (or a bare path such as `./data/store`): embedded, on disk;
- `sparql+http://host:port/base` or `sparql+https://…`: a server with Oxigraph's layout,
  `<base>/query`, `<base>/update` and `<base>/store`. Query parameters override it:
  `query=`, `update=`, `store=` (URLs, absolute or relative to the base), `timeout=` (seconds),
  `union=parameter|server` (see `equivalence.store.remote`) and `staging-threshold=` (triples).
  For instance `sparql+http://localhost:3030/ds?query=sparql&update=update&store=data` for
  Fuseki (with `union=server` when its dataset has `tdb2:unionDefaultGraph true`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from equivalence.errors import ConfigurationError
from equivalence.store.base import SelectResult, TripleStore

if TYPE_CHECKING:
    from equivalence.store.oxigraph import OxigraphStore
    from equivalence.store.remote import RemoteStore

__all__ = ["KNOWN_DESCRIPTORS", "SelectResult", "TripleStore", "open_store", "register_backend"]

KNOWN_DESCRIPTORS = (
    "oxigraph:memory",
    "oxigraph:<directory>",
    "<directory>",
    "sparql+http://<host>[:<port>]/<base>",
    "sparql+https://<host>[:<port>]/<base>",
)

# a URI scheme of two characters or more (one letter would be a Windows drive: `C:\store`)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")

_Factory = Callable[[str], TripleStore]
_BACKENDS: dict[str, _Factory] = {}


def register_backend(scheme: str, factory: _Factory) -> None:
    """Makes `open_store` hand descriptors `<scheme>:…` to `factory` (which imports lazily)."""
    _BACKENDS[scheme.lower()] = factory


def open_store(descriptor: str, *, read_only: bool = False) -> TripleStore:
    """Opens the triple store a descriptor names; see this module's documentation.

    `read_only` opens an on-disk pyoxigraph store without its write lock, so that several
    processes can serve one store that none of them writes (other backends ignore it).
    """
    descriptor = descriptor.strip()
    if not descriptor:
        raise ConfigurationError(_unknown("an empty store descriptor"))
    match = _SCHEME.match(descriptor)
    if match is None:
        return _open_oxigraph_path(descriptor, read_only=read_only)
    scheme = match.group(1).lower()
    if scheme == "oxigraph" and read_only and descriptor.split(":", 1)[1] != "memory":
        return _open_oxigraph_path(descriptor.split(":", 1)[1], read_only=True)
    factory = _BACKENDS.get(scheme)
    if factory is None:
        raise ConfigurationError(_unknown(f"unknown store descriptor {descriptor!r}"))
    return factory(descriptor)


def _unknown(what: str) -> str:
    known = ", ".join(KNOWN_DESCRIPTORS)
    schemes = ", ".join(f"{scheme}:" for scheme in sorted(_BACKENDS))
    return f"{what}; known forms: {known} (schemes {schemes})"


def _open_oxigraph(descriptor: str) -> OxigraphStore:
    location = descriptor.split(":", 1)[1]
    if location == "memory":
        from equivalence.store.oxigraph import OxigraphStore

        return OxigraphStore()
    if not location:
        raise ConfigurationError("oxigraph: needs `memory` or a directory, e.g. oxigraph:./store")
    return _open_oxigraph_path(location)


def _open_oxigraph_path(location: str, *, read_only: bool = False) -> OxigraphStore:
    from equivalence.store.oxigraph import OxigraphStore

    path = Path(location).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigurationError(f"the store location {path} is not a directory")
    if read_only and not path.is_dir():
        raise ConfigurationError(f"no store at {path} to open read-only")
    return OxigraphStore(path, read_only=read_only)


def _open_remote(descriptor: str) -> RemoteStore:
    from equivalence.store.remote import RemoteStore

    url = urlsplit(descriptor.split("+", 1)[1])
    if not url.netloc:
        raise ConfigurationError(f"no host in the store descriptor {descriptor!r}")
    options = dict(parse_qsl(url.query, keep_blank_values=True))
    base = urlunsplit((url.scheme, url.netloc, url.path.rstrip("/") + "/", "", ""))

    def endpoint(name: str, default: str) -> str:
        return urljoin(base, options.pop(name, default))

    query = endpoint("query", "query")
    update = endpoint("update", "update")
    store = endpoint("store", "store")
    try:
        timeout = float(options.pop("timeout", "60"))
        threshold = int(options.pop("staging-threshold", "200000"))
    except ValueError as exc:
        raise ConfigurationError(f"bad number in the store descriptor {descriptor!r}") from exc
    union = options.pop("union", "parameter")
    if union not in ("parameter", "server"):
        raise ConfigurationError(f"union must be `parameter` or `server`, not {union!r}")
    if options:
        raise ConfigurationError(
            f"unknown option(s) {', '.join(sorted(options))} in the store descriptor; known: "
            "query, update, store, timeout, union, staging-threshold"
        )
    return RemoteStore(
        query,
        update,
        store,
        timeout,
        union_default_graph="server" if union == "server" else "parameter",
        staging_threshold=threshold,
        descriptor=descriptor,
    )


register_backend("oxigraph", _open_oxigraph)
register_backend("sparql+http", _open_remote)
register_backend("sparql+https", _open_remote)
