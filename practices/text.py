"""Text helpers shared by search, slugs and imports."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})
_WORD = re.compile(r"[0-9a-z]+")
# Control characters other than tab, newline and carriage return.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "sur",
        "un",
        "une",
    ]
)


def fold(text: str) -> str:
    """Lower-case, accent-free form of a French text, for accent-insensitive matching."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def search_terms(query: str, limit: int = 12) -> list[str]:
    """Words of a query, folded and reduced to a crude singular.

    Good enough for SQLite, where there is no French stemmer: "Clauses sociales"
    gives ["clause", "sociale"], which match both the singular and the plural.
    """
    terms = []
    for word in _WORD.findall(fold(query)):
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        if len(word) >= 2 and word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms[:limit]
