"""What the workbook-wide tests (tests/) share: a chapter's app, built the one way they all build
it, from nothing but its entry in chapters.toml."""
import importlib
from pathlib import Path

import pytest

from workbook import manifest

# A service a manifest entry names -> (the fixture of the root conftest.py that gives its URL,
# the make_app() keyword that takes it). A new kind of server is added here, once; a new
# chapter needs nothing here.
SERVICE_URLS = {
    "mysql": ("mysql_url", "mysql_url"),
    "redis": ("redis_url", "redis_url"),
    "memcached": ("memcached_url", "memcached_url"),
    "redis_ring": ("redis_ring_urls", "ring_urls"),  # three Redis servers (a distributed store)
    "mysql_pair": ("pair_urls", "pair_urls"),  # a MariaDB primary and its replica (chapter 20)
}


@pytest.fixture
def chapter_app(request):
    """chapter_app(chapter, data_dir, **settings) -> the chapter's Application:
    make_app(data_dir=data_dir, <a URL for each server its `services` name>, **settings).

    The convention every make_app() follows (CONTRIBUTING.md): everything the app writes goes
    under data_dir, and a chapter with `services` takes each one's URL under the keyword
    SERVICE_URLS gives. Servers start only for the chapters that name them."""

    def build(chapter: manifest.Chapter, data_dir: Path, **settings):
        unknown = [kind for kind in chapter.services if kind not in SERVICE_URLS]
        if unknown:
            pytest.fail(f"chapters.toml: {chapter.slug} needs {unknown}, which tests/conftest.py "
                        f"does not know: services are {sorted(SERVICE_URLS)}", pytrace=False)
        urls = {keyword: request.getfixturevalue(fixture)
                for fixture, keyword in (SERVICE_URLS[kind] for kind in chapter.services)}
        module = importlib.import_module(chapter.module)
        return module.make_app(data_dir=data_dir, **legacy_data_dirs(data_dir), **urls, **settings)

    return build


def legacy_data_dirs(data_dir: Path) -> dict:
    # TEMPORARY, until chapter 07 takes data_dir (CONTRIBUTING.md, "Writable data"): its old name
    # for the folder. Any other make_app keeps it as an unused setting. Delete this function, and
    # its call above, once no make_app reads upload_dir.
    return {"upload_dir": data_dir / "uploads"}


@pytest.fixture
def known_services() -> set[str]:
    """The services a manifest entry may name."""
    return set(SERVICE_URLS)
