"""The ``zhaoshang`` executable: answers ``--version`` before importing anything heavy.

Every other invocation is handed to :func:`cli.app.main` (typer), whose command modules
import the libraries a command needs (pandas, openpyxl, scipy, the neo4j driver) only
when it runs.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line (``zhaoshang …``)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from importlib.metadata import version

        sys.stdout.write(f"zhaoshang {version('zhaoshang')}\n")
        return
    from cli.app import main as app_main

    app_main()
