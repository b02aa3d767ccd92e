"""The project's middlewares (tornadopy's middlewares/): chapter 15 writes them and lists them in
MIDDLEWARE_CLASSES."""
