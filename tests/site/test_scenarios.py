"""The site on repositories with findings, bad input, a change (impact), an audit store
(verified, then tampered with) — and ``govctl site serve``."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb

from govctl.impact.render_json import to_json
from govctl.impact.report import ImpactOptions, run_impact
from govctl.site import build_site
from govctl.site.links import deployment_page
from tests.conftest import NOW, REPO_ROOT, run_cli
from tests.site.conftest import check_of, site_options
from tests.site.sitecheck import all_text, broken_links, find_all, parse_page, parse_site, text_of
from tests.test_reference_repository import copy_reference

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "rules"
DEPLOYMENT = "support-assistant-eu-prod"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def fixture_repo(tmp_path: Path, rule: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    shutil.copytree(FIXTURES / rule / "FAILED", root, dirs_exist_ok=True)
    (root / "case.yaml").unlink(missing_ok=True)
    return root


def test_findings_show_with_remediation_and_residency_status(tmp_path: Path) -> None:
    root = fixture_repo(tmp_path, "GOV-RES-002")
    out = tmp_path / "site"
    build_site(site_options(root, out))
    result = check_of(root)
    finding = next(f for f in result.findings if f.rule == "GOV-RES-002")
    pages = parse_site(out)
    assert broken_links(out, pages) == []
    page = pages[deployment_page(DEPLOYMENT)]
    item = text_of(page, f"finding-{finding.fingerprint}")
    assert "GOV-RES-002" in item and finding.message in item
    assert f"Remediation: {result.rules['GOV-RES-002'].remediation}" in item
    residency = next(s for s in find_all(page, "section") if s.attrib.get("id") == "residency")
    rows = {
        "".join(tr.find("th").itertext()): "".join(tr.findall("td")[-1].itertext())  # type: ignore[union-attr]
        for tr in residency.iter("tr")
        if tr.find("td") is not None
    }
    assert rows["fallback model"].startswith("FAIL") and "GOV-RES-002" in rows["fallback model"]
    assert rows["primary model"] == "PASS"
    overview = pages["index.html"]
    assert "FAIL govctl check would exit 1" in all_text(overview)
    controls = all_text(pages["controls.html"])
    assert "GOV-RES-002" in controls and "1 of 1" in controls


def test_bad_input_is_shown_not_fatal(tmp_path: Path) -> None:
    root = fixture_repo(tmp_path, "GOV-RES-002")
    (root / "registry" / "broken.yaml").write_text("apiVersion: govctl/v1\nkind: Model\n  bad: [\n")
    out = tmp_path / "site"
    done = run_cli("-C", str(root), "site", "build", "-o", str(out), "--now", NOW, "--no-cache")
    assert done.returncode == 0, done.stderr
    page = parse_page(out, "index.html")
    loose = text_of(page, "loose-h")
    assert loose == "Findings not tied to an artifact"
    text = all_text(page)
    assert "GOV-REG-001" in text and "registry/broken.yaml:3" in text


def test_impact_page_is_the_impact_report(tmp_path: Path) -> None:
    root = copy_reference(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    guardrail = root / "registry" / "guardrails" / "customer-facing-strict.yaml"
    text = guardrail.read_text()
    assert "threshold: 0.8" in text
    guardrail.write_text(text.replace("threshold: 0.8", "threshold: 0.95", 1))
    out = tmp_path / "site"
    build_site(site_options(root, out, base="main"))
    report = to_json(
        run_impact(ImpactOptions(root=root, base="main", now=NOW, use_cache=False, workers=1))
    )
    pages = parse_site(out)
    assert broken_links(out, pages) == []
    impact = pages["impact.html"]
    text = all_text(impact)
    assert f"Risk {report['risk']['level'].upper()}" in text
    assert "GuardrailPolicy/customer-facing-strict" in text
    assert report["affected"], "the guardrail change affects deployments"
    assert text_of(impact, "affected-h") == f"Affected deployments ({len(report['affected'])})"
    for affected in report["affected"]:
        assert affected["ref"] in text
    assert f"{len(report['findings']['introduced'])} introduced" in text
    nav = [a.attrib["href"] for a in find_all(pages["index.html"], "a")]
    assert "impact.html" in nav


def test_audit_page_verifies_and_shows_release_history(tmp_path: Path) -> None:
    root = copy_reference(tmp_path / "repo")
    # This run records releases: the authoritative trail (audit.role: recorder).
    config = root / "govctl.yaml"
    config.write_text(config.read_text().replace("  role: local ", "  role: recorder "))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    sha = git(root, "rev-parse", "HEAD")
    env_done = run_cli(
        "-C",
        str(root),
        "audit",
        "record-release",
        "--commit",
        sha,
        "--pr",
        "7",
        "--author",
        "alice",
        "--approver",
        "bob",
        "--actor",
        "ci",
    )
    assert env_done.returncode == 0, env_done.stderr
    out = tmp_path / "site"
    done = run_cli("-C", str(root), "site", "build", "-o", str(out), "--now", NOW, "--no-cache")
    assert done.returncode == 0, done.stderr
    assert "audit trail: verified" in done.stdout
    audit = parse_page(out, "audit.html")
    assert text_of(audit, "verify-h") == "Verification: PASS verified"
    timeline = all_text(audit)
    assert "release (PR 7) by alice" in timeline
    deployment = parse_page(out, deployment_page(DEPLOYMENT))
    releases = text_of(deployment, "releases")
    assert sha in releases and "alice" in releases and "bob" in releases
    assert broken_links(out, parse_site(out)) == []

    # Tamper with the stored event: the site still builds, says FAILED, and the run exits 4.
    db = root / "audits" / "govctl.duckdb"
    con = duckdb.connect(str(db))
    con.execute("UPDATE event_log SET payload = replace(payload, 'alice', 'mallory') WHERE seq = 1")
    con.close()
    done = run_cli("-C", str(root), "site", "build", "-o", str(out), "--now", NOW, "--no-cache")
    assert done.returncode == 4, (done.stdout, done.stderr)
    audit = parse_page(out, "audit.html")
    assert text_of(audit, "verify-h").startswith("Verification: FAIL FAILED")
    assert "seq 1" in all_text(audit)
    overview = parse_page(out, "index.html")
    assert "FAIL FAILED" in all_text(overview)


def test_serve_serves_the_built_site_on_localhost(tmp_path: Path) -> None:
    root = fixture_repo(tmp_path, "GOV-RES-002")
    out = tmp_path / "site"
    build_site(site_options(root, out))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govctl",
            "-C",
            str(root),
            "site",
            "serve",
            "-o",
            str(out),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        assert "serving" in line, line
        url = line.split(" on ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "index.html", timeout=10) as response:
            body = response.read()
        assert body == (out / "index.html").read_bytes()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0


def test_serve_without_a_site_is_a_usage_error(tmp_path: Path) -> None:
    root = fixture_repo(tmp_path, "GOV-RES-002")
    done = run_cli("-C", str(root), "site", "serve", "-o", str(tmp_path / "none"))
    assert done.returncode == 2
    assert "run `govctl site build` first" in done.stderr


def test_a_finding_on_a_dependency_fails_the_control_for_the_deployment(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    prompt = root / "prompts" / "support-reply" / "1.4.0.yaml"
    text = prompt.read_text()
    # AWS's documented example access key id: a secret in the prompt the deployment serves.
    prompt.write_text(
        text.replace("Never ask for", "Use key AKIAIOSFODNN7EXAMPLE. Never ask for", 1)
    )
    out = tmp_path / "site"
    build_site(site_options(root, out))
    result = check_of(root)
    finding = next(f for f in result.findings if f.rule == "GOV-PRM-003")
    assert finding.ref == "Prompt/support-reply@1.4.0" and not finding.waived
    assert "OWASP-LLM-2025:LLM02" in result.rules["GOV-PRM-003"].controls
    controls = parse_page(out, "controls.html")
    row = next(
        tr
        for tr in find_all(controls, "tr")
        if tr.attrib.get("id") == "control-OWASP-LLM-2025-LLM02"
    )
    cells = [td.text for td in row.findall("td") if "cell" in td.attrib.get("class", "")]
    assert cells == ["FAIL"]  # the one deployment, failing through its prompt
    page = parse_page(out, deployment_page(DEPLOYMENT))
    findings = text_of(page, "findings")
    assert "On what it depends on" in findings
    assert "GOV-PRM-003 on Prompt/support-reply@1.4.0" in findings


def test_malformed_deployments_get_pages_not_crashes(tmp_path: Path) -> None:
    root = fixture_repo(tmp_path, "GOV-RES-002")
    (root / "registry" / "deployments" / "odd.yaml").write_text(
        "apiVersion: govctl/v1\n"
        "kind: Deployment\n"
        "metadata: {name: Odd Name é, owner: nobody}\n"
        "spec: {environment: [prod], fallbacks: 5, budget: cheap, retrieval: [1],\n"
        "       userJurisdictions: EU, dataClasses: {a: 1}, prompt: {x: 1}, logging: nope}\n"
        "---\n"
        "apiVersion: govctl/v1\n"
        "kind: Deployment\n"
        "metadata: {name: support-assistant-eu-prod, owner: team-support}\n"
        "spec: {environment: prod}\n"
    )
    out = tmp_path / "site"
    done = run_cli("-C", str(root), "site", "build", "-o", str(out), "--now", NOW, "--no-cache")
    assert done.returncode == 0, done.stderr
    pages = parse_site(out)
    assert {p: page.errors for p, page in pages.items() if page.errors} == {}
    assert broken_links(out, pages) == []
    odd = pages[deployment_page("Odd Name é")]
    assert "Deployment/Odd Name é" in all_text(odd)
    assert "NOT EVALUATED" in text_of(odd, "readiness")
    assert "GOV-REG-001" in text_of(odd, "findings")
    # The duplicate declaration is reported on the page of the identity it repeats.
    assert "GOV-REG-003" in text_of(pages[deployment_page(DEPLOYMENT)], "findings")


def test_markup_in_yaml_is_text_everywhere(tmp_path: Path) -> None:
    root = fixture_repo(tmp_path, "GOV-RES-002")
    model = root / "registry" / "models" / "gpt-4o-2024-08-06.yaml"
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)> & \u2028"
    text = model.read_text()
    model.write_text(
        text.replace(
            "description: GPT-4o snapshot served from Azure OpenAI West Europe.",
            f'description: "{hostile}"',
        )
    )
    out = tmp_path / "site"
    build_site(site_options(root, out))
    for page in out.rglob("*.html"):
        raw = page.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<img src=x" not in raw, page
    pages = parse_site(out)
    assert {p: page.errors for p, page in pages.items() if page.errors} == {}
    # Markup stays text: the page says what the YAML says, and runs no script of its own.
    model_page = pages["artifacts/model/gpt-4o@2024-08-06.html"]
    assert " ".join(hostile.split()) in all_text(model_page)
    assert len(find_all(model_page, "script")) == 1
    search = pages["search.html"]
    assert [s.attrib.get("src") for s in find_all(search, "script")] == [None, "assets/site.js"]
