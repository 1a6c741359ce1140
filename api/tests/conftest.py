import pytest

from accounts.tests.test_permission_matrix import PASSWORD, ROLES, world  # noqa: F401
from api import tokens


@pytest.fixture
def tokens_by_role(world):  # noqa: F811
    return {role: tokens.create_token(world["users"][role], f"{role} token")[1] for role in ROLES}


@pytest.fixture
def call(client, tokens_by_role):
    def _call(role, method, url, data=None, **headers):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens_by_role[role]}"} if role else {}
        auth.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
        if method == "get":
            return client.get(url, data or {}, **auth)
        if method == "patch_json":
            return client.patch(url, data, content_type="application/json", **auth)
        return client.post(url, data, content_type="application/json", **auth)
    return _call


@pytest.fixture
def full(world, settings, tmp_path):  # noqa: F811
    """The matrix world with money, portal, a roadmap item and reports (api/tests/helpers.py),
    built and used at helpers.TODAY, and a token per role: (world, extra, {role: secret})."""
    import time_machine

    from api.tests import helpers

    settings.NTM_API_RATE_LIMIT = 0
    settings.DATA_DIR = tmp_path
    with time_machine.travel(helpers.TODAY, tick=False):
        extra = helpers.extend(world)
        raw = {role: tokens.create_token(world["users"][role], f"{role} token")[1] for role in ROLES}
        yield world, extra, raw


__all__ = ["PASSWORD"]
