"""Shared form helpers."""

from django import forms

from willkommen.inputs import guard_model_choice_field, validate_date_in_range


class KernFormMixin:
    """Gives every widget the KERN UX class for its kind, so templates stay plain; every
    date field the range check of ``willkommen.inputs`` (a date like 9999-12-31 would
    overflow the arithmetic behind it); every choice of rows by id the refusal of ids
    past the database's integers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            dated = isinstance(field, forms.DateField | forms.DateTimeField)
            if dated and validate_date_in_range not in field.validators:
                field.validators.append(validate_date_in_range)
            if isinstance(field, forms.ModelChoiceField):
                guard_model_choice_field(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "kern-form-check__checkbox"
            elif isinstance(widget, forms.RadioSelect):
                css = "kern-form-check__radio"
            elif isinstance(widget, forms.Select):
                css = "kern-form-input__select"
            else:
                css = "kern-form-input__input"
            if css not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.required and not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("aria-required", "true")
