"""govctl.gitio: refs, reading trees from git objects, shallow clones, worktrees, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govctl.config import load_config
from govctl.errors import EXIT_USAGE, GitError
from govctl.gitio import GitRepository, GitTreeSource
from govctl.loader.load import LoadSettings, load_registry
from govctl.loader.source import SourceProblem, WorkTreeSource

from .conftest import GitRepo, make_repo, run_git

GUARD = "registry/guardrails/strict.yaml"


def test_resolves_branch_tag_and_short_sha(repo: GitRepo) -> None:
    repo.git("tag", "v1")
    with GitRepository(repo.root) as git:
        assert git.resolve("main") == repo.base
        assert git.resolve("v1") == repo.base
        assert git.resolve(repo.base[:8]) == repo.base
        assert git.head_sha() == repo.base


@pytest.mark.parametrize(
    ("ref", "hint"),
    [
        ("origin/main", "has no remote"),
        ("no-such-branch", "has no remote"),
        ("HEAD~5", "has no remote"),
    ],
)
def test_unresolvable_ref_names_the_ref(repo: GitRepo, ref: str, hint: str) -> None:
    with GitRepository(repo.root) as git, pytest.raises(GitError) as caught:
        git.resolve(ref)
    assert f"base ref {ref!r} is not in this clone" in str(caught.value)
    assert hint in str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE


def test_unresolvable_ref_says_how_to_fetch_it(tmp_path: Path, repo: GitRepo) -> None:
    clone = tmp_path / "clone"
    run_git(tmp_path, "clone", "-q", str(repo.root), str(clone))
    with GitRepository(clone) as git:
        with pytest.raises(GitError, match=r"base ref 'origin/release' is not in this clone; run "
                           r"`git fetch origin \+refs/heads/release:refs/remotes/origin/release`"):
            git.resolve("origin/release")
        with pytest.raises(GitError, match=r"run `git fetch origin 0123456789abcdef`"):
            git.resolve("0123456789abcdef")
        with pytest.raises(GitError, match=r"run `git fetch origin release:release` and pass "
                           r"--base release again"):
            git.resolve("release")
    # The advice works as given, for a branch and for a tag.
    run_git(repo.root, "branch", "release")
    run_git(repo.root, "tag", "v1")
    with GitRepository(repo.root) as origin:
        expected = origin.resolve("HEAD")
    run_git(clone, "fetch", "-q", "origin", "release:release")
    run_git(clone, "fetch", "-q", "origin", "v1:v1")
    with GitRepository(clone) as git:
        assert git.resolve("release") == git.resolve("v1") == expected


def test_option_like_refs_are_refused(repo: GitRepo) -> None:
    with GitRepository(repo.root) as git, pytest.raises(GitError, match="not a valid git revision"):
        git.resolve("--output=/tmp/x")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="is not inside a git repository"):
        GitRepository(tmp_path)


def test_tree_source_reads_the_commit_not_the_dirty_work_tree(repo: GitRepo) -> None:
    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.95")
    repo.remove("registry/guardrails/basic.yaml")
    repo.write({"registry/guardrails/new.yaml": "apiVersion: govctl/v1\n"})
    source = GitTreeSource(repo.root, repo.base)
    listing = source.list_yaml(["registry", "prompts"])
    assert "registry/guardrails/basic.yaml" in listing.files
    assert "registry/guardrails/new.yaml" not in listing.files
    assert b"threshold: 0.8," in source.read_bytes(GUARD, 10_000)
    assert source.is_file("registry/guardrails/basic.yaml")
    assert not source.is_file("registry/guardrails/new.yaml")
    assert not source.is_file("registry/guardrails")


def test_tree_source_problems_match_the_work_tree_source(repo: GitRepo) -> None:
    source = GitTreeSource(repo.root, repo.base)
    work = WorkTreeSource(repo.root)
    for path, message in [
        ("registry/missing.yaml", "file not found"),
        ("registry/guardrails", "is a folder, not a file"),
        ("../outside.yaml", "path leaves the repository"),
    ]:
        for each in (source, work):
            with pytest.raises(SourceProblem) as caught:
                each.read_bytes(path, 10_000)
            assert caught.value.message == message
    with pytest.raises(SourceProblem, match="over the 100-byte bound"):
        source.read_bytes(GUARD, 100)


def test_tree_source_loads_the_same_registry_as_the_work_tree(repo: GitRepo) -> None:
    config = load_config(repo.root / "govctl.yaml")
    settings = LoadSettings(workers=1)
    from_git = load_registry(GitTreeSource(repo.root, repo.base), config, settings)
    from_disk = load_registry(WorkTreeSource(repo.root), config, settings)
    assert from_git.registry.digest == from_disk.registry.digest
    assert from_git.registry.datasets == from_disk.registry.datasets
    assert len(from_git.registry) == 16
    assert from_git.problems == from_disk.problems == ()


def test_symlinks_inside_are_followed_and_outside_refused(tmp_path: Path, repo: GitRepo) -> None:
    (tmp_path / "secret.yaml").write_text("apiVersion: govctl/v1\n", encoding="utf-8")
    os.symlink("../../../secret.yaml", repo.root / "registry/models/escape.yaml")
    os.symlink("strict.yaml", repo.root / "registry/guardrails/alias.yaml")
    os.symlink("../registry/guardrails", repo.root / "prompts/linked")
    sha = repo.commit("symlinks")
    source = GitTreeSource(repo.root, sha)
    listing = source.list_yaml(["registry", "prompts"])
    assert "registry/guardrails/alias.yaml" in listing.files
    assert "registry/models/escape.yaml" not in listing.files
    assert [(p.path, p.message) for p in listing.problems] == [
        ("registry/models/escape.yaml", "symlink points outside the repository (../../../secret.yaml)")
    ]
    assert source.read_bytes("registry/guardrails/alias.yaml", 10_000) == (
        repo.root / GUARD
    ).read_bytes()
    assert source.read_bytes("prompts/linked/basic.yaml", 10_000).startswith(b"apiVersion")
    with pytest.raises(SourceProblem, match="symlink points outside the repository"):
        source.read_bytes("registry/models/escape.yaml", 10_000)


def test_govctl_root_in_a_subfolder_of_the_git_repository(tmp_path: Path) -> None:
    from .conftest import BASE_FILES

    top = tmp_path / "mono"
    sub = {f"governance/{k}": v for k, v in BASE_FILES.items()}
    repo = make_repo(top, {"README.md": "monorepo\n", **sub})
    with GitRepository(top / "governance") as git:
        assert git.prefix == "governance"
        source = git.tree_source(repo.base)
        assert source.is_file("govctl.yaml")
        assert not source.is_file("README.md")
        assert "registry/guardrails/strict.yaml" in source.list_yaml(["registry"]).files


def test_worktree(tmp_path: Path, repo: GitRepo) -> None:
    repo.git("worktree", "add", "-q", "-b", "other", str(tmp_path / "wt"))
    with GitRepository(tmp_path / "wt") as git:
        assert git.resolve("main") == repo.base
        assert git.tree_source(repo.base).is_file(GUARD)


def test_shallow_clone_names_the_missing_base_then_works_once_fetched(
    tmp_path: Path, repo: GitRepo
) -> None:
    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.9")
    head = repo.commit("weaken")
    clone = tmp_path / "ci"
    run_git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature",
            f"file://{repo.root}", str(clone))
    with GitRepository(clone) as git:
        assert git.is_shallow()
        with pytest.raises(GitError) as caught:
            git.resolve("origin/main")
        assert str(caught.value) == (
            "base ref 'origin/main' is not in this shallow clone; run "
            "`git fetch --depth=1 origin +refs/heads/main:refs/remotes/origin/main`"
        )
        with pytest.raises(GitError, match="not in this shallow clone"):
            git.resolve("HEAD~1")
    run_git(clone, "fetch", "-q", "--depth=1", "origin", "+refs/heads/main:refs/remotes/origin/main")
    with GitRepository(clone) as git:
        assert git.resolve("origin/main") == repo.base
        assert git.resolve("HEAD") == head
        assert b"threshold: 0.8," in git.tree_source(repo.base).read_bytes(GUARD, 10_000)
