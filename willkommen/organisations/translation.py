"""Fields that clients read, stored per UI language (German is the fallback)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Location, OfficeService, Organisation, Topic


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("description",)


@register(Location)
class LocationTranslation(TranslationOptions):
    fields = ("name", "directions", "accessibility")


@register(OfficeService)
class OfficeServiceTranslation(TranslationOptions):
    fields = ("name", "description", "documents_to_bring")


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")
