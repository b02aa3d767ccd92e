"""Tests of the chapter 02 exercise. `make check-02` runs them on your exercise.py and
exercise_tpl/shelf.html; plain `pytest` runs them on solutions/ch02_templates/.

Each message says what was asked, what came back, and the lesson section (README.md) that
explains it."""
from html.parser import HTMLParser

import pytest

EVIL = '<script>alert("shelf")</script>'


@pytest.fixture
def app(exercise):
    Book = exercise.Book
    app = exercise.make_app(shelves={
        "topaz": [Book("Tornado in 42区", True), Book("Pride & <Prejudice>", False),
                  Book("The 1024 nights", True)],
        "mallory": [Book(EVIL, False)],
        "newbie": [],
    })
    return app


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:300]!r}"


class Page(HTMLParser):
    """What the tests look at: the <title>, the <li> items (class, link, text), and the tags."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.items, self.title, self.empty = [], [], None, None
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "li":
            self.items.append({"class": attrs.get("class"), "href": None, "text": ""})
            self._in = "li"
        elif tag == "a" and self._in == "li":
            self.items[-1]["href"] = attrs.get("href")
        elif tag == "title":
            self.title, self._in = "", "title"
        elif tag == "p" and attrs.get("class") == "empty":
            self.empty, self._in = "", "empty"

    def handle_endtag(self, tag):
        if tag in ("li", "title", "p"):
            self._in = None

    def handle_data(self, data):
        if self._in == "li":
            self.items[-1]["text"] += data
        elif self._in == "title":
            self.title += data
        elif self._in == "empty":
            self.empty += data


def raised(caplog):
    """The exception the server logged for its last 500, as 'Type: message'."""
    errors = [r for r in caplog.records if r.name == "tornado.application" and r.exc_info]
    if not errors:
        return "nothing that was logged"
    error = errors[-1].exc_info[1]
    return f"{type(error).__name__}: {error}"


@pytest.fixture
def page_of(fetch, caplog):
    async def page_of(owner):
        response = await fetch(f"/shelf/{owner}")
        if response.code == 500:
            raise AssertionError(
                f"GET /shelf/{owner} failed with a 500: rendering raised {raised(caplog)}. A "
                "name the template uses must be passed by render() or be in the default "
                "namespace (lesson §1 and §3); a template that does not parse names its line.")
        assert response.code == 200, (
            f"Step 1: GET /shelf/{owner} should answer 200, got {said(response)}. "
            "ShelfHandler.get renders exercise_tpl/shelf.html, passing it the owner and the "
            "books (lesson §1).")
        return response.body.decode(), Page(response.body.decode())
    return page_of


@pytest.mark.gen_test
async def test_step1_the_handler_renders_shelf_html(fetch, page_of):
    html, _ = await page_of("topaz")
    why = (" The page is base.html's, but without shelf.html's heading: in a template that "
           "extends another, text outside the blocks is dropped (lesson §4)." if "<main>" in html
           else " Every keyword argument of render() becomes a name in the template (lesson §1).")
    assert "<h1>topaz's shelf</h1>" in html, (
        f"Step 1: GET /shelf/topaz should show shelf.html's heading, <h1>topaz's shelf</h1>; "
        f"the page was {html[:300]!r}.{why}")
    response = await fetch("/shelf/nobody")
    assert response.code == 404, (
        f"Step 1: GET /shelf/nobody (no such shelf) should stay a 404, got {said(response)}.")


@pytest.mark.gen_test
async def test_step2_shelf_extends_base(page_of):
    html, page = await page_of("topaz")
    assert "<footer>" in html and "<main>" in html, (
        "Step 2: the page should be base.html's, with its <main> and <footer>; the page was "
        f"{html[:300]!r}. A template names the one it extends on its first line (lesson §4).")
    assert page.title == "topaz's shelf", (
        f"Step 2: the <title> should be \"topaz's shelf\", got {page.title!r}. base.html's "
        "title is a block: shelf.html replaces it with one of the same name (lesson §4).")
    main = html[html.index("<main>"):html.index("</main>")]
    assert "<h1>topaz's shelf</h1>" in main, (
        "Step 2: the <h1> should be inside base.html's <main>, in its block content; the "
        f"<main> holds {main[6:300]!r}. In a template that extends another, only the blocks "
        "count: text outside them is dropped (lesson §4).")
    _, page = await page_of("newbie")
    assert page.title == "newbie's shelf", (
        f"Step 2: GET /shelf/newbie should have the title \"newbie's shelf\", got "
        f"{page.title!r}: the title names the shelf's owner, whoever it is (lesson §2).")


@pytest.mark.gen_test
async def test_step3_one_li_per_book_in_order(page_of):
    _, page = await page_of("topaz")
    titles = [item["text"].strip() for item in page.items]
    expected = ["Tornado in 42区", "Pride & <Prejudice>", "The 1024 nights"]
    if any("&amp;" in t or "&lt;" in t for t in titles):
        why = ("The titles were escaped twice, so the visitor sees the entities: {{ }} "
               "escapes already (lesson §3, then → now).")
    elif len(titles) == len(expected) and titles != expected and sorted(titles) != sorted(expected):
        why = ("Part of a title was read as markup, not shown as text: a title must be "
               "escaped on its way into the page (lesson §5).")
    else:
        why = "A template loops as Python does, over the books in their order (lesson §2)."
    assert titles == expected, (
        f"Step 3: the page should list {expected} in <li> items, one per book, in order; it "
        f"lists {titles}. {why}")


@pytest.mark.gen_test
async def test_step3_titles_are_escaped(page_of):
    html, page = await page_of("mallory")
    escaped = "&lt;script&gt;alert(&quot;shelf&quot;)&lt;/script&gt;"
    assert EVIL not in html and "<script>" not in html, (
        "Step 3: a book titled <script>...</script> was written into the page as markup, so it "
        "would run in every visitor's browser. Titles are data: write them so that the "
        "template escapes them (lesson §5).")
    assert escaped in html and [i["text"].strip() for i in page.items] == [EVIL], (
        f"Step 3: the title {EVIL!r} should be shown as text, escaped once to {escaped!r}, "
        f"inside its <li>; got the items {page.items}. Escaped twice, the visitor sees the "
        "entities themselves (lesson §3, then → now, and §5).")


@pytest.mark.gen_test
async def test_step4_read_books_have_class_read(page_of):
    _, page = await page_of("topaz")
    classes = [item["class"] for item in page.items]
    assert classes == ["read", None, "read"], (
        f"Step 4: the <li> classes should be ['read', None, 'read'] (books 1 and 3 were read; "
        f"None: no class attribute at all), got {classes}. An {{% if %}} can sit anywhere in a "
        "template, inside a tag too (lesson §2).")


@pytest.mark.gen_test
async def test_step5_titles_link_to_the_search(fetch, page_of):
    _, page = await page_of("topaz")
    hrefs = [item["href"] for item in page.items]
    expected = ["/search?q=Tornado+in+42%E5%8C%BA", "/search?q=Pride+%26+%3CPrejudice%3E",
                "/search?q=The+1024+nights"]
    assert hrefs == expected, (
        f"Step 5: the titles should link to {expected}, got {hrefs}. In a query string, & "
        "would start a new argument: the title is escaped for a URL first, by a function of the "
        "default namespace (lesson §3).")
    response = await fetch(expected[1])
    assert response.body.decode() == "You searched for: Pride & <Prejudice>", (
        f"Step 5: GET {expected[1]} should search for 'Pride & <Prejudice>', got "
        f"{said(response)}.")


@pytest.mark.gen_test
async def test_step6_an_empty_shelf_says_so(page_of):
    _, page = await page_of("newbie")
    assert page.empty == "Nothing on this shelf yet." and "ul" not in page.tags, (
        f"Step 6: GET /shelf/newbie (no books) should say 'Nothing on this shelf yet.' in a "
        f"<p class=\"empty\">, and show no <ul>; got the text {page.empty!r}, and a <ul>: "
        f"{'ul' in page.tags}. The list and the message are the two branches of one test on "
        "the books themselves (lesson §2, a template's two surprises).")
    _, page = await page_of("topaz")
    assert page.empty is None and "ul" in page.tags, (
        "Step 6: GET /shelf/topaz has books: it should show the <ul>, and no <p class=\"empty\">;"
        f" the <p class=\"empty\"> says {page.empty!r}. A for loop's else runs whenever the "
        "loop was not broken, books or not: it is not 'if empty' (lesson §2, Python's two "
        "surprises).")
