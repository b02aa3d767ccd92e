"""Chapter 07 in Chromium: the notes' form with several files, and the AJAX way (FormData and
XMLHttpRequest) with its progress bar. Only a real browser builds those requests and fires
xhr.upload's progress events."""
import hashlib
import json
import random

import pytest

from chapters.ch07_upload.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser

MiB = 1024 * 1024


def pseudo_random(size: int, head: bytes) -> bytes:
    return head + random.Random(7).randbytes(size - len(head))


def records(upload_dir) -> list[dict]:
    return sorted((json.loads(p.read_text()) for p in upload_dir.glob("*.json")),
                  key=lambda r: r["uploaded"])


@pytest.fixture
def upload_dir(tmp_path):
    return tmp_path / "uploads"  # where make_app(data_dir=tmp_path) stores


@pytest.fixture
def base(upload_dir):
    with live_server(make_app(data_dir=upload_dir.parent)) as base:
        yield base


def wait_for_status(page):
    page.wait_for_function(
        "() => !['', 'Uploading…'].includes(document.getElementById('status').textContent)")
    return page.text_content("#status")


def test_the_notes_form_sends_several_files_in_one_field(page, base, upload_dir):
    page.goto(base + "/index")
    page.set_input_files("#my_file", [
        {"name": "one.txt", "mimeType": "text/plain", "buffer": "茶 one".encode()},
        {"name": "<b>two</b>.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n2"},
    ])
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url == base + "/index"  # 303 back to the form
    assert page.locator("td.name").all_text_contents() == ["one.txt", "<b>two</b>.png"]
    assert page.locator("td.name b").count() == 0  # the name was shown as text, not markup
    stored = records(upload_dir)
    assert [(r["name"], r["type"]) for r in stored] == [
        ("one.txt", "text/plain; charset=UTF-8"), ("<b>two</b>.png", "image/png")]
    assert (upload_dir / stored[0]["file"]).read_bytes() == "茶 one".encode()


def test_formdata_upload_reports_progress_to_100_percent(page, base, upload_dir):
    body = pseudo_random(900 * 1024, b"\x89PNG\r\n\x1a\n")
    page.goto(base + "/ajax")
    page.set_input_files("#files", {"name": "photo.png", "mimeType": "image/png", "buffer": body})
    page.click("#send")
    assert wait_for_status(page) == "Stored 1 file(s)."
    assert page.eval_on_selector("#progress", "p => p.value") == 100
    assert page.text_content("#percent") == "100%"
    [record] = records(upload_dir)
    assert (record["name"], record["size"]) == ("photo.png", len(body))
    assert (upload_dir / record["file"]).read_bytes() == body
    assert page.text_content("#stored li") == (
        f"photo.png → {record['file']} (image/png, {len(body)} bytes)")


def test_streaming_a_file_bigger_than_the_form_limit(page, base, upload_dir):
    body = pseudo_random(3 * MiB, b"%PDF-1.7\n")
    page.goto(base + "/ajax")
    page.set_input_files("#files", {"name": "big.pdf", "mimeType": "application/pdf",
                                    "buffer": body})
    page.click("#stream")
    assert wait_for_status(page) == "Stored 1 file(s)."
    assert page.eval_on_selector("#progress", "p => p.value") == 100
    [record] = records(upload_dir)
    assert record["size"] == len(body) and record["claimed_type"] == "application/pdf"
    assert record["sha256"] == hashlib.sha256(body).hexdigest()
    assert not list(upload_dir.glob("*.part"))


@pytest.mark.parametrize("button, name, body, code, message", [
    ("#send", "big.txt", b"a" * (2 * MiB), "413", "the upload is"),
    ("#send", "fake.png", b"just text", "415", "'fake.png' is not a PNG image"),
    ("#stream", "fake.pdf", b"just text", "415", "'fake.pdf' is not a PDF document"),
], ids=["too big for the form", "text as .png", "text as .pdf, streamed"])
def test_the_page_shows_the_servers_refusal(page, base, upload_dir, button, name, body, code,
                                            message):
    page.goto(base + "/ajax")
    page.set_input_files("#files", {"name": name, "mimeType": "image/png", "buffer": body})
    page.click(button)
    status = wait_for_status(page)  # "413 <reason>: the upload is ..."; the reason is Python's
    assert status.startswith(code + " ") and message in status, status
    assert page.get_attribute("#status", "class") == "error"
    assert list(upload_dir.iterdir()) == []
