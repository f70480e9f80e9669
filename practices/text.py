"""Text helpers shared by search, slugs and imports."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})
_WORD = re.compile(r"[0-9a-z]+")
# PostgreSQL's French stop words (share/tsearch_data/french.stop), those without accents:
# french_unaccent removes accents before looking words up, so "été" is never one. Both
# databases drop them from queries, so that a word means the same on either. Plus "a"
# and "les", which PostgreSQL keeps (as lexemes "a" and "le") but match everywhere.
STOP_WORDS = frozenset(
    """
    au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me
    mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta
    te tes toi ton tu un une vos votre vous c d j l m n s t y suis es est sommes
    sont serai seras sera serons serez seront serais serait serions seriez seraient
    fus fut furent sois soit soyons soyez soient fusse fusses fussions fussiez
    fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai
    auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait
    avions aviez avaient eut eurent aie aies ait ayons ayez aient eusse eusses
    eussions eussiez eussent a les
    """.split()  # noqa: SIM905 - a word list reads better as text
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
        if word in STOP_WORDS:  # before the crude singular: "nous" is not "nou"
            continue
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        if len(word) >= 2 and word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms[:limit]
