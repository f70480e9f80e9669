"""The page cache's file backend: Django's, counting its files less often.

Django's FileBasedCache lists its whole directory on every set() to decide whether to
cull. A page built from scratch writes twice (the page and its facet counts); once the
directory holds its 2,000 entries, as under `make bench` or a crawler, each listing took
~2.3 ms (tmpfs, best of 20): ~4.6 ms of every such page, more than its template. Here a
process lists it on its first write and then every CULL_EVERY-th, so the directory may
pass MAX_ENTRIES by at most CULL_EVERY entries per worker before a third is culled.
"""

from django.core.cache.backends.filebased import FileBasedCache


class SparselyCulledFileBasedCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._cull_every = max(int(params.get("OPTIONS", {}).get("CULL_EVERY", 50)), 1)
        self._writes = 0

    def _cull(self):
        due = self._writes % self._cull_every == 0
        self._writes += 1
        if due:
            super()._cull()
