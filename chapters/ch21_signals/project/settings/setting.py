"""The site's settings: runserver.py --settings=settings.setting

Its servers come from the environment, so the same settings serve a laptop and a test run:
`make chapter-21` starts a private Redis and a MariaDB primary/replica pair and sets the three
variables; to run runserver.py yourself, export them for servers of your own.
"""
import os
from pathlib import Path

from tornkit import db
from tornkit.conf import SettingsError

from core.handlers import NotFound, StaticFiles

PROJECT_PATH = Path(__file__).resolve().parent.parent


def environment(name: str, example: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set: the site needs it (e.g. {name}={example}); "
                            "`make chapter-21` starts private servers and sets it for you")
    return value


REDIS_URL = environment("REDIS_URL", "redis://127.0.0.1:6379/0")
PRIMARY_URL = environment("MYSQL_PRIMARY_URL", "mysql://app:secret@127.0.0.1:3306/site")
REPLICA_URL = environment("MYSQL_REPLICA_URL", "mysql://app:secret@127.0.0.1:3307/site")
# Everything the site writes (its logs, its cookie secret) goes here: var/ is ignored by git.
DATA_DIR = Path(os.environ.get("SITE_DATA_DIR") or PROJECT_PATH.parents[2] / "var" / "ch21_site")

DEBUG = False
INSTALLED_APPS = ("blog", "accounts")

# 中间件: the README's stack, outermost first. The access log is first, so that its
# process_endcall runs last and sees the request's final status and user.
MIDDLEWARE_CLASSES = (
    "middlewares.accesslog.AccessLogMiddleware",
    "tornkit.session.SessionMiddleware",  # handler.session, on Redis
    "tornkit.token.TokenMiddleware",  # handler.token, for the JSON API
    "tornkit.httpmodule.HttpModuleMiddleware",  # COMMON_MODULES and ROUTE_MODULES below
    "tornkit.db.DBSessionMiddleware",  # one database session per request
    "tornkit.signals.SignalMiddleware",  # the five request signals
)

# HTTP处理器: every page gets the security headers; the routes that change something for a
# visitor need a logged-in session (the API authenticates with its token instead).
COMMON_MODULES = ("httpmodules.SecurityHeaders",)
ROUTE_MODULES = {
    "post-new": ["httpmodules.LoginRequired"],
    "post-like": ["httpmodules.LoginRequired"],
}

CACHES = {
    "default": {"BACKEND": "tornkit.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": "site"},
    "default_redis": {"BACKEND": "tornkit.cache.backends.redis.RedisClient",
                      "LOCATION": REDIS_URL},
}
SESSION = {"session_cache_alias": "default", "session_timeout": 7 * 24 * 3600,
           "httponly": True, "samesite": "Lax"}
TOKEN = {"token_cache_alias": "default_redis", "token_timeout": 24 * 3600}

# db&orm: one primary ("master") and its replica ("slave"), as tornadopy named them.
DATABASE_CONNECTION = {"default": {"connections": [
    db.connection_from_url(PRIMARY_URL, role="master"),
    db.connection_from_url(REPLICA_URL, role="slave"),
]}}
SQLALCHEMY_CONFIGURATION = {"sqlalchemy.connect_args": {"connect_timeout": 3},
                            "sqlalchemy.pool_size": 10, "sqlalchemy.pool_recycle": 3600}

THREADS_NUM = 4  # 线程池异步: the pool the password hashes run in (accounts/passwords.py)

TEMPLATE_CONFIG = {"template_engine": "jinja2"}

LOGGING_DIR = "logs"  # under DATA_DIR: access.log, tornado.log, tornkit.log
LOGGING = (
    {"name": "site.access", "level": "INFO", "log_to_stderr": True, "when": "midnight",
     "interval": 1, "filename": "access.log"},
    # Tornado's own access lines would say the same again: its warnings and errors only.
    {"name": "tornado", "level": "WARNING", "log_to_stderr": True, "when": "midnight",
     "interval": 1, "filename": "tornado.log"},
    {"name": "tornkit", "level": "INFO", "log_to_stderr": True, "when": "midnight",
     "interval": 1, "filename": "tornkit.log"},
)

TORNADO_CONF = {
    "template_path": str(PROJECT_PATH / "templates"),
    "static_path": str(PROJECT_PATH / "statics"),
    "static_url_prefix": "/statics/",
    "static_handler_class": StaticFiles,  # the security headers, and a 400 for a NUL in a path
    "default_handler_class": NotFound,  # a 404 that names the path, through the middleware
    "xsrf_cookies": True,
    "login_url": "/login",
}
