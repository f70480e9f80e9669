"""The page cache's default backend (settings.CACHES without REDIS_URL): diskcache's
DjangoCache, whose SQLite connections stay open between requests and whose writes never
wait long.

DjangoCache.close() closes them, and Django calls close() on every cache at the end of
each request. Closing the last connection to a WAL database checkpoints it (fsync),
and the next request opens it again and re-reads its settings: measured in-process,
a write then close took 2.3 ms and a read then close 0.5 ms, against 0.4 ms and 0.03 ms
with the connections kept (75 KB values, 1,900 entries) — as slow as Django's
FileBasedCache that diskcache replaces. Kept open, as Django's Redis backend keeps its
connection pool; diskcache reopens them itself after a fork (it checks the process id)
and keeps one per thread.

DjangoCache's writes retry by default until they get a shard's write lock: a process
holding it (a paused worker, a shell left in a transaction) would hold every page that
writes to that shard until gunicorn kills the worker. Here a write waits at most
DATABASE_TIMEOUT, then gives up: the page is simply not stored (reads take no lock).

Values are pickled, and unpickling runs code: whoever can write to the directory can run
code as the portal (CVE-2025-69872, as with Django's own file cache). The directory is
created for its owner alone, as Django's FileBasedCache creates its own (diskcache's
default is 0755); docs/deploy.md says to keep an existing one so.
"""

import os

from diskcache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class PageDiskCache(DjangoCache):
    def __init__(self, directory, params):
        os.makedirs(directory, mode=0o700, exist_ok=True)
        super().__init__(directory, params)

    def close(self, **kwargs):
        pass

    def release(self):
        """Close this thread's SQLite connections for good (close() keeps them for the next
        request): for a cache that is done with, such as each test's own."""
        super().close()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, read=False, tag=None):
        return super().set(key, value, timeout, version, read, tag, retry=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, read=False, tag=None):
        return super().add(key, value, timeout, version, read, tag, retry=False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version, retry=False)

    def delete(self, key, version=None):
        return super().delete(key, version, retry=False)

    def incr(self, key, delta=1, version=None, default=None):
        return super().incr(key, delta, version, default, retry=False)

    def decr(self, key, delta=1, version=None, default=None):
        return super().decr(key, delta, version, default, retry=False)
