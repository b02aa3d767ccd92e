"""The project's one app (tornadopy's myapp1). INSTALLED_APPS lists it; its urls.py is loaded by
Server.load_urls()."""
