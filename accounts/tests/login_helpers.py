"""Users for the login and security tests, made with the account services the app uses."""

from django.urls import reverse

from accounts import services
from accounts.models import OrganisationKind, Role

PASSWORD = "NongThonMoi@2025"


def make_user(username: str, role: str = Role.PROVINCE_ADMIN):
    office = services.ensure_organisation(
        code="vp-dieu-phoi", name="Văn phòng Điều phối", kind=OrganisationKind.PROVINCE_OFFICE
    )
    return services.create_user(
        by=None, username=username, full_name=f"Người dùng {username}", email="",
        organisation=office, role=role, password=PASSWORD,
    )


def log_in(client, username: str, password: str = PASSWORD, *, ip: str = "10.0.0.1", code: str = ""):
    data = {"username": username, "password": password}
    if code:
        data["otp_token"] = code
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


def form_errors(response) -> list[str]:
    if response.context is None:
        return []
    return list(response.context["form"].non_field_errors())
