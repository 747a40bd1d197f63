"""Results with evidence: baseline, unit, window, direction, source, caveat and target."""

import csv
import io
import re
from datetime import date

import pytest

from pm_portfolio.core.results import metric_facts
from pm_portfolio.core.results import metric_sentence
from pm_portfolio.core.results import window_label
from pm_portfolio.extensions import db
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from tests.clients import AuthActions
from tests.factories import make_image
from tests.factories import make_product
from tests.factories import make_user

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}
MINUS = "\u2212"


def metric(**fields) -> Metric:
    values = {"label": "Onboarding time", "value": "6 min", "note": "", "baseline": "",
              "unit": "", "time_window": "", "window_start": None, "window_end": None,
              "direction": "", "source_url": "", "source_media_id": None, "caveat": "",
              "target": ""}  # fmt: skip
    return Metric(**{**values, **fields})


@pytest.mark.parametrize(
    ("fields", "movement", "change", "better"),
    [
        ({"baseline": "14 min", "direction": "down"}, "14 min → 6 min", f"{MINUS}57 %", True),
        ({"baseline": "14 min", "direction": "up"}, "14 min → 6 min", f"{MINUS}57 %", False),
        ({"baseline": "14 min"}, "14 min → 6 min", f"{MINUS}57 %", None),
        ({"value": "14 → 6 min", "direction": "down"}, "14 → 6 min", f"{MINUS}57 %", True),
        ({"value": "6", "baseline": "14", "unit": "min"}, "14 min → 6 min", f"{MINUS}57 %", None),
        ({"value": "46%", "baseline": "38%", "direction": "up"}, "38% → 46%", "+8 pts", True),
        ({"value": "40 users", "baseline": "0 users"}, "0 users → 40 users", "+40 users", None),
        ({"value": "$1.5k", "baseline": "$1,000"}, "$1,000 → $1.5k", "+50 %", None),
        ({"value": "6 h", "baseline": "14 min"}, "14 min → 6 h", "", None),
        ({"value": "about a dozen", "baseline": "none"}, "none → about a dozen", "", None),
        ({"value": "140", "unit": "teams"}, "140 teams", "", None),
        ({"value": "38%", "unit": "%"}, "38%", "", None),
    ],
)
def test_what_a_result_says(fields, movement, change, better):
    facts = metric_facts(metric(**fields))

    assert (facts.movement, facts.change, facts.better) == (movement, change, better)
    assert (facts.picture is not None) == bool(change)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"value": "38%", "target": "30%", "direction": "up"}, "vs a target of 30% ✓"),
        ({"value": "24%", "target": "30%", "direction": "up"}, "vs a target of 30% ✗"),
        (
            {"value": "6 min", "target": "5", "unit": "min", "direction": "down"},
            "vs a target of 5 min ✗",
        ),
        ({"value": "6 min", "baseline": "14 min", "target": "8 min"}, "vs a target of 8 min ✓"),
        ({"value": "38%", "target": "30%"}, "vs a target of 30%"),
        ({"value": "6 min", "target": "1 h", "direction": "down"}, "vs a target of 1 h"),
        ({"value": "$1,200", "target": "900 users", "direction": "up"}, "vs a target of 900 users"),
        ({"value": "6 min", "baseline": "14", "target": "8 min"}, "vs a target of 8 min"),
        (
            {"value": "38%", "target": "a third of teams", "direction": "up"},
            "vs a target of a third of teams",
        ),
        ({"value": "38%"}, ""),
    ],
)
def test_a_target_is_what_the_result_is_held_against(fields, says):
    facts = metric_facts(metric(**fields))

    assert facts.against_target == says
    assert facts.movement == (f"{fields['baseline']} → {fields['value']}"
                              if "baseline" in fields else fields["value"])  # fmt: skip


def test_a_target_is_not_drawn_as_a_before(app, client, ada):
    with app.app_context():
        make_product(ada.id, slug="bot", visibility="public", status="shipped", metrics=[
            {"label": "4-week retention", "value": "38%", "target": "30%", "direction": "up"},
        ])  # fmt: skip

    page = client.get("/u/ada/bot").get_data(as_text=True)

    assert "vs a target of 30% ✓" in page
    assert "30% →" not in page
    assert "before-after" not in page


def test_the_before_after_picture_is_to_scale_with_a_text_alternative():
    picture = metric_facts(metric(baseline="14 min")).picture

    assert (picture.before_width, round(picture.after_width, 1)) == (100, 42.9)
    assert picture.description == "Onboarding time: before 14 min, after 6 min."


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("first 8 weeks", None, None, "first 8 weeks"),
        ("", date(2026, 3, 1), date(2026, 4, 26), "1 Mar \u2013 26 Apr 2026"),
        ("", date(2025, 12, 1), date(2026, 1, 31), "1 Dec 2025 \u2013 31 Jan 2026"),
        ("first 8 weeks", date(2026, 3, 1), None, "first 8 weeks (from 1 Mar 2026)"),
        ("", None, date(2026, 4, 26), "until 26 Apr 2026"),
        ("", None, None, ""),
    ],
)
def test_the_time_window(text, start, end, label):
    assert window_label(text, start, end) == label


def test_a_result_in_one_line_for_plain_text():
    sentence = metric_sentence(
        metric(baseline="14 min", time_window="first 8 weeks", caveat="n = 38, self-selected")
    )

    assert sentence == (
        f"Onboarding time: 14 min → 6 min ({MINUS}57 %, first 8 weeks; n = 38, self-selected)"
    )


@pytest.fixture
def ada(app):
    with app.app_context():
        return make_user(username="ada", display_name="Ada", is_published=True)


def product_form(title: str, **metric_fields) -> dict:
    form = {"title": title, "status": "shipped", "shipped_on": "2026-03-01",
            "visibility": "public"}  # fmt: skip
    form.update({f"metrics-0-{name}": value for name, value in metric_fields.items()})
    return form


def test_the_maker_saves_a_result_with_its_evidence(app, client, ada):
    with app.app_context():
        product_id = make_product(ada.id, title="Bot", slug="bot", visibility="public",
                                  status="shipped", shipped_on=date(2026, 3, 1))  # fmt: skip
        picture_id = make_image(product_id, alt_text="Analytics dashboard, week 8")
        other_picture = make_image(make_product(ada.id), alt_text="Someone else's")
    AuthActions(client).login("ada", ada.password)
    edit = f"/products/{product_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert "Analytics dashboard, week 8" in page
    assert "Someone else" not in page

    fields = {"label": "Onboarding time", "value": "6 min", "baseline": "14 min",
              "time_window": "first 8 weeks", "window_start": "2026-03-01",
              "window_end": "2026-04-26", "direction": "down",
              "source_media_id": str(picture_id), "caveat": "n = 38, self-selected"}  # fmt: skip
    response = client.submit(edit, product_form("Bot", slug="bot", **fields))
    assert response.status_code == 302

    with app.app_context():
        saved = db.session.scalar(db.select(Metric))
        assert (saved.baseline, saved.direction, saved.source_media_id, saved.window_end) == (
            "14 min",
            "down",
            picture_id,
            date(2026, 4, 26),
        )
    case_study = client.get("/u/ada/bot", headers=BROWSER).get_data(as_text=True)
    assert "14 min → 6 min" in case_study
    assert f"{MINUS}57 %" in case_study
    assert "first 8 weeks (1 Mar \u2013 26 Apr 2026)" in case_study
    assert '<small class="metric__caveat">n = 38, self-selected</small>' in case_study
    assert 'aria-label="Evidence: Analytics dashboard, week 8"' in case_study
    chart = re.search(r'role="img" aria-labelledby="([\w-]+)"', case_study)
    assert f'id="{chart.group(1)}">Onboarding time: before 14 min, after 6 min.<' in case_study

    fields["source_media_id"] = str(other_picture)
    client.submit(edit, product_form("Bot", slug="bot", **fields))
    with app.app_context():
        assert db.session.scalar(db.select(Metric.source_media_id)) is None, "not this product's"


def test_evidence_errors_are_shown_on_the_row(app, client, ada):
    AuthActions(client).login("ada", ada.password)
    fields = {"label": "Users", "value": "40", "window_start": "2026-05-01",
              "window_end": "2026-04-01", "source_url": "javascript:alert(1)",
              "direction": "sideways"}  # fmt: skip

    page = client.submit("/products/new", product_form("Bot", **fields)).get_data(as_text=True)

    assert "The window ends after it starts." in page
    assert "Enter a web address such as example.com/you" in page
    assert re.search(r"<details class=\"metric-row__evidence\" open>", page)
    with app.app_context():
        assert db.session.scalar(db.select(Product)) is None


def test_deleting_the_cited_picture_keeps_the_result(app, client, ada):
    with app.app_context():
        product_id = make_product(ada.id)
        picture_id = make_image(product_id)
        product = db.session.get(Product, product_id)
        product.metrics = [metric(source_media_id=picture_id)]
        db.session.commit()
        db.session.delete(db.session.get(MediaItem, picture_id))
        db.session.commit()
        assert db.session.scalar(db.select(Metric.source_media_id)) is None


def test_metrics_download_as_their_own_spreadsheet(app, client, ada):
    with app.app_context():
        make_product(ada.id, slug="bot", metrics=[
            {"label": "Onboarding time", "value": "6 min", "baseline": "14 min",
             "window_start": date(2026, 3, 1), "direction": "down", "caveat": "=n 38",
             "target": "5 min"},
            ("Teams", "140"),
        ])  # fmt: skip
    AuthActions(client).login("ada", ada.password)

    response = client.get("/export/metrics.csv")

    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="pm-portfolio-metrics-'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        ["product_slug", "label", "value", "note", "baseline", "unit", "time_window",
         "window_start", "window_end", "direction", "source_url", "caveat", "target"],
        ["bot", "Onboarding time", "6 min", "", "14 min", "", "", "2026-03-01", "", "down", "",
         "'=n 38", "5 min"],
        ["bot", "Teams", "140", "", "", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip


def test_a_value_with_its_own_baseline_is_not_given_another():
    facts = metric_facts(metric(value="14 → 6 min", baseline="20 min"))

    assert facts.movement == "14 → 6 min"


def test_citing_a_media_id_that_is_not_the_products_is_dropped_not_a_crash(app, client, ada):
    with app.app_context():
        product_id = make_product(ada.id, title="Bot", slug="bot")
    AuthActions(client).login("ada", ada.password)
    fields = {"label": "Users", "value": "40", "source_media_id": "0"}

    response = client.submit(f"/products/{product_id}/edit", product_form("Bot", slug="bot",
                                                                          **fields))  # fmt: skip

    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Metric.source_media_id)) is None


def test_a_csv_round_trip_keeps_the_pictures_metrics_cite(app, client, ada):
    with app.app_context():
        product_id = make_product(ada.id, title="Bot", slug="bot")
        picture_id = make_image(product_id, alt_text="Dashboard")
        product = db.session.get(Product, product_id)
        product.metrics = [metric(source_media_id=picture_id), metric(label="Teams", value="9")]
        db.session.commit()
    AuthActions(client).login("ada", ada.password)
    exported = client.get("/export/products.csv").get_data()

    response = client.upload("/settings/data/import", "import", exported, "p.csv",
                             kind="products")  # fmt: skip
    assert client.submit(response.headers["Location"]).status_code == 302

    with app.app_context():
        cited = db.session.execute(db.select(Metric.label, Metric.source_media_id)).all()
    assert sorted(cited) == [("Onboarding time", picture_id), ("Teams", None)]
