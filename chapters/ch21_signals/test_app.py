"""Chapter 21's site (project/), in this process: a real Redis and a real primary and replica.

The same site runs as a process of its own in test_project.py."""
import contextlib
import json
import re
import threading

import pytest
import redis

from chapters.ch21_signals.app import PROJECT, make_app
from workbook.testing import CookieClient

PRIMARY, REPLICA = 1, 2  # the pair's server_id values (workbook.services)
PASSWORD = "correct horse"


@pytest.fixture
def app(redis_url, pair_urls, tmp_path, io_loop):
    site = make_app(redis_url=redis_url, pair_urls=pair_urls, data_dir=tmp_path)
    yield site
    io_loop.run_sync(site.close)


@pytest.fixture
def visitor(http_client, base_url):
    return CookieClient(http_client, base_url)


@pytest.fixture
def other(http_client, base_url):
    return CookieClient(http_client, base_url)


async def sign_up(client, name="ada", password=PASSWORD):
    await client.get("/signup")
    return await client.post("/signup", {"name": name, "password": password})


async def log_in(client, name="ada", password=PASSWORD, **fields):
    await client.get("/login")
    return await client.post("/login", {"name": name, "password": password, **fields})


async def member(client, name="ada"):
    assert (await sign_up(client, name)).code == 302
    response = await log_in(client, name)
    assert response.code == 302, response.body
    return client


async def publish(client, title="Hello, world", body="The first post."):
    await client.get("/posts/new")
    response = await client.post("/posts/new", {"title": title, "body": body})
    assert response.code == 302, response.body
    return int(response.headers["Location"].rsplit("/", 1)[1])


def text(response) -> str:
    return response.body.decode()


# --- 目录结构: tornadopy's layout ------------------------------------------------------------------
def test_the_project_has_tornadopys_layout():
    for part in ("runserver.py", "settings/setting.py", "blog/urls.py", "accounts/urls.py",
                 "middlewares/accesslog.py", "httpmodules/__init__.py", "templates/base.html",
                 "statics/site.js"):
        assert (PROJECT / part).is_file(), part


def test_without_its_servers_the_settings_say_which_variable_is_missing(monkeypatch):
    from tornkit.conf import SettingsError
    from workbook import projects

    for name in ("REDIS_URL", "MYSQL_PRIMARY_URL", "MYSQL_REPLICA_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError, match="REDIS_URL is not set.*make chapter-21"):
        with projects.imported(PROJECT):
            from tornkit import Settings
            Settings("settings.setting")


def test_the_demos_blog_new_adds_the_model_class_and_sqlalchemy_refuses_it():
    """tornadopy's demo set the form's values as attributes of the model class and added the
    class (B18 of the research): one "post" for every request, and no row at all today."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import UnmappedInstanceError

    from workbook import projects

    with projects.imported(PROJECT):  # a copy of its own: the demo overwrites a column below
        from blog.models import Post
    Post.title = "set on the class, as the demo did"
    with pytest.raises(UnmappedInstanceError, match="was a class .*Post.* supplied where an "
                                                    "instance was required"):
        Session().add(Post)


# --- A visitor's path through the site -------------------------------------------------------------
@pytest.mark.gen_test
async def test_sign_up_log_in_write_and_read_your_post(visitor):
    response = await sign_up(visitor)
    assert (response.code, response.headers["Location"]) == (302, "/login")
    page = text(await visitor.get("/login"))
    assert "Welcome, ada!" in page  # the flash message, shown once
    assert "Welcome, ada!" not in text(await visitor.get("/login"))

    response = await log_in(visitor)
    assert (response.code, response.headers["Location"]) == (302, "/")
    post_id = await publish(visitor, "Hello, world", "The first post.")
    page = text(await visitor.get(f"/posts/{post_id}"))
    assert "Published “Hello, world”." in page
    assert "The first post." in page and "by ada (1 post)" in page
    index = text(await visitor.get("/"))
    assert f'href="/posts/{post_id}">Hello, world</a>' in index and "1 post," in index


@pytest.mark.gen_test
async def test_login_gives_a_new_session_id_kept_in_redis_and_logout_removes_it(
        visitor, redis_url):
    await sign_up(visitor)  # its flash message waits in a session: an id before the login
    before = visitor.cookies["__TORNADOSSID"]
    await visitor.post("/login", {"name": "ada", "password": PASSWORD})
    after = visitor.cookies["__TORNADOSSID"]
    assert after != before  # session fixation: the id changes at login
    store = redis.Redis.from_url(redis_url)
    keys = {k.decode() for k in store.keys("site:*session:*")}
    assert len(keys) == 1, keys  # the old id leads nowhere
    await visitor.post("/logout", {})
    assert store.keys("site:*session:*") == []
    assert "log in" in text(await visitor.get("/"))


@pytest.mark.gen_test
async def test_passwords_are_hashed_in_the_thread_pool_not_on_the_ioloop(app, visitor,
                                                                         monkeypatch):
    login = app.wildcard_router.named_rules["login"].target
    namespace = login.password_matches.__wrapped__.__globals__  # accounts/passwords.py
    threads = []

    def recording(real):
        def call(*args):
            threads.append((real.__name__, threading.current_thread().name))
            return real(*args)
        return call

    for name in ("hash_password", "check_password"):
        monkeypatch.setitem(namespace, name, recording(namespace[name]))
    await member(visitor)
    assert {name for name, _ in threads} == {"hash_password", "check_password"}
    assert all(thread.startswith("tornkit-pool") for _, thread in threads), threads


@pytest.mark.gen_test
async def test_a_wrong_password_is_a_403_and_next_never_leaves_the_site(visitor):
    await sign_up(visitor)
    response = await log_in(visitor, password="wrong password")
    assert response.code == 403 and "wrong name or password" in text(response)
    response = await log_in(visitor, next="//evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.gen_test
async def test_writing_needs_a_login(visitor):
    response = await visitor.get("/posts/new")
    assert (response.code, response.headers["Location"]) == (302, "/login?next=%2Fposts%2Fnew")
    await visitor.get("/login")  # the _xsrf cookie: the refusal is the login's, not the XSRF check's
    response = await visitor.post("/posts/new", {"title": "t", "body": "b"})
    assert response.code == 401 and json.loads(response.body)["error"] == "log in first"


# --- db&orm: the replica reads, the primary writes ---------------------------------------------------
@pytest.mark.gen_test
async def test_reads_come_from_the_replica_and_writes_from_the_primary(visitor):
    page = text(await visitor.get("/about"))
    assert f'<span id="read-by">{REPLICA}</span>' in page
    assert f'<span id="primary">{PRIMARY}</span>' in page


@pytest.mark.gen_test
async def test_the_writer_reads_its_post_at_once_while_others_wait_for_the_replica(
        visitor, other, mariadb_pair):
    await member(visitor)
    with mariadb_pair.replication_stopped():
        post_id = await publish(visitor, "Fresh", "Not on the replica yet.")
        assert (await visitor.get(f"/posts/{post_id}")).code == 200  # pinned to the primary
        assert (await other.get(f"/posts/{post_id}")).code == 404  # the replica lags
        assert "Fresh" not in text(await other.get("/"))
    assert (await other.get(f"/posts/{post_id}")).code == 200  # replicated now


# --- signal: post_published, heard by the accounts app ---------------------------------------------
@pytest.mark.gen_test
async def test_post_published_reaches_the_accounts_receiver_which_counts_in_redis(
        visitor, redis_url):
    await member(visitor)
    await publish(visitor, "One", "1")
    second = await publish(visitor, "Two", "2")
    assert "by ada (2 posts)" in text(await visitor.get(f"/posts/{second}"))
    store = redis.Redis.from_url(redis_url)
    (key,) = store.keys("site:*posts-by:*")
    assert int(store.get(key)) == 2


@pytest.mark.gen_test
async def test_call_finished_counts_this_sites_responses_by_status_class(visitor):
    await visitor.get("/")
    await visitor.get("/no-such-page")
    page = text(await visitor.get("/about"))
    stats = dict(re.findall(r"<li>(\dxx): (\d+)</li>", page))
    assert stats == {"2xx": "1", "4xx": "1"}  # the /about being rendered is not finished yet


# --- likes, from the page's JavaScript ------------------------------------------------------------------
@pytest.mark.gen_test
async def test_a_like_counts_once_per_member(visitor, other):
    await member(visitor)
    post_id = await publish(visitor)
    xsrf = {"X-XSRFToken": visitor.xsrf}
    for _ in range(2):
        response = await visitor.fetch(f"/posts/{post_id}/like", method="POST", body=b"",
                                       headers=xsrf)
        assert json.loads(response.body) == {"likes": 1}
    await member(other, "grace")
    response = await other.fetch(f"/posts/{post_id}/like", method="POST", body=b"",
                                 headers={"X-XSRFToken": other.xsrf})
    assert json.loads(response.body) == {"likes": 2}
    missing = await other.fetch("/posts/999999/like", method="POST", body=b"",
                                headers={"X-XSRFToken": other.xsrf})
    assert missing.code == 404 and "there is no post 999999" in text(missing)


@pytest.mark.gen_test
async def test_a_like_without_the_xsrf_header_is_refused(visitor):
    await member(visitor)
    post_id = await publish(visitor)
    response = await visitor.fetch(f"/posts/{post_id}/like", method="POST", body=b"")
    assert response.code == 403


# --- Bad input: a 4xx that says what is wrong ------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("fields, message", [
    ({"title": "", "body": "b"}, "a title has 1 to 100 characters, not 0"),
    ({"title": "t" * 101, "body": "b"}, "a title has 1 to 100 characters, not 101"),
    ({"title": "t", "body": "  "}, "a post has 1 to 2000 characters, not 0"),
    ({"title": "t", "body": "b" * 2001}, "a post has 1 to 2000 characters, not 2001"),
])
async def test_a_post_out_of_bounds_is_a_400_that_says_why(visitor, fields, message):
    await member(visitor)
    await visitor.get("/posts/new")
    response = await visitor.post("/posts/new", fields)
    assert response.code == 400 and message in text(response)
    assert "0 posts" in text(await visitor.get("/"))


@pytest.mark.gen_test
async def test_a_line_break_counts_as_one_character_as_in_the_form(visitor, pair_urls,
                                                                   mariadb_pair):
    await member(visitor)
    body = "\r\n".join(["x" * 99] * 20)  # 1980 + 19 line breaks: 1999 in the page's counter
    post_id = await publish(visitor, "Lines", body)
    database = pair_urls["primary"].rsplit("/", 1)[1]
    with contextlib.closing(mariadb_pair.primary.connect(database)) as conn, conn.cursor() as cur:
        cur.execute("SELECT body FROM posts WHERE id = %s", (post_id,))
        assert cur.fetchone()[0] == body.replace("\r\n", "\n")


@pytest.mark.gen_test
@pytest.mark.parametrize("name, password, message", [
    ("A!", PASSWORD, "a name has 3 to 30 characters"),
    ("ada", "short", "a password has 8 to 200 characters"),
])
async def test_a_bad_sign_up_is_a_400_with_the_reason(visitor, name, password, message):
    response = await sign_up(visitor, name, password)
    assert response.code == 400 and message in text(response)


@pytest.mark.gen_test
async def test_a_taken_name_is_a_400(visitor, other):
    await sign_up(visitor, "ada")
    response = await sign_up(other, "ada")
    assert response.code == 400 and "the name &#39;ada&#39; is taken" in text(response)


@pytest.mark.gen_test
@pytest.mark.parametrize("query", ["?page=0", "?page=abc", "?page=9999999"])
async def test_a_page_number_out_of_range_is_a_400(visitor, query):
    response = await visitor.get("/" + query)
    assert response.code == 400 and "page" in text(response)


@pytest.mark.gen_test
async def test_any_unicode_is_stored_and_compared_whole(visitor, other):
    await member(visitor, "ada")
    post_id = await publish(visitor, "龍捲風 🌪", "Right-to-left: \u202e, and 4 bytes: 😀.")
    page = text(await visitor.get(f"/posts/{post_id}"))
    assert "龍捲風 🌪" in page and "\u202e, and 4 bytes: 😀." in page
    response = await log_in(other, name="\u202e🌪")  # no such name: a miss, not a 500
    assert response.code == 403 and "wrong name or password" in text(response)


@pytest.mark.gen_test
async def test_what_a_member_writes_is_escaped(visitor):
    await member(visitor)
    post_id = await publish(visitor, "<script>alert(1)</script>", "<b>bold</b>")
    for path in ("/", f"/posts/{post_id}"):
        page = text(await visitor.get(path))
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/", "/about", "/no-such-page", "/statics/site.css"])
async def test_every_response_carries_the_security_headers(visitor, path):
    response = await visitor.get(path)
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'self'
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.gen_test
async def test_logging_out_takes_a_post(visitor):
    response = await visitor.get("/logout")
    assert response.code == 405 and "log out with the form's POST" in text(response)


# --- token: the JSON API -----------------------------------------------------------------------------------
async def api(client, method, path, payload=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(payload).encode() if payload is not None else (
        b"" if method in ("POST", "PUT") else None)
    response = await client.fetch(path, method=method, body=body, headers=headers,
                                  allow_nonstandard_methods=True)
    return response.code, (json.loads(response.body) if response.body else None)


@pytest.mark.gen_test
async def test_a_token_reads_and_writes_posts_and_ends_with_delete(visitor, other):
    await sign_up(visitor)
    code, body = await api(other, "POST", "/api/token", {"name": "ada", "password": PASSWORD})
    assert code == 201 and body["token_type"] == "Bearer"
    token = body["token"]
    code, post = await api(other, "POST", "/api/posts", {"title": "By API", "body": "json"}, token)
    assert code == 201 and (post["author"], post["likes"]) == ("ada", 0)
    code, listing = await api(other, "GET", "/api/posts", token=token)
    assert code == 200 and listing["total"] == 1 and listing["posts"][0]["title"] == "By API"
    assert "by ada (1 post)" in text(await visitor.get(f"/posts/{post['id']}"))  # the signal
    assert (await api(other, "DELETE", "/api/token", token=token))[0] == 204
    code, body = await api(other, "GET", "/api/posts", token=token)
    assert code == 401 and "Bearer" in body["error"]


@pytest.mark.gen_test
@pytest.mark.parametrize("payload, status, message", [
    ({"name": "ada", "password": "nope nope"}, 403, "wrong name or password"),
    ({"name": 7}, 400, 'send {"name": "...", "password": "..."}'),
    ([1, 2], 400, "the body must be a JSON object, not list"),
])
async def test_a_bad_token_request_is_answered_in_json(visitor, payload, status, message):
    await sign_up(visitor)
    code, body = await api(visitor, "POST", "/api/token", payload)
    assert (code, body) == (status, {"error": message, "status": status})


@pytest.mark.gen_test
async def test_a_token_in_the_url_is_refused_and_revoked(visitor):
    await sign_up(visitor)
    _, body = await api(visitor, "POST", "/api/token", {"name": "ada", "password": PASSWORD})
    code, answer = await api(visitor, "GET", f"/api/posts?token={body['token']}")
    assert code == 400 and "never in the URL" in answer["error"]
    assert (await api(visitor, "GET", "/api/posts", token=body["token"]))[0] == 401


@pytest.mark.gen_test
async def test_a_bad_post_through_the_api_is_a_400(visitor):
    await sign_up(visitor)
    _, body = await api(visitor, "POST", "/api/token", {"name": "ada", "password": PASSWORD})
    code, answer = await api(visitor, "POST", "/api/posts", {"title": "", "body": "x"},
                             body["token"])
    assert (code, answer["error"]) == (400, "a title has 1 to 100 characters, not 0")
    code, answer = await api(visitor, "POST", "/api/posts", {"title": ["x"]}, body["token"])
    assert (code, answer["error"]) == (400, 'send {"title": "...", "body": "..."}')
