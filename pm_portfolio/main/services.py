"""What the dashboard shows a maker."""

from dataclasses import dataclass

from pm_portfolio.models import User


@dataclass(frozen=True)
class ChecklistStep:
    label: str
    done: bool
    endpoint: str


def onboarding_checklist(user: User) -> list[ChecklistStep]:
    """The first steps of a new maker, each ticked once it is done."""
    return [
        ChecklistStep(
            "Tell employers who you are: name and headline",
            done=bool(user.display_name and user.headline),
            endpoint="accounts.settings_profile",
        ),
    ]
