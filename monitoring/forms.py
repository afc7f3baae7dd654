"""Forms of incidents; they validate and lay out only."""

from django import forms

from core.forms import InCityWords

from .models import Incident


class IncidentForm(InCityWords, forms.Form):
    kind = forms.ChoiceField(label="種別", choices=Incident.Kind.choices)
    title = forms.CharField(label="件名", max_length=200)
    description = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
