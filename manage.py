#!/usr/bin/env python
"""Django's command-line utility for the Lianbing project."""

import os
import sys
from pathlib import Path

# `site/` holds the project package `lianbing`; it cannot itself be a package because
# `site` is a stdlib module, so it goes on sys.path instead.
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianbing.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
