"""Chapter 20 exercise, solved.

Why it looks like this:
  - get_bind asks one question of each statement: can a replica answer it? Only a plain SELECT
    can (is_read: clause.is_select, and no FOR UPDATE). A flush (self._flushing), an INSERT, an
    UPDATE, a DELETE, and a text() string (SQLAlchemy cannot see inside it) go to the primary.
  - A session that has written reads from the primary for the rest of its life: its own rows are
    on the primary, uncommitted or not yet replicated. So a write adds the database's name to
    self.wrote, and a read checks self.wrote and self.pinned (using_master(), the pin cookie).
  - Otherwise database.read_engine() chooses: a replica that answered lately, else the primary.
  - self.chosen records the choice: DBSession.execute reads it when a replica does not answer,
    sets that replica aside for RETRY_AFTER seconds and runs the read again (on the primary).
  - get_bind returns the AsyncEngine's sync_engine: the AsyncSession runs a sync Session inside
    a greenlet, and that Session binds to sync Engines.
  - paginate counts from 1, as people and URLs do; page 0 is an error, not the first page.
    The count wraps the statement in a subquery without its ORDER BY (a count needs no order);
    the items are LIMIT per_page OFFSET (page - 1) * per_page. A page past the end is an empty
    Page (has_next False), which a handler can show as such.
"""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tornkit import db
from tornkit.db import Page, PageError, connection_name, is_read


class RoutingSession(db.RoutingSession):
    def get_bind(self, mapper=None, clause=None, **kwargs):
        database = self.info["databases"][connection_name(mapper)]
        if self._flushing or not is_read(clause):
            self.wrote.add(database.name)
            engine = database.primary
        elif self.pinned or database.name in self.wrote:
            engine = database.primary
        else:
            engine = database.read_engine()
        self.chosen = (database, engine)
        return engine.sync_engine


async def paginate(session: AsyncSession, stmt: Select, page: int, per_page: int) -> Page:
    if not isinstance(page, int) or page < 1:
        raise PageError(f"page numbers start at 1: got {page!r}")
    if not isinstance(per_page, int) or per_page < 1:
        raise PageError(f"per_page must be at least 1: got {per_page!r}")
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = await session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if len(stmt.column_descriptions) == 1 else result)
    return Page(page=page, per_page=per_page, total=total or 0, items=items)


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
