from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import services as audit
from ops.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup archive: replaces the whole database content and the uploaded files. "
            "Stop the web server and the workers first.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data is replaced")
        parser.add_argument("--reason", default="", help="why (kept in the audit trail)")

    def handle(self, *args, **options):
        try:
            manifest = read_manifest(options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["yes"]:
            raise CommandError(_("Restoring replaces all current data and uploaded files with the backup of "
                                 "%(created)s. Stop the web server and workers, then run again with --yes.")
                               % {"created": manifest["created_at"]})
        try:
            result = restore_backup(options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit.record(action="ops.restore", object_type="backup", object_id=manifest["created_at"],
                     after={"file": str(options["archive"])[-200:], "created_at": manifest["created_at"],
                            "engine": manifest["engine"], "media_files": result.media_files},
                     reason=options["reason"])
        self.stdout.write(_("Restored the backup of %(created)s: database and %(count)d uploaded files.")
                          % {"created": manifest["created_at"], "count": result.media_files})
        if result.newer_code:
            self.stdout.write(_("This version has newer migrations than the backup: run `manage.py migrate`."))
