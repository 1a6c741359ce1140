"""Phase plans: how many communes the province plans to bring to each level, by year."""

from django.db import models


class Phase(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    family = models.SlugField(max_length=64, help_text="criteria family the phase is measured with")
    source = models.CharField(max_length=300, blank=True)
    illustrative = models.BooleanField(default=False)
    # Province-wide targets for the end of the phase.
    target_min_criteria = models.PositiveSmallIntegerField(null=True, blank=True)
    target_avg_criteria = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    target_source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start_year"]

    def __str__(self) -> str:
        return self.name


class PhaseTarget(models.Model):
    """Target count of recognised communes at a level by the end of a year."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="targets")
    level_code = models.SlugField(max_length=32)
    year = models.PositiveSmallIntegerField()
    target_count = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["phase", "level_code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "level_code", "year"], name="unique_phase_target")
        ]

    def __str__(self) -> str:
        return f"{self.level_code} {self.year}: {self.target_count}"
