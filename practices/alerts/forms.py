from django import forms

from procurement_portal.forms import PublicForm, honeypot_field

from .models import Subscription


class AlertForm(PublicForm):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text="Format attendu : nom@collectivite.fr",
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple "
            "nom@collectivite.fr.",
            "max_length": "L'adresse électronique est limitée à 254 caractères.",
        },
    )
    frequence = forms.ChoiceField(
        label="Fréquence",
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une fréquence.",
            "invalid_choice": "Choisissez « Chaque jour » ou « Chaque semaine ».",
        },
    )
    site_web = honeypot_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class FrequencyForm(forms.Form):
    frequence = AlertForm.base_fields["frequence"]
