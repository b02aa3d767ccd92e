"""The site's own middleware: MIDDLEWARE_CLASSES names it by its dotted path."""
