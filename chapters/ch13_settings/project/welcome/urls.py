"""The welcome app's routes. Chapter 14 takes Url() and route() apart."""
from tornkit import Url, route

u = Url("welcome.handlers")
urls = route(
    u(r"/", "main.IndexHandler", name="index"),
    u(r"/settings", "main.SettingsHandler", name="settings"),
    u(r"/ip", "main.IpHandler", name="ip"),
    u(r"/log", "main.LogHandler", name="log"),
)
