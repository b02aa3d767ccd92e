"""The chapter's private primary/replica pair: started once per test module (about 2-5 s), and a
fresh database on it for each test that asks for pair_urls."""
import contextlib
import secrets

import pytest

from workbook import services


@pytest.fixture(scope="module")
def mariadb_pair():
    with services.MariaDBPair() as pair:
        yield pair


@pytest.fixture
def pair_urls(mariadb_pair):
    """{"primary": url, "replica": url} of a new empty database, replicated, dropped afterwards.
    The URLs log in as the app's user, whom the replica's read_only refuses every write."""
    name = f"test_{secrets.token_hex(6)}"
    mariadb_pair.primary.create_database(name)
    mariadb_pair.wait_replicated()
    urls = {role: url.rsplit("/", 1)[0] + "/" + name for role, url in mariadb_pair.urls.items()}
    yield urls
    with contextlib.suppress(Exception):  # a test may have left a server stopped
        mariadb_pair.primary.drop_database(name)
