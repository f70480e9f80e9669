SITE_NAME = "Commande publique responsable"
SITE_TAGLINE = "Pratiques des collectivités pour l'économie sociale et solidaire"


def site(request):
    return {"site_name": SITE_NAME, "site_tagline": SITE_TAGLINE}
