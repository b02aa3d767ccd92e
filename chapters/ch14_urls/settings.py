"""Chapter 14's settings module: --settings=chapters.ch14_urls.settings

The apps are dotted module names, as Django's are: nothing has to be put on sys.path.
"""
from pathlib import Path

from workbook.web import NotFoundHandler

INSTALLED_APPS = (
    "chapters.ch14_urls.blog",
    "chapters.ch14_urls.about",
)

TORNADO_CONF = {
    "template_path": str(Path(__file__).resolve().parents[2] / "tpl" / "ch14_urls"),
    "default_handler_class": NotFoundHandler,
}
