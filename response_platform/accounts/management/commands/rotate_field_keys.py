"""The former name of `rotate_keys`, kept so existing runbooks still work."""

from response_platform.accounts.management.commands.rotate_keys import Command as RotateKeys


class Command(RotateKeys):
    help = "Same as `manage.py rotate_keys` (its former name). " + (RotateKeys.help or "")
