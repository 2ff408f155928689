"""Shared form helpers."""

from django import forms


class KernFormMixin:
    """Gives every widget the KERN UX class for its kind, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "kern-form-check__checkbox"
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = ""
            elif isinstance(widget, forms.Select):
                css = "kern-form-input__select"
            else:
                css = "kern-form-input__input"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
