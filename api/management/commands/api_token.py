"""Personal tokens and service-account tokens from the command line.

    manage.py api_token create USERNAME "name" [--days 90 | --days 0 for no expiry]
    manage.py api_token list [USERNAME]
    manage.py api_token revoke ID

A service account is a user created with a role and its units or agency (the users page or
create_user), whose tokens are made here.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api import tokens
from api.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("name")
        create.add_argument("--days", type=int, default=90)
        listing = sub.add_parser("list")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user {options['username']!r}")
            token, raw = tokens.create_token(user, options["name"], days=options["days"] or None)
            self.stdout.write(f"token {token.pk} for {user.username}, expires {token.expires_at or 'never'}:")
            self.stdout.write(raw)
        elif action == "list":
            rows = ApiToken.objects.select_related("user").order_by("pk")
            if options.get("username"):
                rows = rows.filter(user__username=options["username"])
            for t in rows:
                state = "revoked" if t.revoked_at else f"expires {t.expires_at or 'never'}"
                self.stdout.write(f"{t.pk}\t{t.user.username}\t{t.name}\t{t.prefix}…\t{state}\t"
                                  f"last used {t.last_used_at or 'never'}")
        else:
            token = ApiToken.objects.filter(pk=options["id"]).first()
            if token is None:
                raise CommandError(f"no token {options['id']}")
            tokens.revoke_token(token)
            self.stdout.write(f"token {token.pk} revoked")
