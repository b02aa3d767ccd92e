"""Chapter 11's tests: the root conftest's mysql_url, and afterwards every connection still
open on the test's database killed before it is dropped.

A transaction left open (an `await tx.commit()` forgotten in the exercise, or a test that
fails half-way) holds a metadata lock on its tables; the root fixture's DROP DATABASE would wait
for that lock for ever (MariaDB's lock_wait_timeout is a day). Killing the connections ends
their transactions, and the drop goes through at once.
"""
import contextlib

import pytest


@pytest.fixture
def mysql_url(mysql_url, mariadb):
    yield mysql_url
    name = mysql_url.rsplit("/", 1)[1]
    with contextlib.closing(mariadb.connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM information_schema.processlist "
                    "WHERE db = %s AND id <> CONNECTION_ID()", (name,))
        for (thread_id,) in cur.fetchall():
            with contextlib.suppress(Exception):  # it may have ended meanwhile
                cur.execute(f"KILL {int(thread_id)}")
