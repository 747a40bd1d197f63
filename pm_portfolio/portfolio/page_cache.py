"""Rendered public pages, kept per server process and looked up by ETag.

An ETag names one version of one page (the maker's portfolio version, the
templates, the viewer), so an entry can never be stale: a change makes a new
ETag and the old entry simply ages out. Nothing here is needed by another
server; each process fills its own.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedPage:
    body: str
    # The product a case study shows, so a cached view is still counted against it.
    product_id: int | None = None


class PageCache:
    def __init__(self, size: int):
        self._size = size
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(etag)
            if page is not None:
                self._pages.move_to_end(etag)
            return page

    def put(self, etag: str, page: CachedPage) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._pages[etag] = page
            self._pages.move_to_end(etag)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
