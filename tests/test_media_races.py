"""Limits that hold when a maker sends many requests at once (on PostgreSQL, where
requests run side by side), and uploads that do not hold SQLite's write lock while
their file is decoded."""

import json
import threading

import pytest

from pm_portfolio.core import media_files
from pm_portfolio.core.media import used_bytes
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Product
from tests.clients import AuthActions
from tests.factories import PASSWORD
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import pdf_bytes
from tests.factories import png_bytes

PARALLEL = 8
PDF = pdf_bytes(2)
# What one PDF takes in storage: the file and its thumbnail.
STORED = len(PDF) + len(media_files.process_pdf(PDF).thumbnail.data)


def at_once(app, username: str, request) -> list:
    """`request(client, number)` from PARALLEL signed-in clients at the same moment."""
    clients = []
    for _ in range(PARALLEL):
        client = app.test_client()
        AuthActions(client).login(username, PASSWORD)
        clients.append(client)
    start = threading.Barrier(PARALLEL)
    answers = []

    def send(client, number: int) -> None:
        start.wait()
        answers.append(request(client, number))

    threads = [
        threading.Thread(target=send, args=(client, number))
        for number, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def upload_pdf(product_id: int):
    def request(client, _number):
        return client.upload(f"/products/{product_id}/media/upload", "upload", PDF, "prd.pdf",
                             alt_text="")  # fmt: skip

    return request


@pytest.fixture
def maker_product(app):
    with app.app_context():
        maker = make_user(username="ada")
        return maker.id, make_product(maker.id, slug="bot")


@pytest.mark.parametrize("app_config", [{"MEDIA_QUOTA_BYTES": 3 * STORED + len(PDF) // 2}])
def test_parallel_uploads_stay_within_the_quota(app, maker_product):
    owner_id, product_id = maker_product

    answers = at_once(app, "ada", upload_pdf(product_id))

    with app.app_context():
        used = used_bytes(owner_id)
        stored = db.session.scalar(db.select(db.func.count(MediaItem.id)))
    assert used <= app.config["MEDIA_QUOTA_BYTES"]
    assert stored == 3
    assert sum("past your" in answer.get_data(as_text=True) for answer in answers) == 5


@pytest.mark.parametrize("app_config", [{"MEDIA_ITEMS_PER_PRODUCT": 3}])
def test_parallel_uploads_and_embeds_stay_within_the_items_of_a_product(app, maker_product):
    _owner_id, product_id = maker_product

    def upload_or_embed(client, number):
        if number % 2:
            return client.submit(f"/products/{product_id}/media/embed",
                                 {"embed-url": "https://youtu.be/dQw4w9WgXcQ",
                                  "embed-title": "Demo"},
                                 page=f"/products/{product_id}/media")  # fmt: skip
        return upload_pdf(product_id)(client, number)

    at_once(app, "ada", upload_or_embed)

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MediaItem.id))) == 3


def test_parallel_restores_into_one_empty_account_restore_once(app):
    with app.app_context():
        make_user(username="ada")

    def backup(number: int) -> bytes:
        product = {"slug": f"bot-{number}", "title": f"Bot {number}", "status": "idea",
                   "visibility": "private"}  # fmt: skip
        return json.dumps({"format": "pm-portfolio-backup", "format_version": 1,
                           "profile": {"display_name": "Ada"}, "learnings": [],
                           "products": [product]}).encode()  # fmt: skip

    answers = at_once(
        app,
        "ada",
        lambda client, number: client.upload(
            "/settings/data/restore", "restore", backup(number), "backup.json"
        ),
    )

    assert sorted(answer.status_code for answer in answers) == [200] * 7 + [302]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 1


def test_a_post_while_an_upload_is_decoded_does_not_wait_for_it(app, maker_product, monkeypatch):
    _owner_id, product_id = maker_product
    with app.app_context():
        make_user(username="grace")
    decoding, finish = threading.Event(), threading.Event()
    real = media_files.process_image

    def slow_decode(data):
        decoding.set()
        finish.wait(30)
        return real(data)

    monkeypatch.setattr(media_files, "process_image", slow_decode)
    uploader, other = app.test_client(), app.test_client()
    AuthActions(uploader).login("ada", PASSWORD)
    AuthActions(other).login("grace", PASSWORD)
    answers = {}
    upload = threading.Thread(target=lambda: answers.setdefault("upload", uploader.upload(
        f"/products/{product_id}/media/upload", "upload", png_bytes(), "shot.png",
        alt_text="A screenshot")))  # fmt: skip
    upload.start()
    assert decoding.wait(10)
    save = threading.Thread(target=lambda: answers.setdefault("save", other.submit(
        "/settings", {"display_name": "Grace"})))  # fmt: skip
    save.start()
    save.join(timeout=5)
    finished_meanwhile = not save.is_alive()
    finish.set()
    upload.join()
    save.join()

    assert finished_meanwhile, "another maker's save waited for the upload's decoding"
    assert answers["save"].status_code == 302
    assert answers["upload"].status_code == 302
