"""Tests of the chapter 07 exercise. `make check-07` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch07_upload/exercise.py."""
import json
import re

import pytest

from chapters.ch07_upload.client import form_data

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0" + bytes(100)
GIF = b"GIF89a" + bytes(100)
SAFE = re.compile(r"[0-9a-f]{32}\.(png|jpg|gif)")


def files_under(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def upload_dir(tmp_path):
    path = tmp_path / "avatars"
    path.mkdir()
    return path


@pytest.fixture
def app(exercise, upload_dir):
    return exercise.make_app(upload_dir)


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
    (b"\x89PN", None), (b"", None),
], ids=["PNG", "JPEG", "GIF87a", "GIF89a", "text", "SVG", "PDF", "a cut PNG signature", "empty"])
def test_step1_sniff_judges_by_the_first_bytes(exercise, head, expected):
    got = exercise.sniff(head)
    assert got == expected, (
        f"sniff({head[:12]!r}) should be {expected!r}, got {got!r}: compare the start of head "
        "with each signature (head.startswith(...)); anything else is None")


# --- step 2 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("extension", [".png", ".jpg", ".gif"])
def test_step2_safe_name_is_random_hex_and_the_extension(exercise, extension):
    names = {exercise.safe_name(extension) for _ in range(50)}
    for name in names:
        assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(extension), name), (
            f"safe_name({extension!r}) should be 32 hex digits + {extension!r}, got {name!r}: "
            "use secrets.token_hex(16) + extension")
    assert len(names) == 50, (
        f"50 calls of safe_name({extension!r}) gave only {len(names)} different names: "
        "the name must be random each time (secrets.token_hex)")


# --- step 3 ------------------------------------------------------------------------------------
def test_step3_save_writes_a_new_file_inside_the_upload_dir(exercise, upload_dir):
    first = exercise.save(upload_dir, ".png", PNG)
    second = exercise.save(upload_dir, ".png", PNG)
    for path in (first, second):
        assert path is not None and path.parent == upload_dir and SAFE.fullmatch(path.name), (
            f"save() should return the Path it wrote, upload_dir / safe_name('.png'), "
            f"got {path!r}")
        assert path.read_bytes() == PNG, f"{path.name} should hold the body that was saved"
    assert first != second and len(files_under(upload_dir)) == 2, (
        f"two saves should make two files, found {files_under(upload_dir)}: a new name each time")


def test_step3_save_never_overwrites(exercise, upload_dir, monkeypatch):
    monkeypatch.setattr(exercise, "safe_name", lambda extension: "0" * 32 + extension)
    exercise.save(upload_dir, ".gif", GIF)  # the name is forced: the next save collides
    with pytest.raises(FileExistsError):
        exercise.save(upload_dir, ".gif", b"GIF89a overwritten!")
        pytest.fail("a second save() to an existing name should raise FileExistsError, and it "
                    "replaced the file instead: open(path, 'xb'), not 'wb'")
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
        f"got {answer}: the client's name goes back as data")
    assert SAFE.fullmatch(str(answer["stored_as"])) and answer["stored_as"].endswith(extension), (
        f"stored_as should be 32 hex digits + {extension!r} (sniffed from the bytes, not taken "
        f"from the name), got {answer['stored_as']!r}")
    assert files_under(tmp_path) == [f"avatars/{answer['stored_as']}"], (
        f"the one file written should be avatars/{answer['stored_as']}, found "
        f"{files_under(tmp_path)}: only save() writes, and only inside upload_dir")
    assert (upload_dir / answer["stored_as"]).read_bytes() == body


@pytest.mark.gen_test
@pytest.mark.parametrize("files, field, code, fix", [
    ([("", b"")], "avatar", 400, "self.request.files.get('avatar') is empty: HTTPError(400, ...)"),
    ([("me.png", PNG)], "photo", 400, "there is no field 'avatar': HTTPError(400, ...)"),
    ([("big.png", PNG + bytes(64 * 1024))], "avatar", 413,
     "len(body) > MAX_BYTES: HTTPError(413, ...)"),
    ([("fake.png", b"<script>alert(1)</script>", "image/png")], "avatar", 415,
     "sniff() found no image: HTTPError(415, ...), whatever the name and Content-Type say"),
    ([("doc.gif", b"%PDF-1.7\n" + bytes(100), "image/gif")], "avatar", 415,
     "a PDF is not an avatar: HTTPError(415, ...)"),
], ids=["file input left empty", "no avatar field", "too big", "text named .png", "a PDF"])
async def test_step4_a_refused_upload_is_a_4xx_with_a_message_and_stores_nothing(
        post, upload_dir, files, field, code, fix):
    response = await post(files, field=field)
    body = response.body.decode(errors="replace")
    assert response.code == code, f"expected {code}, got {said(response)}: {fix}"
    assert re.fullmatch(rf"{code} [^:]+: .+\n", body), (
        f"the {code} should say why, got {body!r}: raise HTTPError({code}, 'a message')")
    assert files_under(upload_dir) == [], (
        f"a refused upload should store nothing, found {files_under(upload_dir)}: "
        "check everything before save()")
