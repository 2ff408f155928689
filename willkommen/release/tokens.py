"""The private links of a request: one to confirm it (sent to the contact), one to see its
status and withdraw it. Signed with the site's secret and bound to the request number;
different salts, so that one cannot stand in for the other."""

from django.core import signing

from .errors import InvalidRequestLink
from .models import ReleaseRequest

CONFIRM_SALT = "willkommen.release.confirm"
STATUS_SALT = "willkommen.release.status"


def make_confirm_token(request: ReleaseRequest) -> str:
    return signing.dumps({"n": request.number}, salt=CONFIRM_SALT, compress=True)


def make_status_token(request: ReleaseRequest) -> str:
    return signing.dumps({"n": request.number}, salt=STATUS_SALT, compress=True)


def _request_for(number: str, token: str, salt: str, related=()) -> ReleaseRequest:
    try:
        data = signing.loads(token or "", salt=salt)
    except signing.BadSignature as error:
        raise InvalidRequestLink() from error
    if not isinstance(data, dict) or data.get("n") != number:
        raise InvalidRequestLink()
    requests = ReleaseRequest.objects.filter(number=number)
    request = (requests.select_related(*related) if related else requests).first()
    if request is None:
        raise InvalidRequestLink()
    return request


def request_for_confirm_token(number: str, token: str) -> ReleaseRequest:
    """The request alone: confirming reads its round from the memo (``round_by_id``)."""
    return _request_for(number, token, CONFIRM_SALT)


def request_for_status_token(number: str, token: str) -> ReleaseRequest:
    """With what the status page shows: the round, its location, the concern and the
    appointment."""
    return _request_for(
        number, token, STATUS_SALT, ("round", "round__location", "service", "appointment")
    )
