"""A governance repository with N deployments and one change that reaches all of them.

The change (committed on ``feature``, base ``main``):
- a long released prompt message edited in the middle ("at most 150 words" → "at most 200 words",
  "Do not speculate" → "Never speculate"), which a test policy flags with a message full of
  Markdown punctuation (``*``, ``@``, ``_``, ``|``);
- the EU residency rule widened with regions spelled with ``*``, ``_`` and ``|``;
- one deployment's own description rewritten (a deployment that changed itself).

Commits have fixed dates and authors, so commit ids — and the reports — are the same every run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .conftest import BASIC, CONFIG, DATASET, STRICT, SUITE, US_PUBLIC, deployment, model

ENVIRONMENTS = ("prod", "staging", "dev")

LONG_PROMPT = (
    "You answer questions about customer accounts for the support desk. Keep every answer "
    "short: at most 150 words, in plain language, without tables. Never quote internal case "
    "ids such as support-reply@2.3.0 or region names like eu-*; say 'our European data centre' "
    "instead. Do not speculate about refunds, credits or legal matters; hand the conversation "
    "to a human agent when unsure, and say that you did."
)

POLICY = """\
# METADATA
# title: Golden test rules
# custom:
#   kinds: [Prompt]
package govctl.rules.golden

import rego.v1

# METADATA
# title: Long answers allowed
# custom:
#   id: TST-001
#   severity: warning
#   component: guardrails
#   stage: baseline
#   kinds: [Prompt]
#   remediation: Keep answers to *150* words (see support_limits | eu-* policy).
deny contains finding if {
	input.subject.kind == "Prompt"
	some message in input.subject.spec.messages
	contains(message.content, "200 words")
	finding := {
		"rule": "TST-001",
		"path": "spec.messages[0].content",
		"msg": "prompt support-reply@2.3.0 allows *200* words | max_words in eu-* is 150",
	}
}
"""

EU_PII = """\
apiVersion: govctl/v1
kind: ResidencyRule
metadata: {name: eu-pii, owner: compliance}
spec:
  dataClasses: [pii, financial]
  userJurisdictions: [EU]
  allowedJurisdictions: [EU]
  allowedRegions: [westeurope, "eu-*"]
"""


def reply_prompt(content: str) -> str:
    return f"""\
apiVersion: govctl/v1
kind: Prompt
metadata: {{name: reply, version: 1.0.0, owner: team-a, description: reply prompt}}
spec:
  messages:
    - role: system
      content: "{content}"
    - {{role: user, content: "{{{{question}}}}"}}
  variables:
    - {{name: question, source: user}}
  parameters: {{temperature: 0.2, maxTokens: 800}}
  model: m-a@2024-01-01
  riskTier: high
  evalSuite: golden
"""


def app(index: int, description: str = "support app") -> str:
    env = ENVIRONMENTS[index % len(ENVIRONMENTS)]
    text = deployment(
        f"app-{index:03d}", env, index % 2 == 0, "pii", "EU", "reply@1.0.0", "strict"
    )
    return text.replace(
        "metadata: {name: app", f"metadata: {{description: '{description}', name: app"
    ).replace("{{description", "{description")


def files(deployments: int) -> dict[str, str]:
    out = {
        "govctl.yaml": CONFIG,
        "policies/golden.rego": POLICY,
        "registry/models/m-a.yaml": model("m-a"),
        "registry/models/m-b.yaml": model("m-b"),
        "registry/guardrails/strict.yaml": STRICT,
        "registry/guardrails/basic.yaml": BASIC,
        "registry/residency/eu-pii.yaml": EU_PII,
        "registry/residency/us-public.yaml": US_PUBLIC,
        "registry/evals/golden.yaml": SUITE,
        "registry/evals/datasets/golden.jsonl": DATASET,
        "prompts/reply/1.0.0.yaml": reply_prompt(LONG_PROMPT),
    }
    for index in range(deployments):
        out[f"registry/deployments/app-{index:03d}.yaml"] = app(index)
    return out


def git(root: Path, *args: str) -> str:
    stamp = "2026-11-20T10:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        # No user or system configuration: a missing file reads as empty.
        "GIT_CONFIG_GLOBAL": str(root.parent / "no-such-gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def write(root: Path, content: dict[str, str]) -> None:
    for rel, text in content.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make(root: Path, deployments: int) -> Path:
    """The repository at ``root`` with the change committed on ``feature``."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write(root, files(deployments))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    edited = LONG_PROMPT.replace("at most 150 words", "at most 200 words").replace(
        "Do not speculate", "Never speculate"
    )
    write(
        root,
        {
            "prompts/reply/1.0.0.yaml": reply_prompt(edited),
            "registry/residency/eu-pii.yaml": EU_PII.replace(
                '"eu-*"]', '"eu-*", "europe_north|2", "*-sovereign"]'
            ),
            "registry/deployments/app-001.yaml": app(
                1, "support app for *EU* users; owner ops_team@example.com"
            ),
        },
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")
    return root
