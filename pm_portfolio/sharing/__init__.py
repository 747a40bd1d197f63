"""Sharing: the maker's share links, for one unlisted product or a chosen set per employer."""
