"""The ``zhaoshang`` command line (typer)."""
