"""Nothing private ever reaches a public surface; unlisted things only their own share pages."""

import io
from datetime import date

from flask import current_app
from pypdf import PdfReader
from sqlalchemy import text

from pm_portfolio import clock
from pm_portfolio.core import accounts
from pm_portfolio.core import applications
from pm_portfolio.core import endorsements
from pm_portfolio.core import media
from pm_portfolio.core.products import MetricData
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import create_product
from pm_portfolio.core.share_links import product_link
from pm_portfolio.extensions import db
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from tests.factories import MEDIA_LIMITS
from tests.factories import make_endorsement
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_review_comment
from tests.factories import make_review_link
from tests.factories import make_user
from tests.factories import pdf_bytes
from tests.factories import png_bytes

TEXT_FIELDS = [
    "tagline", "target_users", "problem", "hypothesis", "solution", "tradeoffs", "outcome",
    "role",
]  # fmt: skip


def media_with_markers(product, marker: str) -> set[str]:
    """A cover, a PDF and an embed whose texts carry `marker`; returns their file keys."""
    storage = current_app.extensions["media_storage"]
    colour = {"zzpublic": "red", "zzprivate": "green", "zzunlisted": "blue"}[marker]
    cover = media.add_upload(product, png_bytes(colour=colour), "a.png", f"{marker} alt",
                             f"{marker} caption", storage, MEDIA_LIMITS)  # fmt: skip
    media.set_cover(cover)
    pdf = media.add_upload(product, pdf_bytes(pages=len(marker)), f"{marker}.pdf", "",
                           f"{marker} pdf caption", storage, MEDIA_LIMITS)  # fmt: skip
    media.add_embed(product, "https://vimeo.com/76979871", f"{marker} video", "", MEDIA_LIMITS)
    return {file.key for item in (cover, pdf) for file in item.files}


def product_with_markers(owner_id: int, marker: str, visibility: str):
    data = ProductData(
        title=f"{marker} title",
        slug=f"{marker}-slug",
        status="shipped",
        shipped_on=date(2026, 1, 1),
        visibility=visibility,
        live_url=f"https://{marker}.example/live",
        source_url=f"https://{marker}.example/source",
        metrics=[MetricData(f"{marker} metric", f"{marker}v", f"{marker} note")],
        skill_keys=["discovery"],
        **{name: f"{marker} {name}" for name in TEXT_FIELDS},
    )
    return create_product(owner_id, data)


def all_surfaces(client, owner: str, public_slugs, share_tokens) -> dict[str, str]:
    paths = [f"/u/{owner}", f"/u/{owner}/resume.json", "/sitemap.xml", "/sitemaps/1.xml",
             "/robots.txt"]  # fmt: skip
    paths += [f"/u/{owner}/{slug}" for slug in public_slugs]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.get_data(as_text=True)
    return pages


def pdf_text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_private_and_unlisted_data_never_leaks(app, client, pdf_renderer):
    with app.app_context():
        owner = make_user(username="owner", is_published=True, show_ideas=True)
        public = product_with_markers(owner.id, "zzpublic", "public")
        private = product_with_markers(owner.id, "zzprivate", "private")
        unlisted = product_with_markers(owner.id, "zzunlisted", "unlisted")
        keys = {
            marker: media_with_markers(product, marker)
            for marker, product in (("zzpublic", public), ("zzprivate", private),
                                    ("zzunlisted", unlisted))
        }  # fmt: skip
        make_learning(owner.id, public.id, title="zzpublic learning", is_public=True)
        make_learning(owner.id, public.id, title="zzprivate hidden learning", is_public=False)
        make_learning(owner.id, private.id, title="zzprivate flagged learning", is_public=True)
        make_learning(owner.id, None, title="zzprivate general learning", is_public=True)
        make_learning(owner.id, unlisted.id, title="zzunlisted learning", is_public=True)
        make_learning(owner.id, unlisted.id, title="zzprivate unlisted note", is_public=False)
        unlisted_token = product_link(unlisted.id).token
        private_link_id = make_portfolio_link(owner.id, [public.id, private.id])
        mixed_link_id = make_portfolio_link(owner.id, [public.id, unlisted.id])
        tokens = {
            link_id: db.session.get(ShareLink, link_id).token
            for link_id in (private_link_id, mixed_link_id)
        }
        # An application's link shows its note and case studies, nothing of the application.
        application_token = applications.create_application(
            owner.id,
            applications.ApplicationData(
                company="zzprivate company",
                role="zzprivate role",
                stage="interview",
                posting_url="https://zzprivate.example/job",
                private_notes="zzprivate notes",
                next_step="zzprivate step",
                next_step_on=date(2026, 7, 1),
                note_to_reader="zznote for the employer",
                product_ids=[unlisted.id, public.id],
                contacts=[
                    applications.ContactData(
                        "zzprivate Eve", "zzprivate recruiter", "zzprivate@acme.example"
                    )
                ],
            ),
            date(2026, 6, 1),
        ).share_link.token
        applications.create_application(
            owner.id,
            applications.ApplicationData(company="zzprivate other co", role="zzprivate other",
                                         product_ids=[public.id]),
            date(2026, 6, 1),
        )  # fmt: skip
        # Reviewers' comments, names and emails are the maker's alone; a review link
        # shows its own drafts and nothing else.
        review = make_review_link(owner.id, [private.id], note="zzreview note")
        review_token = review.token
        for product in (private, public):
            reviewed = make_review_link(owner.id, [product.id])
            make_review_comment(
                reviewed, product.id, "problem", "zzprivate comment", name="zzprivate reviewer",
                email="zzprivate@reviewer.example",
            )  # fmt: skip
        # Only approved confirmations reach readers: requests, unapproved, declined and
        # withdrawn answers, and every endorser's email, never do.
        for product in (public, unlisted):
            make_endorsement(
                product.id, "role", name="zzprivate asked", email="zzprivate@e.example"
            )
            make_endorsement(product.id, "result:1", name="zzprivate unapproved", confirmed=True)
            declined = make_endorsement(product.id, "outcome", name="zzprivate declined")
            endorsements.decline(declined, clock.now())
            withdrawn = make_endorsement(product.id, "result:1", name="zzprivate withdrawn",
                                         confirmed=True, approved=True)  # fmt: skip
            endorsements.withdraw(withdrawn, clock.now())
        make_endorsement(public.id, "result:1", name="zzshown Eve", email="zzprivate@eve.example",
                         confirmed=True, approved=True)  # fmt: skip
        make_endorsement(private.id, "result:1", name="zzprivate Pat", confirmed=True,
                         approved=True)  # fmt: skip
        # A private product cannot have an open share link, even if one was made earlier.
        db.session.add(ShareLink(user_id=owner.id, product_id=private.id, token="zzprivate-tok"))
        db.session.commit()

    public_pages = all_surfaces(client, "owner", ["zzpublic-slug"], [])
    public_pages["portfolio PDF"] = pdf_text(client, "/u/owner.pdf")
    public_pages["case study PDF"] = pdf_text(client, "/u/owner/zzpublic-slug.pdf")
    share_pages = {
        "product link PDF": pdf_text(client, f"/s/{unlisted_token}.pdf"),
        "PDF of a link with a private product": pdf_text(
            client, f"/s/{tokens[private_link_id]}.pdf"
        ),
        "PDF of a link with an unlisted product": pdf_text(
            client, f"/s/{tokens[mixed_link_id]}.pdf"
        ),
        "product link": client.get(f"/s/{unlisted_token}").get_data(as_text=True),
        "link with a private product": client.get(f"/s/{tokens[private_link_id]}").get_data(
            as_text=True
        ),
        "link with an unlisted product": client.get(f"/s/{tokens[mixed_link_id]}").get_data(
            as_text=True
        ),
        "application link": client.get(f"/s/{application_token}").get_data(as_text=True),
        "case study of an application link": client.get(
            f"/s/{application_token}/zzunlisted-slug"
        ).get_data(as_text=True),
        "PDF of an application link": pdf_text(client, f"/s/{application_token}.pdf"),
        "unlisted case study in a link": client.get(
            f"/s/{tokens[mixed_link_id]}/zzunlisted-slug"
        ).get_data(as_text=True),
    }

    review_page = client.get(f"/r/{review_token}").get_data(as_text=True)
    assert "zzprivate problem" in review_page
    assert "zzreview note" in review_page
    for other in ("zzpublic", "zzunlisted", "zzprivate comment", "zzprivate reviewer"):
        assert other not in review_page, f"{other} on a review link of another product"
    for name, page in {**public_pages, **share_pages}.items():
        assert "zzprivate" not in page, f"private data on {name}"
        assert "zzreview" not in page, f"a review link's note on {name}"
    for name, page in public_pages.items():
        assert "zzunlisted" not in page, f"unlisted data on public {name}"
        if name.startswith("/u/") or name.endswith("PDF"):
            assert "zzpublic" in page
    assert "zzshown Eve" in public_pages["/u/owner/zzpublic-slug"]
    assert "zzshown Eve" in " ".join(public_pages["case study PDF"].split())
    assert "zzshown Eve" in public_pages["/u/owner/resume.json"]
    assert "zzunlisted learning" in share_pages["product link"]
    assert "zzunlisted problem" in share_pages["unlisted case study in a link"]
    assert "zzpublic title" in share_pages["link with a private product"]
    assert "zznote for the employer" in share_pages["application link"]
    assert "zzunlisted title" in share_pages["PDF of an application link"]
    for name, page in public_pages.items():
        assert "zznote" not in page, f"an application's note on public {name}"

    # Blank pages make the same thumbnail: identical bytes are one file, public if any
    # public item uses it. What only private or unlisted items use is checked.
    shared = keys["zzpublic"] & (keys["zzprivate"] | keys["zzunlisted"])
    keys = {marker: files - shared if marker != "zzpublic" else files
            for marker, files in keys.items()}  # fmt: skip
    assert len(keys["zzprivate"]) == len(keys["zzunlisted"]) == 3
    for key in keys["zzprivate"]:
        assert all(key not in page for page in {**public_pages, **share_pages}.values())
        assert client.get(f"/media/{key}").status_code == 404
        for token in (unlisted_token, *tokens.values(), "zzprivate-tok"):
            assert client.get(f"/s/{token}/media/{key}").status_code == 404
    for key in keys["zzunlisted"]:
        assert all(key not in page for page in public_pages.values())
        assert client.get(f"/media/{key}").status_code == 404
        assert client.get(f"/s/{tokens[private_link_id]}/media/{key}").status_code == 404
        assert client.get(f"/s/{unlisted_token}/media/{key}").status_code == 200
        assert client.get(f"/s/{tokens[mixed_link_id]}/media/{key}").status_code == 200
    assert "zzunlisted alt" in share_pages["product link"]
    for key in keys["zzpublic"]:
        assert client.get(f"/media/{key}").status_code == 200

    assert client.get("/s/zzprivate-tok").status_code == 404
    assert client.get(f"/s/{tokens[private_link_id]}/zzprivate-slug").status_code == 404
    for slug in ("zzprivate-slug", "zzunlisted-slug"):
        for path in (f"/u/owner/{slug}", f"/u/owner/{slug}.pdf", f"/u/owner/{slug}/card.png"):
            assert client.get(path).status_code == 404, path
    assert client.get(f"/s/{tokens[private_link_id]}/zzprivate-slug.pdf").status_code == 404


def test_a_deleted_makers_id_and_pages_never_pass_to_a_new_maker(app, client):
    """A new account never takes the id of a deleted one, so nothing keyed by that id
    (a kept page, an ETag, views waiting to be written) can show its pages under a new name."""
    with app.app_context():
        make_user(username="earlier")
        gone = make_user(username="gone", is_published=True, display_name="Gone Maker")
        assert "Gone Maker" in client.get("/u/gone").get_data(as_text=True)
        version = db.session.get(User, gone.id).portfolio_version
        accounts.delete_account(
            db.session.get(User, gone.id), current_app.extensions["media_storage"]
        )

        newcomer = make_user(username="newcomer", is_published=True, display_name="New Maker")
        # Where the deleted maker was, as a maker who has edited as often would be.
        db.session.execute(
            text("UPDATE users SET portfolio_version = :version WHERE id = :id"),
            {"version": version, "id": newcomer.id},
        )
        db.session.commit()

    assert newcomer.id != gone.id
    page = client.get("/u/newcomer").get_data(as_text=True)
    assert "New Maker" in page
    assert "Gone Maker" not in page
