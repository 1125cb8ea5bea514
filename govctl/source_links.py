"""Links from a report to the files it names, at the commit it describes.

Known only when the repository's web address is: GitHub Actions sets ``GITHUB_SERVER_URL`` and
``GITHUB_REPOSITORY``; the CLI reads them once (``from_environment``) and passes the result to the
renderers, which never look at the environment themselves. Without them reports show plain
``file:line`` text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class SourceLinks:
    repository_url: str  # https://github.com/owner/name
    commit: str

    def url(self, file: str, line: int | None = None) -> str:
        anchor = f"#L{line}" if line is not None else ""
        return f"{self.repository_url}/blob/{self.commit}/{quote(file)}{anchor}"


def from_environment(env: Mapping[str, str], commit: str | None) -> SourceLinks | None:
    """Links for ``commit`` when the environment names the repository (GitHub Actions)."""
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = env.get("GITHUB_REPOSITORY", "").strip("/")
    if not (server.startswith(("https://", "http://")) and repository and commit):
        return None
    return SourceLinks(f"{server}/{repository}", commit)
