"""Rendered public pages, kept per server process and looked up by ETag.

An ETag names one version of one page (the maker's portfolio version, the
templates, the public address, the viewer), so an entry can never be stale: a
change makes a new ETag and the old entry simply ages out. Nothing here is
needed by another server; each process fills its own.

The cache is bounded by bytes, in all and per maker, least recently used first:
one maker re-saving a huge case study in a loop pushes out only their own pages,
and no amount of traffic grows a process beyond the configured budget.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    owner_id: int
    # The product a case study shows, so a cached view is still counted against it.
    product_id: int | None = None


class PageCache:
    def __init__(self, max_bytes: int, max_bytes_per_owner: int):
        self.max_bytes = max_bytes
        self.max_bytes_per_owner = min(max_bytes_per_owner, max_bytes)
        self.total_bytes = 0
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        # Each owner's pages in least recently used order, and their size.
        self._owner_pages: dict[int, OrderedDict[str, None]] = {}
        self._owner_bytes: dict[int, int] = {}
        self._lock = threading.Lock()

    def get(self, etag: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(etag)
            if page is not None:
                self._pages.move_to_end(etag)
                self._owner_pages[page.owner_id].move_to_end(etag)
            return page

    def put(self, etag: str, page: CachedPage) -> None:
        if len(page.body) > self.max_bytes_per_owner:
            return
        with self._lock:
            self._remove(etag)
            self._pages[etag] = page
            self._owner_pages.setdefault(page.owner_id, OrderedDict())[etag] = None
            self._owner_bytes[page.owner_id] = self.owner_bytes(page.owner_id) + len(page.body)
            self.total_bytes += len(page.body)
            while self._owner_bytes[page.owner_id] > self.max_bytes_per_owner:
                self._remove(next(iter(self._owner_pages[page.owner_id])))
            while self.total_bytes > self.max_bytes:
                self._remove(next(iter(self._pages)))

    def owner_bytes(self, owner_id: int) -> int:
        return self._owner_bytes.get(owner_id, 0)

    def _remove(self, etag: str) -> None:
        page = self._pages.pop(etag, None)
        if page is None:
            return
        self.total_bytes -= len(page.body)
        owner_pages = self._owner_pages[page.owner_id]
        del owner_pages[etag]
        self._owner_bytes[page.owner_id] -= len(page.body)
        if not owner_pages:
            del self._owner_pages[page.owner_id]
            del self._owner_bytes[page.owner_id]
