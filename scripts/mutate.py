"""`make mutate`: mutation testing of the modules that hold the rules (issue 21).

mutmut (pyproject's [tool.mutmut]: the modules, one line each) changes each module one mutation at a
time — a `not` dropped, `and` for `or`, a string or a number changed, an argument left out — and runs,
for each mutant, the tests marked `rules` that reach the function it changed. A mutant that no test
notices is a rule the tests do not hold. This script:

1. copies the project into mutants/ afresh (every file git knows, committed or not, so that a new app
   needs no configuration here); mutmut writes the mutated modules beside them;
2. runs mutmut with one worker per CPU (MUTATE_WORKERS), each on its own copy of the test database
   (tests/mutmut_plugin.py);
3. prints, per module, the mutants killed out of all, their share, and every survivor with the line
   it changed; fails when a module is below FLOOR % or a survivor is not explained.

A survivor is explained when the line it changes, or the comment right above that line, says
`# mutmut: equivalent — <why>`: a change that no caller can notice. It still counts as not killed.

`--sample N` (what `make test` runs) tests one mutant in N, a different share at each commit (the choice
hashes the commit with the mutant's name), and fails on any survivor that is not explained: the full
run has none, so one found is a rule that lost its test. The floor is the full run's (a sample of a
small module is too few to judge it by its share).

`scripts/mutate.py accounts/permissions.py …` tests those modules only. `.venv/bin/mutmut show NAME`
prints one mutant's change; the results stay in mutants/ until the next run.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
FLOOR = 90.0
EXPLAINED = "mutmut: equivalent"
KILLED = {"killed", "timeout"}  # a mutant that makes the tests hang is noticed too


def configured_modules() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["source_paths"]


def copy_project(modules: list[str]) -> None:
    """Every file git knows (tracked, or new and not ignored) into mutants/, except the modules
    mutmut writes itself."""
    shutil.rmtree(MUTANTS, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607  (git from PATH)
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if name in modules or not source.is_file():  # a deleted file, or a symlinked directory
            continue
        target = MUTANTS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def mutant_names(modules: list[str]) -> list[str]:
    """The names mutmut gives the mutants of `modules` (it generates the same ones when it runs)."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    names = []
    for module in modules:
        mutated = mutate_file_contents(module, (ROOT / module).read_text(), None, set())
        names += [get_mutant_name(Path(module), name) for name in mutated.mutant_names]
    return names


def sample(names: list[str], one_in: int) -> list[str]:
    """One mutant in `one_in`, chosen by the commit: the same choice for a commit, another for the next."""
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"],  # noqa: S607  (git from PATH)
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return [name for name in names if int(hashlib.sha256(f"{commit} {name}".encode()).hexdigest(), 16) % one_in == 0]


def run_mutmut(names: list[str], workers: int) -> None:
    """Test the mutants called `names` (or matched, `accounts.permissions.*`); all of them when empty."""
    command = [str(ROOT / ".venv/bin/mutmut"), "run", "--max-children", str(workers), *names]
    log = MUTANTS / "mutmut.log"
    env = {**os.environ, "MUTATE_WORKERS": str(workers)}
    with log.open("w") as out:
        # The progress line is rewritten in place: shown on a terminal, kept in the log otherwise.
        shown = None if sys.stdout.isatty() else out
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=shown, stderr=out)  # noqa: S603  (our mutmut)
    if result.returncode != 0:
        print(log.read_text()[-5000:])
        sys.exit(f"mutmut failed (exit status {result.returncode}); its log: {log.relative_to(ROOT)}")


def _changed_lines(diff: str) -> tuple[list[str], str]:
    """The original lines a mutant changes, and the explanation one of them carries, on the line or in
    the comment lines right above it ("" when none does)."""
    changed, explanation, comments = [], "", []
    for line in diff.splitlines()[2:]:  # after the ---/+++ header
        text = line[1:].strip()
        if line.startswith("-"):
            changed.append(text)
            notes = [*comments, text.partition("#")[2]]
            for at, note in enumerate(notes):
                if EXPLAINED in note and not explanation:
                    explanation = " ".join(n.lstrip("# ") for n in notes[at:-1] or [note]).partition(EXPLAINED)[2]
        elif line.startswith(" ") and text.startswith("#"):
            comments.append(text)
        elif not line.startswith("+"):
            comments = []
    return changed, explanation.strip(" —")


def report(modules: list[str], tested: set[str] | None) -> tuple[bool, bool]:
    """Print the table and the survivors of the mutants `tested` (all when None). Return whether every
    module reaches FLOOR %, and whether every survivor is explained."""
    os.chdir(ROOT)  # mutmut's readers take paths relative to the project
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    width = max(map(len, modules))
    rows, survivors, floor_kept = [], [], True
    all_killed = all_total = 0
    for module in modules:
        data = SourceFileMutationData(path=module)
        data.load()
        statuses = {
            name: status_by_exit_code[code]
            for name, code in data.exit_code_by_key.items()
            if tested is None or name in tested
        }
        total = len(statuses)
        killed = sum(status in KILLED for status in statuses.values())
        share = 100.0 * killed / total if total else 0.0
        below = share < FLOOR and tested is None
        floor_kept &= not below
        all_killed, all_total = all_killed + killed, all_total + total
        note = f"  below {FLOOR:.0f} %" if below else ""
        shown = f"{share:6.1f} %" if total else "     –  "
        rows.append(f"{module:<{width}}  {killed:>5} / {total:<5} {shown}{note}")
        for name, status in sorted(statuses.items()):
            if status not in KILLED:
                survivors.append((name, status, *_changed_lines(get_diff_for_mutant(name, path=module))))

    print()
    print(f"{'module':<{width}}  killed / total   share{'  (a sample)' if tested is not None else ''}")
    print("\n".join(rows))
    share = 100.0 * all_killed / all_total if all_total else 0.0
    print(f"{'all':<{width}}  {all_killed:>5} / {all_total:<5} {share:6.1f} %")
    if survivors:
        print("\nNot killed (`.venv/bin/mutmut show NAME` prints the change):")
        for name, status, changed, explanation in survivors:
            print(f"  {name}  [{status}]  {(changed or [''])[0].partition('  #')[0][:100]}")
            print(f"      equivalent: {explanation}" if explanation else "      NOT EXPLAINED")
    return floor_kept, all(explanation for *_, explanation in survivors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to test (default: every module of [tool.mutmut])")
    parser.add_argument("--sample", type=int, metavar="N", help="test one mutant in N, chosen by the commit")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("MUTATE_WORKERS", os.cpu_count() or 2)))
    args = parser.parse_args()
    configured = configured_modules()
    unknown = sorted(set(args.modules) - set(configured))
    if unknown:
        parser.error(f"not in [tool.mutmut] source_paths: {', '.join(unknown)}")
    modules = args.modules or configured

    started = time.monotonic()
    os.chdir(ROOT)  # mutmut reads its configuration from the project's pyproject.toml
    if args.sample:
        names = sample(mutant_names(modules), args.sample)
    else:
        names = [module.removesuffix(".py").replace("/", ".") + ".*" for module in args.modules]
    copy_project(configured)
    run_mutmut(names, args.workers)
    floor_kept, all_explained = report(modules, set(names) if args.sample else None)
    what = f"one mutant in {args.sample}" if args.sample else "every mutant"
    print(f"\nmake mutate: {what}, {time.monotonic() - started:.0f} s with {args.workers} workers")
    if not floor_kept:
        sys.exit(f"make mutate: a module is below {FLOOR:.0f} % of its mutants killed")
    if not all_explained:
        sys.exit("make mutate: a survivor is neither killed by a test nor explained as equivalent")


if __name__ == "__main__":
    main()
