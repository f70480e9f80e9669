"""Text helpers shared by search, slugs, imports and exports."""

import re
import unicodedata

from procurement_portal.forms import CONTROL_CHARS

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


# A spreadsheet cell starting with one of these is run as a formula (or DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _reads_as_formula(text: str) -> bool:
    # A text that already starts with the quote is quoted again when the rest would be
    # unquoted on import, so that from_spreadsheet_cell(to_spreadsheet_cell(t)) == t.
    while text.startswith(QUOTE):
        text = text[1:]
    return text.startswith(FORMULA_PREFIXES)


def to_spreadsheet_cell(value):
    """A value as a spreadsheet cell: text that would run as a formula gets a leading
    quote (the usual neutralisation, OWASP « CSV injection »); other values unchanged.
    Every export (public CSV, admin CSV and XLSX) writes its cells through this."""
    if not isinstance(value, str):
        return value
    # A control character the admin accepted (a word processor's line break pasted as a
    # vertical tab) cannot go into an XLSX cell (openpyxl raises, and the editor's export
    # failed): a space, as in the feed.
    value = CONTROL_CHARS.sub(" ", value)
    return QUOTE + value if _reads_as_formula(value) else value


def from_spreadsheet_cell(value):
    """Undo to_spreadsheet_cell, for imports: an exported file imports back unchanged."""
    if isinstance(value, str) and value.startswith(QUOTE) and _reads_as_formula(value[1:]):
        return value[1:]
    return value


# Articles of the codes as people write them: « L2113-12 », « l2113-12 », « L. 2113-12 »,
# « R2122-9-1 » (on folded text). Each becomes one token, « l2113x12 », in the index and
# in queries alike: a full-text parser would otherwise cut it into pieces that match
# other articles.
LEGAL_REFERENCE = re.compile(r"\b([ldr])(?:\.\s*|\s?)(\d{4})((?:\s?-\s?\d{1,3}){1,2})\b")


def _legal_token(match) -> str:
    parts = re.findall(r"\d+", match.group(3))
    return match.group(1) + match.group(2) + "".join("x" + part for part in parts)


def normalize_legal_references(folded: str) -> str:
    """Folded text with every article reference written as one token (« l2113x12 »)."""
    return LEGAL_REFERENCE.sub(_legal_token, folded)


def legal_tokens(folded: str) -> list[str]:
    """The article tokens of a folded text, in order, without duplicates."""
    return list(dict.fromkeys(_legal_token(m) for m in LEGAL_REFERENCE.finditer(folded)))
