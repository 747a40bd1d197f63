"""Yes and no as people write them, read the same way in settings and in imported files."""

TRUE_WORDS = frozenset({"true", "yes", "y", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "off", "0", ""})


def parse_flag(text: str | None) -> bool | None:
    """True or False for a yes or no word (empty is no); None for anything else."""
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
