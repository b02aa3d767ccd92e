"""Chapter 21's site as a process of its own, end to end: runserver.py --settings=settings.setting
as tornadopy ran its helloworld, and `make chapter-21`'s way (python -m chapters.ch21_signals.app),
against a real Redis and a real MariaDB primary and replica. What one visitor does lands in the
database on both servers, in Redis and in the access log."""
import contextlib
import json
import os
import re
import signal
import subprocess
import sys

import pytest
import redis
import tornado.httpclient

from chapters.ch21_signals.app import PROJECT, environment
from workbook.net import free_port
from workbook.testing import CookieClient, start_app, stop_app

PASSWORD = "correct horse"


def site_env(redis_url, pair_urls, data_dir) -> dict:
    return {**os.environ, **environment(redis_url, pair_urls, data_dir)}


def runserver(port, env, *args):
    return start_app(PROJECT / "runserver.py", "--settings=settings.setting", *args,
                     port=port, env=env)


def rows(server, database, sql):
    with contextlib.closing(server.connect(database)) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


@pytest.fixture
def http_client(io_loop):
    """An HTTP client, and no app in this process: the site runs in its own."""
    client = tornado.httpclient.AsyncHTTPClient(force_instance=True)
    yield client
    client.close()


@pytest.mark.gen_test(timeout=60)
async def test_runserver_serves_the_whole_site_and_stops_cleanly(
        http_client, redis_url, pair_urls, mariadb_pair, tmp_path):
    port = free_port()
    process = runserver(port, site_env(redis_url, pair_urls, tmp_path))
    try:
        visitor = CookieClient(http_client, f"http://127.0.0.1:{port}")
        await visitor.get("/signup")
        assert (await visitor.post("/signup", {"name": "ada", "password": PASSWORD})).code == 302
        await visitor.get("/login")
        assert (await visitor.post("/login", {"name": "ada", "password": PASSWORD})).code == 302
        store = redis.Redis.from_url(redis_url)
        assert len(store.keys("site:*session:*")) == 1  # the session, on Redis
        await visitor.get("/posts/new")
        response = await visitor.post("/posts/new", {"title": "From a process", "body": "Hi."})
        location = response.headers["Location"]
        page = (await visitor.get(location)).body.decode()
        assert "Published “From a process”." in page and "by ada (1 post)" in page
        liked = await visitor.fetch(f"{location}/like", method="POST", body=b"",
                                    headers={"X-XSRFToken": visitor.xsrf})
        assert json.loads(liked.body) == {"likes": 1}
        token = await visitor.fetch("/api/token", method="POST", body=json.dumps(
            {"name": "ada", "password": PASSWORD}))
        token = json.loads(token.body)["token"]
        listing = await visitor.fetch("/api/posts", headers={"Authorization": f"Bearer {token}"})
        assert json.loads(listing.body)["posts"][0]["likes"] == 1
    finally:
        code, out, err = stop_app(process)
    assert code == 0 and out.rstrip().endswith("Stopped."), (code, out, err)
    assert "Traceback" not in err, err

    database = pair_urls["primary"].rsplit("/", 1)[1]
    mariadb_pair.wait_replicated()
    for server in (mariadb_pair.primary, mariadb_pair.replica):  # written once, on both
        assert rows(server, database, "SELECT title FROM posts") == (("From a process",),)
    access = (tmp_path / "logs" / "access.log").read_text()
    assert re.search(r"^.* 302 POST /posts/new [\d.]+ms ada 127\.0\.0\.1$", access, re.M), access
    assert re.search(r" 200 GET /signup [\d.]+ms - 127\.0\.0\.1$", access, re.M), access
    logs = "".join(p.read_text() for p in (tmp_path / "logs").iterdir())
    assert token not in logs and token not in out + err  # a bearer token is never logged
    assert (tmp_path / "cookie_secret").is_file()  # the site wrote only under SITE_DATA_DIR


def test_make_chapter_21_serves_the_site_on_the_servers_it_is_given(redis_url, pair_urls,
                                                                     tmp_path):
    port = free_port()
    env = site_env(redis_url, pair_urls, tmp_path)
    process = start_app("chapters.ch21_signals.app", port=port, env=env)
    try:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/about", timeout=10) as response:
            page = response.read().decode()
        assert "tornkit.signals.SignalMiddleware" in page and 'id="read-by">2<' in page
    finally:
        code, out, err = stop_app(process, signal.SIGTERM)
    assert code == 0 and out.rstrip().endswith("Stopped.")
    assert "Redis: using REDIS_URL=" in err and "Traceback" not in err


def test_without_its_servers_runserver_says_which_variable_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "MYSQL_PRIMARY_URL", "MYSQL_REPLICA_URL")}
    done = subprocess.run([sys.executable, str(PROJECT / "runserver.py"), "--logging=none",
                           f"--port={free_port()}"], env={**env, "SITE_DATA_DIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "SettingsError: REDIS_URL is not set: the site needs it (e.g. "
        "REDIS_URL=redis://127.0.0.1:6379/0); `make chapter-21` starts private servers and sets "
        "it for you"]
