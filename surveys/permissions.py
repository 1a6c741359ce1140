"""Who may do what with surveys, built only on accounts.access.

- every signed-in user with a scope reads the questionnaires, and the rounds of the communes
  they may read (province roles and agencies: all; commune officers and viewers: their own);
- province administrators manage questionnaires (import, what counts as satisfied);
- province administrators and the officers who may change a commune's data (its commune
  officers; district officers before 1/7/2025) run its rounds: frame, codes, imports, closing.
  The Fatherland Front has no account role of its own: it is named as who conducts a round,
  and works through the commune's officers (or a province account);
- households answer through the public form with their one-time code, without an account.
"""

from __future__ import annotations

from accounts.access import can_edit_values, can_manage_reference, scope_for
from accounts.models import Role


def can_read_questionnaires(user) -> bool:
    return scope_for(user).role is not None


def can_manage_questionnaires(user) -> bool:
    return can_manage_reference(user)


def can_run_rounds(user, unit) -> bool:
    scope = scope_for(user)
    if scope.manage_reference:
        return scope.can_write(unit.pk)
    return scope.role in (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER) and can_edit_values(user, unit)
