"""One error shape for the whole JSON API, and the error statuses every operation declares.

Every refusal is ``{"detail": <translated text>, "code": <stable machine code>}`` (some add
fields, e.g. ``errors`` or ``alternatives``). The statuses that django-ninja or Django answer
on their own – a body that is not JSON or holds control characters (400) or is too large
(413), no session (401), a failed CSRF check or a
refused role (403), an unknown identifier in the path (404), input that does not fit the
schema (422) – are added to the OpenAPI document of every operation they can happen to by
``declare_common_errors``, so that an endpoint cannot forget them and the document never
contradicts an answer (``tests/ops/test_api_schema.py`` checks both with schemathesis).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from willkommen.errors import RETRY_AFTER_HEADER, DomainError
from willkommen.inputs import ForbiddenCharacters

__all__ = ["RETRY_AFTER_HEADER", "ErrorOut", "install_error_handlers", "declare_common_errors"]


class ErrorOut(Schema):
    detail: str
    code: str


class FieldProblemOut(Schema):
    field: str
    message: str


class InvalidInputOut(ErrorOut):
    errors: list[FieldProblemOut]


# Status codes that ninja's own HttpError can carry, with a stable code for clients.
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "rate_limited",
}


def _http_error_detail(exc: HttpError) -> tuple[str, str]:
    """Translated detail and code for ninja's built-in refusals."""
    message = str(exc)
    if exc.status_code == 400 and isinstance(exc.__cause__, ForbiddenCharacters):
        return str(exc.__cause__), "invalid_characters"
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        return gettext("The request body is not valid JSON."), "invalid_json"
    if exc.status_code == 403 and message == "CSRF check Failed":
        return (
            gettext("The CSRF check failed. Send the X-CSRFToken header with the session."),
            "csrf_failed",
        )
    return message, HTTP_ERROR_CODES.get(exc.status_code, "error")


def refusal_response(api: NinjaAPI, request, error: DomainError, body: dict | None = None):
    """A service's refusal as ``{"detail", "code", …}`` with its status and
    ``Retry-After``; ``body`` replaces ``error.as_dict()`` where an endpoint adds fields."""
    response = api.create_response(request, body or error.as_dict(), status=error.status)
    return error.apply_headers(response)


def install_error_handlers(api: NinjaAPI) -> None:
    """Answers the services' refusals (``DomainError``) and ninja's and Django's own in
    the shared shape: endpoints let a refusal propagate instead of catching it."""

    @api.exception_handler(DomainError)
    def refused(request, exc):
        return refusal_response(api, request, exc)

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc):
        """Schema errors in the same shape as every other API error (detail + code), with
        the field-level list beside it, so clients handle one format."""
        problems = []
        for error in exc.errors:
            # ninja prefixes the parameter source ("query", "body", …); clients want the name.
            parts = [
                str(p)
                for p in error.get("loc", ())
                if p not in {"body", "query", "path", "header", "cookie"}
            ]
            problems.append({"field": ".".join(parts), "message": str(error.get("msg", ""))})
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return api.create_response(
            request,
            {
                "detail": gettext("The request is not valid: %(problems)s")
                % {"problems": summary},
                "code": "invalid_input",
                "errors": problems,
            },
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return api.create_response(
            request,
            {"detail": gettext("Please log in first."), "code": "not_authenticated"},
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        detail, code = _http_error_detail(exc)
        return api.create_response(
            request, {"detail": detail, "code": code}, status=exc.status_code
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        """Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE; without this the API
        would answer with the HTML 400 page."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
        return api.create_response(
            request,
            {
                "detail": gettext("The request body is too large (at most %(limit)s MB).")
                % {"limit": f"{limit:.1f}"},
                "code": "too_large",
            },
            status=413,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request,
            {"detail": gettext("This object does not exist."), "code": "not_found"},
            status=404,
        )


def _has_body(operation) -> bool:
    return any(model.__ninja_param_source__ == "body" for model in operation.models)


def _has_path_parameters(operation) -> bool:
    return any(model.__ninja_param_source__ == "path" for model in operation.models)


def common_errors(operation) -> dict:
    """The error statuses an operation can answer without its own code saying so."""
    errors = {}
    if operation.models:
        errors[422] = InvalidInputOut
    if _has_body(operation):
        errors[400] = ErrorOut
        errors[413] = ErrorOut
    if operation.auth_callbacks:
        errors[401] = ErrorOut
        errors[403] = ErrorOut
    if _has_path_parameters(operation):
        errors[404] = ErrorOut
    # The database can be briefly unreachable for any operation (a restart, a failover):
    # observability.middleware then answers 503 with Retry-After and this body.
    errors[503] = ErrorOut
    return errors


def declare_common_errors(api: NinjaAPI) -> None:
    """Adds the common error statuses to every operation that does not declare them itself
    (an operation's own declaration wins, e.g. a 422 with a narrower body). Runs once, after
    all routers are mounted; the operations are ninja's bound copies that both the URLs
    and the OpenAPI document use."""
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                for status, model in common_errors(operation).items():
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(model)
