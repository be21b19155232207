"""The ``subtools`` command line: argument parsing and printing over the library.

Installed as ``subtools.cli`` so that no top-level ``cli`` module lands in site-packages.
"""
