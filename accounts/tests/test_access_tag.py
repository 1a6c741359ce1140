"""The template side of the access layer: `{% can %}` asks the same functions the views call."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from accounts import access
from planning import permissions
from planning.tests.helpers import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return make_world(2)


def render(text, user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load access %}" + text).render(Context({"request": request, **context}))


def test_templates_get_the_answers_of_the_access_functions(world):
    unit = world["communes"][0]
    text = ('{% can "view_province" as p %}{% can "edit_values" unit as e %}{% can "open_agency_list" as a %}'
            '{% can "manage_reference" as m %}{{ p }} {{ e }} {{ a }} {{ m }}')
    assert render(text, world["admin"], unit=unit) == "True True True True"
    assert render(text, world["agency_user"], unit=unit) == "True True True False"
    assert render(text, world["commune0"], unit=unit) == "False True False False"
    assert render(text, world["commune1"], unit=unit) == "False False False False"


def test_every_rule_is_a_function_of_the_access_layer():
    assert access.RULES["edit_values"] is access.can_edit_values
    assert access.RULES["manage_item"] is permissions.can_manage_item
    assert access.RULES["open_agency_list"] is permissions.can_open_agency_list
    with pytest.raises(ValueError):
        access.rule("edit_values")(lambda user: True)


def test_an_unknown_rule_is_a_template_error_not_a_silent_no(world):
    with pytest.raises(TemplateSyntaxError, match="unknown access rule 'edit_everything'"):
        render('{% can "edit_everything" as x %}', world["admin"])
