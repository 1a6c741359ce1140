import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, get_resolver, reverse

from accounts.admin import ProfileInline, UserAdmin

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_there_is_no_delete_url_for_users():
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert not [n for n in names if "delete" in n and "user" in n.lower() and "admin" not in n]
    patterns = get_resolver("accounts.urls_users").url_patterns
    assert {p.name for p in patterns} == {"list", "create", "edit", "password", "deactivate", "activate"}
    with pytest.raises(NoReverseMatch):
        reverse("users:delete", args=[1])


def test_the_admin_uses_our_user_admin_with_the_profile_inline():
    model_admin = admin.site._registry[User]
    assert isinstance(model_admin, UserAdmin)
    assert ProfileInline in model_admin.inlines


def test_the_admin_refuses_to_delete_a_user_even_for_a_superuser(client, officer, outsider):
    client.force_login(officer)
    base = "/quan-tri/auth/user/"
    assert client.get(f"{base}{outsider.pk}/change/").status_code == 200
    assert client.post(f"{base}{outsider.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.get(base)
    assert b"delete_selected" not in response.content
    client.post(base, {"action": "delete_selected", "_selected_action": [outsider.pk], "post": "yes"})
    assert User.objects.filter(pk=outsider.pk).exists()
