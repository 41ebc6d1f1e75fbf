"""The real servers for the tests: a PostgreSQL test is skipped, saying why, only where the
package is missing and could not be installed (`make test` installs it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from evals import servers
from evals.servers import chroma_server

__all__ = ["chroma_server", "postgres_server"]


@contextmanager
def postgres_server() -> Iterator[str]:
    if servers.postgres_bin() is None:
        pytest.skip(
            "PostgreSQL is not installed (Debian package `postgresql`; `make test` adds it)"
        )
    with servers.postgres_server() as url:
        yield url
