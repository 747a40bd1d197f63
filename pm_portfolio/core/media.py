"""Media rules: adding, arranging and deleting a product's evidence, and who may see it.

A file is processed completely before anything is stored, and stored before the
row that refers to it is committed; a file no row refers to any more is deleted
from storage once the deletion is committed (and `flask media gc` finds any that
a crash left behind). Limits are checked before any work is done, and again in the
transaction that writes, with the maker's row locked (lock_maker_limits), so that
requests sent at once cannot all pass the same check. Decoding a file happens
between the two, outside any transaction: on SQLite, other makers' saves do not
wait for it.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func

from pm_portfolio.core import media_files
from pm_portfolio.core.media_files import MediaRefused
from pm_portfolio.core.publishing import reach
from pm_portfolio.core.storage import Storage
from pm_portfolio.core.storage import content_key
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaFile
from pm_portfolio.models import MediaItem
from pm_portfolio.models import MediaType
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLinkProduct
from pm_portfolio.models import User

WEBP = "image/webp"
PDF = "application/pdf"
ALT_MAX = 300
FILENAME_MAX = 120


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    quota_bytes: int
    items_per_product: int


def size_label(size: int) -> str:
    """A size as people read it, in the units the limits are set in (1 MB = 1024 KB)."""
    if size < 1024 * 1024:
        return f"{math.ceil(size / 1024)} KB"
    value = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{value} MB"


def used_bytes(owner_id: int) -> int:
    """What the maker's media takes in storage, counted per item as quota."""
    return db.session.scalar(
        db.select(func.coalesce(func.sum(MediaFile.size), 0))
        .join(MediaItem, MediaItem.id == MediaFile.item_id)
        .where(MediaItem.user_id == owner_id)
    )


def lock_maker_limits(owner_id: int) -> None:
    """Lock the maker's row until the transaction ends: writes that check the maker's
    limits (storage, items a product, an empty account for a restore) take turns. On
    SQLite a writing transaction holds the one write lock already (database.py)."""
    db.session.execute(db.select(User.id).where(User.id == owner_id).with_for_update())


def _check_quota(owner_id: int, size: int, limits: Limits, freed: int = 0) -> None:
    if used_bytes(owner_id) - freed + size > limits.quota_bytes:
        raise MediaRefused(
            f"This would take you past your {size_label(limits.quota_bytes)} of storage. "
            "Delete some media first."
        )


def _check_size_and_quota(owner_id: int, size: int, limits: Limits, freed: int = 0) -> None:
    if size > limits.max_file_bytes:
        raise MediaRefused(
            f"This file is {size_label(size)}; files can be up to "
            f"{size_label(limits.max_file_bytes)}."
        )
    _check_quota(owner_id, size, limits, freed)


def _check_items(product_id: int, limits: Limits) -> None:
    count = db.session.scalar(
        db.select(func.count(MediaItem.id)).where(MediaItem.product_id == product_id)
    )
    if count >= limits.items_per_product:
        raise MediaRefused(
            f"A product can have up to {limits.items_per_product} pictures, files and embeds. "
            "Delete one to add another."
        )


def _check_room(owner_id: int, product_id: int, size: int, limits: Limits) -> None:
    _check_items(product_id, limits)
    _check_size_and_quota(owner_id, size, limits)


def _product_to_write(owner_id: int, product_id: int, stored: int, limits: Limits) -> Product:
    """Begin the transaction that writes an item: the maker's limits locked and checked
    again, against the `stored` bytes it adds, and the product, unless it was deleted
    meanwhile. Files stored for a refused item are left to `flask media gc`: another
    upload of the same bytes may be about to use them."""
    lock_maker_limits(owner_id)
    product = db.session.get(Product, product_id)
    if product is None:
        raise MediaRefused("This product was deleted meanwhile.")
    _check_items(product_id, limits)
    _check_quota(owner_id, stored, limits)
    return product


def safe_filename(name: str) -> str:
    """A file name to offer on download: no folders, no control characters, not too long."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable() and char not in '"<>|:*?')
    name = name.strip(" .")[:FILENAME_MAX]
    return name or "document.pdf"


def _next_position(product: Product) -> int:
    highest = db.session.scalar(
        db.select(func.max(MediaItem.position)).where(MediaItem.product_id == product.id)
    )
    return 0 if highest is None else highest + 1


def _store(storage: Storage, files: Iterable[tuple[bytes, str]]) -> list[str]:
    keys = []
    for data, content_type in files:
        key = content_key(data)
        storage.put(key, data, content_type)
        keys.append(key)
    return keys


def add_upload(
    product: Product,
    data: bytes,
    filename: str,
    alt_text: str,
    caption: str,
    storage: Storage,
    limits: Limits,
) -> MediaItem:
    """A picture or a PDF for `product`, processed, stored and committed; or MediaRefused.
    Ends the caller's transaction (committing it) before the file is decoded."""
    owner_id, product_id = product.user_id, product.id
    _check_room(owner_id, product_id, len(data), limits)
    is_pdf = data.startswith(b"%PDF-")
    if not is_pdf and not alt_text.strip():
        raise MediaRefused("Describe the picture for people who cannot see it (alt text).")
    db.session.commit()
    if is_pdf:
        pdf = media_files.process_pdf(data)
        media_type = MediaType.PDF
        details = {"pages": pdf.pages, "filename": safe_filename(filename)}
        outputs = [(pdf.data, PDF, "pdf", None, None)]
        if pdf.thumbnail is not None:
            thumbnail = pdf.thumbnail
            outputs.append((thumbnail.data, WEBP, "thumbnail", thumbnail.width, thumbnail.height))
    else:
        media_type, details = MediaType.IMAGE, {}
        outputs = [
            (variant.data, WEBP, "image", variant.width, variant.height)
            for variant in media_files.process_image(data)
        ]
    keys = _store(storage, ((data, content_type) for data, content_type, *_ in outputs))
    try:
        stored = sum(len(output[0]) for output in outputs)
        product = _product_to_write(owner_id, product_id, stored, limits)
    except MediaRefused:
        db.session.rollback()
        raise
    item = MediaItem(
        user_id=owner_id,
        product_id=product_id,
        media_type=media_type,
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        position=_next_position(product),
        details=details,
    )
    item.files = [
        MediaFile(key=key, role=role, content_type=content_type, size=len(data),
                  width=width, height=height)
        for key, (data, content_type, role, width, height) in zip(keys, outputs, strict=True)
    ]  # fmt: skip
    db.session.add(item)
    db.session.commit()
    return item


def avatar_of(owner_id: int) -> MediaItem | None:
    """The maker's profile photo (a unique index allows one)."""
    return db.session.scalar(
        db.select(MediaItem).where(
            MediaItem.user_id == owner_id, MediaItem.media_type == MediaType.AVATAR
        )
    )


def set_avatar(owner_id: int, data: bytes, storage: Storage, limits: Limits) -> MediaItem:
    """The maker's profile photo, replacing any earlier one (whose files are then deleted).
    Ends the caller's transaction (committing it) before the picture is decoded."""

    def freed_by_the_old_photo() -> tuple[MediaItem | None, int]:
        old = avatar_of(owner_id)
        return old, sum(file.size for file in old.files) if old else 0

    _check_size_and_quota(owner_id, len(data), limits, freed=freed_by_the_old_photo()[1])
    db.session.commit()
    variants = media_files.process_avatar(data)
    keys = _store(storage, ((variant.data, WEBP) for variant in variants))
    lock_maker_limits(owner_id)
    try:
        old, freed = freed_by_the_old_photo()
        _check_quota(owner_id, sum(len(variant.data) for variant in variants), limits, freed)
    except MediaRefused:
        db.session.rollback()
        raise
    old_keys = [file.key for file in old.files] if old else []
    if old is not None:
        db.session.delete(old)
        # Deleted before the new row is inserted: one photo a maker, by a unique index.
        db.session.flush()
    item = MediaItem(user_id=owner_id, media_type=MediaType.AVATAR)
    item.files = [
        MediaFile(key=key, role="image", content_type=WEBP, size=len(variant.data),
                  width=variant.width, height=variant.height)
        for key, variant in zip(keys, variants, strict=True)
    ]  # fmt: skip
    db.session.add(item)
    db.session.commit()
    delete_files(old_keys, storage)
    return item


def remove_avatar(owner_id: int, storage: Storage) -> None:
    old = avatar_of(owner_id)
    if old is not None:
        delete_item(old, storage)


def add_embed(product: Product, url: str, title: str, caption: str, limits: Limits) -> MediaItem:
    embed = media_files.parse_embed(url)
    lock_maker_limits(product.user_id)
    _check_items(product.id, limits)
    item = MediaItem(
        user_id=product.user_id,
        product_id=product.id,
        media_type=MediaType.EMBED,
        alt_text=title.strip(),
        caption=caption.strip(),
        position=_next_position(product),
        details={"provider": embed.provider, "id": embed.id},
    )
    db.session.add(item)
    db.session.commit()
    return item


def embed_of(item: MediaItem) -> media_files.Embed:
    return media_files.embed(item.details["provider"], item.details["id"])


def owned_item(owner_id: int, item_id: int) -> MediaItem | None:
    return db.session.scalar(
        db.select(MediaItem).where(MediaItem.id == item_id, MediaItem.user_id == owner_id)
    )


def update_item(item: MediaItem, alt_text: str, caption: str) -> None:
    if item.media_type == MediaType.IMAGE and not alt_text.strip():
        raise MediaRefused("Describe the picture for people who cannot see it (alt text).")
    if item.media_type == MediaType.EMBED and not alt_text.strip():
        raise MediaRefused("Give the video or design a title; its frame is named by it.")
    item.alt_text = alt_text.strip()
    item.caption = caption.strip()
    db.session.commit()


def set_cover(item: MediaItem) -> None:
    """Make a picture its product's cover; the product has one at most."""
    if item.media_type != MediaType.IMAGE:
        raise MediaRefused("Only a picture can be the cover.")
    for other in item.product.media:
        other.is_cover = other.id == item.id
    db.session.commit()


def move(item: MediaItem, step: int) -> None:
    """Move an item one place earlier (-1) or later (+1) among its product's media."""
    siblings = list(item.product.media)
    index = siblings.index(item)
    target = index + step
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
        db.session.commit()


def unreferenced(keys: Iterable[str]) -> list[str]:
    """The keys among `keys` that no stored file row refers to (any maker's)."""
    keys = set(keys)
    if not keys:
        return []
    used = set(db.session.scalars(db.select(MediaFile.key).where(MediaFile.key.in_(keys))))
    return sorted(keys - used)


def keys_of(query) -> list[str]:
    """The file keys of the media items `query` (a select of MediaItem.id) names."""
    return list(db.session.scalars(db.select(MediaFile.key).where(MediaFile.item_id.in_(query))))


def delete_files(keys: Iterable[str], storage: Storage) -> list[str]:
    """After a commit: remove the files no row refers to any more; returns their keys."""
    gone = unreferenced(keys)
    for key in gone:
        storage.delete(key)
    return gone


def delete_item(item: MediaItem, storage: Storage) -> None:
    keys = [file.key for file in item.files]
    db.session.delete(item)
    db.session.commit()
    delete_files(keys, storage)


def collect_garbage(storage: Storage, older_than: timedelta) -> list[str]:
    """Delete stored files that no row refers to (left by a crash); returns their keys.

    Only files last written more than `older_than` ago: an upload stores its files
    before it commits the rows that name them, and must not lose them meanwhile.
    """
    return delete_files(storage.keys(older_than), storage)


@dataclass(frozen=True)
class ServedFile:
    content_type: str
    role: str
    # What a download is saved as: from the product and the item's place, never the name
    # the maker uploaded (which could say .html, or lose its .pdf to its length).
    download_name: str
    # Anyone may fetch it (cache it publicly), or only some (the maker, a link holder).
    public: bool


def _served(row, public: bool) -> ServedFile:
    name = f"{row.slug}-{row.position + 1}.pdf" if row.slug else "document.pdf"
    return ServedFile(row.content_type, row.role, name, public)


def _file_rows(key: str, share_link_id: int | None = None):
    """Every item that uses the file `key`, with what decides who may see it: one query."""
    on_link = (
        ShareLinkProduct.share_link_id.is_not(None)
        if share_link_id is not None
        else db.literal(False)
    )
    query = (
        db.select(
            MediaFile.content_type,
            MediaFile.role,
            MediaItem.position,
            MediaItem.media_type,
            MediaItem.user_id,
            Product.id.label("product_id"),
            Product.slug,
            Product.status,
            Product.visibility,
            User.is_published,
            User.show_ideas,
            on_link.label("on_link"),
        )
        .join(MediaItem, MediaItem.id == MediaFile.item_id)
        .join(User, User.id == MediaItem.user_id)
        .outerjoin(Product, Product.id == MediaItem.product_id)
        .where(MediaFile.key == key)
    )
    if share_link_id is not None:
        query = query.outerjoin(
            ShareLinkProduct,
            (ShareLinkProduct.product_id == Product.id)
            & (ShareLinkProduct.share_link_id == share_link_id),
        )
    return db.session.execute(query).all()


def file_for_reader(key: str, viewer_id: int | None) -> ServedFile | None:
    """The file `key` if this viewer may see an item that uses it: on a published
    portfolio (with the page's own rules), or the viewer's own."""
    own = None
    for row in _file_rows(key):
        if row.media_type == MediaType.AVATAR:
            listed = row.is_published
        else:
            listed = row.is_published and reach(row, row.show_ideas).on_portfolio
        if listed:
            return _served(row, public=True)
        if row.user_id == viewer_id:
            own = _served(row, public=False)
    return own


def file_for_link(key: str, link_id: int, link_owner_id: int, link_product_id: int | None):
    """The file `key` if the share link shows an item that uses it: the link's product,
    or one of its chosen products, while unlisted or public; or its maker's avatar."""
    for row in _file_rows(key, share_link_id=link_id):
        if row.user_id != link_owner_id:
            continue
        if row.media_type == MediaType.AVATAR:
            return _served(row, public=False)
        shown = row.product_id == link_product_id or row.on_link
        if shown and reach(row, show_ideas=True).by_link:
            return _served(row, public=False)
    return None


def file_for_review(key: str, owner_id: int, product_ids: set[int]) -> ServedFile | None:
    """The file `key` if it belongs to one of a review link's products, whatever their
    visibility (drafts are what is reviewed), or is its maker's avatar."""
    for row in _file_rows(key):
        if row.user_id != owner_id:
            continue
        if row.media_type == MediaType.AVATAR or row.product_id in product_ids:
            return _served(row, public=False)
    return None


def image_files(item: MediaItem) -> list[MediaFile]:
    return [file for file in item.files if file.role == "image"]


def is_portrait(item: MediaItem) -> bool:
    """Taller than wide (a phone screenshot): shown framed, never cropped to its top."""
    files = image_files(item)
    return bool(files) and files[-1].height > files[-1].width


def image_at_least(item: MediaItem, width: int) -> MediaFile | None:
    """The narrowest variant of a picture at least `width` wide, else its widest."""
    files = image_files(item)
    return next((file for file in files if file.width >= width), files[-1] if files else None)


def thumbnail(item: MediaItem) -> MediaFile | None:
    return next((file for file in item.files if file.role == "thumbnail"), None)


def pdf_file(item: MediaItem) -> MediaFile | None:
    return next((file for file in item.files if file.role == "pdf"), None)


def evidence_options(product: Product) -> list[tuple[int, str]]:
    """The product's media a metric can cite as its source, as (id, description)."""
    kinds = {MediaType.IMAGE: "Picture", MediaType.PDF: "PDF", MediaType.EMBED: "Embed"}
    return [
        (item.id, f"{kinds[item.media_type]}: {item.alt_text or item.details.get('filename', '')}")
        for item in product.media
        if item.media_type in kinds
    ]
