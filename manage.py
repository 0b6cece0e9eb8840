#!/usr/bin/env python
"""Django's command-line utility."""

import os
import secrets
import sys

# Commands that read code and files but never sign, serve or store anything secret; they may run
# without DJANGO_SECRET_KEY (a random key for this process only), so build steps need no secret.
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compile_translations", "collectstatic"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS and not os.environ.get("DJANGO_SECRET_KEY"):
        os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
