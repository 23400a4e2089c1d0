#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    from config.startup import settings_or_exit

    # Production's settings without SECRET_KEY or ALLOWED_HOSTS: one line saying what to set, no traceback.
    settings_or_exit("config.settings.dev", sys.argv)
    execute_from_command_line(sys.argv)
