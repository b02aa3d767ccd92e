"""Production settings, behind a reverse proxy: runserver.py --settings=settings.setting_online

A settings module is Python: this one starts from the development settings and changes three.
"""
from settings.setting import *  # noqa: F401,F403

XHEADERS = True  # the proxy (nginx) sets X-Real-IP and X-Scheme; only behind your own proxy
LOG_PORT_PREFIX = True  # one process per port (8001_tornado.log, 8002_tornado.log, ...)
DEBUG = False
