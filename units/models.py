"""Administrative units with validity dates, time-varying attributes and lineage."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .collation import SEARCH_KEY_LENGTH, SORT_KEY_LENGTH, search_key, sort_key


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")


# Kinds at the commune level of the map (xã, phường, thị trấn).
COMMUNE_LEVEL_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWN)


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Units that exist on the given day."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def commune_level(self):
        return self.filter(kind__in=COMMUNE_LEVEL_KINDS)

    def under(self, unit: "Unit"):
        """Descendants of a province or district (two levels at most on our maps)."""
        return self.filter(Q(parent=unit) | Q(parent__parent=unit))


class Unit(models.Model):
    """One administrative unit as it existed between valid_from and valid_to.

    National codes are reused across the 2025 reform (a merged commune often keeps the code of one
    predecessor), so a unit is identified by ``ref``: the code, plus the date it came into being
    when that date is known (``02647-20250701``).
    """

    ref = models.CharField(max_length=32, unique=True)
    code = models.CharField(max_length=10, db_index=True)
    kind = models.CharField(max_length=16, choices=UnitKind.choices)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # None: existed before the start of the data we hold.
    valid_from = models.DateField(null=True, blank=True)
    # None: still exists.
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    # Derived from `name` on every save (units.collation): the name without diacritics or case
    # for search, and a key whose byte order is the Vietnamese order of the names for sorting.
    search_name = models.CharField(max_length=SEARCH_KEY_LENGTH, blank=True, editable=False)
    sort_name = models.CharField(max_length=SORT_KEY_LENGTH, blank=True, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code", "valid_from"]
        indexes = [models.Index(fields=["kind", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        self.sort_name = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name", "sort_name"}
        super().save(*args, **kwargs)

    @staticmethod
    def make_ref(code: str, valid_from: datetime.date | None) -> str:
        return code if valid_from is None else f"{code}-{valid_from:%Y%m%d}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AttributeName(models.TextChoices):
    # Socio-economic region used by the 2021-2025 thresholds (QĐ 318/QĐ-TTg).
    REGION = "region", _("Socio-economic region")
    # Commune group used by the 2026-2030 thresholds (QĐ 51/2025/QĐ-TTg).
    GROUP = "group", _("Commune group")
    # Whether the commune takes part in the NTM programme ("1"/"0").
    IN_PROGRAMME = "in_programme", _("In the NTM programme")


class UnitAttributeQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class UnitAttribute(models.Model):
    """An attribute of a unit that changes over time."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(max_length=32, choices=AttributeName.choices)
    value = models.CharField(max_length=64)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)

    objects = UnitAttributeQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "name", "valid_from"]
        indexes = [models.Index(fields=["name", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit}: {self.name}={self.value}"


class LineageKind(models.TextChoices):
    MERGE = "merge", _("Merged into")
    SPLIT = "split", _("Split into")
    RENAME = "rename", _("Renamed")


class UnitLineage(models.Model):
    """An old unit became (part of) a new unit on a date."""

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(max_length=16, choices=LineageKind.choices, default=LineageKind.MERGE)
    date = models.DateField()
    legal_basis = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_lineage_pair")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class EthnicArea(models.TextChoices):
    """Classification of a commune in the ethnic-minority and mountain area (vùng ĐBDTTS&MN)."""

    OUTSIDE = "0", _("Outside the ethnic-minority and mountain area")
    AREA_I = "1", _("Area I")
    AREA_II = "2", _("Area II")
    AREA_III = "3", _("Area III")


class CommuneGroup(models.Model):
    """The commune group of QĐ 51/2025/QĐ-TTg (xã nhóm 1, 2, 3) from a date on, with the facts
    the rule uses. A row is a proposal until a province administrator confirms it; confirming
    writes the unit's `group` attribute, which evaluations read. Rows are never edited after
    confirmation: a later decision is a new row. Written only by assessments.groups."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="group_records")
    valid_from = models.DateField()
    # Facts of the rule; None / "" = not known.
    agriculture_share = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    near_urban = models.BooleanField(null=True, blank=True)
    new_urban = models.BooleanField(null=True, blank=True)
    ethnic_area = models.CharField(max_length=1, choices=EthnicArea.choices, blank=True)
    # The group the rule proposes from the facts ("" when it cannot propose one).
    proposed = models.CharField(max_length=16, blank=True)
    # The confirmed group ("" while the row is only a proposal).
    group = models.CharField(max_length=16, blank=True)
    decision_number = models.CharField(max_length=100, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    illustrative = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["unit", "valid_from", "recorded_at"]
        indexes = [models.Index(fields=["unit", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.unit}: {self.group or self.proposed or '?'} ({self.valid_from})"

    @property
    def confirmed(self) -> bool:
        return bool(self.group)
