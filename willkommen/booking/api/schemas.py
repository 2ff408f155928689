"""The booking API's request and answer shapes (django-ninja schemas): what
``/api/openapi.json`` documents."""

from datetime import date

from ninja import Field, Schema

from willkommen.api_errors import ErrorOut
from willkommen.inputs import ApiDate, ApiDateTime

MAX_RANGE_DAYS = 62


class LocationOut(Schema):
    id: int
    name: str
    address: str


class ServiceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    duration_minutes: int
    documents_to_bring: list[str]
    locations: list[LocationOut]


class ConsultationSlotOut(Schema):
    start: str = Field(..., description="ISO 8601 with offset")
    end: str
    position: str = Field(..., description="before or after the office appointment")
    language: str | None
    interpreter: bool


class SlotOut(Schema):
    start: str = Field(..., description="ISO 8601 with offset (Europe/Berlin)")
    end: str
    location: int | None
    consultation_available: bool
    consultation: ConsultationSlotOut | None


class AvailabilityOut(Schema):
    service: int
    date_from: date
    date_to: date
    language: str | None
    slots: list[SlotOut]


class SlotUnavailableOut(ErrorOut):
    alternatives: list[SlotOut]


class ConsultationIn(Schema):
    language: str | None = Field(None, description="ISO 639 code, e.g. ar")
    topics: list[str] = Field(default_factory=list, description="topic slugs")
    interpreter: bool = False


class BookingIn(Schema):
    service: int
    start: ApiDateTime = Field(..., description="ISO 8601 with offset, as given by availability")
    name: str = Field(..., max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    consultation: ConsultationIn | None = None
    language: str = Field("de", max_length=8, description="language for messages to the client")
    captcha: str | None = Field(
        None, description="ALTCHA payload (base64 JSON); not needed with X-Api-Key"
    )


class ExternalBookingIn(Schema):
    location: int
    start: ApiDateTime
    end: ApiDateTime
    reference: str = Field("", max_length=100)
    consultation: ConsultationIn
    name: str = Field(..., max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    language: str = Field("de", max_length=8)
    captcha: str | None = None


class BookingChangeIn(Schema):
    start: ApiDateTime | None = Field(None, description="move the office appointment")
    keep_consultation: bool = True
    consultation_start: ApiDateTime | None = Field(
        None, description="move the consultation to the other side of the appointment"
    )
    cancel_consultation: bool = False


class ConsultationOut(Schema):
    start: str
    end: str
    position: str
    language: str
    topics: list[str]
    interpreter: bool
    status: str


class BookingOut(Schema):
    code: str
    status: str
    service: int | None
    service_name: str | None
    start: str
    end: str
    location: LocationOut
    documents_to_bring: list[str]
    external: bool
    external_reference: str
    consultation: ConsultationOut | None
    confirmation_required: bool
    confirm_by: str | None


class BookingCreatedOut(BookingOut):
    manage_token: str


class AvailabilityQuery(Schema):
    service: int
    date_from: ApiDate
    date_to: ApiDate
    language: str | None = None
    topics: str | None = Field(None, description="comma-separated topic slugs")
    interpreter: bool = False


class LostLinkIn(Schema):
    code: str = Field(..., max_length=40, description="the booking code (10 letters and digits)")
    contact: str = Field(
        ...,
        max_length=254,
        description="the e-mail address or mobile number the booking was made with",
    )


class LostLinkOut(Schema):
    detail: str = Field(
        ..., description="the same text for every request: whether or not the code exists"
    )
    contact: str = Field(..., description="the contact as understood (normalised)")
