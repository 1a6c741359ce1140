"""Form widgets shared by the apps."""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A native date picker.

    ``<input type="date">`` only accepts ``yyyy-mm-dd`` as its value, whatever the locale shows; the
    Vietnamese format (25/11/2026) would leave it empty and the browser would then refuse to submit a
    required field nobody touched. The value is therefore always rendered in ISO; parsing accepts ISO
    because ``DATE_INPUT_FORMATS`` lists it.
    """

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)
