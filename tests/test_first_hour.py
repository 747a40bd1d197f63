"""A newcomer's first hour: what the app says matches what a reader will see, and the
forms do what a person pressing Enter expects."""

import re
from html.parser import HTMLParser

from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from tests.clients import AuthActions
from tests.factories import PASSWORD
from tests.pages import build_catalogue


def test_a_product_says_where_it_stands_before_it_is_saved(app, logged_in_client):
    response = logged_in_client.submit("/products/new", {"title": "Bot", "visibility": "public"})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose where it stands: idea, building, shipped or sunset." in page
    assert 'value="Bot"' in page, "what was typed is kept"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 0


def test_publishing_an_idea_says_readers_see_nothing_and_why(app, client, logged_in_client, user):
    logged_in_client.submit("/products/new", {"title": "Bot", "status": "idea",
                                              "visibility": "public"})  # fmt: skip
    published = logged_in_client.publish(follow_redirects=True)

    page = published.get_data(as_text=True)
    assert "Your portfolio is live." in page
    assert "Readers see no product yet." in page
    assert "“Bot” is still an idea" in page
    dashboard = logged_in_client.get("/dashboard").get_data(as_text=True)
    assert re.search(
        r"To do:</span>\s*<a[^>]*>Your portfolio is published but shows no product", dashboard
    )
    assert "Readers see no product yet." in dashboard
    assert "No public products yet" in client.get("/u/maker").get_data(as_text=True)

    logged_in_client.publish(show_ideas=True)

    assert "Bot" in client.get("/u/maker").get_data(as_text=True)
    dashboard = logged_in_client.get("/dashboard").get_data(as_text=True)
    assert "Readers see 1 product." in dashboard
    assert re.search(r"Done:</span>\s*Publish your portfolio for employers", dashboard)


def test_the_publish_step_names_what_will_and_will_not_show(app, logged_in_client, user):
    for title, status, visibility in [
        ("Bot", "building", "public"), ("Notes", "idea", "public"),
        ("Pitch", "building", "unlisted"), ("Diary", "building", "private"),
    ]:  # fmt: skip
        logged_in_client.submit("/products/new", {"title": title, "status": status,
                                                  "visibility": visibility})  # fmt: skip

    page = logged_in_client.get("/settings/publish").get_data(as_text=True)

    assert "Publishing puts it at <strong>http://localhost/u/maker</strong>" in page
    assert "Readers see 1 product: Bot." in page
    assert "Hidden because it is an idea: Notes." in page
    assert "Unlisted, so only on share links: Pitch." in page
    assert "Private, so only you see it: Diary." in page
    assert '<button class="button button--primary" type="submit">Publish my portfolio</button>' in (
        page
    )
    assert "Publish my portfolio" not in logged_in_client.get("/settings").get_data(as_text=True)


def test_the_publish_step_names_every_idea_when_only_ideas_are_public(logged_in_client, user):
    for title in ("Notes", "Lunch Roulette"):
        logged_in_client.submit("/products/new", {"title": title, "status": "idea",
                                                  "visibility": "public"})  # fmt: skip

    page = logged_in_client.get("/settings/publish").get_data(as_text=True)

    assert "Readers see no product yet." in page
    assert "Hidden because they are ideas: Lunch Roulette, Notes." in page


def test_publishing_ends_on_the_live_address_and_unpublishing_is_one_button(
    app, client, logged_in_client, user
):
    logged_in_client.submit("/products/new", {"title": "Bot", "status": "building",
                                              "visibility": "public"})  # fmt: skip
    published = logged_in_client.publish(follow_redirects=True)

    page = published.get_data(as_text=True)
    assert "Your portfolio is live." in page
    assert '<a href="/u/maker">http://localhost/u/maker</a>' in page
    assert 'value="http://localhost/u/maker"' in page, "the address, ready to copy"
    assert "Readers see 1 product: Bot." in page
    assert "Bot" in app.test_client().get("/u/maker").get_data(as_text=True)
    assert 'value="http://localhost/u/maker"' in logged_in_client.get("/dashboard").get_data(
        as_text=True
    )

    unpublished = logged_in_client.submit(
        "/settings/unpublish", page="/settings/publish", follow_redirects=True
    )

    assert "Your portfolio is offline: only you can see it." in unpublished.get_data(as_text=True)
    assert app.test_client().get("/u/maker").status_code == 404


def test_saving_the_profile_leaves_publishing_alone(app, client, logged_in_client, user):
    logged_in_client.publish()
    logged_in_client.save_profile(display_name="Ada")
    assert app.test_client().get("/u/maker").status_code == 200


class SubmitButtons(HTMLParser):
    """Each form of a page with its submit buttons, in document order."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[dict]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append((attributes.get("action", ""), []))
        elif self.forms and tag in {"button", "input"}:
            kind = attributes.get("type", "submit" if tag == "button" else "text")
            if kind == "submit":
                self.forms[-1][1].append(attributes)


def test_the_first_submit_button_of_every_form_is_its_main_action(app):
    """Enter in a field presses a form's first submit button: it must be the main one."""
    pages = build_catalogue(app)
    clients = {}
    for page in pages:
        if page.who not in clients:
            clients[page.who] = app.test_client()
            if page.who:
                AuthActions(clients[page.who]).login(page.who, PASSWORD)
        parser = SubmitButtons()
        parser.feed(clients[page.who].get(page.path).get_data(as_text=True))
        for action, buttons in parser.forms:
            if len(buttons) > 1:
                classes = buttons[0].get("class", "")
                assert "button--primary" in classes or "button--danger" in classes, (
                    f"{page.name}: the first button of the form to {action} is {buttons[0]}"
                )
