"""The api cases of assessments/tests/test_every_write_is_audited.py: every write function of
api/services.py leaves an audit record. `w` is that test's world; `user` a province admin."""

import datetime

from django.utils import timezone

from api import services, tokens
from api.models import IdempotentRequest

NAMES = {"api.services.purge_idempotency_keys"}


def cases(w, user):
    def purge():
        token, _raw = tokens.create_token(user, "t")
        IdempotentRequest.objects.create(token=token, key="k", request_hash="0" * 64, body={},
                                         created_at=timezone.now() - datetime.timedelta(days=30))
        return services.purge_idempotency_keys(user=user)

    return {"api.services.purge_idempotency_keys": purge}
