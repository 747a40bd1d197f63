"""Portfolios as PDF documents, drawn by WeasyPrint from the pages' own templates.

WeasyPrint fetches what a document names (stylesheets, fonts, pictures). Here it may
fetch only the app's static files and the media files of this one document, read
straight from disk and storage: no network, no other file, whatever a maker typed.
Documents are drawn at the site's public address, so their links work once saved.

A render runs on a small pool of threads so that the request can stop waiting for
it: a document that takes too long gets an error page, never a hung worker.

WeasyPrint is imported with the app, before any request is served, because importing
it changes a Pillow setting for the whole process (see below).
"""

import logging
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from urllib.parse import unquote
from urllib.parse import urlsplit

from PIL import ImageFile
from werkzeug.security import safe_join

from pm_portfolio.core.storage import Storage

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
_renderers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf")


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


def _write(html: str, assets, base_url: str) -> bytes:
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=assets).write_pdf()


def render_pdf(html: str, assets, base_url: str, timeout: float) -> bytes:
    """The PDF of `html`, its relative links read against `base_url`; DocumentFailed if it
    fails or takes longer than `timeout` seconds."""
    future = _renderers.submit(_write, html, assets, base_url)
    try:
        return future.result(timeout=timeout)
    except FutureTimeout as error:
        # A running render cannot be stopped; it finishes on its thread and is dropped.
        future.cancel()
        logger.warning("a PDF took longer than %s s", timeout)
        raise DocumentFailed(
            "Making this PDF took too long. Please try again in a minute."
        ) from error
    except DocumentFailed:
        raise
    except Exception as error:
        logger.exception("a PDF could not be made")
        raise DocumentFailed("This PDF could not be made. Please try again later.") from error
