import json
from datetime import date

from playwright.sync_api import Page
from playwright.sync_api import expect

from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.models import User
from tests.e2e.helpers import log_in
from tests.e2e.helpers import open_section
from tests.e2e.helpers import save_screenshot
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_product

RESUME = {
    "basics": {"name": "Grace Hopper", "label": "Aspiring PM"},
    "projects": [
        {"name": "Recipe Costs", "description": "What each recipe really costs",
         "startDate": "2025-01", "endDate": "2025-04", "keywords": ["UX & design"]},
        {"name": "Tool Library", "highlights": ["35 neighbours signed up in a week"]},
        {"name": "Interview Notes", "startDate": "2026", "roles": ["Solo maker"]},
    ],
}  # fmt: skip


def a_product_to_improve(app, user) -> int:
    with app.app_context():
        maker = db.session.get(User, user.id)
        maker.display_name, maker.is_published = "Grace Hopper", True
        db.session.commit()
        product_id = make_product(
            user.id, title="Standup Bot", slug="standup-bot", visibility="public",
            status="shipped", shipped_on=date(2026, 3, 1), role="Solo maker",
            target_users="Managers of remote teams", live_url="https://bot.example",
            problem="Stand-up calls across time zones are painful.", outcome="Kept it running.",
        )  # fmt: skip
        make_image(product_id, alt_text="The digest in Slack", cover=True)
        make_image(product_id, alt_text="Analytics dashboard, week 8", colour="purple")
        make_learning(user.id, product_id, kind="decision", title="Cut the Jira integration",
                      learned_on=date(2026, 2, 22), body="2 of 12 asked for it.")  # fmt: skip
        make_learning(user.id, product_id, kind="experiment", title="Asked at local 10 am",
                      learned_on=date(2026, 3, 3))  # fmt: skip
    return product_id


def score(page: Page):
    return page.locator(".coach .readiness-score")


def save(page: Page) -> None:
    page.get_by_role("button", name="Save product").last.click()
    expect(page.get_by_role("status")).to_contain_text("Saved")


def test_a_case_study_made_convincing(page: Page, live_server, user, app, tmp_path):
    product_id = a_product_to_improve(app, user)
    log_in(page, live_server, user.username)
    page.goto(f"{live_server}/products/{product_id}")
    expect(score(page)).to_have_text("Case study: 3 of 8 checks")

    # The build log is private until shown: the coach counts what readers see.
    page.get_by_role(
        "button", name="2 build-log entries are hidden from readers: show them?"
    ).click()
    expect(score(page)).to_have_text("Case study: 4 of 8 checks")

    # Two of the coach's suggestions, followed from the checklist.
    page.get_by_role("link", name="Add how you know: a number, an interview or a quote.").click()
    page.get_by_label("Problem").fill("9 of 12 managers I interviewed would cut stand-ups first.")
    save(page)
    expect(score(page)).to_have_text("Case study: 5 of 8 checks")
    page.get_by_role("link", name="Write the bet", exact=False).click()
    page.get_by_label("Hypothesis").fill("If updates are async, 30% of teams keep using it.")
    save(page)
    expect(score(page)).to_have_text("Case study: 6 of 8 checks")

    # A result with its baseline, window, caveat and a screenshot as evidence.
    page.get_by_role("link", name="Edit", exact=True).click()
    metric = page.get_by_role("group", name="Metric 1")
    metric.get_by_label("Label").fill("time in stand-ups")
    metric.get_by_label("Value").fill("15 min")
    metric.get_by_text("Baseline, target, time window and evidence").click()
    metric.get_by_label("Before (baseline)").fill("75 min")
    metric.get_by_label("Better is").select_option("down")
    metric.get_by_label("Time window").fill("first 8 weeks")
    metric.get_by_label("Caveat").fill("n = 12, self-reported")
    metric.get_by_label("Or a picture or PDF of this product").select_option(
        label="Picture: Analytics dashboard, week 8"
    )
    save(page)
    expect(score(page)).to_have_text("Case study: 7 of 8 checks")

    page.goto(f"{live_server}/u/{user.username}/standup-bot")
    results = page.get_by_role("region", name="Results")
    expect(results).to_contain_text("75 min → 15 min")
    expect(results).to_contain_text("\u221280 % (better), first 8 weeks")
    expect(results.get_by_role("img", name="time in stand-ups: before 75 min, after 15 min.")
           ).to_be_visible()  # fmt: skip
    expect(results).to_contain_text("n = 12, self-reported")
    expect(
        results.get_by_role("link", name="Evidence: Analytics dashboard, week 8")
    ).to_be_visible()
    results.scroll_into_view_if_needed()
    for width in (390, 1280):
        save_screenshot(page, "case-study-results", width)

    # Two build-log entries drafted into the trade-offs.
    page.goto(f"{live_server}/products/{product_id}/edit")
    open_section(page, "Draft from your build log")
    page.get_by_label("22 Feb 2026 \u2014 Decision: Cut the Jira integration").check()
    page.get_by_label("3 Mar 2026 \u2014 Experiment: Asked at local 10 am").check()
    page.get_by_label("Add them to").select_option("tradeoffs")
    page.get_by_role("button", name="Insert as a draft").click()
    expect(page.get_by_role("status")).to_contain_text("Added 2 entries to the end of Trade-offs")
    expect(page.get_by_label("Trade-offs")).to_have_value(
        "- **22 Feb 2026 \u2014 Decision:** Cut the Jira integration. 2 of 12 asked for it.\n"
        "- **3 Mar 2026 \u2014 Experiment:** Asked at local 10 am."
    )
    save_screenshot(page, "case-study-draft", 1280)
    save(page)
    expect(score(page)).to_have_text("Case study ready: 8 of 8 checks")
    save_screenshot(page, "case-study-coach", 1280)

    # The history: compare the first saved version with now, and bring it back.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("row")).to_have_count(5)
    page.get_by_role("link", name="Compare", exact=False).last.click()
    expect(page.locator("ins.diff__added").first).to_be_visible()
    for width in (390, 1280):
        save_screenshot(page, "case-study-diff", width)
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_role("status")).to_contain_text("Restored the version saved")
    expect(score(page)).to_have_text("Case study: 5 of 8 checks")
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert (product.hypothesis, product.tradeoffs, product.metrics) == ("", "", [])

    # Three projects from a JSON Resume, as private products.
    resume = tmp_path / "resume.json"
    resume.write_text(json.dumps(RESUME))
    page.goto(f"{live_server}/settings/data")
    page.get_by_label("A JSON Resume: its projects become private products").check()
    page.get_by_label("File", exact=True).set_input_files(resume)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="New private products")).to_be_visible()
    save_screenshot(page, "case-study-resume-preview", 1280)
    page.get_by_role("button", name="Import 3 projects").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Imported 3 new and 0 updated products and filled in your profile."
    )
    for title in ("Recipe Costs", "Tool Library", "Interview Notes"):
        expect(page.get_by_role("link", name=title)).to_be_visible()
