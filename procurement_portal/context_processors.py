from django.core.exceptions import DisallowedHost

from .links import site_origin

SITE_NAME = "Commande publique responsable"
SITE_TAGLINE = "Pratiques des collectivités pour l'économie sociale et solidaire"


def site(request):
    try:
        origin = site_origin(request)
    except DisallowedHost:  # the 400 page of a request for an unknown host
        origin = ""
    return {"site_name": SITE_NAME, "site_tagline": SITE_TAGLINE, "site_origin": origin}
