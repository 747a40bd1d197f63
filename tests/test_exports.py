import csv
import io
import json
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pm_portfolio import PROJECT_ROOT
from pm_portfolio.core import share_links
from pm_portfolio.exports import csv_export
from pm_portfolio.exports import csv_import
from pm_portfolio.exports.formats import from_cell
from pm_portfolio.exports.formats import to_cell
from pm_portfolio.extensions import db
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import User
from tests.clients import signed_in_maker
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user

BOM = "\ufeff".encode()
# The header rows as the README documents them: a public contract, pinned here by hand.
PRODUCTS_HEADER = (
    "slug,title,tagline,target_users,status,role,started_on,shipped_on,url,source_url,"
    "visibility,featured,position,skills,metrics,problem,hypothesis,solution,tradeoffs,"
    "outcome,created_at,updated_at"
)
LEARNINGS_HEADER = "product_slug,title,kind,learned_on,skills,public,body,created_at,updated_at"
PRODUCT_COLUMNS = PRODUCTS_HEADER.split(",")
LEARNING_COLUMNS = LEARNINGS_HEADER.split(",")


def read_csv(response) -> list[dict[str, str]]:
    body = response.get_data()
    assert body.startswith(BOM)
    return list(csv.DictReader(io.StringIO(body[len(BOM) :].decode(), newline="")))


def upload(client, content: bytes, kind: str = "products", filename: str = "data.csv"):
    return client.upload("/settings/data/import", "import", content, filename, kind=kind)


def restore(client, content: bytes):
    return client.upload("/settings/data/restore", "restore", content, "backup.json")


def csv_bytes(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue().encode()


def product_csv_row(**values) -> dict[str, str]:
    row = {
        "title": "Imported",
        "status": "building",
        "visibility": "private",
        "featured": "false",
        "position": "0",
    }
    row.update(values)
    return row


@pytest.fixture
def portfolio(app, user):
    with app.app_context():
        product_id = make_product(
            user.id,
            title='=HYPERLINK("https://evil.example")',
            slug="bot",
            status="shipped",
            shipped_on=date(2026, 3, 1),
            started_on=date(2026, 1, 2),
            skills=["discovery", "design"],
            metrics=[("users", "1,200"), ("rating", "4.6/5")],
            problem='Line one\nLine two, with "quotes"',
            visibility="public",
            is_featured=True,
        )
        make_product(user.id, title="Idea", slug="idea", status="idea", skills=["strategy"])
        make_learning(user.id, product_id, title="-1 is a number", skills=["design"])
        make_learning(user.id, None, title="General", is_public=True)
        other = make_user()
        make_product(other.id, title="Not mine", slug="not-mine")
    return product_id


def test_the_readme_documents_the_header_rows():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert f"`{PRODUCTS_HEADER}`" in readme
    assert f"`{LEARNINGS_HEADER}`" in readme


def test_products_csv(today, logged_in_client, portfolio):
    response = logged_in_client.get("/export/products.csv", buffered=False)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.is_streamed
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="pm-portfolio-products-2026-06-15.csv"'
    )
    body = response.get_data()
    assert body.count(b"\r\n") >= 3
    assert body.split(b"\r\n")[0] == BOM + PRODUCTS_HEADER.encode()
    rows = read_csv(response)
    assert [row["slug"] for row in rows] == ["bot", "idea"]
    bot = rows[0]
    assert bot["title"] == '\'=HYPERLINK("https://evil.example")'
    assert bot["started_on"] == "2026-01-02"
    assert bot["shipped_on"] == "2026-03-01"
    assert bot["skills"] == "discovery;design"
    assert json.loads(bot["metrics"]) == [
        {"label": "users", "value": "1,200", "note": ""},
        {"label": "rating", "value": "4.6/5", "note": ""},
    ]
    assert bot["problem"] == 'Line one\nLine two, with "quotes"'
    assert bot["featured"] == "true"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", bot["created_at"])


def test_product_export_follows_the_list_filters(logged_in_client, portfolio):
    rows = read_csv(logged_in_client.get("/export/products.csv?status=idea"))
    assert [row["slug"] for row in rows] == ["idea"]
    rows = read_csv(logged_in_client.get("/export/products.csv?skill=design"))
    assert [row["slug"] for row in rows] == ["bot"]


def test_learnings_csv(logged_in_client, portfolio):
    response = logged_in_client.get("/export/learnings.csv")
    rows = read_csv(response)

    assert response.get_data().split(b"\r\n")[0] == BOM + LEARNINGS_HEADER.encode()
    assert [(row["product_slug"], row["title"]) for row in rows] == [
        ("bot", "'-1 is a number"),
        ("", "General"),
    ]
    assert rows[0]["skills"] == "design"
    assert rows[1]["public"] == "true"
    filtered = read_csv(logged_in_client.get(f"/export/learnings.csv?product={portfolio}"))
    assert [row["title"] for row in filtered] == ["'-1 is a number"]


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted", "''", "plain", "", "a=b"],
)
def test_formula_neutralising_is_reversed_exactly(text):
    cell = to_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert from_cell(cell) == text


def test_export_links_from_the_lists_and_settings(logged_in_client, portfolio):
    products = logged_in_client.get("/products?status=shipped").get_data(as_text=True)
    assert 'href="/export/products.csv?status=shipped"' in products
    journal = logged_in_client.get("/learnings").get_data(as_text=True)
    assert 'href="/export/learnings.csv"' in journal
    data = logged_in_client.get("/settings/data").get_data(as_text=True)
    for path in ("/export/products.csv", "/export/learnings.csv", "/export/backup.json"):
        assert f'href="{path}"' in data


def test_import_previews_then_writes_everything_at_once(logged_in_client, app, user):
    with app.app_context():
        make_product(user.id, title="Old title", slug="existing")
    content = csv_bytes(
        PRODUCT_COLUMNS,
        [
            product_csv_row(slug="existing", title="New title"),
            product_csv_row(
                slug="fresh",
                title="Fresh",
                skills="design;discovery",
                metrics='[{"label": "users", "value": "5"}]',
            ),
            product_csv_row(title="'=Not a formula"),
        ],
    )

    response = upload(logged_in_client, content)

    assert response.status_code == 302
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"To create</dt><dd>2</dd>", preview)
    assert re.search(r"To update</dt><dd>1</dd>", preview)
    assert re.search(r"Rejected</dt><dd>0</dd>", preview)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 1

    confirmed = logged_in_client.submit(response.headers["Location"])

    assert confirmed.headers["Location"] == "/products"
    with app.app_context():
        products = {p.slug: p for p in db.session.scalars(db.select(Product))}
        assert products["existing"].title == "New title"
        assert products["fresh"].skill_keys == ["discovery", "design"]
        assert [(m.label, m.value) for m in products["fresh"].metrics] == [("users", "5")]
        assert products["not-a-formula"].title == "=Not a formula"
        assert db.session.scalars(db.select(ImportDraft)).all() == []


def test_an_import_counts_as_updates_only_rows_that_change_something(
    logged_in_client, app, portfolio
):
    products = read_csv(logged_in_client.get("/export/products.csv"))
    products[1]["tagline"] = "Now with a tagline"
    learnings = read_csv(logged_in_client.get("/export/learnings.csv"))

    response = upload(logged_in_client, csv_bytes(PRODUCT_COLUMNS, products))
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)

    assert re.search(r"To create</dt><dd>0</dd>", preview)
    assert re.search(r"To update</dt><dd>1</dd>", preview)
    assert re.search(r"Unchanged</dt><dd>1</dd>", preview)
    assert '<button class="button button--primary" type="submit">Import 1 products</button>' in (
        preview
    )
    done = logged_in_client.submit(response.headers["Location"], follow_redirects=True)
    assert "Imported 0 new and 1 updated products (1 unchanged)." in done.get_data(as_text=True)

    response = upload(logged_in_client, csv_bytes(LEARNING_COLUMNS, learnings), kind="learnings")
    preview = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"To update</dt><dd>0</dd>", preview)
    assert re.search(r"Unchanged</dt><dd>2</dd>", preview)
    assert "Nothing would change: every row matches what you have already." in preview
    assert ">Import " not in preview, "no button that would do nothing"


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"status": "launched"}, "status", "Not a valid choice"),
        ({"visibility": "everyone"}, "visibility", "Not a valid choice"),
        ({"skills": "discovery;juggling"}, "skills", "Choose from the list."),
        ({"shipped_on": "31/12/2026"}, "shipped_on", "Enter a date as YYYY-MM-DD"),
        ({"status": "shipped"}, "shipped_on", "needs the date it shipped"),
        ({"title": ""}, "title", "Give your product a title."),
        ({"url": "javascript:alert(1)"}, "url", "starting with https:// or http://"),
        ({"featured": "maybe"}, "featured", "Write true or false."),
        ({"metrics": "users=5"}, "metrics", "Write metrics as a JSON list"),
        ({"metrics": '[{"label": "users"}]'}, "metrics", "Give its value"),
        ({"slug": "Bad Slug"}, "slug", "Use lower-case letters"),
        ({"created_at": "yesterday"}, "created_at", "Write a date and time"),
        ({"position": "-4"}, "position", "Use a number from 0 to 9,999."),
    ],
)
def test_bad_rows_are_listed_by_line_and_column_and_nothing_is_written(
    logged_in_client, app, values, column, message
):
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(), product_csv_row(**values)])

    response = upload(logged_in_client, content)
    preview = logged_in_client.get(response.headers["Location"])
    page = preview.get_data(as_text=True)

    assert re.search(rf"line 3, {column}: [^<]*{re.escape(message)}", page)
    assert re.search(r"Rejected</dt><dd>1</dd>", page)
    assert "Import 2 products" not in page
    confirmed = logged_in_client.submit(response.headers["Location"], page="/settings/data")
    assert confirmed.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 0


def test_line_numbers_count_lines_inside_quoted_cells(logged_in_client):
    content = csv_bytes(
        PRODUCT_COLUMNS,
        [product_csv_row(problem="one\ntwo\nthree"), product_csv_row(status="nope")],
    )
    response = upload(logged_in_client, content)
    page = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "line 5, status:" in page


def test_duplicate_slugs_in_a_file_are_rejected(logged_in_client):
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(slug="x"), product_csv_row(slug="x")])
    response = upload(logged_in_client, content)
    page = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "line 3, slug: Also used on line 2." in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title,status\n", "The columns must be: slug, title, tagline"),
        (b"", "The file is empty."),
        ("slug,title\nx,y".encode("utf-16"), "This file is not UTF-8 text."),
        (b"\xff\xfe\x00garbage", "This file is not UTF-8 text."),
    ],
)
def test_bad_files_are_explained_on_the_form(logged_in_client, app, content, message):
    response = upload(logged_in_client, content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(ImportDraft)).all() == []


def test_a_file_over_5_mb_is_413(logged_in_client):
    content = b"x" * (5 * 1024 * 1024 + 1)
    response = upload(logged_in_client, content)
    assert response.status_code == 413
    assert "CSV files and JSON backups 5 MB" in response.get_data(as_text=True)


def test_more_than_5000_rows_is_refused(logged_in_client):
    content = csv_bytes(PRODUCT_COLUMNS, [product_csv_row(title=f"P{n}") for n in range(5001)])
    response = upload(logged_in_client, content)
    assert "The file has more than 5,000 rows." in response.get_data(as_text=True)


def test_an_excel_file_with_a_bom_and_reordered_columns_imports(logged_in_client, app):
    columns = list(reversed(PRODUCT_COLUMNS))
    content = BOM + csv_bytes(columns, [product_csv_row(title="Café ☕")])
    response = upload(logged_in_client, content)
    logged_in_client.submit(response.headers["Location"])
    with app.app_context():
        assert db.session.scalar(db.select(Product.title)) == "Café ☕"


def test_an_imported_link_without_https_is_stored_with_it(logged_in_client, app, user):
    rows = [product_csv_row(slug="bot", url="standup.example/app", source_url="www.git.example")]
    response = upload(logged_in_client, csv_bytes(PRODUCT_COLUMNS, rows))

    logged_in_client.submit(response.headers["Location"])

    with app.app_context():
        product = db.session.scalar(db.select(Product).where(Product.slug == "bot"))
        assert (product.live_url, product.source_url) == (
            "https://standup.example/app", "https://www.git.example"
        )  # fmt: skip


def test_import_learnings_tied_to_products_by_slug(logged_in_client, app, user):
    with app.app_context():
        product_id = make_product(user.id, slug="bot")
    rows = [
        {"product_slug": "bot", "title": "Tied", "kind": "decision", "learned_on": "2026-01-01",
         "public": "true", "skills": "design"},
        {"product_slug": "", "title": "General", "kind": "insight", "learned_on": "2026-01-02",
         "public": "false"},
    ]  # fmt: skip
    response = upload(logged_in_client, csv_bytes(LEARNING_COLUMNS, rows), kind="learnings")
    assert logged_in_client.submit(response.headers["Location"]).headers["Location"] == "/learnings"
    with app.app_context():
        learnings = {item.title: item for item in db.session.scalars(db.select(Learning))}
        assert learnings["Tied"].product_id == product_id
        assert learnings["Tied"].is_public
        assert learnings["General"].product_id is None


def test_a_learning_for_an_unknown_product_is_rejected(logged_in_client):
    rows = [{"product_slug": "ghost", "title": "T", "kind": "insight", "learned_on": "2026-01-01",
             "public": "false"}]  # fmt: skip
    response = upload(logged_in_client, csv_bytes(LEARNING_COLUMNS, rows), kind="learnings")
    page = logged_in_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "line 2, product_slug: No product has this slug; import products first." in page


def test_backup_json_holds_everything_but_share_tokens(logged_in_client, app, user, portfolio):
    with app.app_context():
        unlisted_id = make_product(user.id, title="Beta", slug="beta", visibility="unlisted")
        link_ids = [
            make_portfolio_link(user.id, [portfolio, unlisted_id], name="Acme"),
            share_links.regenerate_product_link(db.session.get(Product, unlisted_id)).id,
        ]
        tokens = [db.session.get(ShareLink, link_id).token for link_id in link_ids]
    response = logged_in_client.get("/export/backup.json")

    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="pm-portfolio-backup-'
    )
    backup = response.get_json()
    assert backup["format"] == "pm-portfolio-backup"
    assert backup["format_version"] == 1
    assert backup["profile"]["username"] == "maker"
    assert [product["slug"] for product in backup["products"]] == ["bot", "idea", "beta"]
    assert backup["products"][0]["metrics"][0] == {
        "label": "users", "value": "1,200", "note": "", "baseline": "", "unit": "",
        "time_window": "", "window_start": "", "window_end": "", "direction": "",
        "source_url": "", "caveat": "", "target": "",
    }  # fmt: skip
    assert [learning["product_slug"] for learning in backup["learnings"]] == ["bot", None]
    body = response.get_data(as_text=True)
    assert "token" not in body
    assert "Acme" not in body
    for token in tokens:
        assert token not in body


def test_restore_a_backup_into_an_empty_account(logged_in_client, app, portfolio):
    content = logged_in_client.get("/export/backup.json").get_data()
    person, client = signed_in_maker(app)

    response = restore(client, content)

    assert response.headers["Location"] == "/dashboard"
    with app.app_context():
        restored = db.session.get(User, person.id)
        products = db.session.scalars(
            db.select(Product).where(Product.user_id == person.id).order_by(Product.id)
        ).all()
        assert [product.slug for product in products] == ["bot", "idea"]
        assert restored.is_published is False
        learnings = db.session.scalars(db.select(Learning).where(Learning.user_id == person.id))
        assert {learning.title for learning in learnings} == {"-1 is a number", "General"}


def test_a_backup_keeps_whether_the_portfolio_was_published(logged_in_client, app, portfolio):
    logged_in_client.publish(show_ideas=True)
    backup = logged_in_client.get("/export/backup.json").get_json()
    assert (backup["profile"]["is_published"], backup["profile"]["show_ideas"]) == (True, True)
    person, client = signed_in_maker(app)

    restore(client, json.dumps(backup).encode())

    with app.app_context():
        restored = db.session.get(User, person.id)
        assert (restored.is_published, restored.show_ideas) == (True, True)


def test_restore_refuses_an_account_with_data(logged_in_client, portfolio):
    content = logged_in_client.get("/export/backup.json").get_data()
    response = restore(logged_in_client, content)
    assert "restored into an empty account" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda backup: "not json", "it is not valid JSON"),
        (lambda backup: {**backup, "format": "other"}, "is not a PM Portfolio backup"),
        (lambda backup: {**backup, "format_version": 99}, "format version 99"),
        (lambda backup: {**backup, "products": "nope"}, "is not a list of objects"),
    ],
)
def test_restore_explains_a_bad_backup(logged_in_client, app, portfolio, change, message):
    backup = logged_in_client.get("/export/backup.json").get_json()
    _person, client = signed_in_maker(app)
    changed = change(backup)
    content = changed.encode() if isinstance(changed, str) else json.dumps(changed).encode()

    response = restore(client, content)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_restore_is_all_or_nothing(logged_in_client, app, portfolio):
    backup = logged_in_client.get("/export/backup.json").get_json()
    backup["learnings"][-1]["kind"] = "rumour"
    person, client = signed_in_maker(app)

    response = restore(client, json.dumps(backup).encode())

    assert "learning 2, kind: Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalars(db.select(Product).where(Product.user_id == person.id)).all() == []
        )


def test_import_backup_command(logged_in_client, app, runner, portfolio, tmp_path):
    path = tmp_path / "backup.json"
    path.write_bytes(logged_in_client.get("/export/backup.json").get_data())
    with app.app_context():
        person = make_user(username="restored")

    result = runner.invoke(args=["import-backup", str(path), "--user", "restored"])

    assert result.exit_code == 0, result.output
    assert "Restored 2 products and 2 learnings." in result.output
    again = runner.invoke(args=["import-backup", str(path), "--user", "restored"])
    assert again.exit_code != 0
    assert "empty account" in again.output
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count(Product.id)).where(Product.user_id == person.id)
            )
            == 2
        )


def test_json_resume_lists_public_products_as_projects(app, client, portfolio, user):
    with app.app_context():
        db.session.get(User, user.id).is_published = True
        db.session.commit()

    resume = client.get("/u/maker/resume.json").get_json()

    assert resume["basics"]["name"] == "maker"
    assert [project["name"] for project in resume["projects"]] == [
        '=HYPERLINK("https://evil.example")'
    ]
    project = resume["projects"][0]
    assert project["highlights"] == ["users: 1,200", "rating: 4.6/5"]
    assert project["endDate"] == "2026-03-01"
    assert project["keywords"] == ["Discovery & research", "UX & design"]


def test_json_resume_is_404_while_unpublished(client, portfolio):
    assert client.get("/u/maker/resume.json").status_code == 404


def test_read_rows_reports_short_rows():
    rows = csv_import.read_rows("slug,title\r\na\r\n", ["slug", "title"])
    assert rows == [(2, None)]


METRIC_JSON_KEYS = [
    "label", "value", "note", "baseline", "unit", "time_window", "window_start", "window_end",
    "direction", "source_url", "caveat", "target",
]  # fmt: skip
OPTIONAL_TEXT = st.one_of(st.just(""), st.text(max_size=20))


@given(st.lists(st.tuples(*[OPTIONAL_TEXT] * len(METRIC_JSON_KEYS)), max_size=4))
def test_metrics_cell_is_the_json_json_dumps_would_write(metrics):
    """Label, value and note always; the evidence keys only when filled."""
    expected = json.dumps(
        [
            {
                key: text
                for index, (key, text) in enumerate(zip(METRIC_JSON_KEYS, metric, strict=True))
                if index < 3 or text
            }
            for metric in metrics
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert csv_export._metrics_cell(metrics) == (expected if metrics else "")


def test_a_draft_that_no_longer_reads_sends_the_maker_back_to_upload(logged_in_client, app, user):
    with app.app_context():
        draft_id = csv_import.save_draft(user.id, "products", "old.csv", "not,the,columns\n").id

    response = logged_in_client.get(f"/settings/data/imports/{draft_id}")

    assert response.headers["Location"] == "/settings/data"
    assert "The header row does not match" in logged_in_client.get("/settings/data").get_data(
        as_text=True
    )
