def site(request):
    return {
        "site_name": "Commande publique responsable",
        "site_tagline": "Pratiques des collectivités pour l'économie sociale et solidaire",
    }
