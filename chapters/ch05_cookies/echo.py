"""The page that shows which cookies reached the server: /echo, /echo/scoped and /js/echo.

Not a lesson of its own: sections 2 and 6 send the browser here to see which cookies a Path,
a Domain, a SameSite or a script's document.cookie let through.
"""
from workbook.web import BaseHandler


class EchoHandler(BaseHandler):  # the cookies received, at /echo, /echo/scoped and /js/echo
    def get(self):
        self.set_header("Cache-Control", "no-store")
        self.write({"path": self.request.path,
                    "cookies": {name: self.cookies[name].value for name in sorted(self.cookies)}})
