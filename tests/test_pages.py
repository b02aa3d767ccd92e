"""Every page a chapter lists in chapters.toml answers 200, and every template under tpl/ is
rendered on the way (a template that no page reaches, or that no longer parses, fails here).
Each app is built the way every workbook-wide test builds it (`chapter_app`, tests/conftest.py):
its data in tmp_path, its servers' URLs from its `services`."""
from pathlib import Path

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
    strays = [str(t.relative_to(manifest.ROOT)) for t in TEMPLATES
              if t.relative_to(manifest.ROOT / "tpl").parts[0] not in slugs]
    assert not strays, (f"templates outside tpl/<slug>/ of a chapter chapters.toml marks ready: "
                        f"{strays}")


@pytest.fixture
def app(request, chapter_app, tmp_path, io_loop):
    chapter = request.node.callspec.params["chapter"]
    # Templates are cached per template_path on RequestHandler: start empty to see what loads.
    tornado.web.RequestHandler._template_loaders.clear()
    app = chapter_app(chapter, tmp_path)
    yield app
    if hasattr(app, "close"):
        io_loop.run_sync(app.close)


@pytest.mark.gen_test
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
async def test_listed_pages_answer_and_render_every_template(chapter, app, http_client, base_url):
    assert chapter.paths, f"chapters.toml: the entry of {chapter.slug} lists no paths to try"
    for path in chapter.paths:
        response = await http_client.fetch(base_url + path, raise_error=False)
        assert response.code == 200, (
            f"GET {path} (in the paths of {chapter.slug} in chapters.toml) answered "
            f"{response.code}: {response.body[:300]!r}")

    tpl = manifest.ROOT / "tpl" / chapter.slug
    expected = {str(p.relative_to(tpl)) for p in tpl.rglob("*.html")} if tpl.exists() else set()
    if Path(app.settings.get("template_path") or tpl).resolve() != tpl.resolve():
        # A project with a templates/ folder of its own (chapter 21's site): tpl/<slug>/ is
        # another app's (part one's), which its own tests render.
        expected = set()
    loaders = tornado.web.RequestHandler._template_loaders
    rendered = {name for loader in loaders.values() for name in loader.templates}
    assert expected <= rendered, (
        f"tpl/{chapter.slug}/: {sorted(expected - rendered)} rendered by no page of the paths "
        f"chapters.toml lists for {chapter.slug}: add a page that renders each to its paths")
