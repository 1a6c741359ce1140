"""Money inputs written the Vietnamese way (config.money): "12.500.000" and "12,5"; the
optimiser's budget takes "12,5" (billion đồng) and the roadmap item form "12.500.000" (đồng)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from config.money import AmountField, AmountInput, MoneyField, format_amount
from planning.forms import BudgetForm, ItemForm
from planning.models import RoadmapItem
from planning.tests.helpers import PASSWORD, make_item, make_world


@pytest.mark.parametrize("text, expected", [
    ("12,5", Decimal("12.5")), ("12.500.000", Decimal("12500000")), ("1.234,5", Decimal("1234.5")),
    ("12500000", Decimal("12500000")), (" 12.500.000 đ ", Decimal("12500000")), ("7\u00a0000", Decimal("7000")),
    ("0,125", Decimal("0.125")), ("20 tỷ", Decimal("20")),
])
def test_amounts_parse_the_vietnamese_way(text, expected):
    assert AmountField(decimal_places=3).clean(text) == expected


@pytest.mark.parametrize("text, message", [
    ("12.5", "Hãy viết phần thập phân sau dấu phẩy"), ("12,500.5", "Hãy nhập một số"), ("=1+1", "Hãy nhập một số"),
    ("-5", "không được âm"), ("1" * 30, "quá lớn"), ("1.23.456", "Hãy nhập một số"),
])
def test_ambiguous_or_hostile_amounts_are_refused_with_a_message(text, message):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        AmountField(decimal_places=3).clean(text)
    assert message in " ".join(caught.value.messages)


def test_money_in_dong_is_whole():
    from django.core.exceptions import ValidationError

    assert MoneyField().clean("12.500.000") == 12_500_000
    with pytest.raises(ValidationError):
        MoneyField().clean("12,5")


def test_values_show_grouped():
    assert format_amount(12500000) == "12.500.000"
    assert format_amount(Decimal("12.500")) == "12,5"
    assert format_amount(Decimal("1234.5678"), 3) == "1.234,568"
    html = AmountInput().render("budget", Decimal("12.5"))
    assert 'value="12,5"' in html and 'inputmode="decimal"' in html and 'type="text"' in html
    assert 'value="12.500.000"' in ItemForm(initial={"estimated_cost": 12500000})["estimated_cost"].as_widget()


def test_the_forms_use_them():
    assert isinstance(BudgetForm.base_fields["budget"], AmountField)
    assert isinstance(ItemForm.base_fields["estimated_cost"], MoneyField)
    form = BudgetForm({"budget": "12,5"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["budget"] == Decimal("12.5")


@pytest.mark.django_db
def test_the_optimiser_page_takes_a_budget_of_12_comma_5(client, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world()
    make_item(w["communes"][0], ["10.1"], cost=12_000_000_000)
    client.login(username="admin1", password=PASSWORD)
    html = client.get(reverse("planning:invest"), {"budget": "12,5"}).content.decode()
    assert 'value="12,5"' in html
    cost = re.search(r'id="selection-cost">(.*?)</p>', html, re.S).group(1)
    assert "12.500.000.000" in cost and "12.000.000.000" in cost


@pytest.mark.django_db
def test_a_roadmap_item_saves_a_grouped_cost(client, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world()
    item = make_item(w["communes"][0], ["10.1"], cost=1_000_000)
    client.login(username="admin1", password=PASSWORD)
    page = client.get(reverse("planning:item", args=[item.pk])).content.decode()
    assert 'value="1.000.000"' in page
    form = re.search(r'<form[^>]*>(?:(?!</form>).)*name="estimated_cost".*?</form>', page, re.S).group(0)
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    data.update(estimated_cost="12.500.000", target_date=item.target_date.isoformat(), title=item.title,
                funding_source=item.funding_source)
    action = re.search(r'action="([^"]+)"', form)
    client.post(action.group(1) if action else reverse("planning:item", args=[item.pk]), data)
    item.refresh_from_db()
    assert item.estimated_cost == 12_500_000
    assert RoadmapItem.objects.filter(estimated_cost=12_500_000).count() == 1
