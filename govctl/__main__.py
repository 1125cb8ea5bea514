from __future__ import annotations

from govctl.cli.main import entry

# Guarded: worker processes started with "spawn" import the main module under another name.
if __name__ == "__main__":
    entry()
