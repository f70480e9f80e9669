"""French typography of the public pages: a no-break space before « : ; ? ! » and inside
« guillemets », so that none of them ever starts or ends a line alone.

Measured at 360 px in Chromium before this: « ? » alone on a line on every practice page
and the list (« Que signifient les niveaux de preuve ? »), « » » or « « » alone in lever
summaries, practice bodies, the alert and contribution forms, the open-data and legal
pages. The texts come from templates, editors (Markdown and plain fields) and the
database alike, and are written with ordinary spaces, as people type them: the pages are
set right here, once, rather than in every template and every stored text.

Only text between tags changes, never a tag or its attributes (a URL, a form value), nor
what <script>, <style>, <pre>, <code> or <textarea> hold (a visitor's message sent back
with a form error is theirs, byte for byte). The admin is left as Django writes it.
"""

import re

from django.conf import settings

NBSP = "\u00a0"
ADMIN_PREFIX = "/admin/"

# One pass over the page: a tag, a comment, or an element whose content must stay as it
# is (kept as found); or spaces before « : ; ? ! » or after « « » (made one no-break space).
_PAGE = re.compile(
    r"(<(script|style|pre|code|textarea)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)"
    r"| +([:;?!»])|« +",
    re.IGNORECASE | re.DOTALL,
)


def _set(match):
    if match.group(1):
        return match.group(1)
    punctuation = match.group(3)
    return NBSP + punctuation if punctuation else "«" + NBSP


def french_html(html):
    """`html` (or plain text) with the spaces around French punctuation made no-break, in
    the text between its tags only."""
    return _PAGE.sub(_set, html)


class FrenchTypographyMiddleware:
    """Sets the public HTML pages in French typography (french_html).

    Below the page cache, which stores pages already set (one pass: 1.1 ms for the 134 KB
    of /departements/, 0.4 ms for the list, only when a page is built), and the
    middleware that compute ETags and Content-Length from the final bytes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or request.path.startswith(ADMIN_PREFIX)
            or response.get("Content-Encoding")
        ):
            return response
        charset = response.charset or settings.DEFAULT_CHARSET
        html = response.content.decode(charset)
        set_right = french_html(html)
        if set_right != html:
            response.content = set_right.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
