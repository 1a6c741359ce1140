"""Issue 13, item 3 in a real browser: a household opens the public survey form on a 390 px phone
with its one-time code, answers, and the same code is refused the second time."""

import pytest

from conftest import make_new_province
from surveys import services
from surveys.models import HouseholdCode, Response
from surveys.tests.helpers import make_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def code():
    from django.core.cache import cache

    cache.clear()
    _province, communes = make_new_province(1)
    survey = make_round(communes[0])
    services.generate_codes(survey)
    return HouseholdCode.objects.filter(village__name="Bản Mế").first()


def test_a_household_answers_on_a_phone_once(code, phone):
    page = phone.page
    phone.goto("/phieu-khao-sat/")
    assert phone.scroll_width() <= 390
    page.fill("input[name=code]", f"{code.code[:5]}-{code.code[5:]}".lower())
    with page.expect_navigation():
        page.click("#code-form button[type=submit]")
    assert page.locator("#answer-form").is_visible()
    assert "Bản Mế" in page.inner_text("main")
    assert phone.scroll_width() <= 390
    page.check("input[name=q_hai_long_chung][value=co]")
    page.check("input[name=q_giao_thong][value=rat_hai_long]")
    page.fill("textarea[name=q_y_kien_khac]", "Đường liên thôn đã được bê tông hóa")
    # A touch target of a choice is at least 32 px tall.
    assert page.locator("input[name=q_nuoc_sach] >> xpath=..").first.bounding_box()["height"] >= 32
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    assert "Ý kiến của ông/bà đã được ghi nhận" in page.inner_text("#thanks")
    assert phone.scroll_width() <= 390
    response = Response.objects.get()
    assert response.satisfied and response.code_id == code.pk
    assert response.answers.get(question__name="y_kien_khac").value == "Đường liên thôn đã được bê tông hóa"
    # The same code a second time: refused, nothing more written.
    phone.goto("/phieu-khao-sat/")
    page.fill("input[name=code]", code.code)
    with page.expect_navigation():
        page.click("#code-form button[type=submit]")
    assert "Mã này đã được dùng để trả lời" in page.inner_text("#code-error")
    assert page.locator("#answer-form").count() == 0
    assert phone.scroll_width() <= 390
    assert Response.objects.count() == 1
    # The refusal is answered with status 400, which the browser logs; nothing else went wrong.
    assert phone.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]


def test_the_survey_pages_fit_a_phone(code, phone, django_user_model):
    from surveys.models import Channel
    from surveys.tests.helpers import rows

    survey = code.round
    services.record_answers(survey, rows([("Thôn Nà Lốc", True)] * 30 + [("Bản Mế", False)] * 4),
                            channel=Channel.EXCEL)
    admin = django_user_model.objects.create_user("root", password="x-Strong-Pass-2025", is_superuser=True)
    phone.login(admin)
    widths = {}
    for url in ("/khao-sat/", f"/khao-sat/phieu/{survey.questionnaire.pk}/", f"/khao-sat/xa/{survey.unit.ref}/",
                f"/khao-sat/dot/{survey.pk}/", f"/khao-sat/dot/{survey.pk}/ma-ho/"):
        assert phone.goto(url).status == 200, url
        widths[url] = phone.scroll_width()
    page_text = phone.page.inner_text("main")
    assert "Bản Mế" in page_text
    assert all(w <= 390 for w in widths.values()), widths
    assert not phone.errors, phone.errors
