from django.core.management.base import BaseCommand, CommandError

from portal.verify import alert, verify


class Command(BaseCommand):
    help = ("Recompute the portal's hash chain, compare every published content with its ledger entry "
            "and render every public page; on a mismatch alert the administrators and exit non-zero.")

    def handle(self, *args, **options):
        problems = verify()
        alert(problems)
        if problems:
            for p in problems:
                self.stderr.write(str(p))
            raise CommandError(f"{len(problems)} problem(s) found on the public portal")
        self.stdout.write("portal verified: chain intact, published content unchanged")
