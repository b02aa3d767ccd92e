"""Tests of the chapter 01 exercise. `make check-01` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch01_routing/exercise.py."""
import json

import pytest


@pytest.fixture
def app(exercise):
    return exercise.make_app()


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"


@pytest.mark.gen_test
async def test_step1_product_page(fetch):
    response = await fetch("/pro/2")
    assert response.code == 200 and response.body == b"Product 2: Oolong", (
        f"GET /pro/2 should show 'Product 2: Oolong', got {said(response)}: "
        "route /pro/([0-9]+) to ProductHandler")
    response = await fetch("/pro/abc")
    assert response.code == 404, (
        f"GET /pro/abc should be 404 (not digits), got {said(response)}: use [0-9]+, not .*")


@pytest.mark.gen_test
async def test_step2_product_list_links_come_from_reverse_url(fetch):
    response = await fetch("/pro")
    assert response.code == 200, (
        f"GET /pro should list the products, got {said(response)}: ProductListHandler calls "
        "reverse_url('product', id), which needs url(r'/pro/([0-9]+)', ProductHandler, "
        "name='product')")
    for product_id, name in (("1", "Green tea"), ("2", "Oolong"), ("3", "Pu-erh")):
        assert f'<a href="/pro/{product_id}">{name}</a>' in response.body.decode()


@pytest.mark.gen_test
async def test_step3_root_redirects_to_the_product_list(fetch):
    response = await fetch("/")
    assert response.code in (301, 302) and response.headers.get("Location") == "/pro", (
        f"GET / should redirect to /pro, got {said(response)} "
        f"Location={response.headers.get('Location')!r}: "
        "add (r'/', tornado.web.RedirectHandler, {'url': '/pro'})")


@pytest.mark.gen_test
async def test_step4_orders_only_on_the_admin_host(fetch):
    response = await fetch("/orders", host="admin.localhost")
    assert response.code == 200 and response.body == b"3 open orders", (
        f"GET /orders with Host: admin.localhost should answer '3 open orders', got "
        f"{said(response)}: app.add_handlers(r'admin\\.localhost', [(r'/orders', OrdersHandler)])")
    for host in ("127.0.0.1", "shop.localhost", "admin.localhost.evil.example"):
        response = await fetch("/orders", host=host)
        assert response.code == 404, (
            f"GET /orders with Host: {host} should be 404, got {said(response)}: "
            "the route belongs to admin.localhost only (a host pattern is anchored)")


@pytest.mark.gen_test
@pytest.mark.parametrize("query, expected", [
    ("?q=tea&tag=green&tag=hot", {"q": "tea", "tags": ["green", "hot"]}),
    ("?q=%E8%8C%B6", {"q": "茶", "tags": []}),
    ("", {"q": "", "tags": []}),
], ids=["q and two tags", "utf-8 query", "no arguments"])
async def test_step5_search_reads_query_arguments(fetch, query, expected):
    response = await fetch("/search" + query)
    assert response.code == 200, f"GET /search{query} should answer 200, got {said(response)}"
    assert json.loads(response.body) == expected, (
        f"GET /search{query} should answer {expected}, got {said(response)}")
