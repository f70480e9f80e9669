"""The API's OpenAPI 3.0 description, written by hand next to the code it describes.

Served at /api/openapi.json; tests/test_api_fuzz.py drives the API from it.
"""

from copy import deepcopy

LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def _string(description=None, nullable=False, **extra):
    schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    if nullable:
        schema["nullable"] = True
    return schema


def _named(key="slug"):
    return {
        "type": "object",
        "required": [key, "nom"],
        "properties": {key: _string(), "nom": _string()},
    }


def _repeatable(name, description, example):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description + " Peut être répété : les valeurs se cumulent (OU).",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
        "example": [example],
    }


FILTER_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "required": False,
        "description": "Recherche plein texte (200 caractères au plus), sans tenir compte "
        "des accents ni des majuscules.",
        "schema": {"type": "string"},
        "example": "insertion",
    },
    _repeatable("levier", "Identifiant d'un levier (voir /api/leviers/).", "clauses-sociales"),
    _repeatable("departement", "Code INSEE d'un département (voir /api/departements/).", "35"),
    {
        "name": "region",
        "in": "query",
        "required": False,
        "description": "Code INSEE d'une région, ex. 53 pour la Bretagne.",
        "schema": {"type": "string"},
        "example": "53",
    },
    _repeatable("secteur", "Identifiant d'un secteur.", "restauration-collective"),
    _repeatable(
        "type_collectivite",
        "Type de collectivité : region, departement, intercommunalite, commune, autre.",
        "departement",
    ),
    _repeatable(
        "preuve",
        "Niveau de preuve : declaratif (résultats rapportés par la collectivité), chiffre "
        "(indicateurs suivis) ou evalue (évaluation formelle).",
        "chiffre",
    ),
    {
        "name": "annee",
        "in": "query",
        "required": False,
        "description": "Pratiques en cours pendant cette année (1990 à 2100).",
        "schema": {"type": "integer"},
        "example": 2020,
    },
    {
        "name": "tri",
        "in": "query",
        "required": False,
        "description": "Ordre : recent (par défaut), titre, ou pertinence (avec q).",
        "schema": {"type": "string", "enum": ["recent", "titre", "pertinence"]},
    },
]

PAGE_PARAMETER = {
    "name": "page",
    "in": "query",
    "required": False,
    "description": "Numéro de page, à partir de 1 (20 pratiques par page).",
    "schema": {"type": "integer", "minimum": 1},
}

PRACTICE = {
    "type": "object",
    "required": [
        "slug",
        "titre",
        "resume",
        "url",
        "collectivite",
        "departement",
        "region",
        "leviers",
        "secteurs",
        "partenaires",
        "chiffres_cles",
        "annee_debut",
        "annee_fin",
        "publiee_le",
        "modifiee_le",
        "fiche_source",
        "niveau_de_preuve",
    ],
    "properties": {
        "slug": _string("Identifiant stable de la pratique."),
        "titre": _string(),
        "resume": _string(),
        "url": _string("Adresse de la fiche de la pratique sur le portail.", format="uri"),
        "collectivite": {
            "type": "object",
            "required": ["type", "type_libelle", "nom"],
            "properties": {
                "type": _string(
                    enum=["region", "departement", "intercommunalite", "commune", "autre"]
                ),
                "type_libelle": _string(),
                "nom": _string(),
            },
        },
        "departement": _named("code"),
        "region": _named("code"),
        "leviers": {"type": "array", "items": _named()},
        "secteurs": {"type": "array", "items": _named()},
        "partenaires": {"type": "array", "items": _named()},
        "chiffres_cles": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["libelle", "valeur", "unite", "periode"],
                "properties": {
                    "libelle": _string(),
                    "valeur": {"type": "number"},
                    "unite": _string(),
                    "periode": _string(),
                },
            },
        },
        "niveau_de_preuve": {
            "type": "object",
            "description": "Niveau de preuve des résultats : declaratif (rapportés par la "
            "collectivité), chiffre (indicateurs suivis), evalue (évaluation formelle).",
            "required": ["code", "libelle", "explication"],
            "properties": {
                "code": _string(enum=["declaratif", "chiffre", "evalue"]),
                "libelle": _string(),
                "explication": _string(),
            },
        },
        "annee_debut": {"type": "integer"},
        "annee_fin": {"type": "integer", "nullable": True},
        "publiee_le": _string(format="date-time"),
        "modifiee_le": _string(format="date-time"),
        "fiche_source": {
            "type": "object",
            "nullable": True,
            "required": ["slug", "titre", "numero", "kit", "parue_le", "url"],
            "properties": {
                "slug": _string(),
                "titre": _string(),
                "numero": {"type": "integer"},
                "kit": _string(),
                "parue_le": _string(format="date"),
                "url": _string(nullable=True, format="uri"),
            },
        },
    },
}

PRACTICE_DETAIL = deepcopy(PRACTICE)
PRACTICE_DETAIL["required"] += [
    "description",
    "conditions_de_reussite",
    "points_de_vigilance",
    "moyens",
    "documents",
]
PRACTICE_DETAIL["properties"].update(
    {
        "description": _string("Description détaillée, en Markdown."),
        "conditions_de_reussite": _string(
            "Ce qui a fait fonctionner la pratique, en Markdown (vide si non renseigné)."
        ),
        "points_de_vigilance": _string(
            "Difficultés rencontrées, ce qui n'a pas marché, en Markdown (vide si non renseigné)."
        ),
        "moyens": _string("Moyens mobilisés (équipe, budget, rôle des partenaires), en Markdown."),
        "documents": {
            "type": "array",
            "description": "Documents joints : cahier des charges, clause type, délibération…",
            "items": {
                "type": "object",
                "required": ["titre", "type", "type_libelle", "format", "taille_octets", "url"],
                "properties": {
                    "titre": _string(),
                    "type": _string("Nature du document."),
                    "type_libelle": _string(),
                    "format": _string(enum=["PDF", "ODT", "ODS", "DOCX", "XLSX"]),
                    "taille_octets": {"type": "integer"},
                    "url": _string(format="uri"),
                },
            },
        },
    }
)

ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": _string(),
        "erreurs": {
            "type": "object",
            "description": "Messages en français, par paramètre.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _json(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _list_of(item):
    return {
        "type": "object",
        "required": ["nombre", "resultats"],
        "properties": {
            "nombre": {"type": "integer"},
            "resultats": {"type": "array", "items": item},
        },
    }


LEVER = {
    "type": "object",
    "required": ["slug", "nom", "famille", "resume", "url", "nombre_pratiques", "bases_legales"],
    "properties": {
        "slug": _string(),
        "nom": _string(),
        "famille": {
            "type": "object",
            "required": ["code", "libelle"],
            "properties": {"code": _string(), "libelle": _string()},
        },
        "resume": _string(),
        "url": _string(nullable=True, format="uri"),
        "nombre_pratiques": {"type": "integer", "description": "Pratiques publiées."},
        "bases_legales": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["reference", "texte", "intitule"],
                "properties": {
                    "reference": _string("Article ou texte, ex. L2113-13."),
                    "texte": _string("Code ou loi dont relève la référence."),
                    "intitule": _string(),
                    "precisions": _string(),
                    "url": _string(nullable=True, format="uri"),
                    "en_vigueur_depuis": _string(nullable=True, format="date"),
                    "en_vigueur_jusqu_au": _string(nullable=True, format="date"),
                },
            },
        },
    },
}

DEPARTMENT = {
    "type": "object",
    "required": ["code", "nom", "region", "url", "nombre_pratiques"],
    "properties": {
        "code": _string("Code INSEE : 01…95, 2A, 2B, 971…976."),
        "nom": _string(),
        "region": _named("code"),
        "url": _string(nullable=True, format="uri"),
        "nombre_pratiques": {"type": "integer", "description": "Pratiques publiées."},
    },
}

NOT_FOUND = _json("Introuvable.", ERROR)
BAD_REQUEST = _json("Paramètres invalides : les messages disent lesquels et pourquoi.", ERROR)


def openapi_document(server_url="/api/"):
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Commande publique responsable — API des pratiques",
            "version": "1.0.0",
            "description": "Pratiques publiées des collectivités qui font de la commande "
            "publique un levier pour l'économie sociale et solidaire. Lecture seule, sans "
            "authentification. Les filtres sont ceux de la page /pratiques/.",
            "license": LICENCE,
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/pratiques/": {
                "get": {
                    "operationId": "listPractices",
                    "summary": "Pratiques publiées, filtrées et paginées",
                    "parameters": [*FILTER_PARAMETERS, PAGE_PARAMETER],
                    "responses": {
                        "200": _json(
                            "Une page de pratiques.",
                            {
                                "type": "object",
                                "required": [
                                    "nombre",
                                    "page",
                                    "pages",
                                    "suivante",
                                    "precedente",
                                    "resultats",
                                ],
                                "properties": {
                                    "nombre": {
                                        "type": "integer",
                                        "description": "Nombre total de pratiques trouvées.",
                                    },
                                    "page": {"type": "integer"},
                                    "pages": {"type": "integer"},
                                    "suivante": _string(nullable=True, format="uri"),
                                    "precedente": _string(nullable=True, format="uri"),
                                    "resultats": {"type": "array", "items": PRACTICE},
                                },
                            },
                        ),
                        "400": BAD_REQUEST,
                        "404": _json("Page au-delà de la dernière.", ERROR),
                    },
                }
            },
            "/pratiques/{slug}/": {
                "get": {
                    "operationId": "getPractice",
                    "summary": "Une pratique publiée",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "example": "ille-et-vilaine-territoire-commerce-equitable",
                        }
                    ],
                    "responses": {
                        "200": _json("La pratique, avec sa description.", PRACTICE_DETAIL),
                        "404": NOT_FOUND,
                    },
                }
            },
            "/leviers/": {
                "get": {
                    "operationId": "listLevers",
                    "summary": "Leviers de la commande publique et leurs bases légales",
                    "responses": {"200": _json("Tous les leviers.", _list_of(LEVER))},
                }
            },
            "/departements/": {
                "get": {
                    "operationId": "listDepartments",
                    "summary": "Les 101 départements, leur région et leurs pratiques publiées",
                    "responses": {"200": _json("Tous les départements.", _list_of(DEPARTMENT))},
                }
            },
        },
    }
