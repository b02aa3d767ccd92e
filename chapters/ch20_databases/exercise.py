"""Chapter 20 exercise: the routing policy and the pages, the two pieces of tornkit.db that
decide what a visitor sees.

tornkit.db does the rest: the engines from DATABASE_CONNECTION, the per-request session
(DBSessionMiddleware), the replica fallback, using_master(). Make it so that:

  1. RoutingSession.get_bind(mapper, clause) returns the sync engine a statement runs on: the
     primary's for a flush and for every statement that is not a plain SELECT (text() included);
     a replica's (database.read_engine()) for a SELECT; the primary's for a SELECT when the
     session is pinned (self.pinned) or has written to that database (self.wrote). Record the
     database's name in self.wrote when you send it a write, and (database, engine) in
     self.chosen every time                                              -> lesson §2, §3
  2. paginate(session, stmt, page, per_page) returns a tornkit.db.Page: total (every row of stmt),
     the items of page `page` (pages count from 1), per_page of them. page < 1 or per_page < 1 is
     a PageError; a page past the end has no items                        -> lesson §5

Check your work with:  make check-20        See it:  make try-20
"""
from __future__ import annotations

from sqlalchemy import Select, func, select  # noqa: F401
from sqlalchemy.ext.asyncio import AsyncSession

from tornkit import db
from tornkit.db import Page, PageError, connection_name, is_read  # noqa: F401


class RoutingSession(db.RoutingSession):
    def get_bind(self, mapper=None, clause=None, **kwargs):
        database = self.info["databases"][connection_name(mapper)]  # noqa: F841
        # TODO step 1: the primary for writes, flushes, text(), a pinned or written-to session;
        # database.read_engine() for the rest. Set self.wrote and self.chosen; return .sync_engine
        raise NotImplementedError("RoutingSession.get_bind is not written yet")


async def paginate(session: AsyncSession, stmt: Select, page: int, per_page: int) -> Page:
    # TODO step 2: the count, then one page of items, as a Page
    raise NotImplementedError("paginate is not written yet")


def make_app(*, pair_urls: dict, **settings):
    """Chapter 20's app, routed by your RoutingSession and paged by your paginate."""
    from chapters.ch20_databases import app as chapter

    return chapter.make_app(pair_urls=pair_urls, session_class=RoutingSession,
                            paginate=paginate, **settings)


async def main(argv=None):
    """make try-20: a private primary/replica pair, and the app above on it."""
    import contextlib

    from chapters.ch20_databases import app as chapter
    from workbook import services
    from workbook.runner import parse_port, serve

    port = parse_port(argv, default=chapter.CHAPTER.port + 1000)
    with contextlib.ExitStack() as stack:
        pair_urls = stack.enter_context(services.provide("mysql_pair"))
        await serve(make_app(pair_urls=pair_urls), port)
