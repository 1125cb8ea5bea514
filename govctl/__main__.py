from __future__ import annotations

from govctl.cli.main import entry

entry()
