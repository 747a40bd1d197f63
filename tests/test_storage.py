"""Both storage backends keep the same contract: a local folder, and S3 (a real S3-speaking
server on loopback, moto's in its own process, so requests go over HTTP as they would to
AWS or MinIO, and it keeps its own clock)."""

import os
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import boto3
import pytest
import time_machine

from pm_portfolio.core import accounts
from pm_portfolio.core import media
from pm_portfolio.core.storage import LocalStorage
from pm_portfolio.core.storage import S3Storage
from pm_portfolio.core.storage import content_key
from pm_portfolio.core.storage import open_storage
from pm_portfolio.extensions import db
from pm_portfolio.models import User
from tests.factories import MEDIA_LIMITS
from tests.factories import make_image
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import png_bytes
from tests.infrastructure import s3_server

BUCKET = "pm-portfolio-test"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    with s3_server(tmp_path_factory.mktemp("s3") / "moto.log") as endpoint:
        yield endpoint


@pytest.fixture
def s3_credentials(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def s3_url(s3_endpoint, s3_credentials):
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield f"s3://{BUCKET}/media?endpoint_url={s3_endpoint}"
    for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=entry["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return open_storage((tmp_path / "media").as_uri())
    return open_storage(request.getfixturevalue("s3_url"))


def test_open_storage_reads_the_url():
    assert isinstance(open_storage("file:///srv/media"), LocalStorage)
    s3 = open_storage("s3://bucket/some/prefix?region_name=eu-west-1")
    assert isinstance(s3, S3Storage)
    assert (s3.bucket, s3.prefix) == ("bucket", "some/prefix/")
    for wrong in ("ftp://host/x", "s3:///no-bucket", "/srv/media"):
        with pytest.raises(ValueError, match="MEDIA_STORAGE_URL"):
            open_storage(wrong)


def test_a_stored_file_round_trips(storage):
    data = b"the bytes of a picture"
    key = content_key(data)

    assert storage.get(key) is None
    assert key not in set(storage.keys())
    storage.put(key, data, "image/webp")
    storage.put(key, data, "image/webp")

    assert storage.get(key) == data
    assert key in set(storage.keys())
    assert list(storage.keys()) == [key]
    storage.delete(key)
    assert storage.get(key) is None
    assert list(storage.keys()) == []
    storage.delete(key)


def test_keys_can_be_listed_by_their_age(storage):
    key = content_key(b"fresh")
    storage.put(key, b"fresh", "image/webp")

    assert list(storage.keys(older_than=timedelta(minutes=5))) == []
    assert list(storage.keys(older_than=timedelta(0))) == [key]
    assert list(storage.keys()) == [key]


@pytest.mark.parametrize("skew", [timedelta(days=400), timedelta(hours=-3)])
def test_ages_are_measured_by_the_storage_clock_not_the_servers(storage, skew):
    key = content_key(b"fresh")
    storage.put(key, b"fresh", "image/webp")

    # An app server whose clock is off: a file just written is still fresh.
    with time_machine.travel(datetime.now(UTC) + skew):
        assert list(storage.keys(older_than=timedelta(minutes=5))) == []


def test_storing_a_local_key_again_makes_it_fresh(tmp_path):
    storage = LocalStorage(tmp_path)
    key = content_key(b"old")
    storage.put(key, b"old", "image/webp")
    os.utime(tmp_path / key[:2] / key, (0, 0))
    assert list(storage.keys(older_than=timedelta(minutes=1))) == [key]

    storage.put(key, b"old", "image/webp")

    assert list(storage.keys(older_than=timedelta(minutes=1))) == []


def test_keys_that_are_not_content_addresses_are_refused(storage):
    for key in ("../../etc/passwd", "a" * 63, "A" * 64, "a" * 64 + "/x", ""):
        with pytest.raises(ValueError, match="not a content key"):
            storage.get(key)


def test_the_local_store_writes_atomically_into_shards(tmp_path):
    storage = LocalStorage(tmp_path)
    key = content_key(b"x")
    storage.put(key, b"x", "application/pdf")

    assert (tmp_path / key[:2] / key).read_bytes() == b"x"
    assert [path.name for path in tmp_path.rglob("*") if path.is_file()] == [key]


@pytest.fixture
def app_config(s3_url):
    """The app of this module's tests stores media in S3."""
    return {"MEDIA_STORAGE_URL": s3_url}


def test_the_app_serves_uploads_from_s3(app, client):
    with app.app_context():
        maker = make_user(is_published=True)
        product_id = make_product(maker.id, visibility="public", status="shipped")
        make_image(product_id)
        keys = list(app.extensions["media_storage"].keys())
    assert isinstance(app.extensions["media_storage"], S3Storage)
    assert len(keys) == 2, "a 640-pixel picture is stored at 480 and 640 pixels"

    response = client.get(f"/media/{keys[0]}")
    assert response.status_code == 200
    assert response.content_type == "image/webp"
    assert response.get_data()[8:12] == b"WEBP"


def test_deleting_an_account_empties_its_s3_files(app):
    with app.app_context():
        maker = make_user()
        make_image(make_product(maker.id))
        media.set_avatar(
            maker.id, png_bytes(200, 200), app.extensions["media_storage"], MEDIA_LIMITS
        )
        storage = app.extensions["media_storage"]
        assert len(list(storage.keys())) == 4
        accounts.delete_account(db.session.get(User, maker.id), storage)

        assert list(storage.keys()) == []
