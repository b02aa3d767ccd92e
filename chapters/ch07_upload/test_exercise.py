"""Tests of the chapter 07 exercise. `make check-07` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch07_upload/exercise.py."""
import json
import re
from pathlib import Path

import pytest

from chapters.ch07_upload.client import form_data

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0" + bytes(100)
GIF = b"GIF89a" + bytes(100)
SAFE = re.compile(r"[0-9a-f]{32}\.(png|jpg|gif)")
NAMES = "lesson §3, the fix: a name the server makes"
LIMITS = "lesson §4, limits"


def files_under(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def upload_dir(tmp_path):
    path = tmp_path / "uploads"  # where make_app(data_dir=tmp_path) stores
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def app(exercise, tmp_path):
    return exercise.make_app(data_dir=tmp_path)


@pytest.fixture
def post(http_client, base_url):
    def post(files, field="avatar"):
        headers, body = form_data(files, field=field)
        return http_client.fetch(base_url + "/avatar", method="POST", headers=headers, body=body,
                                 raise_error=False)
    return post


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"


# --- step 1 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("head, expected", [
    (PNG, ".png"), (JPEG, ".jpg"), (b"GIF87a" + bytes(10), ".gif"), (GIF, ".gif"),
    (b"hello, I am text", None), (b"<svg onload=alert(1)>", None), (b"%PDF-1.7", None),
    (b"\x89PN", None), (b"", None), (b"text, then \x89PNG\r\n\x1a\n", None),
    (b"GIF88a" + bytes(10), None),
], ids=["PNG", "JPEG", "GIF87a", "GIF89a", "text", "SVG", "PDF", "a cut PNG signature", "empty",
        "a PNG signature not at the start", "GIF88a"])
def test_step1_sniff_judges_by_the_first_bytes(exercise, head, expected):
    got = exercise.sniff(head)
    assert got == expected, (
        f"sniff({head[:24]!r}) should be {expected!r}, got {got!r}: a type is judged by the "
        f"signature the file starts with, and anything else is None (lesson §4, limits: type)")


# --- step 2 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("extension", [".png", ".jpg", ".gif"])
def test_step2_safe_name_is_random_hex_and_the_extension(exercise, extension):
    names = {exercise.safe_name(extension) for _ in range(50)}
    for name in names:
        assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(extension), name), (
            f"safe_name({extension!r}) should be 32 hex digits + {extension!r}, got {name!r} "
            f"({NAMES})")
    assert len(names) == 50, (
        f"50 calls of safe_name({extension!r}) gave only {len(names)} different names: the name "
        f"must be random each time, from a source nobody can predict ({NAMES})")


# --- step 3 ------------------------------------------------------------------------------------
def test_step3_save_writes_a_new_file_inside_the_upload_dir(exercise, upload_dir):
    first = exercise.save(upload_dir, ".png", PNG)
    second = exercise.save(upload_dir, ".png", PNG)
    for path in (first, second):
        assert isinstance(path, Path) and path.parent == upload_dir and SAFE.fullmatch(path.name), (
            f"save(upload_dir, '.png', body) should return the Path it wrote, a safe name inside "
            f"upload_dir, got {path!r} ({NAMES})")
        assert path.read_bytes() == PNG, f"{path.name} should hold the body that was saved"
    assert first != second and len(files_under(upload_dir)) == 2, (
        f"two saves should make two files, found {files_under(upload_dir)}: a new name each time "
        f"({NAMES})")


def test_step3_save_never_overwrites(exercise, upload_dir, monkeypatch):
    monkeypatch.setattr(exercise, "safe_name", lambda extension: "0" * 32 + extension)
    exercise.save(upload_dir, ".gif", GIF)  # the name is forced: the next save collides
    with pytest.raises(FileExistsError):
        exercise.save(upload_dir, ".gif", b"GIF89a overwritten!")
        pytest.fail("a second save() to an existing name should raise FileExistsError, and it "
                    f"replaced the file instead: a file is opened so that it is only ever "
                    f"created, never overwritten ({NAMES})")
    assert (upload_dir / ("0" * 32 + ".gif")).read_bytes() == GIF


# --- step 4 ------------------------------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("name, body, content_type, extension", [
    ("me.png", PNG, "image/png", ".png"),
    ("../../../etc/me.jpg", JPEG, "image/jpeg", ".jpg"),
    ("/tmp/me.gif", GIF, "image/gif", ".gif"),
    ("photo.txt", PNG, "text/plain", ".png"),
], ids=["PNG", "JPEG named ../../../etc/me.jpg", "GIF named /tmp/me.gif",
        "a PNG named .txt, sent as text/plain"])
async def test_step4_an_avatar_is_stored_under_a_safe_name(post, upload_dir, tmp_path, name,
                                                           body, content_type, extension):
    response = await post([(name, body, content_type)])
    assert response.code == 201, (
        f"POST /avatar with a {extension[1:].upper()} named {name!r} should answer 201, got "
        f"{said(response)}")
    answer = json.loads(response.body)
    assert answer == {"stored_as": answer.get("stored_as"), "name": name, "size": len(body)}, (
        f"the answer should be {{'stored_as': ..., 'name': {name!r}, 'size': {len(body)}}}, "
        f"got {answer}: the client's name goes back as data ({NAMES})")
    assert SAFE.fullmatch(str(answer["stored_as"])) and answer["stored_as"].endswith(extension), (
        f"stored_as should be 32 hex digits + {extension!r} (sniffed from the bytes, not taken "
        f"from the name), got {answer['stored_as']!r} ({NAMES})")
    assert files_under(tmp_path) == [f"uploads/{answer['stored_as']}"], (
        f"the one file written should be uploads/{answer['stored_as']}, found "
        f"{files_under(tmp_path)}: only save() writes, and only inside upload_dir ({NAMES})")
    assert (upload_dir / answer["stored_as"]).read_bytes() == body


@pytest.mark.gen_test
@pytest.mark.parametrize("files, field, code, why", [
    ([("", b"")], "avatar", 400, "a file input left empty sends a part with no file name"),
    ([("me.png", PNG)], "photo", 400, "the form has no field 'avatar'"),
    ([("big.png", PNG + bytes(64 * 1024))], "avatar", 413, "the file is over MAX_BYTES"),
    ([("big.txt", b"text " * 20_000)], "avatar", 413,
     "the file is over MAX_BYTES, and the size is checked before the type"),
    ([("fake.png", b"<script>alert(1)</script>", "image/png")], "avatar", 415,
     "its bytes are no image, whatever the name and Content-Type say"),
    ([("doc.gif", b"%PDF-1.7\n" + bytes(100), "image/gif")], "avatar", 415,
     "a PDF is not an avatar"),
], ids=["file input left empty", "no avatar field", "too big", "too big and not an image",
        "text named .png", "a PDF"])
async def test_step4_a_refused_upload_is_a_4xx_with_a_message_and_stores_nothing(
        post, upload_dir, files, field, code, why):
    response = await post(files, field=field)
    body = response.body.decode(errors="replace")
    assert response.code == code, (
        f"expected {code} ({why}), got {said(response)} ({LIMITS}; §8 lists the checks in order)")
    assert re.fullmatch(rf"{code} [^:]+: .+\n", body), (
        f"the {code} should say why in its message, got {body!r} (workbook.web.BaseHandler "
        f"shows an HTTPError's message; {LIMITS})")
    assert files_under(upload_dir) == [], (
        f"a refused upload should store nothing, found {files_under(upload_dir)}: "
        f"every check comes before anything is saved ({LIMITS})")


@pytest.mark.gen_test
async def test_step4_the_size_limit_includes_max_bytes_itself(exercise, post, upload_dir):
    limit = exercise.MAX_BYTES
    exact = PNG + bytes(limit - len(PNG))
    response = await post([("exact.png", exact, "image/png")])
    assert response.code == 201, (
        f"an avatar of exactly MAX_BYTES ({limit}) bytes should be stored (201): MAX_BYTES is "
        f"the most that is accepted, got {said(response)} ({LIMITS})")
    response = await post([("over.png", exact + b"\0", "image/png")])
    assert response.code == 413, (
        f"an avatar of MAX_BYTES + 1 ({limit + 1}) bytes should be a 413, got {said(response)} "
        f"({LIMITS})")
    assert len(files_under(upload_dir)) == 1, (
        f"only the first avatar should be stored, found {files_under(upload_dir)}")
