"""Reading a JSON Resume (jsonresume.org) for import: its projects as product rows in the
products CSV's columns, and its basics as profile values.

The document is checked against the vendored JSON Resume schema once, at upload (a
large one takes seconds), and its draft keeps the first MAX_SCHEMA_PROBLEMS problems
found, a few dozen being all a person fixes before uploading again; the rows then
go through the same checks as a CSV import (see csv_import.py), so a resume can
never store what the pages would refuse. A project written by this app carries its
metrics whole (RESUME_METRICS_KEY), and comes back as it was; anyone else's
highlights become the outcome, as a list.
"""

import json
from dataclasses import asdict
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from werkzeug.datastructures import MultiDict

from pm_portfolio.core.results import RESUME_METRICS_KEY
from pm_portfolio.core.skills import all_skills
from pm_portfolio.exports.formats import PRODUCT_COLUMNS
from pm_portfolio.exports.formats import SKILL_SEPARATOR
from pm_portfolio.exports.json_input import load_json
from pm_portfolio.forms.profile import ProfileForm
from pm_portfolio.models import User

SCHEMA_FILE = Path(__file__).parent / "schemas" / "json-resume-1.3.1.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = Draft7Validator(SCHEMA)
MAX_SCHEMA_PROBLEMS = 30
TAGLINE_MAX = 160
NETWORKS = {"linkedin": "linkedin_url", "github": "github_url"}


class NotAResume(ValueError):
    """The file cannot be read as a JSON Resume at all."""


@dataclass(frozen=True)
class SchemaProblem:
    # The project's number (from 1), or 0 for the rest of the document.
    project: int
    path: str
    message: str


def read_resume(text: str) -> dict[str, Any]:
    try:
        document = load_json(text)
    except (ValueError, RecursionError) as error:
        raise NotAResume(
            "This file is not JSON. Export your resume as JSON Resume (resume.json) from "
            "jsonresume.org or Reactive Resume, and upload that."
        ) from error
    if not isinstance(document, dict):
        raise NotAResume("A JSON Resume is one JSON object with “basics” and “projects”.")
    return document


@dataclass(frozen=True)
class SchemaCheck:
    """The first problems a document has against the schema, and whether there are more."""

    problems: list[SchemaProblem]
    more: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"problems": [asdict(problem) for problem in self.problems], "more": self.more}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SchemaCheck":
        return cls([SchemaProblem(**problem) for problem in data["problems"]], data["more"])


def check_schema(document: dict[str, Any]) -> SchemaCheck:
    """Where the document breaks the JSON Resume schema, in document order: the first
    MAX_SCHEMA_PROBLEMS found (the validator stops there), and whether there are more."""
    problems = []
    for error in islice(VALIDATOR.iter_errors(document), MAX_SCHEMA_PROBLEMS + 1):
        path = list(error.absolute_path)
        in_project = len(path) > 1 and path[0] == "projects" and isinstance(path[1], int)
        problems.append(
            SchemaProblem(
                project=path[1] + 1 if in_project else 0,
                path=".".join(str(part) for part in path) or "the document",
                message=error.message[:300],
            )
        )
    problems.sort(key=lambda problem: (problem.project, problem.path))
    return SchemaCheck(problems[:MAX_SCHEMA_PROBLEMS], more=len(problems) > MAX_SCHEMA_PROBLEMS)


def _full_date(value: Any) -> str:
    """A JSON Resume date ("2023", "2023-04", "2023-04-05") as a day: the first one."""
    if not isinstance(value, str) or not value:
        return ""
    year, *rest = value.split("-")
    month, day = [*rest, "01", "01"][:2]
    return f"{year}-{month}-{day}"


def _texts(value: Any) -> list[str]:
    return [item.strip() for item in value if isinstance(item, str) and item.strip()] if isinstance(
        value, list
    ) else []  # fmt: skip


def _skill_keys(keywords: list[str]) -> list[str]:
    """Keywords that name one of the PM skills, by its name or its key."""
    known = {}
    for skill in all_skills():
        known[skill.name.casefold()] = skill.key
        known[skill.key.casefold()] = skill.key
    return list(
        dict.fromkeys(known[word.casefold()] for word in keywords if word.casefold() in known)
    )


def project_row(project: dict[str, Any]) -> dict[str, str]:
    """A project as a products CSV row: a new private product."""
    description = project.get("description") if isinstance(project.get("description"), str) else ""
    description = description.strip()
    started_on, shipped_on = (
        _full_date(project.get("startDate")),
        _full_date(project.get("endDate")),
    )
    metrics = project.get(RESUME_METRICS_KEY)
    highlights = _texts(project.get("highlights"))
    values = dict.fromkeys(PRODUCT_COLUMNS, "")
    values.update(
        title=project.get("name") if isinstance(project.get("name"), str) else "",
        tagline=description if len(description) <= TAGLINE_MAX else "",
        solution=description if len(description) > TAGLINE_MAX else "",
        status="shipped" if shipped_on else "building" if started_on else "idea",
        role=", ".join(_texts(project.get("roles"))),
        started_on=started_on,
        shipped_on=shipped_on,
        url=project.get("url") if isinstance(project.get("url"), str) else "",
        visibility="private",
        featured="false",
        position="0",
        skills=SKILL_SEPARATOR.join(_skill_keys(_texts(project.get("keywords")))),
    )
    if isinstance(metrics, list):
        # Written by this app: the highlights only repeat these metrics in words.
        values["metrics"] = json.dumps(metrics)
    elif highlights:
        values["outcome"] = "\n".join(f"- {highlight}" for highlight in highlights)
    return values


def _basics_values(basics: dict[str, Any]) -> dict[str, str]:
    location = basics.get("location") if isinstance(basics.get("location"), dict) else {}
    place = location.get("address") or ", ".join(
        part for part in (location.get("city"), location.get("region")) if isinstance(part, str)
    )
    values = {
        "display_name": basics.get("name"),
        "headline": basics.get("label"),
        "bio": basics.get("summary"),
        "location": place,
        "website_url": basics.get("url"),
    }
    for profile in basics.get("profiles") or []:
        if isinstance(profile, dict) and isinstance(profile.get("network"), str):
            field = NETWORKS.get(profile["network"].strip().casefold())
            if field:
                values[field] = profile.get("url")
    return {name: value.strip() for name, value in values.items() if isinstance(value, str)}


def profile_values(basics: Any, user: User) -> dict[str, str]:
    """What the resume's basics would fill in: only the maker's empty fields, and only
    values the profile form takes."""
    if not isinstance(basics, dict):
        return {}
    values = {
        name: value
        for name, value in _basics_values(basics).items()
        if value and not getattr(user, name)
    }
    form = ProfileForm(formdata=MultiDict(values), meta={"csrf": False})
    form.validate()
    return {name: value for name, value in values.items() if not form[name].errors}
