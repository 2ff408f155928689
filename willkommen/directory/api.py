"""Public JSON API of the offer directory: the same search as ``/offers/``, and one offer.

Texts come in the requested language (``lang``, else the request's language) with German
as the fallback; ``fallback`` says when that happened.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from willkommen.api_errors import ErrorOut

from .models import Offer
from .referrals import client_language
from .search import OfferFilters, search_offers

router = Router(tags=["directory"])


class OfferQuery(Schema):
    q: str = Field("", max_length=200, description="free text, tolerant of typos")
    topic: str = Field("", max_length=40, description="topic slug, e.g. housing")
    language: str = Field("", max_length=8, description="ISO 639 code spoken at the offer")
    place: str = Field("", max_length=100, description="district or postal code")
    lang: str = Field("", max_length=8, description="language of the texts (UI language)")


class OfferOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    text_language: str = Field(..., description="the language the texts are really in")
    fallback: bool = Field(..., description="true if shown in German for lack of a translation")
    translation_status: str
    topics: list[str]
    provider: str
    street: str
    postal_code: str
    city: str
    district: str
    map_url: str
    opening_hours: str
    languages: list[str]
    cost_kind: str
    cost_text: str
    target_groups: str
    phone: str
    email: str
    website: str
    accessibility: str


def offer_out(offer, language):
    text = offer.text_in(language)
    return {
        "id": offer.pk,
        "reference": offer.reference,
        "title": text.title,
        "description": text.description,
        "text_language": text.language,
        "fallback": text.fallback,
        "translation_status": text.status,
        "topics": [topic.slug for topic in offer.topics.all()],
        "languages": [language.code for language in offer.languages.all()],
        "map_url": offer.map_url,
        **{
            name: getattr(offer, name)
            for name in (
                "provider",
                "street",
                "postal_code",
                "city",
                "district",
                "opening_hours",
                "cost_kind",
                "cost_text",
                "target_groups",
                "phone",
                "email",
                "website",
                "accessibility",
            )
        },
    }


@router.get("/offers", response=list[OfferOut], summary="Search local offers")
def list_offers(request, params: Query[OfferQuery]):
    language = client_language(params.lang or get_language())
    filters = OfferFilters(
        query=params.q, topic=params.topic, language=params.language, place=params.place
    )
    return [offer_out(offer, language) for offer in search_offers(filters)]


@router.get(
    "/offers/{offer_id}", response={200: OfferOut, 404: ErrorOut}, summary="One local offer"
)
def get_offer(request, offer_id: int, lang: str = ""):
    offer = get_object_or_404(
        Offer.objects.prefetch_related("translations", "topics", "languages"),
        pk=offer_id,
        is_active=True,
    )
    return offer_out(offer, client_language(lang or get_language()))
