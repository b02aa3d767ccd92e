"""Chapter 07's app, request by request; and the notes' handler (naive.py), attacked.

Every test runs with its working directory inside tmp_path (the `www` fixture), so a file the
notes' handler writes "outside" still lands in tmp_path, and `tree(tmp_path)` sees every byte
either app writes.
"""
import asyncio
import hashlib
import json
import random
import re

import pytest
import tornado.httputil
from tornado.httpserver import HTTPServer
from tornado.tcpclient import TCPClient
from tornado.testing import bind_unused_port

from chapters.ch07_upload import naive
from chapters.ch07_upload.app import make_app
from chapters.ch07_upload.client import form_data
from workbook import manifest

MiB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
STORED = re.compile(r"[0-9a-f]{32}\.(png|jpg|gif|pdf|txt|json)")


def tree(root) -> dict[str, bytes]:
    """Every file under root, by relative path, with its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def said(response) -> str:
    return f"{response.code} {response.body.decode(errors='replace').strip()[:300]!r}"


@pytest.fixture
def www(tmp_path, monkeypatch):
    """The server's working directory: tmp_path/srv/www. The notes' open(file_name) is relative
    to it, so ../../x lands in tmp_path, never in the repository."""
    www = tmp_path / "srv" / "www"
    www.mkdir(parents=True)
    monkeypatch.chdir(www)
    return www


@pytest.fixture
def upload_dir(tmp_path):
    return tmp_path / "uploads"  # where make_app(data_dir=tmp_path) stores


@pytest.fixture
def app(www, tmp_path):
    return make_app(data_dir=tmp_path, stream_max_bytes=64 * MiB)


@pytest.fixture
def post_files(fetch):
    """POST files as one multipart/form-data field (fff), like <input type=file multiple>."""
    def post(files, path="/api/upload", **kwargs):
        headers, body = form_data(files, **kwargs)
        return fetch(path, method="POST", headers=headers, body=body)
    return post


# --- The notes' handler (naive.py), attacked: every attack works ------------------------------
ATTACKS = [  # (client's file name, sent as filename*=, where the file lands relative to tmp_path)
    pytest.param("../../x.txt", False, "x.txt", id="dot-dot"),
    pytest.param("../../encoded.txt", True, "encoded.txt", id="dot-dot spelled filename*"),
    pytest.param("{tmp}/outside/abs.txt", False, "outside/abs.txt", id="absolute path"),
]


class TestTheNotesHandler:
    @pytest.fixture
    def app(self, www, tmp_path):
        (tmp_path / "outside").mkdir()
        return naive.make_app()

    @pytest.mark.gen_test
    @pytest.mark.parametrize("name, star, lands_at", ATTACKS)
    async def test_a_name_writes_outside_the_working_directory(
            self, post_files, tmp_path, name, star, lands_at):
        before = tree(tmp_path)
        response = await post_files([(name.format(tmp=tmp_path), b"pwned", "text/plain", star)],
                                    path="/index")
        assert response.code == 200
        assert tree(tmp_path) == {**before, lands_at: b"pwned"}  # outside srv/www

    @pytest.mark.gen_test
    async def test_the_second_upload_of_a_name_overwrites_the_first(self, post_files, www):
        await post_files([("report.txt", b"alice's report")], path="/index")
        await post_files([("report.txt", b"mallory's report")], path="/index")
        assert tree(www) == {"report.txt": b"mallory's report"}  # alice's is gone

    @pytest.mark.gen_test
    async def test_a_name_overwrites_a_file_the_server_owns(self, post_files, www):
        (www / "settings.py").write_text("DEBUG = False\n")
        await post_files([("settings.py", b"import os; os.system('...')\n")], path="/index")
        assert (www / "settings.py").read_bytes() == b"import os; os.system('...')\n"

    @pytest.mark.gen_test
    async def test_a_nul_byte_in_the_name_crashes_it(self, post_files, tmp_path):
        # filename*=UTF-8''evil%00.png reaches the handler as "evil\x00.png". Python's open()
        # refuses it (ValueError: embedded null byte), so there is no truncation to "evil" as in
        # C or old PHP, but the handler fails with a 500.
        before = tree(tmp_path)
        response = await post_files([("evil\x00.png", PNG)], path="/index")
        assert response.code == 500
        assert tree(tmp_path) == before

    @pytest.mark.gen_test
    async def test_an_empty_field_crashes_it(self, post_files):
        # A file input left empty is sent with filename="", which Tornado files under
        # body_arguments, not files: self.request.files["fff"] raises KeyError.
        response = await post_files([("", b"")], path="/index")
        assert response.code == 500

    @pytest.mark.gen_test
    async def test_tornado_itself_refuses_raw_control_characters_in_part_headers(self, fetch, www):
        # Sent raw (not percent-encoded in filename*), a NUL never reaches the handler: Tornado
        # 6.6's multipart parser answers 400.
        body = (b'--B\r\nContent-Disposition: form-data; name="fff"; filename="evil\x00.png"\r\n'
                b"\r\nxx\r\n--B--\r\n")
        response = await fetch("/index", method="POST", body=body,
                               headers={"Content-Type": "multipart/form-data; boundary=B"})
        assert response.code == 400
        assert tree(www) == {}


# --- The same attacks on the chapter's app: every one fails -----------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("name, star, lands_at", ATTACKS)
async def test_a_name_is_only_data(post_files, tmp_path, upload_dir, name, star, lands_at):
    (tmp_path / "outside").mkdir()
    name = name.format(tmp=tmp_path)
    before = tree(tmp_path)
    response = await post_files([(name, b"pwned", "text/plain", star)])
    assert response.code == 201, said(response)
    [record] = json.loads(response.body)["stored"]
    after = tree(tmp_path)
    new = {path for path in after if path not in before}
    assert {path: after[path] for path in before} == before  # nothing changed...
    assert new == {f"uploads/{record['id']}.txt", f"uploads/{record['id']}.json"}  # ...or added
    assert STORED.fullmatch(record["file"]) and after[f"uploads/{record['file']}"] == b"pwned"
    assert record["name"] == name  # kept, as data


@pytest.mark.gen_test
async def test_the_same_name_twice_keeps_both_files(post_files, upload_dir):
    first = json.loads((await post_files([("report.txt", b"alice's report")])).body)["stored"][0]
    second = json.loads((await post_files([("report.txt", b"mallory's report")])).body)["stored"][0]
    assert first["file"] != second["file"]
    assert (upload_dir / first["file"]).read_bytes() == b"alice's report"
    assert (upload_dir / second["file"]).read_bytes() == b"mallory's report"
    assert first["name"] == second["name"] == "report.txt"


@pytest.mark.gen_test
@pytest.mark.parametrize("name, body, code, message", [
    ("evil\x00.png", PNG, 400, r"the file name 'evil\x00.png' contains a control character"),
    ("a\r\nb.txt", b"x", 400, r"the file name 'a\r\nb.txt' contains a control character"),
    ("settings.py", b"import os\n", 415, "'settings.py': only .png .jpg .jpeg .gif .pdf .txt"),
    ("x" * 252 + ".txt", b"x", 400, "the file name is 256 characters long; at most 255"),
], ids=["NUL byte", "CR LF", "a server file's name", "a 256-character name"])
async def test_names_that_are_no_names_are_refused(post_files, tmp_path, name, body, code,
                                                   message):
    before = tree(tmp_path)
    response = await post_files([(name, body)])
    assert response.code == code, said(response)
    assert message in response.body.decode()
    assert tree(tmp_path) == before


# --- Limits: size ------------------------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/index", "/api/upload"])
async def test_an_upload_over_the_limit_is_a_413_with_a_message(post_files, upload_dir, path):
    response = await post_files([("big.txt", b"a" * (2 * MiB))], path=path)
    assert response.code == 413, said(response)
    body = response.body.decode()
    assert re.search(r"the upload is \d+ bytes; this form takes at most 1048576 bytes \(1 MiB\)",
                     body), body
    assert "/api/stream" in body  # where big files go
    assert list(upload_dir.iterdir()) == []


@pytest.mark.gen_test
async def test_an_upload_just_under_the_limit_is_stored(post_files, upload_dir):
    response = await post_files([("fits.txt", b"a" * (MiB - 1024))])
    assert response.code == 201, said(response)
    assert json.loads(response.body)["stored"][0]["size"] == MiB - 1024


@pytest.mark.gen_test
async def test_past_the_servers_max_body_size_tornado_answers_a_bare_400(upload_dir):
    # HTTPServer(max_body_size=...) is checked against Content-Length before any handler runs:
    # Tornado answers 400 with no message and closes the connection. Hence the handler's own
    # check, below that ceiling, to answer 413 with a reason.
    sock, port = bind_unused_port()
    server = HTTPServer(make_app(data_dir=upload_dir.parent), max_body_size=MiB)
    server.add_sockets([sock])
    stream = await TCPClient().connect("127.0.0.1", port)
    await stream.write(b"POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: multipart/form-data; boundary=B\r\n"
                       b"Content-Length: %d\r\n\r\n" % (2 * MiB))
    assert await stream.read_until_close() == b"HTTP/1.1 400 Bad Request\r\n\r\n"
    server.stop()


# --- Limits: type ------------------------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("name, body, stored_as, mime", [
    ("a.png", PNG, ".png", "image/png"),
    ("B.PNG", PNG, ".png", "image/png"),
    ("c.jpg", b"\xff\xd8\xff\xe0" + bytes(100), ".jpg", "image/jpeg"),
    ("d.jpeg", b"\xff\xd8\xff\xe1" + bytes(100), ".jpg", "image/jpeg"),
    ("e.gif", b"GIF89a" + bytes(100), ".gif", "image/gif"),
    ("f.pdf", b"%PDF-1.7\n" + bytes(100), ".pdf", "application/pdf"),
    ("g.txt", "茶 and tea\n".encode(), ".txt", "text/plain; charset=UTF-8"),
])
async def test_each_allowed_type_is_stored_under_its_own_extension(
        post_files, upload_dir, name, body, stored_as, mime):
    response = await post_files([(name, body)])
    assert response.code == 201, said(response)
    [record] = json.loads(response.body)["stored"]
    assert record["file"].endswith(stored_as) and record["type"] == mime
    assert (upload_dir / record["file"]).read_bytes() == body
    assert record["sha256"] == hashlib.sha256(body).hexdigest() and record["size"] == len(body)


@pytest.mark.gen_test
@pytest.mark.parametrize("name, body, message", [
    ("fake.png", b"<script>alert(1)</script>", "'fake.png' is not a PNG image"),
    ("photo.jpg", PNG, "'photo.jpg' is not a JPEG image"),
    ("notes.txt", b"\xff\xfe not UTF-8", "'notes.txt' is not a UTF-8 text file"),
    ("nul.txt", b"text\x00with a NUL", "'nul.txt' is not a UTF-8 text file"),
    ("page.html", b"<h1>hi</h1>", "'page.html': only .png .jpg .jpeg .gif .pdf .txt"),
    ("tool.exe", b"MZ\x90\x00", "'tool.exe': only"),
    ("README", b"text", "'README': only"),
], ids=["text as .png", "PNG as .jpg", "bad UTF-8", "NUL in text", ".html", ".exe",
        "no extension"])
async def test_a_file_that_is_not_what_it_claims_is_a_415(post_files, upload_dir, name, body,
                                                         message):
    response = await post_files([(name, body, "image/png")])  # the claimed type changes nothing
    assert response.code == 415, said(response)
    assert message in response.body.decode()
    assert list(upload_dir.iterdir()) == []


@pytest.mark.gen_test
async def test_the_clients_content_type_is_kept_as_data_and_not_trusted(post_files, fetch):
    response = await post_files([("a.png", PNG, "text/html")])
    [record] = json.loads(response.body)["stored"]
    assert (record["type"], record["claimed_type"]) == ("image/png", "text/html")
    served = await fetch("/files/" + record["file"])
    assert served.headers["Content-Type"] == "image/png"


# --- Several files in one field; an empty field ----------------------------------------------
@pytest.mark.gen_test
async def test_several_files_in_one_field_are_stored_in_order(post_files, upload_dir):
    files = [("one.txt", b"1"), ("two.png", PNG), ("three.txt", b"3")]
    response = await post_files(files)
    assert response.code == 201, said(response)
    stored = json.loads(response.body)["stored"]
    assert [r["name"] for r in stored] == ["one.txt", "two.png", "three.txt"]
    assert [(upload_dir / r["file"]).read_bytes() for r in stored] == [b"1", PNG, b"3"]


@pytest.mark.gen_test
async def test_one_bad_file_refuses_the_whole_upload(post_files, upload_dir):
    response = await post_files([("one.txt", b"1"), ("fake.png", b"2"), ("three.txt", b"3")])
    assert response.code == 415 and b"'fake.png' is not a PNG image" in response.body
    assert list(upload_dir.iterdir()) == []  # not even one.txt


@pytest.mark.gen_test
@pytest.mark.parametrize("files, field, message", [
    ([("", b"")], "fff", "no file in the form field 'fff': choose a file first"),
    ([("a.txt", b"hi")], "other", "no file in the form field 'fff'"),
    ([("empty.txt", b"")], "fff", "'empty.txt' is empty"),
], ids=["file input left empty", "no field fff", "a zero-byte file"])
async def test_an_empty_field_is_a_400_with_a_message(post_files, upload_dir, files, field,
                                                     message):
    response = await post_files(files, field=field)
    assert response.code == 400, said(response)
    assert message in response.body.decode()
    assert list(upload_dir.iterdir()) == []


@pytest.mark.gen_test
async def test_tornado_parses_at_most_100_parts(post_files, upload_dir):
    response = await post_files([(f"{i}.txt", b"x") for i in range(101)])
    assert response.code == 400
    assert b"multipart/form-data has too many parts" in response.body
    assert list(upload_dir.iterdir()) == []


def test_request_files_holds_filename_content_type_and_body():
    headers, body = form_data([("a.png", PNG, "image/png"), ("b.txt", b"hi", "text/plain")])
    arguments, files = {}, {}
    tornado.httputil.parse_body_arguments(headers["Content-Type"], body, arguments, files)
    first, second = files["fff"]  # one list per field, one HTTPFile per file
    assert (first.filename, first.content_type, first.body) == ("a.png", "image/png", PNG)
    assert second["filename"] == "b.txt" and second["body"] == b"hi"  # the notes' meta['...']


# --- Pages, listing, serving -------------------------------------------------------------------
@pytest.mark.gen_test
async def test_index_shows_the_notes_form(fetch):
    html = (await fetch("/index")).body.decode()
    assert 'action="/index" method="POST" enctype="multipart/form-data"' in html
    assert '<input name="fff" id="my_file" type="file" multiple' in html
    assert 'id="none"' in html  # nothing stored yet


@pytest.mark.gen_test
async def test_root_lists_the_chapters_pages(fetch):
    body = (await fetch("/")).body.decode()
    links = set(re.findall(r'href="(/[^"]*)"', body.split('id="pages"')[1]))
    assert links == {"/index", "/ajax", "/api/files"}
    assert set(manifest.for_path(__file__).paths) <= links | {"/"}


def test_uploads_live_under_data_dir(tmp_path):
    app = make_app(data_dir=tmp_path / "data")
    assert app.settings["upload_dir"] == (tmp_path / "data" / "uploads").resolve()
    assert app.settings["upload_dir"].is_dir()


@pytest.mark.gen_test
async def test_the_form_post_redirects_and_the_page_lists_the_file(post_files, fetch):
    response = await post_files([("茶.txt", "茶".encode())], path="/index")
    assert response.code == 303 and response.headers["Location"] == "/index"
    html = (await fetch("/index")).body.decode()
    assert '<td class="name">茶.txt</td>' in html
    assert re.search(r'<a href="/files/[0-9a-f]{32}\.txt">', html)


@pytest.mark.gen_test
async def test_the_list_shows_a_clients_name_escaped(post_files, fetch):
    await post_files([("<img src=x onerror=alert(1)>.txt", b"hi")])
    html = (await fetch("/index")).body.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert "<img src=x" not in html


@pytest.mark.gen_test
async def test_api_files_lists_uploads_in_order(post_files, fetch):
    for name in ("first.txt", "second.txt", "third.txt"):
        await post_files([(name, b"x")])
    files = json.loads((await fetch("/api/files")).body)["files"]
    assert [f["name"] for f in files] == ["first.txt", "second.txt", "third.txt"]


@pytest.mark.gen_test
async def test_a_stored_file_is_served_as_an_attachment_of_its_sniffed_type(post_files, fetch):
    [record] = json.loads((await post_files([("../x y.png", PNG, "text/html")])).body)["stored"]
    response = await fetch("/files/" + record["file"])
    assert response.code == 200 and response.body == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''..%2Fx%20y.png"


@pytest.mark.gen_test
async def test_only_stored_files_are_served(post_files, fetch):
    [record] = json.loads((await post_files([("a.txt", b"hi")])).body)["stored"]
    for path in (f"/files/{record['id']}.json", "/files/../app.py", "/files/" + "0" * 32 + ".txt"):
        response = await fetch(path)
        assert response.code == 404, (path, said(response))


@pytest.mark.gen_test
async def test_the_ajax_page_loads_its_script(fetch):
    html = (await fetch("/ajax")).body.decode()
    assert '<progress id="progress" max="100" value="0">' in html
    script = re.search(r'<script src="(/static/upload\.js\?v=[0-9a-f]+)">', html)
    assert script, html
    response = await fetch(script[1])
    assert response.code == 200 and b"xhr.upload.addEventListener" in response.body


@pytest.mark.gen_test
@pytest.mark.parametrize("headers, code", [
    ({"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403),
    ({"Origin": "https://evil.example"}, 403),
    # Origins, not sites: the same host on another port is the same *site*, another origin.
    ({"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, 403),
    ({"Origin": "http://127.0.0.1:1"}, 403),
    ({"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1"}, 201),
], ids=["another site's page", "an old browser on another site", "another port's page",
        "an old browser on another port", "our own page"])
async def test_an_upload_from_another_origins_page_is_refused(fetch, upload_dir, headers, code):
    form_headers, body = form_data([("a.txt", b"hi")])
    response = await fetch("/api/upload", method="POST", body=body,
                           headers={**form_headers, **headers})
    assert response.code == code, said(response)
    assert len(list(upload_dir.iterdir())) == (2 if code == 201 else 0)


# --- Big files: streamed to disk ---------------------------------------------------------------
def random_producer(size: int, sha256):
    """A body_producer of `size` pseudo-random bytes, made 64 KiB at a time (never whole in
    memory), feeding sha256 as it goes. It starts like a PDF."""
    rng = random.Random(7)

    async def produce(write):
        head = b"%PDF-1.7\n"
        sha256.update(head)
        await write(head)
        left = size - len(head)
        while left:
            chunk = rng.randbytes(min(64 * 1024, left))
            sha256.update(chunk)
            await write(chunk)
            left -= len(chunk)
    return produce


@pytest.mark.gen_test(timeout=60)
async def test_a_file_50_times_the_buffered_limit_streams_to_disk(fetch, upload_dir):
    size, sha256 = 50 * MiB, hashlib.sha256()
    response = await fetch("/api/stream?filename=big.pdf", method="PUT", request_timeout=60,
                           headers={"Content-Length": str(size), "Content-Type": "x/claimed"},
                           body_producer=random_producer(size, sha256))
    assert response.code == 201, said(response)
    record = json.loads(response.body)
    assert (record["size"], record["sha256"]) == (size, sha256.hexdigest())
    assert (record["name"], record["type"], record["claimed_type"]) == (
        "big.pdf", "application/pdf", "x/claimed")
    on_disk = hashlib.sha256()
    with open(upload_dir / record["file"], "rb") as f:
        while chunk := f.read(MiB):
            on_disk.update(chunk)
    assert on_disk.hexdigest() == sha256.hexdigest()
    assert sorted(p.name for p in upload_dir.iterdir()) == [f"{record['id']}.json",
                                                             f"{record['id']}.pdf"]


@pytest.mark.gen_test
async def test_a_stream_over_its_limit_is_a_413_before_a_byte_is_sent(fetch, upload_dir):
    sent = []

    async def producer(write):
        sent.append(True)
        await write(b"a" * 1024)
    response = await fetch("/api/stream?filename=huge.txt", method="PUT", body_producer=producer,
                           headers={"Content-Length": str(64 * MiB + 1)},
                           expect_100_continue=True)  # send the body only after "100 Continue"
    assert response.code == 413, said(response)
    assert b"the file is 67108865 bytes; /api/stream takes at most 67108864 bytes (64 MiB)" in (
        response.body)
    assert sent == []  # the server answered from the headers alone
    assert list(upload_dir.iterdir()) == []


@pytest.mark.gen_test
async def test_a_stream_raises_the_servers_ceiling_for_itself(http_client, upload_dir):
    # set_max_body_size() in prepare(): a server capped at 1 MiB takes a 3 MiB stream.
    sock, port = bind_unused_port()
    server = HTTPServer(make_app(data_dir=upload_dir.parent), max_body_size=MiB)
    server.add_sockets([sock])
    body = b"line of text\n" * (3 * MiB // 13)
    response = await http_client.fetch(f"http://127.0.0.1:{port}/api/stream?filename=a.txt",
                                       method="PUT", body=body, raise_error=False)
    server.stop()
    assert response.code == 201, said(response)
    assert json.loads(response.body)["size"] == len(body) > MiB


@pytest.mark.gen_test
async def test_a_client_that_disconnects_mid_stream_leaves_no_file(http_server, http_port,
                                                                   upload_dir):
    stream = await TCPClient().connect("127.0.0.1", http_port)
    await stream.write(b"PUT /api/stream?filename=cut.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Length: 3000000\r\n\r\n" + b"b" * 1_000_000)
    part = None
    for _ in range(500):  # wait until the server has written the first MB to its temp file
        parts = list(upload_dir.glob("*.part"))
        if parts and parts[0].stat().st_size == 1_000_000:
            part = parts[0]
            break
        await asyncio.sleep(0.01)
    assert part is not None, f"no 1 MB .part file appeared: {list(upload_dir.iterdir())}"
    stream.close()  # the client goes away, 2 MB short
    for _ in range(500):
        if not part.exists():
            break
        await asyncio.sleep(0.01)
    assert list(upload_dir.iterdir()) == []


@pytest.mark.gen_test
@pytest.mark.parametrize("query, body, code, message", [
    ("?filename=fake.pdf", b"not a PDF\n" * 100, 415, "'fake.pdf' is not a PDF document"),
    ("?filename=short.png", b"hello", 415, "'short.png' is not a PNG image"),
    ("?filename=run.sh", b"#!/bin/sh\n", 415, "'run.sh': only"),
    ("", b"hello", 400, "Missing argument filename"),
    ("?filename=empty.txt", b"", 400, "'empty.txt' is empty"),
], ids=["text as .pdf", "a short file is judged whole", "extension", "no filename", "empty"])
async def test_a_stream_refused_keeps_nothing(fetch, upload_dir, query, body, code, message):
    response = await fetch("/api/stream" + query, method="PUT", body=body)
    assert response.code == code, said(response)
    assert message in response.body.decode()
    assert list(upload_dir.iterdir()) == []  # no .part file either


@pytest.mark.gen_test
async def test_a_stream_needs_a_content_length(fetch, upload_dir):
    async def chunked(write):  # no Content-Length: Transfer-Encoding: chunked
        await write(b"hello")
    response = await fetch("/api/stream?filename=a.txt", method="PUT", body_producer=chunked)
    assert response.code == 411 and b"Content-Length" in response.body
    assert list(upload_dir.iterdir()) == []


@pytest.mark.gen_test
async def test_a_nul_in_the_query_becomes_a_space(fetch, upload_dir):
    # get_query_argument() replaces control characters with spaces (strip=True also trims the
    # ends): in a query argument, a NUL never reaches the handler. The name is still only data.
    response = await fetch("/api/stream?filename=evil%00.txt", method="PUT", body=b"hello")
    assert response.code == 201, said(response)
    assert json.loads(response.body)["name"] == "evil .txt"


@pytest.mark.gen_test
async def test_a_short_stream_is_stored(fetch, upload_dir):
    response = await fetch("/api/stream?filename=hi.txt", method="PUT", body=b"hello")
    assert response.code == 201, said(response)
    assert (upload_dir / json.loads(response.body)["file"]).read_bytes() == b"hello"
