"""POST /api/token {name, password} -> a bearer token; DELETE /api/token ends it."""
from __future__ import annotations

import tornado.web

from accounts.models import User
from accounts.passwords import PasswordMixin
from core.handlers import Api


class Token(PasswordMixin, Api):
    async def post(self):
        body = self.json_body()
        name, password = body.get("name"), body.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            raise tornado.web.HTTPError(400, 'send {"name": "...", "password": "..."}')
        with self.db.using_master():
            user = await self.db.scalar(User.Q.where(User.name == name.strip().lower()))
        if not await self.password_matches(password, user and user.password):
            raise tornado.web.HTTPError(403, "wrong name or password")
        token = await self.token.save({"userID": user.id, "userName": user.name})
        self.set_status(201)
        self.write_api({"token": token, "token_type": "Bearer",
                        "expires_in": self.application.conf.TOKEN["token_timeout"]})

    async def delete(self):
        await self.user()
        await self.token.revoke()
        self.set_status(204)
        self.finish()
