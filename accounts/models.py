"""Organisations, roles and the units each user may see and change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PROVINCE_OFFICE = "province_office", _("Provincial NTM coordination office")
    AGENCY = "agency", _("Department or agency")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Organisation(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    # The unit the organisation belongs to: the province for the office and agencies, the
    # district or the commune for those.
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    # Organisations change with the reforms (a district's people's committee ended on 30/06/2025;
    # departments were merged in 2025): None = no known start or end.
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    VIEWER = "viewer", _("Viewer")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=20, choices=Role.choices)
    # Where the role applies: a province, a district or a commune. Defaults to the
    # organisation's unit.
    scope_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def scope(self):
        return self.scope_unit or self.organisation.unit


class AgencyAssignment(models.Model):
    """A criterion of a criteria set that an agency answers for (and may enter values of)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assignments")
    criteria_set_code = models.SlugField(max_length=64)
    criterion_code = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "criteria_set_code", "criterion_code"], name="unique_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.criteria_set_code} {self.criterion_code}"
