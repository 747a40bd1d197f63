"""Revision history: every save keeps the case study; compare and restore, nothing lost."""

import io
import json
import re
import time
import zipfile
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from pm_portfolio.core import revisions
from pm_portfolio.core.revisions import Segment
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision
from tests.clients import signed_in_maker
from tests.factories import make_product


def product_form(**fields) -> dict:
    return {"title": "Standup Bot", "slug": "standup-bot", "status": "idea",
            "visibility": "private", **fields}  # fmt: skip


def history(app, product_id: int) -> list[tuple[list[str], str]]:
    """Each revision's changed fields and tradeoffs, oldest first."""
    with app.app_context():
        return [
            (revision.changed, revision.content["tradeoffs"])
            for revision in reversed(revisions.revisions_of(product_id))
        ]


def create(client, **fields) -> int:
    response = client.submit("/products/new", product_form(**fields))
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_each_save_that_changes_the_case_study_keeps_a_revision(app):
    _maker, client = signed_in_maker(app)
    product_id = create(client, tradeoffs="Cut Jira.")
    edit = f"/products/{product_id}/edit"

    client.submit(edit, product_form(tradeoffs="Cut Jira and Trello."))
    client.submit(edit, product_form(tradeoffs="Cut Jira and Trello.", visibility="public"))
    metric = {"metrics-0-label": "teams", "metrics-0-value": "140", "metrics-0-baseline": "0"}
    client.submit(edit, product_form(tradeoffs="Cut Jira and Trello.", **metric))

    assert history(app, product_id) == [
        ([], "Cut Jira."),
        (["tradeoffs"], "Cut Jira and Trello."),
        (["metrics"], "Cut Jira and Trello."),
    ]
    page = client.get(f"/products/{product_id}/revisions").get_data(as_text=True)
    assert re.search(r"What changed\">\s*Results", page)
    assert "First saved version" in page


def test_the_diff_highlights_words_and_escapes_text(app):
    _maker, client = signed_in_maker(app)
    product_id = create(client, tradeoffs="Cut <b>Jira</b> integration.")
    client.submit(f"/products/{product_id}/edit", product_form(tradeoffs="Cut Trello integration."))
    with app.app_context():
        first = revisions.revisions_of(product_id)[-1].id

    page = client.get(f"/products/{product_id}/revisions/{first}").get_data(as_text=True)

    assert '<del class="diff__removed">&lt;b&gt;Jira&lt;/b&gt;</del>' in page
    assert '<ins class="diff__added">Trello</ins>' in page
    assert "<b>Jira" not in page
    assert "Unchanged: Title, Tagline" in page


def test_restoring_a_revision_is_one_more_revision(app):
    _maker, client = signed_in_maker(app)
    product_id = create(client, tradeoffs="First.", problem="The problem.")
    client.submit(f"/products/{product_id}/edit", product_form(tradeoffs="Second.",
                                                                visibility="public"))  # fmt: skip
    with app.app_context():
        first = revisions.revisions_of(product_id)[-1].id

    revision_page = f"/products/{product_id}/revisions/{first}"
    response = client.submit(f"{revision_page}/restore", page=revision_page)

    assert response.status_code == 302
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert (product.tradeoffs, product.problem, product.visibility) == (
            "First.", "The problem.", "public"
        )  # fmt: skip
    assert [content for _, content in history(app, product_id)] == ["First.", "Second.", "First."]
    assert "Restored the version saved" in client.get(f"/products/{product_id}").get_data(
        as_text=True
    )


def test_a_metrics_target_is_kept_and_restored(app):
    _maker, client = signed_in_maker(app)
    metric = {"metrics-0-label": "retention", "metrics-0-value": "38%"}
    product_id = create(client, **metric, **{"metrics-0-target": "30%"})
    client.submit(f"/products/{product_id}/edit",
                  product_form(**metric, **{"metrics-0-target": "40%"}))  # fmt: skip
    with app.app_context():
        newest, first = revisions.revisions_of(product_id)
        assert newest.changed == ["metrics"]
        assert [first.content["metrics"][0]["target"], newest.content["metrics"][0]["target"]] == [
            "30%", "40%"
        ]  # fmt: skip

    revision_page = f"/products/{product_id}/revisions/{first.id}"
    client.submit(f"{revision_page}/restore", page=revision_page)

    with app.app_context():
        assert db.session.get(Product, product_id).metrics[0].target == "30%"


def test_a_revision_from_before_a_metric_field_existed_is_not_a_change(app):
    """Revisions saved before metrics had a target hold no such key: saving the same
    case study again changes nothing, so keeps no revision."""
    _maker, client = signed_in_maker(app)
    fields = product_form(**{"metrics-0-label": "retention", "metrics-0-value": "38%"})
    product_id = create(client, **fields)
    with app.app_context():
        (revision,) = revisions.revisions_of(product_id)
        content = json.loads(json.dumps(revision.content))
        del content["metrics"][0]["target"]
        revision.content = content
        db.session.commit()

    client.submit(f"/products/{product_id}/edit", fields)

    with app.app_context():
        assert len(revisions.revisions_of(product_id)) == 1


def test_at_most_fifty_revisions_are_kept_the_oldest_dropped(app):
    maker, _client = signed_in_maker(app)
    with app.app_context():
        product_id = make_product(maker.id)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for number in range(55):
            db.session.add(ProductRevision(product_id=product_id, content={"n": number},
                                           created_at=start + timedelta(hours=number)))  # fmt: skip
        db.session.flush()
        revisions.prune([product_id])
        db.session.commit()
        kept = [revision.content["n"] for revision in revisions.revisions_of(product_id)]

    assert kept == list(range(54, 4, -1))


def test_revisions_go_with_the_product(app):
    _maker, client = signed_in_maker(app)
    product_id = create(client)
    client.submit(f"/products/{product_id}/delete")
    with app.app_context():
        assert db.session.scalar(db.select(ProductRevision)) is None


def test_word_diff():
    before, after = revisions.word_diff("Cut the Jira sync.", "Cut the Trello sync now.")

    assert before == [Segment("Cut the ", "same"), Segment("Jira", "removed"),
                      Segment(" ", "same"), Segment("sync.", "removed")]  # fmt: skip
    assert after == [Segment("Cut the ", "same"), Segment("Trello", "added"),
                     Segment(" ", "same"), Segment("sync now.", "added")]  # fmt: skip


def test_the_backup_carries_the_history(app):
    _maker, client = signed_in_maker(app)
    product_id = create(client, tradeoffs="First.")
    client.submit(f"/products/{product_id}/edit", product_form(tradeoffs="Second."))

    archive = zipfile.ZipFile(io.BytesIO(client.get("/export/backup.zip").get_data()))
    document = json.loads(archive.read("backup.json"))
    assert [r["changed"] for r in document["products"][0]["revisions"]] == [[], ["tradeoffs"]]

    other, other_client = signed_in_maker(app)
    restored = other_client.upload(
        "/settings/data/restore", "restore", client.get("/export/backup.zip").get_data(),
        "backup.zip",
    )  # fmt: skip
    assert restored.status_code == 302
    with app.app_context():
        other_product = db.session.scalar(db.select(Product).where(Product.user_id == other.id))
    assert history(app, other_product.id) == history(app, product_id)


def test_a_revision_the_form_would_refuse_is_not_restored(app):
    _maker, client = signed_in_maker(app)
    product_id = create(client, tradeoffs="Fine.")
    with app.app_context():
        revision = revisions.revisions_of(product_id)[0]
        content = dict(revision.content)
        content["tradeoffs"] = "Tampered."
        content["metrics"] = [{"label": "x", "value": "1", "direction": "sideways",
                               "source_url": "javascript:alert(1)"}]  # fmt: skip
        db.session.add(ProductRevision(product_id=product_id, content=content))
        db.session.commit()
        tampered = revisions.revisions_of(product_id)[0].id

    page = f"/products/{product_id}/revisions/{tampered}"
    response = client.submit(f"{page}/restore", page=page, follow_redirects=True)

    assert "This version cannot be restored" in response.get_data(as_text=True)
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert (product.tradeoffs, product.metrics) == ("Fine.", [])


def test_an_edit_in_a_long_text_shows_only_the_words_changed():
    before = "\n".join(f"line {n} " + "word " * 20 for n in range(400))
    after = before.replace("line 7 ", "line seven ")

    old, new = revisions.word_diff(before, after)

    assert [s.text for s in old if s.kind != "same"] == ["7"]
    assert [s.text for s in new if s.kind != "same"] == ["seven"]


@given(st.text(max_size=300), st.text(max_size=300))
def test_any_two_texts_compare_into_their_own_words(before, after):
    old, new = revisions.word_diff(before, after)

    assert "".join(s.text for s in old) == before
    assert "".join(s.text for s in new) == after
    assert {s.kind for s in old} <= {"same", "removed"}
    assert {s.kind for s in new} <= {"same", "added"}
    assert [s.text for s in old if s.kind == "same"] == [s.text for s in new if s.kind == "same"]


def test_past_its_time_budget_a_compare_shows_the_middle_replaced_whole():
    before, after = "We cut the Jira sync and shipped.", "We cut the Trello export and shipped."

    old, new = revisions.word_diff(before, after, deadline=time.time() - 1)

    assert old == [Segment("We cut the ", "same"), Segment("Jira sync", "removed"),
                   Segment(" and shipped.", "same")]  # fmt: skip
    assert new == [Segment("We cut the ", "same"), Segment("Trello export", "added"),
                   Segment(" and shipped.", "same")]  # fmt: skip


def test_a_whole_compare_shares_one_time_budget(monkeypatch):
    deadlines = []
    real = revisions.word_diff
    monkeypatch.setattr(
        revisions, "word_diff", lambda *args, deadline: deadlines.append(deadline) or real(*args)
    )
    started = time.time()

    revisions.compare({"problem": "a"}, {"problem": "b"}, seconds=0.3)

    assert len(set(deadlines)) == 1
    assert started + 0.3 <= deadlines[0] <= time.time() + 0.3


def test_a_backup_cannot_date_a_revision_in_the_future(app):
    _maker, client = signed_in_maker(app)
    product_id = create(client, tradeoffs="First.")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export/backup.zip").get_data()))
    document = json.loads(archive.read("backup.json"))
    document["products"][0]["revisions"][0]["created_at"] = "2999-01-01T00:00:00+00:00"
    document["products"][0]["revisions"][0]["content"]["tradeoffs"] = "From the future."
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as target:
        for name in archive.namelist():
            data = json.dumps(document) if name == "backup.json" else archive.read(name)
            target.writestr(name, data)

    other, other_client = signed_in_maker(app)
    restored = other_client.upload("/settings/data/restore", "restore", rebuilt.getvalue(),
                                   "backup.zip")  # fmt: skip

    assert restored.status_code == 302
    with app.app_context():
        other_product = db.session.scalar(db.select(Product).where(Product.user_id == other.id))
        newest = revisions.revisions_of(other_product.id)[0]
        assert newest.created_at.replace(tzinfo=None) <= datetime.now(UTC).replace(tzinfo=None)
        assert newest.content["tradeoffs"] == "First."
    assert product_id
