"""Every date and datetime the JSON API reads (query, path, body, nested) is range-checked
(``willkommen.inputs.ApiDate``/``ApiDateTime``): a new operation with a plain ``datetime``
fails here instead of overflowing in production at 9999-12-31."""

import types
import typing
from datetime import date, datetime

from ninja import Schema
from pydantic import BaseModel

from willkommen import inputs
from willkommen.api import api

BOUNDED = {inputs._check_date, inputs._check_datetime}


def _unbounded(annotation, metadata=(), seen=None):
    """Names of the places in ``annotation`` where a date is read without the check."""
    seen = seen if seen is not None else set()
    if any(getattr(item, "func", None) in BOUNDED for item in metadata):
        return []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _unbounded(base, (*metadata, *extra), seen)
    if origin in (typing.Union, types.UnionType, list, tuple, set, dict):
        found = []
        for argument in typing.get_args(annotation):
            found += _unbounded(argument, (), seen)
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_unbounded(annotation, seen)
    if annotation in (date, datetime):
        return [annotation.__name__]
    return []


def _model_unbounded(model, seen):
    if model in seen:
        return []
    seen.add(model)
    found = []
    for name, field in model.model_fields.items():
        found += [
            f"{model.__name__}.{name}: {kind}"
            for kind in _unbounded(field.annotation, field.metadata, seen)
        ]
    return found


def _operations():
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def test_every_api_date_input_is_range_checked():
    found = []
    for path, operation in _operations():
        for model in operation.models:
            found += [f"{path}: {where}" for where in _model_unbounded(model, set())]
    assert not found, found
    assert len(list(_operations())) >= 15


def test_control_a_plain_datetime_is_found():
    class Plain(Schema):
        start: datetime | None = None
        days: list[date] = []

    class Safe(Schema):
        start: inputs.ApiDateTime | None = None

    assert _model_unbounded(Plain, set()) == ["Plain.start: datetime", "Plain.days: date"]
    assert _model_unbounded(Safe, set()) == []
