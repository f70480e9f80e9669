"""What every public input goes through: control characters are refused, in one place.

NUL and the other control characters (tab, line feed and carriage return aside) never
reach a query: PostgreSQL refuses NUL outright, and none of them belongs in a value a
visitor types. The one rule, CONTROL_CHARS, is used by:

- PublicForm, the base of every public form (/proposer/ today): a field whose raw value
  holds one gets CONTROL_CHARS_MESSAGE and nothing else, before its own cleaning (which
  for a choice of department or lever queries the database);
- PracticeFilter (list, feed, API, export), which drops such a parameter and reports it;
- the API's practice detail, and the admin's guard (procurement_portal.security).

The other rules of public forms live next to them: CSRF (Django's middleware), the
shared per-address rate limit (procurement_portal.rate_limit), a length limit on every
field and a honeypot (honeypot_field below).
"""

import re

from django import forms

# Control characters other than tab, newline and carriage return (C0, DEL and C1), and the
# invisible ones that change how a text reads: direction overrides and isolates (a name
# shown backwards, « Trojan Source »), direction marks, zero-width space, line and
# paragraph separators, a byte-order mark inside the text. Joiners stay (emoji, scripts).
CONTROL_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    r"\u2066-\u2069\ufeff]"
)
CONTROL_CHARS_MESSAGE = (
    "Ce champ contient des caractères invisibles non autorisés (caractère de contrôle, "
    "de direction du texte ou espace sans largeur), souvent issus d'un copier-coller. "
    "Retapez le texte puis renvoyez le formulaire."
)


# The honeypot of every public form: hidden from people (the .hp-field wrapper, out of the
# tab order, aria-hidden); robots that fill every field give themselves away.
HONEYPOT = "site_web"


def honeypot_field():
    return forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def has_control_characters(value):
    """Whether a value, or any of a list of values, holds a control character."""
    values = value if isinstance(value, list | tuple) else [value]
    return any(isinstance(v, str) and CONTROL_CHARS.search(v) for v in values)


def without_control_characters(data, names):
    """(a copy of `data` without the parameters among `names` whose values hold a control
    character, the names of those parameters). `data` is a QueryDict or a dict."""
    values = data.getlist if hasattr(data, "getlist") else lambda name: data.get(name)
    rejected = tuple(name for name in names if has_control_characters(values(name)))
    if not rejected:
        return data, ()
    data = data.copy()
    for name in rejected:
        data.pop(name, None)
    return data, rejected


class PublicForm(forms.Form):
    """The base of the portal's public forms: labels without a colon, and every field's
    raw value checked for control characters before anything else.

    `exempt_from_control_check`: fields whose value is never used (the honeypot). A form
    that declares `site_web = honeypot_field()` asks is_spam() before saving anything.
    """

    def is_spam(self):
        return bool(self.data.get(HONEYPOT))

    exempt_from_control_check = (HONEYPOT,)

    def __init__(self, data=None, *args, **kwargs):
        # Labels are followed by their field, not by a colon.
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, *args, **kwargs)
        self.rejected = ()
        if self.is_bound:
            keys = {
                self.add_prefix(name): name
                for name in self.fields
                if name not in self.exempt_from_control_check
            }
            self.data, rejected = without_control_characters(self.data, keys)
            self.rejected = tuple(keys[key] for key in rejected)

    def full_clean(self):
        super().full_clean()
        # The field was cleaned without its value: its one message is this one.
        for name in self.rejected:
            self.errors[name] = self.error_class([CONTROL_CHARS_MESSAGE], renderer=self.renderer)
            getattr(self, "cleaned_data", {}).pop(name, None)
