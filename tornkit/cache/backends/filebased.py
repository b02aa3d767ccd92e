"""FileBasedCache: one file per key in a directory, under the Application's data_dir.

    CACHES = {"files": {"BACKEND": "tornkit.cache.backends.filebased.FileBasedCache",
                        "LOCATION": "cache"}}          # data_dir/cache/

A file is named after the md5 of its key and holds two lines: when it expires (Unix time, or
"never"), then the serialized value. Writes go to a temporary file first and are renamed into
place, so a reader never sees half a value. The disk is reached from a worker thread
(asyncio.to_thread): a slow disk must not stall the event loop.

add() and incr() read, then write: an asyncio.Lock makes them atomic within this process. Two
processes sharing one directory can still race on them; for counters shared by processes, use
Redis or memcached.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import time
from pathlib import Path

from tornkit.cache.base import MISSING, BaseCache, CacheError

SUFFIX = ".cache"


class FileBasedCache(BaseCache):
    def __init__(self, location: str = "", params=None, *, data_dir=None, clock=None) -> None:
        super().__init__(location, params)
        path = Path(location or "cache")
        if not path.is_absolute():
            if data_dir is None:
                raise CacheError(f"FileBasedCache LOCATION {location!r} is relative and the "
                                 "application has no data_dir to put it under")
            path = Path(data_dir) / path
        self.directory = path
        self.clock = clock or self.options.get("CLOCK") or time.time
        self._lock = asyncio.Lock()

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()
                                 + SUFFIX)

    # --- blocking helpers, run in a thread ---------------------------------------------------
    def _read(self, key: str):
        path = self._path(key)
        try:
            expires, _, data = path.read_bytes().partition(b"\n")
        except FileNotFoundError:
            return MISSING
        if expires != b"never" and float(expires) <= self.clock():
            path.unlink(missing_ok=True)
            return MISSING
        return data

    def _write(self, key: str, data: bytes, timeout: float | None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        if not path.exists():
            self._cull()
        expires = b"never" if timeout is None else repr(self.clock() + timeout).encode()
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(expires + b"\n" + data)
        os.replace(tmp, path)

    def _files(self) -> list[Path]:
        return list(self.directory.glob("*" + SUFFIX)) if self.directory.exists() else []

    def _cull(self) -> None:
        files = self._files()
        if len(files) < self._max_entries:
            return
        if self._cull_frequency == 0:
            doomed = files
        else:  # the least recently written first
            files.sort(key=lambda p: p.stat().st_mtime if p.exists() else 0)
            doomed = files[:max(len(files) // self._cull_frequency, 1)]
        for path in doomed:
            path.unlink(missing_ok=True)

    def _remove(self, key: str) -> bool:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    # --- the primitives ---------------------------------------------------------------------
    async def _get(self, key):
        return await asyncio.to_thread(self._read, key)

    async def _set(self, key, data, timeout):
        async with self._lock:
            await asyncio.to_thread(self._write, key, data, timeout)

    async def _add(self, key, data, timeout):
        async with self._lock:
            if await asyncio.to_thread(self._read, key) is not MISSING:
                return False
            await asyncio.to_thread(self._write, key, data, timeout)
            return True

    async def _delete(self, key):
        async with self._lock:
            return await asyncio.to_thread(self._remove, key)

    async def _has_key(self, key):
        return await asyncio.to_thread(self._read, key) is not MISSING

    async def _incr(self, key, delta):
        async with self._lock:
            return await asyncio.to_thread(self._incr_file, key, delta)

    def _incr_file(self, key, delta):
        path = self._path(key)
        try:
            expires, _, data = path.read_bytes().partition(b"\n")
        except FileNotFoundError:
            return None
        if expires != b"never" and float(expires) <= self.clock():
            path.unlink(missing_ok=True)
            return None
        value = self.serializer.loads(data)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"incr needs an int, the cache holds {type(value).__name__}")
        timeout = None if expires == b"never" else float(expires) - self.clock()
        self._write(key, self.serializer.dumps(value + delta), timeout)  # keeps the expiry
        return value + delta

    async def clear(self):
        async with self._lock:
            await asyncio.to_thread(lambda: [p.unlink(missing_ok=True) for p in self._files()])
