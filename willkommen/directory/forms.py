"""Forms: an offer with its translations (staff and import), the public search, the sheet.

The same ``OfferForm`` validates what staff type and every row of an import, so both obey
the same rules and report errors by field.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Language, Topic

from .models import Offer, TranslationStatus, translation_languages


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def language_label(code):
    return dict(settings.LANGUAGES).get(code, code)


class OfferForm(KernFormMixin, forms.ModelForm):
    """An offer's fields plus, per UI language but German, a title, description, status."""

    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Topics"),
    )
    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Languages spoken"),
    )

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Offer
        fields = [
            "reference",
            "title",
            "description",
            "topics",
            "provider",
            "street",
            "postal_code",
            "city",
            "district",
            "opening_hours",
            "languages",
            "cost_kind",
            "cost_text",
            "target_groups",
            "phone",
            "email",
            "website",
            "accessibility",
            "review_date",
            "is_active",
        ]
        widgets = {
            "review_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {}
        if self.instance.pk:
            existing = {t.language: t for t in self.instance.translations.all()}
        for code in translation_languages():
            name = language_label(code)
            current = existing.get(code)
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=False,
                initial=current.title if current else "",
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=current.description if current else "",
            )
            self.fields[f"status_{code}"] = forms.ChoiceField(
                label=_("Translation status (%(language)s)") % {"language": name},
                choices=TranslationStatus.choices,
                required=False,
                initial=current.status if current else TranslationStatus.MISSING,
            )
            for kind in ("title", "description", "status"):
                widget = self.fields[f"{kind}_{code}"].widget
                css = "kern-form-input__select" if kind == "status" else "kern-form-input__input"
                widget.attrs["class"] = css
                widget.attrs["lang"] = code
                if code in {"ar", "fa"} and kind != "status":
                    widget.attrs["dir"] = "rtl"

    def clean(self):
        cleaned = super().clean()
        for code in translation_languages():
            title = (cleaned.get(f"title_{code}") or "").strip()
            description = (cleaned.get(f"description_{code}") or "").strip()
            status = cleaned.get(f"status_{code}") or ""
            if not status:
                status = TranslationStatus.MACHINE if title else TranslationStatus.MISSING
                cleaned[f"status_{code}"] = status
            if status != TranslationStatus.MISSING and not title:
                self.add_error(
                    f"title_{code}",
                    _("A translation marked as machine-translated or reviewed needs a title."),
                )
            if status == TranslationStatus.MISSING and (title or description):
                self.add_error(
                    f"status_{code}",
                    _("There is a translation: mark it as machine-translated or reviewed."),
                )
        return cleaned

    def translations(self):
        """``{language: {"title", "description", "status"}}`` from the cleaned data."""
        return {
            code: {
                "title": (self.cleaned_data.get(f"title_{code}") or "").strip(),
                "description": (self.cleaned_data.get(f"description_{code}") or "").strip(),
                "status": self.cleaned_data.get(f"status_{code}") or TranslationStatus.MISSING,
            }
            for code in translation_languages()
        }

    def base_fields_bound(self):
        return [self[name] for name in self.Meta.fields]

    def translation_groups(self):
        return [
            {
                "code": code,
                "name": language_label(code),
                "fields": [self[f"{kind}_{code}"] for kind in ("title", "description", "status")],
            }
            for code in translation_languages()
        ]


class SearchForm(KernFormMixin, forms.Form):
    """The public search; every field optional, unknown choices are simply ignored."""

    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language spoken there"), required=False)
    place = forms.CharField(label=_("District or postal code"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (topic.slug, topic.name) for topic in Topic.objects.filter(is_active=True)
        ]
        self.fields["language"].choices = [("", _("Any language"))] + [
            (language.code, language.display_name)
            for language in Language.objects.filter(offers__is_active=True).distinct()
        ]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def clean_topic(self):
        return self.cleaned_data.get("topic") or ""


class ImportForm(KernFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File (CSV or JSON)"),
        help_text=_("UTF-8; the columns or keys as in an export."),
    )
