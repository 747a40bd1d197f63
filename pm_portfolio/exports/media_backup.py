"""Pictures and files in a backup: a ZIP of `backup.json` and `media/<key>` for each file.

Restoring trusts nothing in the archive: each file's bytes must hash to its key,
pictures must decode as WebP of their stated size and PDFs must open; embeds are
rebuilt from the allow-list; sizes are checked against the maker's limits from
the archive's directory before any member is read, so a ZIP bomb is refused
without being inflated.
"""

import contextlib
import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO
from typing import Any

from PIL import Image

from pm_portfolio.core import media
from pm_portfolio.core import media_files
from pm_portfolio.core.media import MediaRefused
from pm_portfolio.core.storage import KEY_PATTERN
from pm_portfolio.core.storage import Storage
from pm_portfolio.exports.csv_import import MAX_IMPORT_BYTES
from pm_portfolio.exports.csv_import import BadImportFile
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaFile
from pm_portfolio.models import MediaItem
from pm_portfolio.models import MediaType
from pm_portfolio.models import Product

ARCHIVE_DOCUMENT = "backup.json"
MEDIA_FOLDER = "media/"
ZIP_SIGNATURE = b"PK\x03\x04"
# Far beyond the items a product may have; far inside what the column holds.
POSITION_MAX = 10_000
# The content type of a stored file, by its role.
ROLES = {"image": media.WEBP, "thumbnail": media.WEBP, "pdf": media.PDF}


def media_items(owner_id: int) -> list[dict[str, Any]]:
    """The maker's media as backup data: the avatar first, then each product's in order."""
    items = db.session.scalars(
        db.select(MediaItem)
        .outerjoin(Product, Product.id == MediaItem.product_id)
        .where(MediaItem.user_id == owner_id)
        .options(db.selectinload(MediaItem.files), db.selectinload(MediaItem.product))
        .order_by(Product.created_at.nulls_first(), Product.id, MediaItem.position, MediaItem.id)
    )
    return [
        {
            "product_slug": item.product.slug if item.product else None,
            "media_type": item.media_type,
            "alt_text": item.alt_text,
            "caption": item.caption,
            "position": item.position,
            "is_cover": item.is_cover,
            "details": item.details or {},
            "files": [
                {"key": file.key, "role": file.role, "width": file.width, "height": file.height}
                for file in item.files
            ],
        }
        for item in items
    ]


class MissingFile(Exception):
    """A media row names a file that storage does not have: the ZIP cannot be complete."""


def write_archive(document_json: str, keys: list[str], storage: Storage, target: IO[bytes]):
    """Write the ZIP: the document, then each file once (pictures are compressed already)."""
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(ARCHIVE_DOCUMENT, document_json, compress_type=zipfile.ZIP_DEFLATED)
        for key in dict.fromkeys(keys):
            data = storage.get(key)
            if data is None:
                raise MissingFile(key)
            archive.writestr(MEDIA_FOLDER + key, data, compress_type=zipfile.ZIP_STORED)


def is_archive(content: bytes) -> bool:
    return content.startswith(ZIP_SIGNATURE)


def read_archive(content: bytes, max_media_bytes: int) -> tuple[bytes, dict[str, bytes]]:
    """The document's bytes and the media files by key; refuses what is not our ZIP, or
    holds more than `max_media_bytes` once inflated, before inflating anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if ARCHIVE_DOCUMENT not in members:
                raise BadImportFile(f"This ZIP has no {ARCHIVE_DOCUMENT}: it is not a backup.")
            media_members = {
                name.removeprefix(MEDIA_FOLDER): info
                for name, info in members.items()
                if name.startswith(MEDIA_FOLDER)
                and KEY_PATTERN.fullmatch(name.removeprefix(MEDIA_FOLDER))
            }
            declared = sum(info.file_size for info in media_members.values())
            if declared > max_media_bytes:
                raise BadImportFile(
                    f"The backup's files take {media.size_label(declared)}, more than your "
                    f"{media.size_label(max_media_bytes)} of storage."
                )
            document = _read_member(archive, members[ARCHIVE_DOCUMENT], MAX_IMPORT_BYTES)
            files = {
                key: _read_member(archive, info, max_media_bytes)
                for key, info in media_members.items()
            }
    # What a damaged directory or member makes zipfile raise (a bad offset, a bad name).
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError, OverflowError, OSError) as error:  # fmt: skip
        raise BadImportFile(
            "This ZIP is damaged or encrypted; download the backup again."
        ) from error
    return document, files


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise BadImportFile(f"{info.filename} in the ZIP is larger than a backup may hold.")
    # The directory's sizes can lie: read at most one byte past the stated size.
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise BadImportFile(f"{info.filename} in the ZIP is not the size it says.")
    return data


class CheckedFiles:
    """A backup's files by key, each decoded at most once: a restore checks them all
    before its transaction begins (check_all), so that SQLite's write lock is not held
    while pictures decode, and planning then reads what was found."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self._found: dict[tuple[str, str], Any] = {}
        # The files the items name, by a role they may have, with what they are.
        self._usable: dict[str, str] = {}

    def _decoded(self, key: str, kind: str, decode) -> Any:
        if (key, kind) not in self._found:
            try:
                self._found[key, kind] = decode(self.files[key])
            except MediaRefused as refusal:
                self._found[key, kind] = refusal
        found = self._found[key, kind]
        if isinstance(found, MediaRefused):
            raise found
        return found

    def matches_its_name(self, key: str) -> bool:
        """The file's bytes hash to its key (hashed once, however often asked)."""
        return self._decoded(key, "hash", lambda data: hashlib.sha256(data).hexdigest() == key)

    def webp_size(self, key: str) -> tuple[int, int]:
        return self._decoded(key, "webp", _webp_size)

    def pdf_pages(self, key: str) -> int:
        return self._decoded(key, "pdf", media_files.pdf_pages)

    def check_all(self, items: list[Any]) -> None:
        """Decode every file the items name by the role they give it, and note those that
        are what they say; what is refused or malformed is reported by plan_media."""
        for item in items:
            files = item.get("files") if isinstance(item, dict) else None
            for file in files if isinstance(files, list) else []:
                if not isinstance(file, dict) or not isinstance(file.get("key"), str):
                    continue
                if file["key"] not in self.files or not isinstance(file.get("role"), str):
                    continue
                key, role = file["key"], ROLES.get(file["role"])
                if role is None or not self.matches_its_name(key):
                    continue
                with contextlib.suppress(MediaRefused):
                    if role == media.WEBP:
                        self.webp_size(key)
                    else:
                        self.pdf_pages(key)
                    self._usable[key] = role

    def store(self, storage: Storage) -> None:
        """Store every file the items may use, before the rows that name them are
        committed (a file no row comes to name is left to `flask media gc`)."""
        for key, content_type in self._usable.items():
            storage.put(key, self.files[key], content_type)


@dataclass(frozen=True)
class MediaPlan:
    items: list[MediaItem]
    # The files the items use, by key: (bytes, content type).
    files: dict[str, tuple[bytes, str]]


def plan_media(
    owner_id: int,
    items: list[dict],
    checked: CheckedFiles,
    product_ids: dict[str, int],
    limits: media.Limits,
) -> MediaPlan:
    """Check every item and file of a backup; the items to add (not yet in the session)."""
    planned, used, total = [], {}, 0
    per_product: dict[int, int] = {}
    for number, item in enumerate(items, start=1):
        try:
            row = _planned_item(owner_id, item, checked, product_ids)
        except (MediaRefused, KeyError, TypeError, ValueError, AttributeError) as error:
            reason = str(error) if isinstance(error, MediaRefused) else "it is malformed"
            raise BadImportFile(
                f"The backup's media item {number} cannot be restored: {reason}"
            ) from error
        if row.product_id is not None:
            per_product[row.product_id] = per_product.get(row.product_id, 0) + 1
            if per_product[row.product_id] > limits.items_per_product:
                raise BadImportFile(
                    f"A product in the backup has more than {limits.items_per_product} media items."
                )
        for file in row.files:
            used[file.key] = (checked.files[file.key], file.content_type)
            total += file.size
        planned.append(row)
    if total > limits.quota_bytes:
        raise BadImportFile(
            f"The backup's media take {media.size_label(total)}, more than your "
            f"{media.size_label(limits.quota_bytes)} of storage."
        )
    if sum(row.media_type == MediaType.AVATAR for row in planned) > 1:
        raise BadImportFile("The backup has more than one profile photo.")
    covers = [row.product_id for row in planned if row.is_cover]
    if len(covers) != len(set(covers)):
        raise BadImportFile("A product in the backup has more than one cover.")
    return MediaPlan(planned, used)


def _short_text(value: Any) -> str:
    # NUL too: no database stores it.
    if not isinstance(value, str) or len(value) > media.ALT_MAX or "\x00" in value:
        raise MediaRefused(f"a text is not a string of up to {media.ALT_MAX} characters.")
    return value.strip()


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise MediaRefused(f"a position is not a whole number from 0 to {POSITION_MAX}.")
    return value


def _planned_item(owner_id, item: dict, checked: CheckedFiles, product_ids) -> MediaItem:
    media_type = MediaType(item["media_type"])
    slug = item.get("product_slug")
    if (slug is None) != (media_type == MediaType.AVATAR):
        raise MediaRefused("only the profile photo belongs to no product.")
    if slug is not None and slug not in product_ids:
        raise MediaRefused(f"it belongs to “{str(slug)[:40]}”, which is not in the backup.")
    row = MediaItem(
        user_id=owner_id,
        product_id=product_ids[slug] if slug is not None else None,
        media_type=media_type,
        alt_text=_short_text(item.get("alt_text", "")),
        caption=_short_text(item.get("caption", "")),
        position=_position(item.get("position", 0)),
        is_cover=item.get("is_cover") is True and media_type == MediaType.IMAGE,
        details={},
    )
    if media_type == MediaType.IMAGE and not row.alt_text:
        raise MediaRefused("a picture has no alt text.")
    details = item.get("details") or {}
    if media_type == MediaType.EMBED:
        embed = media_files.embed(str(details["provider"]), str(details["id"]))
        row.details = {"provider": embed.provider, "id": embed.id}
        return row
    row.files = [_checked_file(file, checked) for file in item["files"]]
    roles = sorted(file.role for file in row.files)
    if media_type == MediaType.PDF:
        if roles not in (["pdf"], ["pdf", "thumbnail"]):
            raise MediaRefused("a PDF item needs its PDF file.")
        pdf = next(file for file in row.files if file.role == "pdf")
        pages = checked.pdf_pages(pdf.key)
        row.details = {"pages": pages, "filename": media.safe_filename(str(details["filename"]))}
    elif not roles or set(roles) != {"image"}:
        raise MediaRefused("a picture needs its picture files.")
    if media_type == MediaType.AVATAR:
        sides = sorted((file.width, file.height) for file in row.files)
        if sides != [(side, side) for side in media_files.AVATAR_SIDES]:
            raise MediaRefused("a profile photo is not a square of 96 and 192 pixels.")
    return row


def _checked_file(file: dict, checked: CheckedFiles) -> MediaFile:
    key, role = str(file["key"]), str(file["role"])
    if role not in ROLES:
        raise MediaRefused("a file has an unknown role.")
    data = checked.files.get(key)
    if data is None:
        raise MediaRefused("one of its files is not in the ZIP.")
    if not checked.matches_its_name(key):
        raise MediaRefused("one of its files does not match its name.")
    width = height = None
    if ROLES[role] == media.WEBP:
        width, height = checked.webp_size(key)
    return MediaFile(key=key, role=role, content_type=ROLES[role], size=len(data),
                     width=width, height=height)  # fmt: skip


def _webp_size(data: bytes) -> tuple[int, int]:
    media_files.require_strict_decoding()
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "WEBP" or image.width * image.height > media_files.MAX_PIXELS:
                raise MediaRefused("one of its pictures is not a WebP file we made.")
            image.load()
            return image.size
    except MediaRefused:
        raise
    # Whatever a damaged file makes the decoder raise.
    except Exception as error:
        raise MediaRefused("one of its pictures is damaged.") from error
