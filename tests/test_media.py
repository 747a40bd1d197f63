"""A product's pictures, PDFs and embeds: adding them, arranging them, and who may see them."""

import io
import re
from datetime import date

import pytest
from PIL import Image

from pm_portfolio.core import media
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaFile
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from tests.clients import AuthActions
from tests.factories import MEDIA_LIMITS
from tests.factories import make_image
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import pdf_bytes
from tests.factories import png_bytes
from tests.infrastructure import counted_queries

IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"


def media_keys(html: str) -> list[str]:
    return re.findall(r"/media/([0-9a-f]{64})", html)


def stored_keys(app) -> set[str]:
    return set(app.extensions["media_storage"].keys())


@pytest.fixture
def product_id(app, user) -> int:
    with app.app_context():
        return make_product(user.id, title="Standup Bot", slug="standup-bot")


def upload(client, product_id: int, content: bytes, filename="shot.png", **fields):
    fields.setdefault("alt_text", "The bot posting a summary in Slack")
    return client.upload(
        f"/products/{product_id}/media/upload", "upload", content, filename, **fields
    )


def test_an_uploaded_picture_shows_on_the_product_with_every_width(
    logged_in_client, app, product_id
):
    response = upload(logged_in_client, product_id, png_bytes(2000, 1000), caption="Week one")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/products/{product_id}/media"
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert 'alt="The bot posting a summary in Slack"' in page
    assert re.search(r'srcset="/media/\w{64} 480w, /media/\w{64} 960w, /media/\w{64} 1600w"', page)
    assert 'width="1600" height="800"' in page
    assert "Week one" in page
    assert len(stored_keys(app)) == 3


def test_your_data_says_how_much_storage_is_used(logged_in_client, product_id):
    upload(logged_in_client, product_id, png_bytes(2000, 1000))

    page = logged_in_client.get("/settings/data").get_data(as_text=True)

    assert re.search(r"Pictures and PDFs use \d+ KB of 100 MB\.", page)


def test_a_picture_needs_alt_text(logged_in_client, app, product_id):
    response = upload(logged_in_client, product_id, png_bytes(), alt_text="")

    assert response.status_code == 200
    assert "Describe the picture for people who cannot see it" in response.get_data(as_text=True)
    assert stored_keys(app) == set()


def test_a_file_that_is_not_a_picture_is_refused_on_the_form(logged_in_client, app, product_id):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    response = upload(logged_in_client, product_id, svg, filename="logo.png")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This is not a picture we can read" in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MediaItem.id))) == 0


@pytest.mark.parametrize(
    "filename", ["../PRD v2 \N{EN DASH} final.pdf", "evil.html", "win.ini", "a" * 300 + ".pdf"]
)
def test_a_pdf_is_offered_as_a_download_in_a_sandbox(logged_in_client, app, product_id, filename):
    upload(logged_in_client, product_id, png_bytes(), alt_text="A screenshot")
    upload(logged_in_client, product_id, pdf_bytes(3), filename=filename, alt_text="")
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert "PDF · 3 pages" in page
    with app.app_context():
        pdf = db.session.scalar(db.select(MediaFile).where(MediaFile.role == "pdf"))

    response = logged_in_client.get(f"/media/{pdf.key}")

    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    # Named from the product and the item's place, never from what the maker uploaded.
    assert response.headers["Content-Disposition"] == "attachment; filename=standup-bot-2.pdf"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "offered"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ada\\PRD.pdf", "PRD.pdf"),
        ("PRD\0.pdf\r\nX-Evil: 1", "PRD.pdfX-Evil 1"),
        ("a" * 500 + ".pdf", "a" * 120),
        ("...", "document.pdf"),
    ],
)
def test_download_names_are_made_safe(name, offered):
    assert media.safe_filename(name) == offered


def test_files_are_served_with_a_validator_that_never_changes(logged_in_client, app, product_id):
    upload(logged_in_client, product_id, png_bytes())
    key = media_keys(logged_in_client.get(f"/products/{product_id}").get_data(as_text=True))[0]

    first = logged_in_client.get(f"/media/{key}")
    again = logged_in_client.get(f"/media/{key}", headers={"If-None-Match": f'"{key}"'})

    assert first.headers["ETag"] == f'"{key}"'
    assert first.headers["Cache-Control"] == PRIVATE, "a private product's picture"
    assert again.status_code == 304
    assert again.get_data() == b""


def published_maker_with_pictures(app):
    """A published maker: a picture on a public product, one on a private, one on an unlisted."""
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        shown = make_product(maker.id, slug="shown", visibility="public", status="shipped")
        private = make_product(maker.id, slug="private", visibility="private")
        unlisted = make_product(maker.id, slug="unlisted", visibility="unlisted")
        pictures = {}
        for name, product_id, colour in (("shown", shown, "red"), ("private", private, "green"),
                                         ("unlisted", unlisted, "blue")):  # fmt: skip
            item = db.session.get(MediaItem, make_image(product_id, colour=colour, cover=True))
            pictures[name] = item.files[0].key
        link = make_portfolio_link(maker.id, [unlisted])
    return maker, pictures, link


def test_a_reader_sees_exactly_the_pictures_of_what_they_may_see(app, client):
    _maker, pictures, _link_id = published_maker_with_pictures(app)
    profile = client.get("/u/ada").get_data(as_text=True)

    assert pictures["shown"] in media_keys(profile), "the cover on the public card"
    assert client.get(f"/media/{pictures['shown']}").headers["Cache-Control"] == IMMUTABLE
    assert client.get(f"/media/{pictures['private']}").status_code == 404
    assert client.get(f"/media/{pictures['unlisted']}").status_code == 404
    assert client.get(f"/media/{'f' * 64}").status_code == 404
    assert client.get("/media/not-a-key").status_code == 404


def share_token(app, link_id: int) -> str:
    with app.app_context():
        return db.session.get(ShareLink, link_id).token


def test_a_share_link_shows_the_pictures_of_its_products_only(app, client):
    _maker, pictures, link_id = published_maker_with_pictures(app)
    token = share_token(app, link_id)

    page = client.get(f"/s/{token}").get_data(as_text=True)
    shared = client.get(f"/s/{token}/media/{pictures['unlisted']}")

    assert pictures["unlisted"] in media_keys(page)
    assert f"/s/{token}/media/{pictures['unlisted']}" in page
    assert shared.status_code == 200
    assert shared.headers["Cache-Control"] == PRIVATE
    assert client.get(f"/s/{token}/media/{pictures['private']}").status_code == 404
    assert client.get(f"/s/not-a-token/media/{pictures['unlisted']}").status_code == 404


def test_revoking_a_link_or_unpublishing_hides_the_pictures(app, client):
    maker, pictures, link_id = published_maker_with_pictures(app)
    token = share_token(app, link_id)
    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)

    revoked = owner.submit(f"/share-links/{link_id}/revoke")
    unpublished = owner.submit("/settings/unpublish", page="/settings/publish")

    assert (revoked.status_code, unpublished.status_code) == (302, 302)
    assert client.get(f"/s/{token}/media/{pictures['unlisted']}").status_code == 404
    assert client.get(f"/media/{pictures['shown']}").status_code == 404
    assert owner.get(f"/media/{pictures['shown']}").status_code == 200, "the maker still can"


def test_another_maker_cannot_fetch_private_pictures(app, product_id, client):
    with app.app_context():
        key = db.session.get(MediaItem, make_image(product_id)).files[0].key
        intruder = make_user()
    AuthActions(client).login(intruder.username, intruder.password)

    assert client.get(f"/media/{key}").status_code == 404


def test_the_same_file_twice_is_stored_once_and_deleted_when_unused(
    logged_in_client, app, product_id
):
    upload(logged_in_client, product_id, png_bytes(), alt_text="First")
    upload(logged_in_client, product_id, png_bytes(), alt_text="Second")
    keys = stored_keys(app)
    assert len(keys) == 2
    with app.app_context():
        first, second = db.session.scalars(db.select(MediaItem.id).order_by(MediaItem.id)).all()

    logged_in_client.submit(f"/media/{first}/delete", page=f"/products/{product_id}/media")
    assert stored_keys(app) == keys, "the second item still uses the files"
    logged_in_client.submit(f"/media/{second}/delete", page=f"/products/{product_id}/media")
    assert stored_keys(app) == set()


def test_deleting_a_product_deletes_its_files(logged_in_client, app, product_id):
    upload(logged_in_client, product_id, png_bytes())

    logged_in_client.submit(f"/products/{product_id}/delete", page=f"/products/{product_id}")

    assert stored_keys(app) == set()


def test_the_cover_is_one_picture_and_arranging_changes_the_order(
    logged_in_client, app, product_id
):
    for alt_text, colour in (("One", "red"), ("Two", "green"), ("Three", "blue")):
        upload(logged_in_client, product_id, png_bytes(colour=colour), alt_text=alt_text)
    with app.app_context():
        one, two, three = db.session.scalars(db.select(MediaItem.id).order_by(MediaItem.id)).all()
    manage = f"/products/{product_id}/media"

    logged_in_client.submit(f"/media/{two}/cover", page=manage)
    logged_in_client.submit(f"/media/{three}/cover", page=manage)
    logged_in_client.submit(f"/media/{three}/earlier", page=manage)
    logged_in_client.submit(f"/media/{one}/later", page=manage)

    with app.app_context():
        product = db.session.get(Product, product_id)
        assert [item.alt_text for item in product.media] == ["Three", "One", "Two"]
        assert product.cover.alt_text == "Three"
        assert [item.is_cover for item in product.media] == [True, False, False]


def test_an_embed_is_built_from_the_allow_list_and_framed_in_a_sandbox(
    logged_in_client, app, product_id
):
    response = logged_in_client.submit(
        f"/products/{product_id}/media/embed",
        {"embed-url": "https://youtu.be/dQw4w9WgXcQ", "embed-title": "Two-minute demo"},
        page=f"/products/{product_id}/media",
    )
    refused = logged_in_client.submit(
        f"/products/{product_id}/media/embed",
        {"embed-url": "https://evil.example/video", "embed-title": "Nope"},
        page=f"/products/{product_id}/media",
    )

    assert response.status_code == 302
    assert "YouTube, Vimeo, Loom or Figma" in refused.get_data(as_text=True)
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"' in page
    assert 'title="Two-minute demo"' in page


def test_an_embed_link_may_be_typed_without_https(logged_in_client, app, product_id):
    response = logged_in_client.submit(
        f"/products/{product_id}/media/embed",
        {"embed-url": "www.loom.com/share/0123456789abcdef0123456789abcdef",
         "embed-title": "Walkthrough"},
        page=f"/products/{product_id}/media",
    )  # fmt: skip

    assert response.status_code == 302
    page = logged_in_client.get(f"/products/{product_id}").get_data(as_text=True)
    assert 'src="https://www.loom.com/embed/0123456789abcdef0123456789abcdef"' in page


def test_limits_are_checked_before_anything_is_stored(app, product_id):
    with app.app_context():
        product = db.session.get(Product, product_id)
        storage = app.extensions["media_storage"]
        picture = png_bytes()
        cases = [
            (media.Limits(len(picture) - 1, 10**9, 20), "files can be up to"),
            (media.Limits(10**9, len(picture) - 1, 20), "past your"),
            (media.Limits(10**9, 10**9, 0), "up to 0 pictures"),
        ]
        for limits, reason in cases:
            with pytest.raises(media.MediaRefused, match=reason):
                media.add_upload(product, picture, "a.png", "Alt", "", storage, limits)
    assert stored_keys(app) == set()


def test_a_request_over_the_upload_limit_is_413(logged_in_client, product_id):
    response = upload(logged_in_client, product_id, b"\0" * (9 * 1024 * 1024))
    assert response.status_code == 413
    assert "pictures and PDFs can be up to 8 MB" in response.get_data(as_text=True)


def test_files_no_row_refers_to_are_collected(app, runner, product_id):
    with app.app_context():
        make_image(product_id)
        storage = app.extensions["media_storage"]
        storage.put("0" * 64, b"left by a crash", "image/webp")

    recent = runner.invoke(args=["media", "gc"])
    result = runner.invoke(args=["media", "gc", "--min-age-minutes", "0"])

    assert recent.output == "Deleted 0 unreferenced file(s).\n", "an upload may be saving it"
    assert result.output == "Deleted 1 unreferenced file(s).\n"
    assert "0" * 64 not in stored_keys(app)
    assert len(stored_keys(app)) == 2


def test_serving_a_file_costs_one_query(app, client):
    _maker, pictures, link_id = published_maker_with_pictures(app)
    token = share_token(app, link_id)
    for path in (f"/media/{pictures['shown']}", f"/s/{token}/media/{pictures['unlisted']}"):
        with counted_queries(app) as statements:
            assert client.get(path).status_code == 200
        assert len(statements) <= 2, path


def test_the_case_study_shows_the_cover_then_the_evidence(app, client):
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        product_id = make_product(maker.id, slug="bot", visibility="public", status="shipped",
                                  shipped_on=date(2026, 1, 1))  # fmt: skip
        make_image(product_id, alt_text="The bot in Slack", cover=True)
        make_image(product_id, alt_text="The settings page", caption="Set up in a minute",
                   colour="red")  # fmt: skip

    page = client.get("/u/ada/bot").get_data(as_text=True)

    assert page.index('alt="The bot in Slack"') < page.index("What it looks like")
    assert page.index("What it looks like") < page.index('alt="The settings page"')
    assert "<figcaption>Set up in a minute</figcaption>" in page
    assert page.count('alt="The bot in Slack"') == 1


def upload_photo(client, content: bytes, **profile: str):
    return client.save_profile(photo=content, **profile)


def test_a_profile_photo_shows_beside_the_name_on_every_public_page(app, client):
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        make_product(maker.id, slug="bot", visibility="public", status="shipped",
                     shipped_on=date(2026, 1, 1))  # fmt: skip
        link_id = make_portfolio_link(maker.id, [])
    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)

    assert upload_photo(owner, png_bytes(300, 200), is_published="y").status_code == 302

    profile = client.get("/u/ada").get_data(as_text=True)
    small, large = re.search(
        r'srcset="/media/(\w{64}) 1x, /media/(\w{64}) 2x"\s+width="96" height="96" alt=""', profile
    ).groups()
    assert small in client.get("/u/ada/bot").get_data(as_text=True)
    token = share_token(app, link_id)
    assert f"/s/{token}/media/{small}" in client.get(f"/s/{token}").get_data(as_text=True)
    photo = client.get(f"/media/{large}")
    assert photo.headers["Cache-Control"] == IMMUTABLE
    assert decoded_size(photo.get_data()) == (192, 192)
    assert decoded_size(client.get(f"/media/{small}").get_data()) == (96, 96)


def decoded_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def test_an_unpublished_makers_photo_is_shown_only_through_their_links(app, client):
    with app.app_context():
        maker = make_user(username="ada")
        link_id = make_portfolio_link(maker.id, [])
    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)
    upload_photo(owner, png_bytes(200, 200))
    settings = owner.get("/settings").get_data(as_text=True)
    key = media_keys(settings)[0]
    token = share_token(app, link_id)

    assert client.get(f"/media/{key}").status_code == 404
    assert client.get(f"/s/{token}/media/{key}").status_code == 200
    assert owner.get(f"/media/{key}").status_code == 200


def test_replacing_or_removing_the_photo_deletes_its_files(app, logged_in_client):
    upload_photo(logged_in_client, png_bytes(200, 200, colour="red"))
    first = stored_keys(app)
    upload_photo(logged_in_client, png_bytes(200, 200, colour="blue"))
    second = stored_keys(app)

    assert len(first) == len(second) == 2
    assert not first & second
    logged_in_client.submit("/settings/photo/remove", page="/settings")
    assert stored_keys(app) == set()
    assert "A photo shows beside your name" in logged_in_client.get("/settings").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (png_bytes(60, 300), "needs at least 96 pixels on each side"),
        (b"<svg/>", "not a picture we can read"),
        (pdf_bytes(), "not a picture we can read"),
    ],
)
def test_a_photo_that_cannot_be_used_is_refused_on_the_form(app, logged_in_client, content, reason):
    response = upload_photo(logged_in_client, content, headline="Typed, not lost")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert reason in page
    assert "Choose the photo again: a page shown again cannot keep a chosen file." in page
    assert 'value="Typed, not lost"' in page
    assert stored_keys(app) == set()


def test_a_photo_chosen_with_the_profile_is_saved_with_it(app, logged_in_client, user):
    """One form, one save: choosing a photo and pressing Save profile keeps both."""
    response = upload_photo(logged_in_client, png_bytes(200, 200), headline="Engineer who ships")

    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).headline == "Engineer who ships"
    assert len(stored_keys(app)) == 2
    page = logged_in_client.get("/settings").get_data(as_text=True)
    assert "Photo saved." in page
    assert page.count("<form") - page.count('class="inline-form"') == 2, "profile, and remove"


def test_link_previews_show_the_card_and_never_name_a_media_file(app, client):
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        product_id = make_product(maker.id, slug="bot", visibility="public", status="shipped",
                                  shipped_on=date(2026, 1, 1))  # fmt: skip
        make_image(product_id, alt_text="The bot", cover=True)
        link_id = make_portfolio_link(maker.id, [product_id])
    token = share_token(app, link_id)

    case_study = client.get("/u/ada/bot").get_data(as_text=True)
    shared = client.get(f"/s/{token}/bot").get_data(as_text=True)

    assert '<meta property="og:image" content="http://localhost/u/ada/bot/card.png?v=' in case_study
    assert f'<meta property="og:image" content="http://localhost/s/{token}/card.png?v=' in shared
    for page in (case_study, shared):
        assert "/media/" not in page.split("</head>")[0]
    owner = app.test_client()
    AuthActions(owner).login("ada", maker.password)
    owner.submit("/settings/unpublish", page="/settings/publish")
    preview = owner.get("/u/ada/bot").get_data(as_text=True)
    assert "This is a preview" in preview
    assert "og:image" not in preview


def test_an_embed_keeps_a_title(logged_in_client, app, product_id):
    with app.app_context():
        item = media.add_embed(db.session.get(Product, product_id), "https://youtu.be/dQw4w9WgXcQ",
                               "Demo", "", MEDIA_LIMITS)  # fmt: skip
        item_id = item.id

    response = logged_in_client.submit(f"/media/{item_id}/edit", {"alt_text": "", "caption": ""})

    assert response.status_code == 200
    assert "Give the video or design a title" in response.get_data(as_text=True)


def test_no_link_serves_another_makers_files_nor_hidden_ideas(app, client):
    with app.app_context():
        storage = app.extensions["media_storage"]
        sharer = make_user(username="sharer", is_published=True)
        shared = make_product(sharer.id, slug="shared", visibility="public", status="building")
        token = share_token(app, make_portfolio_link(sharer.id, [shared]))
        # Another maker, unpublished, with a photo; a published one hiding a public idea.
        hidden = make_user(username="hidden")
        photo = media.set_avatar(hidden.id, png_bytes(200, 200, "red"), storage, MEDIA_LIMITS)
        photo_key = photo.files[0].key
        thinker = make_user(username="thinker", is_published=True, show_ideas=False)
        idea = make_product(thinker.id, slug="idea", visibility="public", status="idea")
        idea_key = db.session.get(MediaItem, make_image(idea, colour="blue")).files[0].key

    for key in (photo_key, idea_key):
        assert client.get(f"/media/{key}").status_code == 404
        assert client.get(f"/s/{token}/media/{key}").status_code == 404
        revalidation = client.get(f"/media/{key}", headers={"If-None-Match": f'"{key}"'})
        assert revalidation.status_code == 404, "a cached copy is no pass: 404, not 304"
