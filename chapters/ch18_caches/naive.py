"""NOT the chapter's cache: tornadopy's RedisCache, ported just enough to run on Python 3, for
test_app.py to show its bug (PART2 B11) and the others of its design.

tornadopy's rediscache.py (adapted from django-redis) pickles every value except ints, which
it stores raw so that Redis's INCR can work on them; but `get` unpickles whatever it reads.
pickle.loads(b"5") is an UnpicklingError: a cache that cannot read back a number it stored.
Everything is synchronous (a blocking client stalls the IOLoop while Redis answers), the
registry is a threading.local, and the first access starts a ping timer on whatever IOLoop is
current at that moment. The chapter's tornkit.cache does none of this.
"""
import pickle
import threading

import redis
import tornado.ioloop

DEFAULT_TIMEOUT = object()


class RedisClient(object):
    def __init__(self, server, params):
        self._params = params
        host, port = server.split(':')
        options = params.get('OPTIONS', {})
        self._client = redis.StrictRedis(host=host, port=int(port), db=options.get('DB', 0),
                                         **options.get('POOL_KWARGS', {}))
        ping_interval = options.get('PING_INTERVAL', 0)
        if ping_interval:  # at first access, on whatever loop is current (tornadopy's timer)
            self.ping_timer = tornado.ioloop.PeriodicCallback(self._client.ping,
                                                              ping_interval * 1000)
            self.ping_timer.start()

    @property
    def client(self):
        return self._client


class RedisCache(RedisClient):
    def __init__(self, server, params):
        super(RedisCache, self).__init__(server, params)
        self.default_timeout = params.get('TIMEOUT', 300)
        self.key_prefix = params.get('KEY_PREFIX', '')
        self.version = params.get('VERSION', 1)

    def make_key(self, key, version=None):
        return '%s:%s:%s' % (self.key_prefix, version or self.version, key)

    def pickle(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            return pickle.dumps(value)
        return value  # ints raw, so that INCR works on them

    def unpickle(self, value):
        return pickle.loads(value)  # ...but every value is unpickled on the way back

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        self._client.set(key, self.pickle(value), ex=timeout)

    def get(self, key, default=None, version=None):
        value = self._client.get(self.make_key(key, version=version))
        if value is None:
            return default
        return self.unpickle(value)


class CacheHandler(object):
    """tornadopy's `caches`: one per thread, made on first access."""

    def __init__(self, settings):
        self._settings = settings
        self._caches = threading.local()

    def __getitem__(self, alias):
        try:
            return self._caches.caches[alias]
        except AttributeError:
            self._caches.caches = {}
        except KeyError:
            pass
        params = dict(self._settings[alias])
        cache = RedisCache(params.pop('LOCATION'), params)
        self._caches.caches[alias] = cache
        return cache
