"""The governance portal: a static site built from govctl's own results (docs/site.md).

``build_site(SiteOptions(...))`` runs the check (and the impact report with a base), reads the
audit trail when a store exists, and writes self-contained HTML: no server, no CDN, no network
at view time.
"""

from __future__ import annotations

from govctl.site.build import DEFAULT_OUTPUT, SiteOptions, SiteResult, build_site

__all__ = ["DEFAULT_OUTPUT", "SiteOptions", "SiteResult", "build_site"]
