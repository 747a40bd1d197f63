"""Endorsements: proof of one claim of a case study (a result, the role, the outcome),
confirmed by a named person through a link, without an account.

Readers see a confirmation only once the maker approves it, and only while the claim
still reads as it did when confirmed: a changed number is not what was confirmed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from pm_portfolio.core import share_links
from pm_portfolio.core.results import metric_sentence
from pm_portfolio.extensions import db
from pm_portfolio.models import ClaimKind
from pm_portfolio.models import Endorsement
from pm_portfolio.models import EndorsementState
from pm_portfolio.models import Product

LINK_DAYS = 30
# Waiting for an answer: the states a request can be reminded of, or answered in.
AWAITING = (EndorsementState.SENT, EndorsementState.OPENED)


class UnknownClaim(Exception):
    """The product has no such claim (any more)."""


@dataclass(frozen=True)
class Claim:
    """One thing a case study says that someone can confirm."""

    key: str
    kind: ClaimKind
    label: str
    text: str

    @property
    def title(self) -> str:
        """How the maker picks it: "Result: weekly active users: 140", "Your role: …"."""
        names = {ClaimKind.RESULT: "Result", ClaimKind.ROLE: "Role", ClaimKind.OUTCOME: "Outcome"}
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{names[self.kind]}: {text}"


def claims_of(product: Product) -> list[Claim]:
    """The claims the product's case study makes now, in reading order. A result's
    claim is its whole sentence (value, change, window, target), as readers see it."""
    claims = [
        Claim(f"result:{position}", ClaimKind.RESULT, metric.label, metric_sentence(metric))
        for position, metric in enumerate(product.metrics, start=1)
    ]
    if product.role.strip():
        claims.append(Claim("role", ClaimKind.ROLE, "", product.role.strip()))
    if product.outcome.strip():
        claims.append(Claim("outcome", ClaimKind.OUTCOME, "", product.outcome.strip()))
    return claims


def current_claims(product: Product) -> set[tuple[str, str]]:
    """Each claim the case study makes now, as (kind, text)."""
    return {(claim.kind, claim.text) for claim in claims_of(product)}


def is_current(endorsement: Endorsement, claims: set[tuple[str, str]]) -> bool:
    """Whether the case study still makes the claim, word for word, as confirmed."""
    return (endorsement.claim_kind, endorsement.confirmed_text) in claims


def ask(product: Product, claim_key: str, name: str, email: str, today: date) -> Endorsement:
    """A request to `name` to confirm one of the product's claims; the caller sends it."""
    claim = next((claim for claim in claims_of(product) if claim.key == claim_key), None)
    if claim is None:
        raise UnknownClaim
    endorsement = Endorsement(
        user_id=product.user_id,
        product_id=product.id,
        token=share_links.new_token(),
        claim_kind=claim.kind,
        claim_label=claim.label,
        claim_text=claim.text,
        asked_name=name.strip(),
        asked_email=email.strip(),
        expires_on=today + timedelta(days=LINK_DAYS),
    )
    db.session.add(endorsement)
    db.session.commit()
    return endorsement


def find_open(token: str, today: date) -> Endorsement | None:
    """The request behind a token, unless unknown, expired or withdrawn (a withdrawn
    link stays dead)."""
    endorsement = db.session.scalar(db.select(Endorsement).where(Endorsement.token == token))
    if endorsement is None or endorsement.state == EndorsementState.WITHDRAWN:
        return None
    if endorsement.state in AWAITING and endorsement.expires_on < today:
        return None
    return endorsement


def mark_opened(endorsement: Endorsement, now: datetime) -> None:
    if endorsement.state == EndorsementState.SENT:
        endorsement.state = EndorsementState.OPENED
        endorsement.opened_at = now
        db.session.commit()


def confirm(endorsement: Endorsement, name: str, relation: str, quote: str, now: datetime) -> None:
    """The endorser confirms the claim as it was sent to them."""
    endorsement.state = EndorsementState.CONFIRMED
    endorsement.name = name.strip()
    endorsement.relation_to_maker = relation.strip()
    endorsement.quote = quote.strip()
    endorsement.confirmed_text = endorsement.claim_text
    endorsement.responded_at = now
    db.session.commit()


def decline(endorsement: Endorsement, now: datetime) -> None:
    endorsement.state = EndorsementState.DECLINED
    endorsement.approved = False
    endorsement.responded_at = now
    db.session.commit()


def withdraw(endorsement: Endorsement, now: datetime) -> None:
    """The endorser takes a confirmation back: it never shows again, and the link is
    dead."""
    endorsement.state = EndorsementState.WITHDRAWN
    endorsement.approved = False
    endorsement.quote = ""
    endorsement.responded_at = now
    db.session.commit()


def set_approved(endorsement: Endorsement, approved: bool) -> bool:
    """Show a confirmation to readers, or hide it; only a confirmation can be shown.
    Returns whether it is shown now."""
    endorsement.approved = approved and endorsement.state == EndorsementState.CONFIRMED
    db.session.commit()
    return endorsement.approved


def is_expired(endorsement: Endorsement, today: date) -> bool:
    return endorsement.state in AWAITING and endorsement.expires_on < today


def can_ask_again(endorsement: Endorsement, product: Product, today: date) -> bool:
    """Once answered, changed since confirmed, or expired: never while a live request
    waits (which would also undo the one reminder it may have had)."""
    if endorsement.state not in AWAITING:
        return True
    return is_expired(endorsement, today)


def ask_again(endorsement: Endorsement, product: Product, today: date) -> None:
    """Send the claim as it reads now, at a new address; the earlier answer goes."""
    claim = next(
        (
            claim
            for claim in claims_of(product)
            if claim.kind == endorsement.claim_kind
            and claim.label.casefold() == endorsement.claim_label.casefold()
        ),
        None,
    )
    if claim is None:
        raise UnknownClaim
    endorsement.token = share_links.new_token()
    endorsement.claim_label = claim.label
    endorsement.claim_text = claim.text
    endorsement.state = EndorsementState.SENT
    endorsement.name = endorsement.relation_to_maker = endorsement.quote = ""
    endorsement.confirmed_text = ""
    endorsement.approved = False
    endorsement.opened_at = endorsement.responded_at = endorsement.reminded_at = None
    endorsement.expires_on = today + timedelta(days=LINK_DAYS)
    db.session.commit()


def can_remind(endorsement: Endorsement, today: date) -> bool:
    """A request still waiting and not expired, sent by email, not reminded yet: one
    reminder at most."""
    return (
        endorsement.state in AWAITING
        and not is_expired(endorsement, today)
        and bool(endorsement.asked_email)
        and endorsement.reminded_at is None
    )


def mark_reminded(endorsement: Endorsement, now: datetime) -> None:
    endorsement.reminded_at = now
    db.session.commit()


def delete(endorsement: Endorsement) -> None:
    """The request goes, with the endorser's name and address."""
    db.session.delete(endorsement)
    db.session.commit()


def owned_endorsement(owner_id: int, endorsement_id: int) -> Endorsement | None:
    return db.session.scalar(
        db.select(Endorsement).where(
            Endorsement.id == endorsement_id, Endorsement.user_id == owner_id
        )
    )


def requests_for(owner_id: int, product_id: int) -> list[Endorsement]:
    """Every request about the product, newest first: what its page tracks."""
    return list(
        db.session.scalars(
            db.select(Endorsement)
            .where(Endorsement.user_id == owner_id, Endorsement.product_id == product_id)
            .order_by(Endorsement.created_at.desc(), Endorsement.id.desc())
        )
    )


def shown(product: Product) -> dict[str, list[Endorsement]]:
    """What readers see of a product's endorsements, by the key of the claim they sit
    beside ("result:<n>" for the n-th result, "role", "outcome"): approved
    confirmations of claims the case study still makes word for word. Reads
    `product.approved_endorsements`, loaded with the case study."""
    confirmed: dict[tuple[str, str], list[Endorsement]] = defaultdict(list)
    for endorsement in product.approved_endorsements:
        confirmed[(endorsement.claim_kind, endorsement.confirmed_text)].append(endorsement)
    return {
        claim.key: confirmed[(claim.kind, claim.text)]
        for claim in claims_of(product)
        if (claim.kind, claim.text) in confirmed
    }
