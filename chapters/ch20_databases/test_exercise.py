"""Tests of the chapter 20 exercise, on the real primary/replica pair. `make check-20` runs them
on your exercise.py; plain `pytest` runs them on solutions/ch20_databases/exercise.py."""
import contextlib

import pytest
from sqlalchemy import func, literal_column, select, text

from chapters.ch20_databases.app import SERVER_ID, database_settings
from chapters.ch20_databases.models import Note
from tornkit import db

LESSON = "chapters/ch20_databases/README.md"
PRIMARY, REPLICA = 1, 2
WHO = {PRIMARY: "the primary (server_id 1)", REPLICA: "the replica (server_id 2)"}


@pytest.fixture
def databases(exercise, pair_urls, io_loop):
    """tornkit.db.Databases whose sessions are your RoutingSession; the notes table created."""
    s = database_settings(pair_urls)
    dbs = db.Databases(s["DATABASE_CONNECTION"], s["SQLALCHEMY_CONFIGURATION"],
                       session_class=exercise.RoutingSession)

    async def create():
        async with dbs["default"].primary.begin() as conn:
            await conn.run_sync(Note.metadata.create_all)
        await dbs["default"].wait_replicas()

    io_loop.run_sync(create)
    yield dbs
    io_loop.run_sync(dbs.close)


@contextlib.contextmanager
def written(what):
    try:
        yield
    except NotImplementedError as e:
        missing = str(e)
    else:
        return
    pytest.fail(f"{what}: {missing} (the TODO in exercise.py; {LESSON})", pytrace=False)


async def answered_by(session, statement=SERVER_ID):
    with written("RoutingSession.get_bind"):
        return await session.scalar(statement)


def expect(got, wanted, what, section):
    assert got == wanted, (f"{what} should be answered by {WHO[wanted]}, and was answered by "
                           f"{WHO.get(got, got)} ({LESSON}, {section})")


# --- step 1: get_bind -----------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step1_a_select_goes_to_the_replica(databases):
    async with databases.session() as session:
        expect(await answered_by(session), REPLICA, "SELECT @@server_id (a select())", "§2")


@pytest.mark.gen_test
async def test_step1_a_text_statement_goes_to_the_primary(databases):
    async with databases.session() as session:
        expect(await answered_by(session, text("SELECT @@server_id")), PRIMARY,
               "text('SELECT @@server_id'), which is not is_select", "§2")


@pytest.mark.gen_test
async def test_step1_a_flush_goes_to_the_primary(databases):
    async with databases.session() as session:
        session.add(Note(body=func.concat("", literal_column("@@server_id"))))
        with written("RoutingSession.get_bind"):
            await session.commit()
    async with databases.session() as session:
        with session.using_master():
            bodies = (await session.scalars(select(Note.body))).all()
    assert bodies == [str(PRIMARY)], (
        f"an INSERT recording @@server_id stored {bodies}: the flush should run on the primary "
        f"({LESSON}, §2)")


@pytest.mark.gen_test
async def test_step1_a_session_that_wrote_reads_from_the_primary(databases):
    async with databases.session() as session:
        session.add(Note(body="mine"))
        with written("RoutingSession.get_bind"):
            await session.flush()
        expect(await answered_by(session), PRIMARY,
               "a read after this session flushed a write", "§3 (read your writes)")


@pytest.mark.gen_test
async def test_step1_using_master_pins_the_reads_and_only_inside_the_block(databases):
    async with databases.session() as session:
        with session.using_master():
            expect(await answered_by(session), PRIMARY, "a read inside using_master()", "§3")
        expect(await answered_by(session), REPLICA, "a read after using_master()'s block", "§3")


@pytest.mark.gen_test(timeout=60)
async def test_step1_a_replica_that_is_down_leaves_reads_to_the_primary(databases, mariadb_pair):
    async with databases.session() as session:
        await answered_by(session)
    mariadb_pair.replica.kill()
    try:
        async with databases.session() as session:
            try:
                got = await answered_by(session)
            except db.DatabaseUnavailable as e:
                pytest.fail(f"with the replica down, a read failed ({e}) instead of going to the "
                            f"primary: get_bind records (database, engine) in self.chosen, which "
                            f"the fallback reads ({LESSON}, §4)", pytrace=False)
        expect(got, PRIMARY, "a read while the replica is down", "§4")
    finally:
        mariadb_pair.replica.start()


# --- step 2: paginate -----------------------------------------------------------------------------------
async def paginate(exercise, session, page, per_page=5):
    with written("paginate"):
        return await exercise.paginate(session, Note.Q.order_by(Note.body), page, per_page)


@pytest.mark.gen_test
async def test_step2_pages_of_twelve_notes(exercise, databases):
    async with databases.session() as session:
        session.add_all(Note(body=f"n{i:02}") for i in range(12))
        await session.commit()
    async with databases.session() as session:
        with session.using_master():  # just written: the primary has them for sure
            pages = {n: await paginate(exercise, session, n) for n in (1, 2, 3, 4)}
    wanted = {1: ["n00", "n01", "n02", "n03", "n04"], 2: ["n05", "n06", "n07", "n08", "n09"],
              3: ["n10", "n11"], 4: []}
    for n, page in pages.items():
        got = [note.body for note in page.items]
        assert got == wanted[n], (f"page {n} of 12 notes, 5 a page, should hold {wanted[n]}, "
                                  f"not {got}: pages count from 1 ({LESSON}, §5)")
        assert (page.page, page.per_page, page.total) == (n, 5, 12), (
            f"page {n}: Page(page=..., per_page=..., total=...) should be ({n}, 5, 12), not "
            f"({page.page}, {page.per_page}, {page.total}) ({LESSON}, §5)")
    assert pages[1].pages == 3 and pages[3].has_next is False and pages[4].has_prev is True


@pytest.mark.gen_test
async def test_step2_an_empty_table_is_one_empty_page(exercise, databases):
    async with databases.session() as session:
        page = await paginate(exercise, session, 1)
    assert (page.total, page.items, page.pages, page.has_next) == (0, [], 0, False), (
        f"no notes: total 0, no items, 0 pages, no next page; got total {page.total}, items "
        f"{page.items}, {page.pages} pages ({LESSON}, §5)")


@pytest.mark.gen_test
@pytest.mark.parametrize("page, per_page", [(0, 5), (-1, 5), (1, 0)],
                         ids=["page 0", "a negative page", "zero per page"])
async def test_step2_impossible_pages_are_page_errors(exercise, databases, page, per_page):
    async with databases.session() as session:
        try:
            with written("paginate"):
                got = await exercise.paginate(session, Note.Q, page, per_page)
        except db.PageError:
            return
    pytest.fail(f"paginate(session, stmt, page={page}, per_page={per_page}) returned {got!r}: "
                f"pages count from 1 and hold at least one item, so it should raise "
                f"tornkit.db.PageError with a message ({LESSON}, §5)", pytrace=False)
