"""``python -m subtools``: the same as the ``subtools`` command."""

from subtools.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
