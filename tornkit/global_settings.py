"""tornkit's defaults: every setting a project may set in its settings module, with its default.

A project's settings module (``--settings=settings.setting``) overrides any of these by defining
the same upper-case name; ``tornkit.conf.Settings`` merges the two (and keyword values on top).
Only upper-case names are settings. Nothing here is ever modified: a Settings object copies it.
"""

# --- settings配置 ---------------------------------------------------------------------------
DEBUG = False  # Tornado's debug= (autoreload, tracebacks in error pages): never in production
XHEADERS = False  # trust X-Real-IP / X-Forwarded-For / X-Scheme: only behind your own proxy

# Where the project writes (logs, uploads, secrets). None: the project writes nothing.
DATA_DIR = None

# --- app / urls -------------------------------------------------------------------------------
INSTALLED_APPS = ()  # dotted module names; each app has a urls.py with `urls = route(...)`

# --- 中间件 / HTTP处理器 (chapters 15-16) ---------------------------------------------------------
MIDDLEWARE_CLASSES = ()
COMMON_MODULES = ()
ROUTE_MODULES = {}

# Keyword arguments for tornado.web.Application (template_path, cookie_secret, ...).
TORNADO_CONF = {}

# --- log ------------------------------------------------------------------------------------
# One entry per logger, in tornadopy's shape. `filename` is relative to LOGGING_DIR; with
# LOGGING_DIR None there are no log files, only stderr.
LOGGING_DIR = None  # a relative path is taken under DATA_DIR
LOG_PORT_PREFIX = False  # "8000_tornado.log": one file per port when several processes run
LOG_FORMAT = "[%(levelname)1.1s %(asctime)s %(process)d %(name)s] %(message)s"
LOGGING = (
    {
        "name": "tornado",  # tornado.access, tornado.application, tornado.general
        "level": "INFO",
        "log_to_stderr": True,
        "when": "midnight",
        "interval": 1,
        "filename": "tornado.log",
    },
    {
        "name": "tornkit",  # the framework's own messages
        "level": "INFO",
        "log_to_stderr": True,
        "when": "midnight",
        "interval": 1,
        "filename": "tornkit.log",
    },
)

# --- 模板引擎 (chapter 17) -------------------------------------------------------------------------
TEMPLATE_CONFIG = {
    "template_engine": None,  # None: Tornado's own engine
    "filesystem_checks": True,
    "cache_directory": None,
    "collection_size": 50,
    "cache_size": 0,
    "format_exceptions": False,
    "autoescape": True,
}

# --- 缓存 (chapter 18) --------------------------------------------------------------------------
# alias -> BACKEND, LOCATION, OPTIONS, TIMEOUT (seconds; None: never), KEY_PREFIX, VERSION.
CACHES = {
    "default": {"BACKEND": "tornkit.cache.backends.locmem.LocMemCache"},
}
