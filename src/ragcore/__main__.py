"""``python -m ragcore ...`` is the ``ragcore`` command."""

from ragcore.app.cli import main

main()
