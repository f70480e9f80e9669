"""A per-process memory cache bounded in bytes, not only in entries.

Django's LocMemCache counts entries: with pages of 10 KB to 1.5 MB, its 2,000 entries
allowed a worker to grow by gigabytes (a sitemap busted with ?x=N grew a worker from 282
to 370 MB in 60 requests). This backend keeps the same semantics (pickled values, least
recently used evicted first, shared by the threads of one process) and also evicts until
the pickled values fit in MAX_BYTES; a value larger than MAX_ENTRY_BYTES is not stored.
Written against Django's public cache backend API (BaseCache), as no maintained package
offers a byte-bounded in-process Django cache.

    "BACKEND": "procurement_portal.memory_cache.ByteBoundedMemoryCache",
    "OPTIONS": {"MAX_ENTRIES": 2000, "MAX_BYTES": 64 * 2**20, "MAX_ENTRY_BYTES": 2 * 2**20},
"""

import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# One store per LOCATION and process, as LocMemCache: django.core.cache.caches hands each
# thread its own backend instance, and they must share the data.
_stores = {}
_stores_lock = threading.Lock()


class _Store:
    def __init__(self):
        self.data = OrderedDict()  # key -> (pickled value, expiry or None)
        self.size = 0
        self.lock = threading.Lock()


class ByteBoundedMemoryCache(BaseCache):
    def __init__(self, name, params):
        super().__init__(params)
        options = params.get("OPTIONS") or {}
        self.max_bytes = int(options.get("MAX_BYTES", 64 * 2**20))
        self.max_entry_bytes = int(options.get("MAX_ENTRY_BYTES", self.max_bytes // 8))
        with _stores_lock:
            self._store = _stores.setdefault(name, _Store())

    # The store's lock is held by every caller of these three.

    def _drop(self, key):
        pickled, _ = self._store.data.pop(key)
        self._store.size -= len(pickled)

    def _live(self, key):
        entry = self._store.data.get(key)
        if entry is None:
            return None
        if entry[1] is not None and entry[1] <= time.time():
            self._drop(key)
            return None
        return entry

    def _put(self, key, value, timeout):
        pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if key in self._store.data:
            self._drop(key)
        if len(pickled) > self.max_entry_bytes:
            return False
        data = self._store.data
        while data and (
            len(data) >= self._max_entries or self._store.size + len(pickled) > self.max_bytes
        ):
            self._drop(next(iter(data)))  # least recently used first
        data[key] = (pickled, self.get_backend_timeout(timeout))
        self._store.size += len(pickled)
        return True

    # Django's cache API.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            if self._live(key) is not None:
                return False
            return self._put(key, value, timeout)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            entry = self._live(key)
            if entry is None:
                return default
            self._store.data.move_to_end(key)
            pickled = entry[0]
        return pickle.loads(pickled)  # noqa: S301 - values this process stored itself

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            self._put(key, value, timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            entry = self._live(key)
            if entry is None:
                return False
            self._store.data[key] = (entry[0], self.get_backend_timeout(timeout))
            return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            entry = self._live(key)
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(entry[0]) + delta  # noqa: S301
            pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            self._store.size += len(pickled) - len(entry[0])
            self._store.data[key] = (pickled, entry[1])
            self._store.data.move_to_end(key)
        return value

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._live(key) is not None

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            if key not in self._store.data:
                return False
            self._drop(key)
            return True

    def clear(self):
        with self._store.lock:
            self._store.data.clear()
            self._store.size = 0

    @property
    def size_in_bytes(self):
        """What the stored values weigh (pickled), for tests and monitoring."""
        return self._store.size
