"""Django's database sessions (SESSION_ENGINE "accounts.sessions" when no shared cache is set up),
read with one plain SELECT instead of a compiled ORM query.

Every signed-in request reads its session; the ORM spends more time building that one query
than the database spends answering it. Same rows, same expiry rule, same handling of a missing
or expired session (the request goes on with an empty one); writes are Django's own."""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        if self.session_key is None:  # none, or not a valid key (SessionBase checks it)
            return None
        connection = connections[router.db_for_read(model)]
        q = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        found = list(model.objects.raw(
            f"SELECT {q('session_key')}, {q('session_data')}, {q('expire_date')} FROM {q(model._meta.db_table)} "
            f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s", [self.session_key, now]))
        if not found:
            self._session_key = None
            return None
        return found[0]
