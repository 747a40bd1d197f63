"""Portfolios as PDF documents, drawn by WeasyPrint from the pages' own templates.

WeasyPrint fetches what a document names (stylesheets, fonts, pictures). Here it may
fetch only the app's static files and the media files of this one document, read
straight from disk and storage: no network, no other file, whatever a maker typed.
Documents are drawn at the site's public address, so their links work once saved.

A render runs in a process of its own, forked from a server process that has
WeasyPrint loaded (multiprocessing's forkserver), so that its time limit can stop
it: a thread could only be abandoned, still drawing. What one render may take is
bounded before it starts (table cells) and while it runs (pages, memory, time); a
process draws at most RENDERS_PER_PROCESS documents at once.

WeasyPrint is imported with the app, before any request is served, because importing
it changes a Pillow setting for the whole process (see below).
"""

import logging
import math
import mimetypes
import multiprocessing
import re
import resource
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote
from urllib.parse import urlsplit

from PIL import ImageFile
from werkzeug.security import safe_join

from pm_portfolio.core.storage import Storage
from pm_portfolio.core.storage import open_storage

logger = logging.getLogger(__name__)

try:
    import weasyprint
    import weasyprint.images
except OSError as missing_library:
    # Pango is missing: everything but PDFs works, and a PDF download says so.
    logger.error("WeasyPrint cannot load its system libraries: %s", missing_library)
    weasyprint = None
# WeasyPrint's import tells Pillow to accept truncated pictures, in every thread; uploads
# must still refuse them (media_files checks), and documents hold only re-encoded ones.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Two renders at once per process: enough for a burst, a bound on memory and CPU.
RENDERS_PER_PROCESS = 2
_render_slots = threading.BoundedSemaphore(RENDERS_PER_PROCESS)
# About half a millisecond of layout a cell, and growing faster than the count: a
# case study's tables hold tens or hundreds.
MAX_TABLE_CELLS = 2_000
_TABLE_CELL = re.compile(r"<t[dh][\s>]")
# Address space of a render: a few hundred MB for fonts, pictures and layout.
MEMORY_BYTES = 1536 * 2**20
# Forked from a process that has loaded this module, so a render starts in milliseconds.
_processes = multiprocessing.get_context(
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
_processes.set_forkserver_preload([__name__])


@dataclass(frozen=True)
class Document:
    """What a render needs, all plain values that cross to the render's process."""

    html: str
    # The public address the document is drawn at, its relative links read against it.
    base_url: str
    static_folder: str
    media_storage_url: str
    media_keys: frozenset[str]


class NotPartOfTheDocument(ValueError):
    """A document named a file it may not have; WeasyPrint leaves it out."""


class DocumentFailed(Exception):
    """The PDF could not be made; the message says why, for the reader."""


def _weasyprint():
    if weasyprint is None:
        raise DocumentFailed("PDF downloads are not available on this server right now.")
    return weasyprint


def document_assets(static_folder: str, storage: Storage, media_keys: set[str], host: str):
    """The URL fetcher for one document drawn at `host`: the app's static files and the
    document's own media files, read from disk and storage, never over the network."""
    urls = _weasyprint().urls

    class DocumentAssets(urls.URLFetcher):
        def fetch(self, url: str, headers=None):
            parts = urlsplit(url)
            path = unquote(parts.path)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                raise NotPartOfTheDocument(url)
            if path.startswith("/static/"):
                file = safe_join(static_folder, path.removeprefix("/static/"))
                if file is None or not Path(file).is_file():
                    raise NotPartOfTheDocument(url)
                content_type = mimetypes.guess_type(file)[0] or "application/octet-stream"
                return urls.URLFetcherResponse(
                    url, Path(file).read_bytes(), {"Content-Type": content_type}
                )
            key = path.rsplit("/", 1)[-1]
            if "/media/" in path and key in media_keys:
                data = storage.get(key)
                if data is not None:
                    return urls.URLFetcherResponse(url, data)
            raise NotPartOfTheDocument(url)

    return DocumentAssets(allowed_protocols=("http", "https"))


def _draw(document: Document, max_pages: int) -> bytes:
    """The PDF of `document`, in this process; DocumentFailed past `max_pages`."""
    weasyprint = _weasyprint()
    assets = document_assets(
        document.static_folder,
        open_storage(document.media_storage_url),
        set(document.media_keys),
        urlsplit(document.base_url).netloc,
    )
    drawn = weasyprint.HTML(
        string=document.html, base_url=document.base_url, url_fetcher=assets
    ).render()
    if len(drawn.pages) > max_pages:
        raise DocumentFailed(
            f"This PDF would run to {len(drawn.pages)} pages, more than the {max_pages} "
            "a download may have. The page itself shows everything."
        )
    return drawn.write_pdf()


def _render_in_own_process(
    connection, document: Document, max_pages: int, cpu_seconds: int
) -> None:
    """The body of a render's process: sends ("pdf", bytes) or ("failed", message)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    # A backstop should the request that waits for it die without stopping it.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    try:
        connection.send(("pdf", _draw(document, max_pages)))
    except DocumentFailed as refusal:
        connection.send(("failed", str(refusal)))
    except MemoryError:
        connection.send(("failed", "This PDF is too large to make."))
    except Exception:
        logger.exception("a PDF could not be made")
        connection.send(("failed", "This PDF could not be made. Please try again later."))
    finally:
        connection.close()


def _check_size(html: str) -> None:
    cells = len(_TABLE_CELL.findall(html))
    if cells > MAX_TABLE_CELLS:
        raise DocumentFailed(
            f"This PDF would hold tables of {cells:,} cells in all, more than the "
            f"{MAX_TABLE_CELLS:,} a download may have. The page itself shows them."
        )


def render_pdf(document: Document, timeout: float, max_pages: int) -> bytes:
    """The PDF of `document`; DocumentFailed if it cannot be made, is too large, or is not
    made within `timeout` seconds (waiting for a render slot included), at which point its
    process is stopped."""
    _weasyprint()
    _check_size(document.html)
    deadline = time.monotonic() + timeout
    if not _render_slots.acquire(timeout=timeout):
        raise DocumentFailed("PDFs are busy right now. Please try again in a minute.")
    try:
        receiving, sending = _processes.Pipe(duplex=False)
        process = _processes.Process(
            target=_render_in_own_process,
            args=(sending, document, max_pages, math.ceil(timeout) + 1),
            daemon=True,
        )
        process.start()
        sending.close()
        try:
            if not receiving.poll(max(deadline - time.monotonic(), 0)):
                logger.warning("a PDF took longer than %s s and was stopped", timeout)
                raise DocumentFailed("Making this PDF took too long. Please try again in a minute.")
            outcome, value = receiving.recv()
        except EOFError as error:
            process.join()
            logger.error("a PDF's process ended without an answer (code %s)", process.exitcode)
            raise DocumentFailed("This PDF could not be made. Please try again later.") from error
        finally:
            process.kill()
            process.join()
            receiving.close()
    finally:
        _render_slots.release()
    if outcome == "failed":
        raise DocumentFailed(value)
    return value
