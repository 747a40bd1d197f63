"""Proof: endorsements, a named person's confirmation of one claim of a case study.
The maker asks and approves (views.py); the endorser answers through a link, without
an account (endorsing.py)."""
