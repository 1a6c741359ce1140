"""Stored criteria sets. The files under criteria/sets/ are the source; each distinct content
loaded becomes a new immutable version, and evaluations point at the version they used."""

from django.conf import settings
from django.db import models


class CriteriaSet(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    # Sets of one family share indicator codes (the NTM set and the advanced set of 2021-2025).
    family = models.SlugField(max_length=64)
    level_code = models.SlugField(max_length=32)
    level_name = models.CharField(max_length=200)
    level_rank = models.PositiveSmallIntegerField(default=1)
    # "region" (2021-2025) or "group" (2026-2030): what the thresholds are keyed by.
    threshold_by = models.CharField(max_length=16, default="region")
    illustrative = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    current_version = models.ForeignKey(
        "CriteriaSetVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["family", "level_rank"]

    def __str__(self) -> str:
        return self.name


class CriteriaSetVersion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The validated file content as JSON (the engine's input); never edited after creation.
    content = models.JSONField()
    source_path = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="unique_set_version"),
            models.UniqueConstraint(fields=["criteria_set", "sha256"], name="unique_set_content"),
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set.code} v{self.number}"
