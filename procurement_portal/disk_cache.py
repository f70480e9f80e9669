"""The page cache's default backend (settings.CACHES without REDIS_URL): diskcache's
DjangoCache, whose SQLite connections stay open between requests.

DjangoCache.close() closes them, and Django calls close() on every cache at the end of
each request. Closing the last connection to a WAL database checkpoints it (fsync),
and the next request opens it again and re-reads its settings: measured in-process,
a write then close took 2.3 ms and a read then close 0.5 ms, against 0.4 ms and 0.03 ms
with the connections kept (75 KB values, 1,900 entries) — as slow as Django's
FileBasedCache that diskcache replaces. Kept open, as Django's Redis backend keeps its
connection pool; diskcache reopens them itself after a fork (it checks the process id)
and keeps one per thread.
"""

from diskcache import DjangoCache


class PageDiskCache(DjangoCache):
    def close(self, **kwargs):
        pass
