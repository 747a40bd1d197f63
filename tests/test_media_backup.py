"""The ZIP backup: every picture, file and video comes back, and a bad archive changes nothing."""

import contextlib
import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from pm_portfolio.core import media
from pm_portfolio.exports import backup
from pm_portfolio.exports.csv_import import BadImportFile
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.clients import signed_in_maker
from tests.factories import MEDIA_LIMITS
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import pdf_bytes
from tests.factories import png_bytes


def add_everything(app, owner_id: int) -> None:
    """Two pictures (the second the cover), a PDF and an embed on a product; a photo."""
    with app.app_context():
        storage = app.extensions["media_storage"]
        product = db.session.get(Product, make_product(owner_id, slug="bot", visibility="public"))
        make_product(owner_id, slug="empty")
        media.add_upload(product, png_bytes(colour="red"), "a.png", "First", "One", storage,
                         MEDIA_LIMITS)  # fmt: skip
        cover = media.add_upload(product, png_bytes(900, 500), "b.png", "Second", "", storage,
                                 MEDIA_LIMITS)  # fmt: skip
        media.set_cover(cover)
        media.add_upload(product, pdf_bytes(3), "PRD.pdf", "", "The PRD", storage, MEDIA_LIMITS)
        media.add_embed(product, "https://vimeo.com/76979871", "Demo", "Two minutes", MEDIA_LIMITS)
        media.set_avatar(owner_id, png_bytes(300, 300), storage, MEDIA_LIMITS)


def media_rows(app, owner_id: int) -> list[tuple]:
    """A maker's media without ids, to compare two accounts."""
    with app.app_context():
        items = db.session.scalars(
            db.select(MediaItem)
            .where(MediaItem.user_id == owner_id)
            .order_by(MediaItem.product_id.is_(None), MediaItem.position, MediaItem.id)
        ).all()
        return [
            (item.product.slug if item.product else None, item.media_type, item.alt_text,
             item.caption, item.position, item.is_cover, item.details,
             sorted((f.key, f.role, f.content_type, f.size, f.width, f.height) for f in item.files))
            for item in items
        ]  # fmt: skip


def restore(client, content: bytes, filename: str = "backup.zip"):
    return client.upload("/settings/data/restore", "restore", content, filename)


def test_a_zip_backup_brings_back_every_picture_file_and_video(app):
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)

    response = client.get("/export/backup.zip")

    assert response.status_code == 200
    assert response.content_type == "application/zip"
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    assert names[0] == "backup.json"
    document = json.loads(archive.read("backup.json"))
    assert document["format_version"] == 2
    assert len(document["media"]) == 5
    keys = {file["key"] for item in document["media"] for file in item["files"]}
    assert sorted(names[1:]) == sorted(f"media/{key}" for key in keys)
    assert all(hashlib.sha256(archive.read(f"media/{key}")).hexdigest() == key for key in keys)

    other, other_client = signed_in_maker(app)
    restored = restore(other_client, response.get_data())

    assert restored.status_code == 302, restored.get_data(as_text=True)
    assert media_rows(app, other.id) == media_rows(app, maker.id)
    flashed = other_client.get("/dashboard").get_data(as_text=True)
    assert "Restored 2 products, 0 learnings and 5 media items." in flashed
    assert all(other_client.get(f"/media/{key}").status_code == 200 for key in keys)


def cited_evidence(app, owner_id: int) -> list[tuple[str, str | None]]:
    """Each metric of the maker's "bot" with the alt text or caption of what it cites."""
    with app.app_context():
        product = db.session.scalar(
            db.select(Product).where(Product.user_id == owner_id, Product.slug == "bot")
        )
        items = {item.id: item.alt_text or item.caption for item in product.media}
        return [(metric.label, items.get(metric.source_media_id)) for metric in product.metrics]


def test_metrics_cite_the_same_evidence_after_a_restore(app):
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    with app.app_context():
        product = db.session.scalar(db.select(Product).where(Product.slug == "bot"))
        by_text = {item.alt_text or item.caption: item.id for item in product.media}
        product.metrics = [
            Metric(label="Retention", value="38%", source_media_id=by_text["Second"]),
            Metric(label="Users", value="140", position=1),
            Metric(label="Read", value="90%", source_media_id=by_text["The PRD"], position=2),
        ]
        db.session.commit()
    assert cited_evidence(app, maker.id) == [
        ("Retention", "Second"), ("Users", None), ("Read", "The PRD"),
    ]  # fmt: skip

    other, other_client = signed_in_maker(app)
    restored = restore(other_client, client.get("/export/backup.zip").get_data())

    assert restored.status_code == 302, restored.get_data(as_text=True)
    assert cited_evidence(app, other.id) == cited_evidence(app, maker.id)


def test_a_json_backup_still_restores_without_media(app):
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    other, other_client = signed_in_maker(app)

    restored = restore(other_client, client.get("/export/backup.json").get_data(), "b.json")

    assert restored.status_code == 302
    assert media_rows(app, other.id) == []


def rebuilt(content: bytes, change) -> bytes:
    """The archive with `change(document, files)` applied to its JSON and its files."""
    source = zipfile.ZipFile(io.BytesIO(content))
    document = json.loads(source.read("backup.json"))
    files = {name: source.read(name) for name in source.namelist() if name != "backup.json"}
    change(document, files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if document is not None:
            archive.writestr("backup.json", json.dumps(document))
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def first_key(document, role="image"):
    return next(f["key"] for i in document["media"] for f in i["files"] if f["role"] == role)


def swap_file(document, files, data: bytes) -> None:
    """Name `data` by its own hash in place of the first picture: a well-formed lie."""
    old = first_key(document)
    new = hashlib.sha256(data).hexdigest()
    files[f"media/{new}"] = files.pop(f"media/{old}")
    files[f"media/{new}"] = data
    for item in document["media"]:
        for file in item["files"]:
            if file["key"] == old:
                file["key"] = new


def without_document(document, files):
    document.clear()
    document["format"] = "not ours"


BAD_ARCHIVES = {
    "a changed file": (
        lambda d, f: f.update({f"media/{first_key(d)}": b"changed"}),
        "does not match its name",
    ),
    "a PNG in place of a WebP": (
        lambda d, f: swap_file(d, f, png_bytes(20, 20)),
        "not a WebP file we made",
    ),
    "an HTML page named as a picture": (
        lambda d, f: swap_file(d, f, b"<script>alert(1)</script>"),
        "damaged",
    ),
    "a missing file": (
        lambda d, f: f.pop(f"media/{first_key(d, 'pdf')}"),
        "not in the ZIP",
    ),
    "an item of an unknown product": (
        lambda d, f: next(i for i in d["media"] if i["product_slug"]).update(
            {"product_slug": "nowhere"}
        ),
        "not in the backup",
    ),
    "an embed from elsewhere": (
        lambda d, f: next(i for i in d["media"] if i["media_type"] == "embed")["details"].update(
            {"provider": "vimeo", "id": "javascript:alert(1)"}
        ),
        "Not a vimeo id",
    ),
    "a picture without alt text": (
        lambda d, f: next(i for i in d["media"] if i["media_type"] == "image").update(
            {"alt_text": ""}
        ),
        "a picture has no alt text",
    ),
    "two covers": (
        lambda d, f: [
            i.update({"is_cover": True}) for i in d["media"] if i["media_type"] == "image"
        ],
        "more than one cover",
    ),
    "a photo on a product": (
        lambda d, f: next(i for i in d["media"] if i["media_type"] == "avatar").update(
            {"product_slug": "bot"}
        ),
        "only the profile photo belongs to no product",
    ),
    "a malformed item": (lambda d, f: d["media"].append({"files": 3}), "it is malformed"),
    "a file named by a list": (
        lambda d, f: next(i for i in d["media"] if i["files"])["files"].append(
            {"key": [1], "role": ["image"]}
        ),
        "a file has an unknown role",
    ),
    "a caption too long": (
        lambda d, f: d["media"][-1].update({"caption": "a" * 301}),
        "a text is not a string",
    ),
    "a position beyond any column": (
        lambda d, f: d["media"][-1].update({"position": 2**70}),
        "a position is not a whole number",
    ),
    "no backup.json": (without_document, "not a PM Portfolio backup"),
}


@pytest.mark.parametrize("name", BAD_ARCHIVES)
def test_a_bad_archive_is_refused_and_changes_nothing(app, name):
    change, message = BAD_ARCHIVES[name]
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    good = client.get("/export/backup.zip").get_data()
    stored_before = set(app.extensions["media_storage"].keys())
    other, other_client = signed_in_maker(app)

    response = restore(other_client, rebuilt(good, change))

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Product).where(Product.user_id == other.id)).all() == []
    assert media_rows(app, other.id) == []
    assert set(app.extensions["media_storage"].keys()) == stored_before


def test_a_zip_bomb_is_refused_before_it_is_inflated(app):
    _maker, client = signed_in_maker(app)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("backup.json", json.dumps({"format": "pm-portfolio-backup"}))
        archive.writestr("media/" + "0" * 64, b"\0" * (101 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000

    response = restore(client, buffer.getvalue())

    assert response.status_code == 200
    assert "more than your 100 MB of storage" in response.get_data(as_text=True)


def test_a_version_2_document_alone_asks_for_the_zip(app):
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    inside = zipfile.ZipFile(io.BytesIO(client.get("/export/backup.zip").get_data()))
    _other, other_client = signed_in_maker(app)

    response = restore(other_client, inside.read("backup.json"), "backup.json")

    assert "upload the whole .zip" in response.get_data(as_text=True)


def test_a_restore_may_be_larger_than_other_uploads_for_a_maker_only(app, client):
    _maker, maker_client = signed_in_maker(app)
    big = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)

    response = restore(maker_client, big)

    assert response.status_code == 200, "a signed-in maker may send a large backup"
    assert "This ZIP is damaged" in response.get_data(as_text=True)
    boundary, body = encode_multipart(
        {"restore-file": FileStorage(io.BytesIO(big), filename="backup.zip")}
    )
    anonymous = client.post(
        "/settings/data/restore",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert anonymous.status_code == 413, "nobody else may send that much"


COLOURS = st.sampled_from(["red", "green", "blue", "white", "black", "orange"])
PICTURES = st.lists(
    st.tuples(COLOURS, st.integers(8, 700), st.integers(8, 300), st.text(min_size=1, max_size=40),
              st.booleans()),
    max_size=3,
)  # fmt: skip


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pictures=PICTURES)
def test_any_pictures_survive_the_round_trip(app, pictures):
    maker, client = signed_in_maker(app)
    with app.app_context():
        storage = app.extensions["media_storage"]
        product = db.session.get(Product, make_product(maker.id, started_on=date(2026, 1, 1)))
        for colour, width, height, alt_text, cover in pictures:
            if not alt_text.strip() or "\x00" in alt_text:
                continue
            item = media.add_upload(product, png_bytes(width, height, colour), "p.png", alt_text,
                                    "", storage, MEDIA_LIMITS)  # fmt: skip
            if cover:
                media.set_cover(item)
    other, other_client = signed_in_maker(app)

    response = restore(other_client, client.get("/export/backup.zip").get_data())

    assert response.status_code == 302, response.get_data(as_text=True)
    assert media_rows(app, other.id) == media_rows(app, maker.id)


def test_a_restore_needs_an_account_without_media_too(app):
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    archive = client.get("/export/backup.zip").get_data()
    other, other_client = signed_in_maker(app)
    with app.app_context():
        media.set_avatar(
            other.id, png_bytes(100, 100), app.extensions["media_storage"], MEDIA_LIMITS
        )

    response = restore(other_client, archive)

    assert "already has products, learnings, media or applications" in response.get_data(
        as_text=True
    )
    assert len(media_rows(app, other.id)) == 1


def second_photo(document, files):
    photo = next(i for i in document["media"] if i["media_type"] == "avatar")
    document["media"].append(photo)


def odd_photo(document, files):
    photo = next(i for i in document["media"] if i["media_type"] == "avatar")
    picture = next(i for i in document["media"] if i["media_type"] == "image")
    photo["files"] = picture["files"]


@pytest.mark.parametrize(
    ("change", "message"),
    [(second_photo, "more than one profile photo"), (odd_photo, "a profile photo is not")],
)
def test_a_backup_has_one_square_photo_at_most(app, change, message):
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    archive = rebuilt(client.get("/export/backup.zip").get_data(), change)
    other, other_client = signed_in_maker(app)

    response = restore(other_client, archive)

    assert message in response.get_data(as_text=True)
    assert media_rows(app, other.id) == []


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_damaged_zip_is_refused_never_a_crash(app, zip_backup, data):
    end = len(zip_backup) - 1
    # Half the damage lands in the ZIP's directory, at the end, where the parser starts.
    position = data.draw(st.integers(0, end) | st.integers(max(0, end - 2048), end))
    noise = data.draw(st.binary(min_size=1, max_size=16))
    damaged = zip_backup[:position] + noise + zip_backup[position + len(noise) :]
    with app.app_context():
        owner = db.session.get(User, make_user().id)
        with contextlib.suppress(BadImportFile):
            backup.restore_backup(owner, damaged, app.extensions["media_storage"], MEDIA_LIMITS)


@pytest.fixture
def zip_backup(app) -> bytes:
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    return client.get("/export/backup.zip").get_data()


def test_a_missing_stored_file_is_explained_not_a_crash(app):
    maker, client = signed_in_maker(app)
    add_everything(app, maker.id)
    storage = app.extensions["media_storage"]
    storage.delete(next(iter(storage.keys())))

    response = client.get("/export/backup.zip")

    assert response.status_code == 302
    assert response.headers["Location"] == "/settings/data"
    page = client.get("/settings/data").get_data(as_text=True)
    assert "A picture or file of yours is missing from storage" in page
