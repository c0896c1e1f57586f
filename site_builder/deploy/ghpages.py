"""Publish the built site as the only content of a branch (gh-pages) and push it.

Like ghp-import / `mkdocs gh-deploy`, with git plumbing only, so the working tree,
the index and the checked-out branch are never touched: blobs are written with
hash-object, the tree is assembled in a temporary index (GIT_INDEX_FILE), committed
with commit-tree on top of the branch's current tip (so history is kept; --force
starts over), the local branch is moved with update-ref, and the commit is pushed.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from .changes import Changes, compare, site_files
from ..output.target import MARKER


class GhPagesError(Exception):
    """Deployment refused or failed; the message says why and what to do."""


@dataclass
class Published:
    """What a deploy to a gh-pages branch committed."""

    changes: Changes
    commit: str | None  # None for a dry run or when there was nothing to publish
    parent: str | None


def git(repo: Path, *args: str, input: str | None = None, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=repo, input=input, capture_output=True, encoding="utf-8",
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise GhPagesError(f"git {args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def repo_root(start: Path) -> Path:
    result = git(start, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        raise GhPagesError(f"{start}: not inside a git repository (gh-pages deploys commit to a branch of one)")
    return Path(result.stdout.strip())


def check_remote(repo: Path, remote: str) -> None:
    if git(repo, "remote", "get-url", remote, check=False).returncode != 0:
        raise GhPagesError(f"no git remote named '{remote}'; add one with `git remote add {remote} URL` or pass --remote")


def check_branch(repo: Path, branch: str) -> None:
    current = git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    if current == branch:
        raise GhPagesError(f"'{branch}' is the checked-out branch; switch to your source branch before deploying")


def check_clean(repo: Path, inputs: list[Path]) -> None:
    """Refuse when the site's inputs have uncommitted changes: the published site would match no commit."""
    inside = [str(p.resolve()) for p in inputs if p.exists() and Path(repo) in [p.resolve(), *p.resolve().parents]]
    if not inside:
        return
    status = git(repo, "status", "--porcelain", "--untracked-files=all", "--", *inside).stdout.splitlines()
    if status:
        shown = "\n".join(f"  {line}" for line in status[:10]) + ("\n  ..." if len(status) > 10 else "")
        raise GhPagesError("the site's inputs have uncommitted changes, so the published site would not match "
                           f"any commit:\n{shown}\ncommit or stash them, or pass --allow-dirty")


def remote_tip(repo: Path, remote: str, branch: str) -> str | None:
    """The remote branch's commit (fetched, so it can be a parent), or None when the branch is new."""
    result = git(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}", check=False)
    if result.returncode != 0:
        raise GhPagesError(f"cannot reach remote '{remote}': {result.stderr.strip()}")
    if not result.stdout.strip():
        return None
    git(repo, "fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}")
    return result.stdout.split()[0]


def local_tip(repo: Path, branch: str) -> str | None:
    result = git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}", check=False)
    return result.stdout.strip() or None


def tree_blobs(repo: Path, commit: str | None) -> dict[str, str]:
    """path -> blob id of every file in `commit`."""
    if commit is None:
        return {}
    out = git(repo, "ls-tree", "-r", "-z", commit).stdout
    blobs = {}
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        blobs[path] = meta.split()[2]
    return blobs


def hash_files(repo: Path, files: dict[str, Path], write: bool) -> dict[str, str]:
    """path -> blob id, in one git process; `write` also stores the blobs."""
    if not files:
        return {}
    paths = list(files)
    args = ["hash-object", *(["-w"] if write else []), "--no-filters", "--stdin-paths"]
    ids = git(repo, *args, input="".join(f"{os.path.abspath(files[p])}\n" for p in paths)).stdout.split()
    return dict(zip(paths, ids))


def default_message(repo: Path) -> str:
    head = git(repo, "rev-parse", "--short", "HEAD", check=False).stdout.strip()
    return f"Deploy {head} with site-builder {__version__}" if head else f"Deploy with site-builder {__version__}"


def publish(site: Path, start: Path, *, remote: str = "origin", branch: str = "gh-pages", message: str | None = None,
            cname: str = "", force: bool = False, dry_run: bool = False, inputs: list[Path] = (),
            allow_dirty: bool = False) -> Published:
    repo = repo_root(start)
    check_remote(repo, remote)
    check_branch(repo, branch)
    if not allow_dirty:
        check_clean(repo, list(inputs))
    pushed_tip = remote_tip(repo, remote, branch)
    parent = None if force else pushed_tip or local_tip(repo, branch)

    with tempfile.TemporaryDirectory(prefix="site-builder-ghpages-") as tmp:
        extra = Path(tmp) / "extra"
        extra.mkdir()
        files = site_files(site)
        files.pop(MARKER, None)  # marks a folder site-builder may replace; a branch is not one
        # GitHub Pages runs Jekyll unless told not to; Jekyll would drop folders starting with "_".
        (extra / ".nojekyll").write_bytes(b"")
        files[".nojekyll"] = extra / ".nojekyll"
        if cname:
            (extra / "CNAME").write_text(cname.strip() + "\n", encoding="utf-8")
            files["CNAME"] = extra / "CNAME"
        blobs = hash_files(repo, files, write=not dry_run)
        changes = compare(blobs, tree_blobs(repo, parent))
        if dry_run or (changes.empty and parent is not None and parent == pushed_tip):
            return Published(changes, None, parent)

        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        entries = "".join(f"100644 {blobs[p]}\t{p}\0" for p in sorted(blobs))
        git(repo, "update-index", "--add", "-z", "--index-info", input=entries, env=index)
        tree = git(repo, "write-tree", env=index).stdout.strip()
    commit = git(repo, "commit-tree", tree, *(["-p", parent] if parent else []),
                 "-m", message or default_message(repo)).stdout.strip()
    git(repo, "update-ref", "-m", "site-builder deploy", f"refs/heads/{branch}", commit)
    push = git(repo, "push", "--quiet", *(["--force"] if force else []), remote,
               f"refs/heads/{branch}:refs/heads/{branch}", check=False)
    if push.returncode != 0:
        raise GhPagesError(f"push of '{branch}' to '{remote}' was rejected (the local branch has the new commit "
                           f"{commit[:12]}):\n{push.stderr.strip()}")
    return Published(changes, commit, parent)
