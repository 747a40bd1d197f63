from datetime import date

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.e2e.helpers import register
from tests.factories import make_image
from tests.factories import make_learning
from tests.factories import make_product
from tests.factories import make_user


def public_text(page: Page, url: str, username: str) -> str:
    page.goto(url)
    return page.get_by_role("main").inner_text().replace(username, "USERNAME")


def test_back_up_restore_elsewhere_and_get_the_same_portfolio(
    page: Page, live_server, app, browser, tmp_path
):
    with app.app_context():
        maker = make_user(
            username="original",
            display_name="Ora Maker",
            headline="Ships weekly",
            is_published=True,
        )
        product_id = make_product(
            maker.id,
            title="Standup Bot",
            slug="standup-bot",
            visibility="public",
            status="shipped",
            shipped_on=date(2026, 3, 1),
            skills=["discovery"],
            metrics=[("teams", "140")],
            problem="=Not *a* formula",
        )
        make_product(maker.id, title="Private Plan", slug="private-plan")
        make_learning(maker.id, product_id, title="Talk to users", is_public=True)
        make_image(product_id, alt_text="The digest in Slack", cover=True)

    log_in(page, live_server, "original")
    page.goto(f"{live_server}/settings/data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Full backup with pictures (ZIP)").click()
    backup_path = tmp_path / download.value.suggested_filename
    download.value.save_as(backup_path)
    with page.expect_download() as download:
        page.get_by_role("link", name="Products (CSV)").click()
    products_path = tmp_path / download.value.suggested_filename
    download.value.save_as(products_path)
    assert products_path.name.startswith("pm-portfolio-products-")

    copy = browser.new_page()
    register(copy, live_server, "restored")
    copy.goto(f"{live_server}/settings/data")
    copy.get_by_label("Backup file").set_input_files(backup_path)
    copy.get_by_role("button", name="Restore").click()
    expect(copy.get_by_role("status")).to_contain_text(
        "Restored 2 products, 1 learning and 1 media item."
    )

    visitor = browser.new_page()
    for path in ("/u/{}", "/u/{}/standup-bot"):
        original = public_text(visitor, live_server + path.format("original"), "original")
        restored = public_text(visitor, live_server + path.format("restored"), "restored")
        assert restored == original
        assert "Private Plan" not in restored
        cover = visitor.get_by_role("img", name="The digest in Slack")
        expect(cover).to_have_js_property("complete", True)
        assert cover.evaluate("image => image.naturalWidth") > 0

    spreadsheet = browser.new_page()
    register(spreadsheet, live_server, "from-csv")
    spreadsheet.goto(f"{live_server}/settings/data")
    spreadsheet.get_by_label("File", exact=True).set_input_files(products_path)
    spreadsheet.get_by_role("button", name="Check the file").click()
    expect(spreadsheet.get_by_role("heading", name="Check your import")).to_be_visible()
    spreadsheet.get_by_role("button", name="Import 2 products").click()
    expect(spreadsheet.get_by_role("status")).to_contain_text("Imported 2 new")
    expect(spreadsheet.get_by_role("link", name="Standup Bot")).to_be_visible()
    for extra in (copy, visitor, spreadsheet):
        extra.close()
