"""招商图谱 web workspace: ``zhaoshang serve`` (FastAPI, Jinja2, htmx)."""
