import importlib

from pm_portfolio import PROJECT_ROOT
from pm_portfolio import create_app
from pm_portfolio.web.templating import render_version


def test_factory_reads_the_environment_and_accepts_overrides(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "a secret from the environment")
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert not create_app().testing
    assert create_app().config["SECRET_KEY"] == "a secret from the environment"
    assert create_app({"TESTING": True}).testing


def test_templates_and_static_files_are_found_from_any_directory(
    monkeypatch, tmp_path, migrated_database_url
):
    monkeypatch.chdir(tmp_path)
    app = create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": migrated_database_url})
    assert app.template_folder == str(PROJECT_ROOT / "templates")
    assert app.static_folder == str(PROJECT_ROOT / "static")

    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert "Make products." in page.get_data(as_text=True)
    with client.get("/static/css/app.css") as stylesheet:
        assert stylesheet.status_code == 200
        assert stylesheet.mimetype == "text/css"


def test_wsgi_entry_point_exposes_the_app(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "a secret from the environment")
    monkeypatch.setenv("DATABASE_URL", database_url)
    entry_point = importlib.reload(importlib.import_module("app"))

    assert entry_point.app.name == "pm_portfolio"
    assert entry_point.app.config["SQLALCHEMY_DATABASE_URI"] == database_url


def test_the_render_version_follows_code_templates_and_static_files(tmp_path):
    code, templates = tmp_path / "code", tmp_path / "templates"
    (code / "__pycache__").mkdir(parents=True)
    templates.mkdir()
    (code / "rules.py").write_text("VISIBLE = ('public',)\n")
    (templates / "page.html").write_text("<p>page</p>")
    first = render_version(code, templates)

    (code / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"compiled")
    assert render_version(code, templates) == first, "compiled files differ per process"
    (code / "rules.py").write_text("VISIBLE = ('public', 'unlisted')\n")
    second = render_version(code, templates)
    assert second != first, "a code change alone expires cached pages"
    (templates / "page.html").write_text("<p>changed</p>")
    assert render_version(code, templates) != second
