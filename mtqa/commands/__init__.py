"""Sub-commands beyond ``check`` and ``rules``: one module each.

Each module imports ``app`` from :mod:`mtqa.cli` and registers its commands
(``@app.command()`` or ``app.add_typer(...)``).  Modules are listed in
``COMMAND_MODULES`` and imported when the CLI starts; keep their top-level
imports light (import heavy modules inside the command functions).
"""

COMMAND_MODULES = ("names", "normalize", "fix", "gazetteer", "model", "score", "report", "serve", "backfill")
