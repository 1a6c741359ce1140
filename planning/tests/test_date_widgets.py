"""Issue 10, item 1: every <input type="date"> of the app carries its value in ISO (the only
format the browser accepts), and the Vietnamese dd/mm/yyyy typed elsewhere still parses."""

import datetime
import inspect

from django import forms as django_forms

from config.widgets import DateInput
from finance import forms as finance_forms
from planning import forms as planning_forms


def _date_fields():
    for module in (planning_forms, finance_forms):
        for _, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, django_forms.BaseForm) and form.__module__ == module.__name__:
                for name, field in form.base_fields.items():
                    if isinstance(field, django_forms.DateField):
                        yield form, name, field


def test_every_date_field_uses_the_iso_picker():
    fields = list(_date_fields())
    assert len(fields) >= 8
    for form, name, field in fields:
        assert isinstance(field.widget, DateInput), (form, name)
        html = field.widget.render(name, datetime.date(2027, 2, 7))
        assert 'type="date"' in html and 'value="2027-02-07"' in html, (form, name, html)


def test_iso_and_vietnamese_dates_both_parse():
    field = django_forms.DateField(widget=DateInput)
    assert field.clean("2027-02-07") == datetime.date(2027, 2, 7)
    assert field.clean("07/02/2027") == datetime.date(2027, 2, 7)
