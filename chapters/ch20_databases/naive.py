"""tornadopy's db/dbalchemy.py, moved to SQLAlchemy 2's asyncio API and nothing else changed:
one scoped_session per engine, scoped to the thread (scoped_session's default), removed by the
middleware in process_endcall.

Tornado runs every request in one thread, so "one session per thread" is one session for every
request in flight. Request A adds a row and awaits something; request B adds its own and
commits: the shared session flushes A's row too. A then fails and rolls back: nothing is left
to roll back. test_app.py::test_naive_scoped_session_commits_the_row_another_request_rolled_back
shows it; tornkit.db.DBSessionMiddleware gives each request its own session instead.
"""
import asyncio
import threading

from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker, create_async_engine

from tornkit import db


class Connector:
    """tornadopy's per-connection-name object: an engine and its scoped session."""

    def __init__(self, url):
        self.engine = create_async_engine(url, pool_pre_ping=True)
        # tornadopy: scoped_session(sessionmaker(bind=engine)), i.e. scopefunc=thread identity
        self.session = async_scoped_session(async_sessionmaker(self.engine),
                                            scopefunc=threading.get_ident)


class DBAlchemyMiddleware:
    """MIDDLEWARE_CLASSES entry: a Connector for DATABASE_CONNECTION's master, removed after
    each request (tornadopy: `for s in sessions: s.remove()`)."""

    def process_init(self, application):
        master = application.conf.DATABASE_CONNECTION["default"]["connections"][0]
        application.naive_db = self.connector = Connector(db.connection_url(master))
        self._removing = set()

    def process_endcall(self, handler, clear):
        task = asyncio.ensure_future(self.connector.session.remove())
        self._removing.add(task)
        task.add_done_callback(self._removing.discard)
