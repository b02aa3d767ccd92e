"""Every page a chapter lists in chapters.toml answers 200, and every template under tpl/ is
rendered on the way (a template that no page reaches, or that no longer parses, fails here)."""
import importlib

import pytest
import tornado.template
import tornado.web

from workbook import manifest

CHAPTERS = manifest.ready()
TEMPLATES = sorted(p for p in (manifest.ROOT / "tpl").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(manifest.ROOT)))
def test_every_template_parses(template):
    loader = tornado.template.Loader(str(template.parent))
    # Loading compiles the template and loads what it extends and includes.
    loader.load(template.name)


def test_every_template_belongs_to_a_ready_chapter():
    slugs = {c.slug for c in CHAPTERS}
    strays = [str(t) for t in TEMPLATES if t.relative_to(manifest.ROOT / "tpl").parts[0] not in slugs]
    assert not strays


@pytest.fixture
def app(request):
    chapter = request.node.callspec.params["chapter"]
    # Templates are cached per template_path on RequestHandler: start empty to see what loads.
    tornado.web.RequestHandler._template_loaders.clear()
    return importlib.import_module(chapter.module).make_app()


@pytest.mark.gen_test
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
async def test_listed_pages_answer_and_render_every_template(chapter, app, http_client, base_url):
    assert chapter.paths, f"chapters.toml lists no paths for {chapter.slug}"
    for path in chapter.paths:
        response = await http_client.fetch(base_url + path, raise_error=False)
        assert response.code == 200, f"{chapter.slug} {path}: {response.code}"

    tpl = manifest.ROOT / "tpl" / chapter.slug
    expected = {str(p.relative_to(tpl)) for p in tpl.rglob("*.html")} if tpl.exists() else set()
    loaders = tornado.web.RequestHandler._template_loaders
    rendered = {name for loader in loaders.values() for name in loader.templates}
    assert expected <= rendered, f"never rendered by any listed page: {expected - rendered}"
