from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Desk, Language, Location, OfficeService, OpeningHours, Organisation, Topic


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ("name", "short_name", "kind", "is_active")
    list_filter = ("kind",)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class DeskInline(admin.TabularInline):
    model = Desk
    extra = 0
    filter_horizontal = ("services",)


@admin.register(Location)
class LocationAdmin(TranslationAdmin):
    list_display = ("name", "city", "federal_state", "is_active")
    inlines = [OpeningHoursInline, DeskInline]


@admin.register(OfficeService)
class OfficeServiceAdmin(TranslationAdmin):
    list_display = ("name", "office", "duration_minutes", "bookable_online", "sort_order")
    list_filter = ("office", "bookable_online")


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ("name", "slug", "sort_order", "is_active")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "english_name", "native_name", "sort_order")
