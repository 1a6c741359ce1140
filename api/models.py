"""API tokens (hashed at rest), remembered idempotent requests, and the exchange mapping."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token acting as its user: the user's role and units decide what it may do
    (accounts.access). A service account is an ordinary user with a role and no interactive
    use. Only the SHA-256 digest of the secret is stored; the secret is shown once."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # The first characters of the token, shown in lists to tell tokens apart.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return (self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
                and self.user.is_active)


class IdempotentRequest(models.Model):
    """A successful POST made with an Idempotency-Key: a retry with the same key and body gets
    the same answer and writes nothing."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=200)
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="one_request_per_key")]

    def __str__(self) -> str:
        return f"{self.token_id}: {self.key}"


class MappingKind(models.TextChoices):
    INDICATOR = "indicator", _("Indicator (dataElement)")
    UNIT = "unit", _("Unit (orgUnit)")
    PERIOD = "period", _("Period")


class ExchangeMapping(models.Model):
    """Our code (indicator code, unit ref, period code) and a partner system's id for it, used
    by the DHIS2 dataValueSets import and export. Without a row, the id is our code."""

    system = models.SlugField(max_length=32, default="dhis2")
    kind = models.CharField(max_length=16, choices=MappingKind.choices)
    ours = models.CharField(max_length=64)
    theirs = models.CharField(max_length=64)

    class Meta:
        ordering = ["system", "kind", "ours"]
        constraints = [
            models.UniqueConstraint(fields=["system", "kind", "ours"], name="one_partner_id"),
            models.UniqueConstraint(fields=["system", "kind", "theirs"], name="one_local_code"),
        ]

    def __str__(self) -> str:
        return f"{self.system}/{self.kind}: {self.ours} = {self.theirs}"
