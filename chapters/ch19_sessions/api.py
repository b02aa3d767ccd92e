"""The JSON plumbing of chapter 19's token API: a JSON object body, a 401 that says how to
authenticate, and no XSRF check (the Authorization header authenticates, not a cookie)."""
import tornado.web

from tornkit.handler import ApiHandler
from workbook.web import BaseHandler


class Api(ApiHandler, BaseHandler):
    def check_xsrf_cookie(self):
        """No cookie authenticates these calls (the Authorization header does), so another
        site's form cannot make them: no XSRF token to check."""

    def body(self) -> dict:
        return self.json_body()  # a JSON object, or a 400 saying what is wrong

    def write_error(self, status_code, **kwargs):
        if status_code == 401:  # send_error() cleared the headers: this one goes with the page
            self.set_header("WWW-Authenticate", 'Bearer realm="ch19"')
        super().write_error(status_code, **kwargs)

    async def user(self) -> dict:
        user = await self.token.get_current_user()
        if user is None:
            raise tornado.web.HTTPError(401, "send a valid token as Authorization: Bearer ...")
        return user
