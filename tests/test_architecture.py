"""The layers in pyproject.toml hold, and breaking them is caught.

`lint-imports` checks the contracts; the second test proves the contracts bite by
adding a forbidden import to a copy of the package.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from pm_portfolio import PROJECT_ROOT

LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the project's own tool on its own code
        [LINT_IMPORTS, "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_are_kept():
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_blueprint_importing_another_breaks_the_contracts(tmp_path):
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        PROJECT_ROOT / "pm_portfolio",
        tmp_path / "pm_portfolio",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    views = tmp_path / "pm_portfolio" / "learnings" / "views.py"
    views.write_text(views.read_text() + "\nfrom pm_portfolio.products import views as _views\n")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout
    assert "pm_portfolio.learnings.views -> pm_portfolio.products.views" in result.stdout
