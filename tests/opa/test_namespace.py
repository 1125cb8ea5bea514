"""Relocating modules under a private package root, and the upload order (no OPA needed)."""

from __future__ import annotations

import pytest

from govctl.errors import UsageError
from govctl.policy.engine import EvalRequest
from govctl.policy.opa_engine import MAX_BATCH_DOCS, OpaEndpoint, batches
from govctl.policy.opa_namespace import relocate, unprefix
from govctl.policy.opa_policies import Layout, dependency_order

NS = "govctl_abc"


def test_package_and_data_refs_move_under_the_namespace() -> None:
    source = (
        "# a comment naming data.x and package y\n"
        "package govctl.rules.a\n"
        "\n"
        "import rego.v1\n"
        "import data.govctl.lib\n"
        "\n"
        'msg := "data.not_a_ref" if data.govctl.lib.x == input.data\n'
        "all := data\n"
        "dyn := data[\"govctl\"][\"lib\"] # data.in_comment\n"
    )
    out = relocate(source, NS).source.split("\n")
    assert out[0] == "# a comment naming data.x and package y"
    assert out[1] == f"package {NS}.govctl.rules.a"
    assert out[4] == f"import data.{NS}.govctl.lib"
    assert out[6] == f'msg := "data.not_a_ref" if data.{NS}.govctl.lib.x == input.data'
    assert out[7] == f"all := data.{NS}"
    assert out[8] == f'dyn := data.{NS}["govctl"]["lib"] # data.in_comment'


def test_strings_with_escapes_and_raw_strings_are_left_alone() -> None:
    source = (
        "package p\n"
        'a := "say \\"data.x\\" " \n'
        "b := `raw data.y\n"
        "still raw data.z`\n"
        "c := data.q\n"
    )
    out = relocate(source, NS).source.split("\n")
    assert out[1] == 'a := "say \\"data.x\\" " '
    assert out[2] == "b := `raw data.y"
    assert out[3] == "still raw data.z`"
    assert out[4] == f"c := data.{NS}.q"


def test_bare_import_of_the_data_root_is_kept() -> None:
    out = relocate("package p\nimport data\nx := data.y\n", NS).source.split("\n")
    assert out[1] == "import data"
    assert out[2] == f"x := data.{NS}.y"


def test_line_count_never_changes() -> None:
    source = "package p\n\nimport rego.v1\n\nx := data.a\n# end\n"
    assert relocate(source, NS).source.count("\n") == source.count("\n")


def test_columns_map_back_to_the_authors_source() -> None:
    module = relocate("package p\ny := data.a.f(data.b)\n", NS)
    line = module.source.split("\n")[1]
    assert line == f"y := data.{NS}.a.f(data.{NS}.b)"
    # OPA columns are 1-based: `y` is 1; the second `data` is column 15 in the author's text.
    second = line.index("data", 10) + 1
    assert module.original_column(2, second) == 15
    assert module.original_column(2, 1) == 1
    assert module.original_column(2, 6) == 6  # the first `data`
    # A column inside inserted text maps to where it was inserted.
    assert module.original_column(2, 11) == 10
    # The package line: `p` is column 9 in both texts after removing the prefix.
    assert module.original_column(1, 9 + len(NS) + 1) == 9


def test_messages_lose_the_namespace() -> None:
    text = f"undefined function data.{NS}.govctl.lib.f in {NS}.govctl.rules.a"
    assert unprefix(text, NS) == "undefined function data.govctl.lib.f in govctl.rules.a"


def test_dependencies_go_first() -> None:
    sources = {
        "a.rego": "package a\nx := data.lib.f(1)\n",
        "entry.rego": "package entry\ny := data.a.x\nz := data.b.z\n",
        "b.rego": "package b\nimport data.lib\nz := lib.f(2)\n",
        "lib.rego": "package lib\nf(x) := x\n",
    }
    order = dependency_order(sources)
    assert order.index("lib.rego") < order.index("a.rego") < order.index("entry.rego")
    assert order.index("lib.rego") < order.index("b.rego") < order.index("entry.rego")
    assert sorted(order) == sorted(sources)


def test_cycles_still_yield_every_module() -> None:
    sources = {"a.rego": "package a\nx := data.b.y\n", "b.rego": "package b\ny := data.a.x\n"}
    assert sorted(dependency_order(sources)) == ["a.rego", "b.rego"]


def test_layout_key_depends_on_content_and_paths() -> None:
    one = Layout.of({"a.rego": "package a\n"})
    assert Layout.of({"a.rego": "package a\n"}).key == one.key
    assert Layout.of({"a.rego": "package a\n\n"}).key != one.key
    assert Layout.of({"b.rego": "package a\n"}).key != one.key
    assert one.namespace == f"govctl_{one.key}"
    assert set(one.ids.values()) == {f"govctl/{one.key}/0"}


def test_batches_bound_documents_and_bytes() -> None:
    small = [EvalRequest(f"M/{i}", "Model", "{}") for i in range(MAX_BATCH_DOCS * 2 + 1)]
    assert [len(b) for b in batches(small)] == [MAX_BATCH_DOCS, MAX_BATCH_DOCS, 1]
    big = [EvalRequest(f"M/{i}", "Model", "x" * 700_000) for i in range(3)]
    assert [len(b) for b in batches(big)] == [1, 1, 1]
    assert sorted(i for b in batches(small) for i in b) == list(range(len(small)))


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("http://127.0.0.1:8181", "http://127.0.0.1:8181/v1"),
        ("https://opa.example.com", "https://opa.example.com:443/v1"),
        ("http://opa:9000/prefix/", "http://opa:9000/prefix/v1"),
    ],
)
def test_endpoint_urls(url: str, api: str) -> None:
    assert OpaEndpoint.parse(url).api == api


@pytest.mark.parametrize("url", ["127.0.0.1:8181", "ftp://x", "http://", "http://h:99999"])
def test_bad_urls_are_usage_errors(url: str) -> None:
    with pytest.raises(UsageError):
        OpaEndpoint.parse(url)
