from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="archive file or folder (default: DATA_DIR/backups/)")

    def handle(self, *args, **options):
        try:
            path = create_backup(options["out"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Backup written: %(path)s (%(size)s bytes).")
                          % {"path": path, "size": f"{path.stat().st_size:,}".replace(",", ".")})
