"""Benchmark commits with asv in this environment: compare two, or a history.

``asv continuous`` and ``asv run A..B`` build every commit in a fresh
virtualenv (installing jax, scikit-learn, ... each time, and needing a
package index). This script benchmarks commits in *this* environment
instead: each commit is checked out in a temporary ``git worktree`` and put
first on ``PYTHONPATH``, so ``import sklime`` runs that commit's code, and
``asv run --python=same --set-commit-hash`` records the results under the
commit's hash. The benchmarks themselves are always the working tree's
(``asv_bench/benchmarks``), as with ``asv continuous``. The working tree
with uncommitted changes is benchmarked as a ``git stash create`` commit.

Usage (from the repository root, with the ``bench`` extra)::

    python tools/asv_commits.py compare [BASE [HEAD]] [--factor F] [-- ASV_ARGS]
    python tools/asv_commits.py history [--commits N] [-- ASV_ARGS]

``compare`` runs both sides and ``asv compare``; it exits with status 1 when
a ``time_`` or ``peakmem_`` benchmark of HEAD is worse than BASE's by more
than ``--factor`` (default 1.3; asv marks it ``+``; ``track_`` speed-ups,
where larger is better, do not fail it). BASE defaults to ``main``, HEAD to the
working tree. ``history`` benchmarks the last N commits of HEAD (default 5)
and ``asv publish``es the HTML to ``asv_bench/html``. ASV_ARGS go to
``asv run`` (e.g. ``-b bench_ridge --quick``). A commit whose code needs
other packages than this environment's cannot be benchmarked this way.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "asv_bench"


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def resolve(rev):
    """``(hash, checkout)``: a commit's hash, and None or the tree to import."""
    if rev == "WORKTREE":
        stash = git("stash", "create")
        return (stash or git("rev-parse", "HEAD")), ROOT
    return git("rev-parse", "--verify", f"{rev}^{{commit}}"), None


def asv(*args, env=None):
    command = [sys.executable, "-m", "asv", *args]
    return subprocess.run(command, cwd=BENCH, env=env, check=False).returncode


def run_commit(commit, tree, asv_args, scratch):
    """Benchmark ``commit`` (its worktree, or ``tree``) and keep the results."""
    if tree is None:
        tree = Path(scratch) / commit[:12]
        git("worktree", "add", "--detach", str(tree), commit)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tree), os.environ.get("PYTHONPATH", "")]),
    }
    where = subprocess.run(
        [sys.executable, "-c", "import sklime; print(sklime.__file__)"],
        env=env,
        cwd=BENCH,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(Path(tree).resolve()):
        raise SystemExit(f"sklime imports from {where}, not from {tree}.")
    print(f"== benchmarking {commit[:12]} ({tree})", flush=True)
    code = asv("run", "--python=same", "--set-commit-hash", commit, *asv_args, env=env)
    if tree != ROOT:
        git("worktree", "remove", "--force", str(tree))
    if code != 0:
        raise SystemExit(f"asv run failed for {commit[:12]} (exit status {code}).")


def compare(args, asv_args):
    base, base_tree = resolve(args.base)
    head, head_tree = resolve(args.head)
    if base == head:
        print(f"{args.base} and {args.head} are the same commit: nothing to compare.")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        run_commit(base, base_tree, asv_args, scratch)
        run_commit(head, head_tree, asv_args, scratch)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "asv",
            "compare",
            "--split",
            f"--factor={args.factor}",
            base,
            head,
        ],
        cwd=BENCH,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(out)
    slower = slower_lines(out)
    if slower:
        print(
            f"{len(slower)} benchmark(s) slower than {args.base} by more than {args.factor}x."
        )
        return 1
    print(f"No benchmark slower than {args.base} by more than {args.factor}x.")
    return 0


def slower_lines(report):
    """The ``time_`` and ``peakmem_`` rows of an ``asv compare`` report marked ``+``.

    asv marks a larger value ``+`` (worse); for ``track_`` benchmarks (the
    speed-ups here) larger is better, so they never fail a comparison.
    """
    return [
        line
        for line in report.splitlines()
        if line.lstrip("| ").startswith("+")
        and (".time_" in line or ".peakmem_" in line)
    ]


def history(args, asv_args):
    commits = git("rev-list", f"--max-count={args.commits}", "HEAD").split()
    with tempfile.TemporaryDirectory() as scratch:
        for commit in reversed(commits):
            run_commit(commit, None, asv_args, scratch)
    return asv("publish")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    cut = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare")
    c.add_argument("base", nargs="?", default="main")
    c.add_argument("head", nargs="?", default="WORKTREE")
    c.add_argument("--factor", type=float, default=1.3)
    h = sub.add_parser("history")
    h.add_argument("--commits", type=int, default=5)
    args = parser.parse_args(argv[:cut])
    asv_args = argv[cut + 1 :]
    asv("machine", "--yes")
    if args.command == "compare":
        return compare(args, asv_args)
    return history(args, asv_args)


if __name__ == "__main__":
    sys.exit(main())
