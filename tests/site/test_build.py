"""``govctl site build`` on the reference repository: valid HTML, links that resolve, and the
same facts the CLI prints (check summary, digests, readiness, cost, controls)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from govctl.derived import Deriver
from govctl.graph import DependencyGraph
from govctl.reports import COMPONENTS, STAGES, cost_reports, scorecard, select_deployments
from govctl.site import build_site, parallel, render
from govctl.site.links import anchor, artifact_page, deployment_page
from govctl.site.write import MARKER
from tests.conftest import run_cli
from tests.site.conftest import BuiltSite, check_of, site_options
from tests.site.sitecheck import all_text, broken_links, find_all, parse_page, parse_site, text_of

MARK = {"pass": "ok", "fail": "FAIL", "waived": "W", "not evaluated": "–"}


def test_every_page_is_valid_html5_and_every_link_resolves(reference_site: BuiltSite) -> None:
    pages = parse_site(reference_site.out)
    # overview, artifacts, rules, controls, audit, search + one per deployment and artifact
    assert len(pages) == 6 + reference_site.result.artifacts
    assert {p: page.errors for p, page in pages.items() if page.errors} == {}
    assert broken_links(reference_site.out, pages) == []
    for page in pages.values():  # landmarks on every page
        tags = {el.tag for el in page.root.iter() if isinstance(el.tag, str)}
        assert {"header", "nav", "main", "footer"} <= tags, page.path


def test_overview_shows_what_check_and_readiness_print(reference_site: BuiltSite) -> None:
    result = check_of(reference_site.root)
    page = parse_page(reference_site.out, "index.html")
    facts = text_of(page, "facts-h").lower()
    assert facts == "this build"
    text = all_text(page)
    assert result.registry_digest in text and result.policy_digest in text
    assert result.now in text
    assert f"engine {result.engine} ({result.engine_version})" in text  # as `govctl check` says
    s = result.summary
    assert f"{s.artifacts} artifacts {s.errors} errors {s.warnings} warnings" in text
    assert result.registry is not None
    rows = [r for r in find_all(page, "tr") if "data-environment" in r.attrib]
    deployments = select_deployments(result.registry, None)
    assert [r.find("th/a").text for r in rows] == [d.name for d in deployments]  # type: ignore[union-attr]
    for row, deployment in zip(rows, deployments, strict=True):
        card = scorecard(deployment, result)
        cells = [c for c in row.findall("td") if "cell" in c.attrib.get("class", "")]
        by_key = {(c.component, c.stage): c.status for c in card.cells}
        assert [c.text for c in cells] == [MARK[by_key[(c, s)]] for c in COMPONENTS for s in STAGES]
        assert row.attrib["data-environment"] == deployment.spec["environment"]
        ready = "PASS" if card.ready else "FAIL"
        assert ready in "".join(row.findall("td")[1].itertext())
    selects = {s.attrib["name"]: s for s in find_all(page, "select")}
    assert set(selects) == {"environment", "risk", "owner", "jurisdiction"}
    environments = [o.text for o in selects["environment"].findall("option")]
    assert environments == ["all", "dev", "prod", "staging"]


def test_deployment_page_graph_cost_and_evidence(reference_site: BuiltSite) -> None:
    result = check_of(reference_site.root)
    assert result.registry is not None
    name = "support-assistant-eu-prod"
    page = parse_page(reference_site.out, deployment_page(name))
    svg = [el for el in page.root.iter() if el.tag == "{http://www.w3.org/2000/svg}svg"]
    graph = next(s for s in svg if "graph" in s.attrib.get("class", ""))
    assert graph.attrib["role"] == "img"
    assert (
        graph.find("{http://www.w3.org/2000/svg}title").text
        == f"Dependency graph of Deployment/{name}"
    )  # type: ignore[union-attr]
    linked = {a.attrib["href"] for a in graph.iter("{http://www.w3.org/2000/svg}a")}
    closure = DependencyGraph(result.registry).closure(f"Deployment/{name}")
    assert {f"../{artifact_page(i)}" for i in closure} <= linked
    report = cost_reports(result.registry, select_deployments(result.registry, name))[0]
    text = all_text(page)
    primary = report.lines[0]
    for volume in ("x1", "x10", "x50", "x100"):
        assert f"{primary.monthly[volume]:,.2f} USD" in text
    chart = next(s for s in svg if "chart" in s.attrib.get("class", ""))
    assert "ceiling" in "".join(chart.itertext())
    evidence = text_of(page, "evidence")
    assert "EvalSuite/support-reply-golden" in evidence
    graph_ = DependencyGraph(result.registry)
    derived = Deriver(result.registry, graph_).derive(
        result.registry.artifacts[f"Deployment/{name}"]
    )
    section = next(el for el in find_all(page, "section") if el.attrib.get("id") == "evidence")
    rows = {
        "".join(tr.find("th").itertext()): [  # type: ignore[union-attr]
            (td.text or "").strip() or "".join(td.itertext()).strip() for td in tr.findall("td")
        ]
        for tr in section.iter("tr")
        if tr.find("th/a") is not None
    }
    digests = {c.attrib.get("title") for c in section.iter("code")}
    assert rows.keys() == {e["identity"] for e in derived["evalEvidence"]}
    for e in derived["evalEvidence"]:
        words = [
            "matches" if e[k] else "differs"
            for k in (
                "promptMatches",
                "promptDigestMatches",
                "modelMatches",
                "datasetDigestMatches",
            )
        ]
        assert rows[e["identity"]][:5] == ["PASS" if e["passed"] else "FAIL", *words]
        run = result.registry.artifacts[e["identity"]]
        assert run.spec["promptDigest"] in digests and run.spec["datasetDigest"] in digests
    assert "No audit store" in text_of(page, "releases")


def test_controls_page_maps_every_control_to_rules(reference_site: BuiltSite) -> None:
    result = check_of(reference_site.root)
    page = parse_page(reference_site.out, "controls.html")
    controls = {c for r in result.rules.values() for c in r.controls}
    assert any(c.startswith("EU-AI-ACT:") for c in controls)
    for control in controls:
        row_text = text_of(page, anchor("control", control))
        rules = sorted(r.id for r in result.rules.values() if control in r.controls)
        assert row_text.startswith(control)
        assert all(rule in row_text for rule in rules)
    headings = [h.text for h in find_all(page, "h2")]
    assert headings[:4] == [
        "EU AI Act",
        "OWASP Top 10 for LLM Applications 2025",
        "NIST AI Risk Management Framework",
        "ISO/IEC 42001",
    ]


def test_prompt_pages_diff_consecutive_versions(reference_site: BuiltSite) -> None:
    first = parse_page(reference_site.out, artifact_page("Prompt/support-reply@2.1.0"))
    assert "The first version of this prompt." in all_text(first)
    later = parse_page(reference_site.out, artifact_page("Prompt/support-reply@2.2.1"))
    diff = [el for el in find_all(later, "pre") if "diff" in el.attrib.get("class", "")]
    assert diff, "no diff on a second version"
    lines = "".join(diff[0].itertext()).splitlines()
    assert lines[0] == "--- Prompt/support-reply@2.1.0"
    assert lines[1] == "+++ Prompt/support-reply@2.2.1"
    assert any(line.startswith("+") and not line.startswith("+++") for line in lines)


def test_search_index_holds_artifacts_rules_and_controls(reference_site: BuiltSite) -> None:
    page = parse_page(reference_site.out, "search.html")
    script = next(s.text or "" for s in find_all(page, "script") if "src" not in s.attrib)
    entries = json.loads(script.removeprefix("window.GOVCTL_SEARCH = ").rstrip().rstrip(";"))
    result = check_of(reference_site.root)
    assert result.registry is not None
    kinds = {e[0] for e in entries}
    assert {"Rule", "Control", "Prompt", "Deployment"} <= kinds
    assert {e[1] for e in entries if e[0] not in ("Rule", "Control")} == set(
        result.registry.artifacts
    )
    for _, _, url, _ in entries:
        path = url.split("#")[0]
        assert (reference_site.out / path).is_file(), url


def test_same_inputs_give_byte_identical_sites(reference_site: BuiltSite, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(site_options(reference_site.root, again))
    first = {
        p.relative_to(reference_site.out): p.read_bytes()
        for p in reference_site.out.rglob("*")
        if p.is_file()
    }
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert not any(str(reference_site.root) in p.decode(errors="ignore") for p in second.values())


def test_refuses_an_output_folder_it_did_not_build(
    reference_site: BuiltSite, tmp_path: Path
) -> None:
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "keep.md").write_text("mine")
    done = run_cli(
        "-C", str(reference_site.root), "site", "build", "-o", str(foreign), "--now", "2026-11-22"
    )
    assert done.returncode == 2, done.stderr
    assert "was not built by govctl" in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in foreign.iterdir()] == ["keep.md"]


def test_rebuild_replaces_the_previous_site_whole(
    reference_site: BuiltSite, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_site(site_options(reference_site.root, out))
    (out / "stale.html").write_text("old")
    done = run_cli(
        "-C",
        str(reference_site.root),
        "site",
        "build",
        "-o",
        str(out),
        "--now",
        "2026-11-22T00:00:00+00:00",
        "--no-cache",
    )
    assert done.returncode == 0, done.stderr
    assert "pages (10 deployments" in done.stdout
    assert not (out / "stale.html").exists()
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_pages_rendered_by_worker_processes_are_the_same(
    reference_site: BuiltSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)  # fork workers even for a small site
    out = tmp_path / "parallel"
    build_site(replace(site_options(reference_site.root, out), workers=2))
    first = {
        p.relative_to(reference_site.out): p.read_bytes()
        for p in reference_site.out.rglob("*")
        if p.is_file()
    }
    second = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert first == second


def test_a_failed_build_leaves_the_previous_site_untouched(
    reference_site: BuiltSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build_site(site_options(reference_site.root, out))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(self: object, identity: str) -> tuple[str, bytes]:
        raise RuntimeError(f"cannot render {identity}")

    monkeypatch.setattr(render.Renderer, "item", broken)
    with pytest.raises(RuntimeError, match="cannot render"):
        build_site(site_options(reference_site.root, out))
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left


def test_eval_run_and_suite_pages_show_measured_evidence(reference_site: BuiltSite) -> None:
    result = check_of(reference_site.root)
    assert result.registry is not None
    deriver = Deriver(result.registry, DependencyGraph(result.registry))
    for run in result.registry.of_kind("EvalRun"):
        page = parse_page(reference_site.out, artifact_page(run.identity))
        metrics = deriver.derive(run)["metrics"]
        section = next(
            s for s in find_all(page, "section") if s.attrib.get("aria-labelledby") == "metrics-h"
        )
        rows = [["".join(c.itertext()).strip() for c in tr] for tr in section.iter("tr")][1:]
        assert [r[0] for r in rows] == [m["name"] for m in metrics]
        assert [r[4] for r in rows] == ["PASS" if m["passed"] else "FAIL" for m in metrics]
    for suite in result.registry.of_kind("EvalSuite"):
        dataset = result.registry.datasets[suite.identity]
        text = all_text(parse_page(reference_site.out, artifact_page(suite.identity)))
        assert f"{dataset.cases} cases in {dataset.path}" in text
