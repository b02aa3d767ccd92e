"""NOT the chapter's app: two sessions as they are often written, for test_app.py to attack.

1. The notes' CacheSession as written. It keeps whatever id the browser brings, if it knows it,
   and login does not change the id: an attacker who gets a victim's browser to use a session
   id the attacker knows (a link, a subdomain's cookie) shares the victim's session once they
   log in. That is session fixation. session.py's login calls regenerate().
   It also stores everything in this process for ever: the cookie expires, the data never does.

2. A Redis session that pickles its data. Whoever can write to the store (a shared Redis, a
   neighbour app, an unauthenticated port) can plant a pickle that runs code when a request
   loads it. session.py stores JSON, which can only ever decode to data.
"""
import os
import pickle
import time
from hashlib import sha1

import redis.asyncio
import tornado.web

SESSION_EXPIRES = 1800  # the notes: config.SESSION_EXPIRES
create_session_id = lambda: sha1(bytes('%s%s' % (os.urandom(16), time.time()), encoding='utf-8')).hexdigest()  # noqa: E731,E501


class CacheSession:  # the notes' class, with config.SESSION_EXPIRES inlined
    session_container = {}
    session_id = "__sessionId__"

    def __init__(self, handler):
        self.handler = handler
        client_random_str = handler.get_cookie(CacheSession.session_id, None)
        if client_random_str and client_random_str in CacheSession.session_container:
            self.random_str = client_random_str
        else:
            self.random_str = create_session_id()
            CacheSession.session_container[self.random_str] = {}
        expires_time = time.time() + SESSION_EXPIRES
        handler.set_cookie(CacheSession.session_id, self.random_str, expires=expires_time)

    def __getitem__(self, key):
        ret = CacheSession.session_container[self.random_str].get(key, None)
        return ret

    def __setitem__(self, key, value):
        CacheSession.session_container[self.random_str][key] = value

    def __delitem__(self, key):
        if key in CacheSession.session_container[self.random_str]:
            del CacheSession.session_container[self.random_str][key]


class NotesHandler(tornado.web.RequestHandler):
    def initialize(self):
        self.session = CacheSession(self)  # the notes' initialize hook


class NotesHomeHandler(NotesHandler):
    def get(self):
        self.write(f"user: {self.session['user']}")


class NotesLoginHandler(NotesHandler):
    def post(self):
        if self.get_body_argument("password") != "tornado":
            raise tornado.web.HTTPError(403)
        self.session["user"] = self.get_body_argument("username")  # same id as before login
        self.write("logged in")


class PickleHomeHandler(tornado.web.RequestHandler):
    async def get(self):
        session_id = self.get_cookie("__sessionId__")
        raw = await self.application.redis.get(f"session:{session_id}") if session_id else None
        data = pickle.loads(raw) if raw else {}  # DON'T: this runs whatever the pickle says
        self.write(f"user: {data.get('user')}")


class Application(tornado.web.Application):
    def __init__(self, handlers, *, redis_url=None, **settings):
        super().__init__(handlers, **settings)
        self.redis = redis.asyncio.Redis.from_url(redis_url) if redis_url else None

    async def close(self):
        if self.redis is not None:
            await self.redis.aclose()


def make_app(redis_url=None) -> Application:
    return Application(
        [(r"/notes/", NotesHomeHandler), (r"/notes/login", NotesLoginHandler),
         (r"/pickle/", PickleHomeHandler)],
        redis_url=redis_url)
