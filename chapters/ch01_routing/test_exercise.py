"""Tests of the chapter 01 exercise. `make check-01` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch01_routing/exercise.py.

Each message says what was asked, what came back, and the lesson section (README.md) that
explains it."""
import json

import pytest


@pytest.fixture
def app(exercise):
    return exercise.make_app()


def said(response):
    """The status, the Location of a redirect, and the start of the body."""
    where = f" to {response.headers.get('Location')!r}" if 300 <= response.code < 400 else ""
    return f"{response.code}{where} {response.body.decode(errors='replace').strip()[:200]!r}"


def why(response):
    """What an unexpected answer most likely means."""
    if 300 <= response.code < 400:
        return (" A redirect where a page was expected: a route listed earlier matched this path "
                "first. Routes are tried in order and the first match wins, so a pattern that "
                "matches every path must come last, or not at all (lesson §1, rule 3).")
    if response.code == 404 and b"no route matches" in response.body:
        return " No route matched this path."
    return ""


@pytest.mark.gen_test
async def test_step1_product_page(fetch):
    response = await fetch("/pro/2")
    assert response.code == 200 and response.body == b"Product 2: Oolong", (
        f"Step 1: GET /pro/2 should show 'Product 2: Oolong', got {said(response)}.{why(response)}"
        " A route's regex group is passed to get() as an argument (lesson §1).")
    for path in ("/pro/abc", "/pro/", "/pro/2/x"):
        response = await fetch(path)
        assert response.code == 404 and b"no route matches" in response.body, (
            f"Step 1: GET {path} should match no route at all (a 404 that says 'no route "
            f"matches'), got {said(response)}.{why(response)} The product route should take "
            "digits only, one or more: ProductHandler should never be called for this path "
            "(lesson §1, rules 1 and 2).")


@pytest.mark.gen_test
async def test_step2_product_list_links_come_from_reverse_url(app, fetch):
    response = await fetch("/pro")
    named = sorted(app.wildcard_router.named_rules)
    assert response.code == 200, (
        f"Step 2: GET /pro should list the products, got {said(response)}.{why(response)} "
        f"ProductListHandler builds its links with reverse_url('product', id), which looks "
        f"for a route named 'product'; the routes with a name are {named} (lesson §2).")
    links = [f'<a href="/pro/{product_id}">{name}</a>'
             for product_id, name in (("1", "Green tea"), ("2", "Oolong"), ("3", "Pu-erh"))]
    missing = [link for link in links if link not in response.body.decode()]
    assert not missing, (
        f"Step 2: GET /pro should link every product to its page; these links are missing: "
        f"{missing}, in {said(response)}. The route named 'product' is the one of step 1, so "
        "reverse_url builds /pro/<id> (lesson §2).")


@pytest.mark.gen_test
async def test_step3_root_redirects_to_the_product_list(fetch):
    response = await fetch("/")
    assert response.code in (301, 302) and response.headers.get("Location") == "/pro", (
        f"Step 3: GET / should redirect to /pro, got {said(response)}. Tornado has a "
        "handler class that only redirects, told where by its route (lesson §2).")
    response = await fetch("/no-such-page")
    assert response.code == 404, (
        f"Step 3: only / redirects; GET /no-such-page should stay a 404, got {said(response)}. "
        "A route's pattern must match the whole path: the route for / should match / alone "
        "(lesson §1, rule 2).")


@pytest.mark.gen_test
async def test_step4_orders_only_on_the_admin_host(fetch):
    for host in ("admin.localhost", "admin.localhost:8801"):
        response = await fetch("/orders", host=host)
        assert response.code == 200 and response.body == b"3 open orders", (
            f"Step 4: GET /orders with Host: {host} should answer '3 open orders', got "
            f"{said(response)}.{why(response)} Routes for one host are added to the "
            "Application after it is built; the host pattern is matched against the Host "
            "header without its port (lesson §4).")
    for host in ("127.0.0.1", "shop.localhost", "admin.localhost.evil.example", "adminxlocalhost"):
        response = await fetch("/orders", host=host)
        assert response.code == 404, (
            f"Step 4: GET /orders with Host: {host} should be 404, got {said(response)}. "
            "/orders belongs to admin.localhost only: not in the routes every host gets, and "
            "with a host pattern that matches that one name (a host pattern is a regex, "
            "anchored at both ends, where an unescaped . matches any character; lesson §4).")


@pytest.mark.gen_test
@pytest.mark.parametrize("query, expected", [
    ("?q=tea&tag=green&tag=hot", {"q": "tea", "tags": ["green", "hot"]}),
    ("?tag=hot&q=%E8%8C%B6", {"q": "茶", "tags": ["hot"]}),
    ("", {"q": "", "tags": []}),
], ids=["q and two tags", "utf-8 query", "no arguments"])
async def test_step5_search_reads_query_arguments(fetch, query, expected):
    response = await fetch("/search" + query)
    assert response.code == 200, (
        f"Step 5: GET /search{query} should answer 200, got {said(response)}."
        + (" An argument read without a default is a 400 when it is missing (lesson §3)."
           if response.code == 400 else " SearchHandler.get reads the query (lesson §3)."))
    content_type = response.headers.get("Content-Type")
    assert content_type == "application/json; charset=UTF-8", (
        f"Step 5: GET /search{query} should be sent as JSON (Content-Type: application/json; "
        f"charset=UTF-8), got Content-Type: {content_type!r}. Given a dict, write() encodes it "
        "and sets that header; given a string, it sends text/html (lesson §3).")
    assert json.loads(response.body) == expected, (
        f"Step 5: GET /search{query} should answer {json.dumps(expected, ensure_ascii=False)}, "
        f"got {said(response)}. q is one value, '' when absent; tags is every tag, a list "
        "(lesson §3: the singular and plural forms).")
