"""House rule: every audit action and object type a service writes has a Vietnamese label on the
audit page (audit/labels.py), so no raw code such as "survey.round_close" reaches a user."""

import re
from pathlib import Path

from django.conf import settings

from audit.labels import ACTION_LABELS, OBJECT_TYPE_LABELS

ROOT = Path(settings.BASE_DIR)
ACTION = re.compile(r'\baction="([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"')
OBJECT_TYPE = re.compile(r'\bobject_type="([a-z][a-z0-9_.]*)"')
# recognition/services.py writes "dossier.<step>" for each step it advances.
DOSSIER_STEP = re.compile(r'_advance\([^()]*?(?:\([^()]*\)[^()]*?)*action="([a-z_]+)"', re.S)


def _sources():
    for path in sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or "tests" in parts or "migrations" in parts or parts[0] in ("bench", "browser"):
            continue
        yield path, path.read_text(encoding="utf-8")


def test_every_written_action_and_object_type_has_a_label():
    actions, objects = set(), set()
    for path, text in _sources():
        actions |= set(ACTION.findall(text))
        objects |= set(OBJECT_TYPE.findall(text))
        if path.name == "services.py" and path.parent.name == "recognition":
            actions |= {f"dossier.{step}" for step in DOSSIER_STEP.findall(text)}
    from recognition.models import ConditionKind

    actions |= {f"dossier.condition.{kind}" for kind in ConditionKind.values}
    assert len(actions) > 80 and "dossier.revocation_check" in actions and "survey.round_close" in actions
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []
    assert sorted(o for o in objects if o not in OBJECT_TYPE_LABELS) == []
