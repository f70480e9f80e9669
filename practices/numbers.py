"""Numbers as French people type and read them: « 12,5 », « 350 000,50 ».

One parser for every place a number is typed — the admin's key figures, the public
proposal form (/proposer/) and the spreadsheet import — so that « 12,5 » is never
read as 125 nor « 350 000,50 » as 35 000 050. What could be read two ways
(« 1.234,5 », « 1,234 », « 35 0000 ») is refused with a French message rather
than guessed.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

# Thousands separators people and spreadsheets type: space, no-break space, narrow
# no-break space (what French typography and LibreOffice use), thin space.
SPACES = " \u00a0\u202f\u2009"
_SPACE_RUN = re.compile(f"[{SPACES}]+")
_ALLOWED = re.compile(f"[0-9,.{SPACES}]+")
EXAMPLE = "par exemple 913, 12,5 ou 350 000,50"


def _invalid(text):
    return ValidationError(
        "« %(text)s » n'est pas un nombre : écrivez-le en chiffres, sans unité (" + EXAMPLE + ").",
        code="invalid",
        params={"text": text},
    )


def _ambiguous(text, why):
    return ValidationError(
        "« %(text)s » peut se lire de deux façons : %(why)s",
        code="ambiguous",
        params={"text": text, "why": why},
    )


def parse_french_decimal(value):
    """The Decimal a French-writing person meant, None for nothing; ValidationError otherwise.

    Accepts a comma or a dot as the decimal separator and spaces (plain, no-break,
    narrow no-break) between groups of three digits. Numbers from a spreadsheet cell
    (int, float, Decimal) are taken as they are.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        # A float from an XLSX cell: its shortest repr, not its binary expansion.
        return Decimal(str(value))
    text = str(value).strip()
    if not text:
        return None
    body = text
    negative = body[0] in "-−"
    if negative:
        body = body[1:].lstrip()
    if not body or not _ALLOWED.fullmatch(body) or not any(c.isdigit() for c in body):
        raise _invalid(text)
    separators = [c for c in body if c in ",."]
    if len(separators) > 1:
        raise _ambiguous(
            text,
            "utilisez la virgule pour les décimales (une seule) et des espaces "
            "entre les milliers, par exemple 1 234,5.",
        )
    whole, _, fraction = body.partition(separators[0]) if separators else (body, "", "")
    whole = whole.strip(SPACES)
    if separators and (not whole or not fraction.isdigit()):
        raise _invalid(text)
    groups = _SPACE_RUN.split(whole)
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise _ambiguous(
            text,
            "les espaces ne peuvent séparer que des groupes de trois chiffres "
            "(milliers), par exemple 350 000.",
        )
    digits = "".join(groups)
    if len(groups) == 1 and len(fraction) == 3 and len(digits) <= 3 and digits[0] != "0":
        # « 1.234 » or « 12,500 »: thousands in English or German writing, a decimal
        # in French. Refused rather than guessed.
        raise _ambiguous(
            text,
            f"écrivez {digits} {fraction} (avec une espace) pour un nombre de milliers, "
            f"ou {digits},{fraction[:2]} pour un nombre décimal.",
        )
    try:
        number = Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise _invalid(text) from None
    return -number if negative else number


def format_french_decimal(value, thousands="\u202f"):
    """« 350 000,50 », « 70 000 »: whole numbers without decimals, others with two."""
    if value is None or value == "":
        return ""
    value = Decimal(value).normalize()
    if value == value.to_integral():
        return f"{int(value):,}".replace(",", thousands)
    return f"{value:,.2f}".replace(",", thousands).replace(".", ",")


class FrenchDecimalField(forms.DecimalField):
    """A text field (inputmode « decimal ») read by parse_french_decimal.

    Not <input type="number">: a browser whose locale is not French drops or
    misreads the comma there (« 12,5 » saved 125).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": f"Indiquez un nombre, {EXAMPLE}.",
        "max_digits": "Ce nombre est trop grand.",
        "max_whole_digits": "Ce nombre est trop grand.",
        "max_decimal_places": "Pas plus de %(max)s chiffres après la virgule.",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_french_decimal(value)

    def prepare_value(self, value):
        # What the editor typed comes back as typed; a stored number, written the French way.
        if isinstance(value, Decimal | int | float):
            return format_french_decimal(value, thousands=" ")
        return value
