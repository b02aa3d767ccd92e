"""Tests of the chapter 02 exercise. `make check-02` runs them on your exercise.py and
exercise_tpl/shelf.html; plain `pytest` runs them on solutions/ch02_templates/."""
from html.parser import HTMLParser

import pytest

EVIL = '<script>alert("shelf")</script>'


@pytest.fixture
def app(exercise):
    Book = exercise.Book
    return exercise.make_app(shelves={
        "topaz": [Book("Tornado in 42区", True), Book("Pride & <Prejudice>", False),
                  Book("The 1024 nights", True)],
        "mallory": [Book(EVIL, False)],
        "newbie": [],
    })


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


async def page_of(fetch, owner):
    response = await fetch(f"/shelf/{owner}")
    assert response.code == 200, (
        f"GET /shelf/{owner} should answer 200, got {said(response)}: "
        "step 1 first: ShelfHandler.get calls self.render('shelf.html', owner=owner, books=books)")
    return response.body.decode(), Page(response.body.decode())


@pytest.mark.gen_test
async def test_step1_the_handler_renders_shelf_html(fetch):
    html, _ = await page_of(fetch, "topaz")
    assert "<h1>topaz's shelf</h1>" in html, (
        f"GET /shelf/topaz should show <h1>topaz's shelf</h1> (shelf.html's heading), got "
        f"{html[:300]!r}: render 'shelf.html' with owner=owner")
    response = await fetch("/shelf/nobody")
    assert response.code == 404, f"GET /shelf/nobody should stay a 404, got {said(response)}"


@pytest.mark.gen_test
async def test_step2_shelf_extends_base(fetch):
    html, page = await page_of(fetch, "topaz")
    assert page.title == "topaz's shelf", (
        f"the <title> should be \"topaz's shelf\", got {page.title!r}: start shelf.html with "
        "{% extends \"base.html\" %} and fill {% block title %}{{ owner }}'s shelf{% end %}")
    assert "<footer>" in html and "<main>" in html, (
        "the page should have base.html's <main> and <footer>: {% extends \"base.html\" %}")
    main = html[html.index("<main>"):html.index("</main>")]
    assert "<h1>topaz's shelf</h1>" in main, (
        "the <h1> should be inside base.html's <main>: put the page's body in "
        "{% block content %} ... {% end %} (outside a block, an extending template's text is dropped)")


@pytest.mark.gen_test
async def test_step3_one_li_per_book_in_order(fetch):
    _, page = await page_of(fetch, "topaz")
    titles = [item["text"].strip() for item in page.items]
    expected = ["Tornado in 42区", "Pride & <Prejudice>", "The 1024 nights"]
    assert titles == expected, (
        f"the page should list {expected} in <li> items, in order; it lists {titles}: "
        "{% for book in books %}<li>{{ book.title }}</li>{% end %}")


@pytest.mark.gen_test
async def test_step3_titles_are_escaped(fetch):
    html, page = await page_of(fetch, "mallory")
    escaped = "&lt;script&gt;alert(&quot;shelf&quot;)&lt;/script&gt;"
    assert EVIL not in html and "<script>" not in html, (
        "a book titled <script>...</script> was written into the page as markup, so it would run: "
        "write titles with {{ book.title }}, which escapes them, never {% raw %}")
    assert escaped in html and [i["text"].strip() for i in page.items] == [EVIL], (
        f"the title {EVIL!r} should be shown as text, escaped to {escaped!r}, inside its <li>; "
        f"got the items {page.items}")


@pytest.mark.gen_test
async def test_step4_read_books_have_class_read(fetch):
    _, page = await page_of(fetch, "topaz")
    classes = [item["class"] for item in page.items]
    assert classes == ["read", None, "read"], (
        f"the <li> classes should be ['read', None, 'read'] (books 1 and 3 were read), got "
        f"{classes}: <li{{% if book.read %}} class=\"read\"{{% end %}}>")


@pytest.mark.gen_test
async def test_step5_titles_link_to_the_search(fetch):
    _, page = await page_of(fetch, "topaz")
    hrefs = [item["href"] for item in page.items]
    expected = ["/search?q=Tornado+in+42%E5%8C%BA", "/search?q=Pride+%26+%3CPrejudice%3E",
                "/search?q=The+1024+nights"]
    assert hrefs == expected, (
        f"the titles should link to {expected}, got {hrefs}: "
        "<a href=\"/search?q={{ url_escape(book.title) }}\">{{ book.title }}</a>")
    response = await fetch(expected[1])
    assert response.body.decode() == "You searched for: Pride & <Prejudice>", said(response)


@pytest.mark.gen_test
async def test_step6_an_empty_shelf_says_so(fetch):
    _, page = await page_of(fetch, "newbie")
    assert page.empty == "Nothing on this shelf yet." and "ul" not in page.tags, (
        f"GET /shelf/newbie (no books) should show <p class=\"empty\">Nothing on this shelf "
        f"yet.</p> and no <ul>; got the text {page.empty!r}, and a <ul>: {'ul' in page.tags}. "
        "{% if books %}<ul>...</ul>{% else %}<p class=\"empty\">...</p>{% end %}")
    _, page = await page_of(fetch, "topaz")
    assert page.empty is None and "ul" in page.tags, (
        "GET /shelf/topaz has books: it should show the <ul>, and no <p class=\"empty\">. "
        "(A {% for %}...{% else %} runs its else whenever the loop was not broken: use {% if books %})")
