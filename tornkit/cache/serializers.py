"""How values become bytes for the store, and back.

JSON is the default: it can only ever decode to data (dicts, lists, str, numbers, True/False/
None). Pickle keeps any Python object, and unpickling runs code: whoever can write to a shared
store (another app on the same Redis, anyone who reaches its port) can plant a pickle that runs
a command in your process when a request reads that key. Pickle only by opt-in
(OPTIONS {"SERIALIZER": "pickle"}), for a store nobody else can write to.

Both write an int as its decimal digits (b"42"), so that the stores' own atomic counters
(Redis INCRBY, memcached incr) work on it, and both read such digits back as an int. tornadopy's
RedisCache stored ints raw too, but unpickled everything it read: `get` of an int raised
UnpicklingError (chapters/ch18_caches/naive.py).
"""
from __future__ import annotations

import json
import pickle
import re
from typing import Any

INT = re.compile(rb"-?\d+\s*")


class JSONSerializer:
    name = "json"

    def dumps(self, value: Any) -> bytes:
        try:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False).encode()
        except (TypeError, ValueError) as e:
            raise TypeError(f"the JSON cache serializer cannot store {type(value).__name__}: "
                            f"{e} (store plain data, or opt in to pickle)") from None

    def loads(self, data: bytes | str) -> Any:
        try:
            return json.loads(data)
        except ValueError as e:  # UnicodeDecodeError too: a pickle, say, planted in the store
            raise ValueError(f"the cache holds a value that is not JSON ({e}); "
                             "it was not written by a JSON cache") from None


class PickleSerializer:
    name = "pickle"

    def dumps(self, value: Any) -> bytes:
        if type(value) is int:
            return str(value).encode()  # so that INCRBY/incr work on it
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    def loads(self, data: bytes | str) -> Any:
        if isinstance(data, str):
            data = data.encode()
        if INT.fullmatch(data):  # a pickle (protocol 2+) starts with b"\x80": never digits
            return int(data)
        return pickle.loads(data)  # runs whatever the pickle says: trust the store's writers


SERIALIZERS = {"json": JSONSerializer, "pickle": PickleSerializer}


def serializer_from(option: Any):
    """OPTIONS["SERIALIZER"]: "json", "pickle", a dotted path, a class or an instance."""
    if isinstance(option, str):
        if option in SERIALIZERS:
            return SERIALIZERS[option]()
        from tornkit.cache.base import import_string
        option = import_string(option)
    return option() if isinstance(option, type) else option
