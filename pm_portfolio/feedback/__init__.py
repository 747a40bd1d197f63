"""Feedback on drafts: review links reviewers comment through without an account
(reviewing.py), and the maker's side of it (views.py)."""
