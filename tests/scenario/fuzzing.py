"""Hostile scenario files and a sandbox that runs ``diversim`` on each (used by test_fuzz.py and
benchmarks/fuzz_scenarios.py).

:func:`cases` is a Hypothesis strategy of mutated shipped scenarios: deleted keys, wrong types,
negative/zero/NaN/inf/huge numbers, unknown ids, unicode, long and path-like names, duplicate
keys, alias bombs and self-anchors, explicit tags, deep nesting, ``extends`` cycles and escapes,
garbage bytes. :func:`check` writes a case into a fresh folder and, in a forked child with a
memory cap and a time limit, runs ``diversim validate`` on it and, if that accepts the file,
``diversim run`` on a short horizon; it returns what happened (:class:`Outcome`).
"""

from __future__ import annotations

import copy
import math
import os
import resource
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
MAIN = "scen/scenario.yaml"  # every case's file, relative to its work folder
WORK = "@WORK@"  # replaced by the work folder when written (absolute names stay in the sandbox)

_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED}
_DATA = {name: yaml.safe_load(text) for name, text in _TEXTS.items()}

WEIRD_NUMBERS = [
    -1,
    0,
    -0.0,
    1e-320,
    1e308,
    -1e308,
    10**40,
    2**63,
    math.nan,
    math.inf,
    -math.inf,
    0.5,
    3,
    1e9,
]
WEIRD_VALUES = [
    None,
    True,
    "",
    " ",
    "x",
    "nope",
    "3 days",
    "∞",
    "x" * 5000,
    [],
    [1, 2],
    {},
    {"dist": "nope"},
    {"dist": "fixed"},
    {"kind": "nope"},
    *WEIRD_NUMBERS,
]
NAMES = [
    "../important",
    f"{WORK}/abs",
    "a/b",
    "a\\b",
    "..",
    ".",
    "",
    " ",
    "-rf",
    ".hidden",
    "con",
    "x" * 300,
    "名前 シナリオ",
    "emoji 🚢",
    "\u202eevil",
    "tab\there",
    "new\nline",
    "nul\x00byte",
    "<script>alert(1)</script>",
    "a:b*c?",
]
EXTENDS = [
    "scenario.yaml",  # itself: a cycle
    "base.yaml",  # a real base (which may extend back: a cycle of two)
    "../outside.yaml",  # outside the scenario's folder
    f"{WORK}/outside.yaml",  # the same, absolute
    "/etc/passwd",
    "/etc/hostname",
    "/dev/zero",
    "missing.yaml",
    "sub/../base.yaml",
    "",
    3,
    [],
    {"a": 1},
]
TAGS = [
    "!!int 1e3",
    "!!float abc",
    "!!int x",
    "!!bool maybe",
    "!!null x",
    "!!str 3",
    "!!binary aGk=",
    "!!timestamp 2020-13-45",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!map [1]",
    "!!seq {a: 1}",
    "!custom x",
    "!!python/name:os.system",
    "!!python/object/apply:os.system ['echo pwned > pwned.txt']",
    "!<tag:yaml.org,2002:int> 0x",
]


@dataclass
class Case:
    """Files of one mutated scenario (paths relative to its work folder) and what was done."""

    files: dict[str, bytes]
    label: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """What ``diversim`` did with a case.

    ``kind`` is one of: ok (validated and ran), refused (exit 2 with messages), traceback,
    hang, crash (killed by a signal, e.g. out of memory), bad-exit (another exit status),
    run-failed, run-hang, escaped (something written outside the results folder).
    """

    kind: str
    seconds: float
    detail: str = ""
    run_seconds: float = 0.0

    @property
    def bad(self) -> bool:
        return self.kind not in ("ok", "refused")


# --------------------------------------------------------------------------- mutations


def _paths(x: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(x, dict):
        for k, v in x.items():
            out.append((*prefix, k))
            out += _paths(v, (*prefix, k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out.append((*prefix, i))
            out += _paths(v, (*prefix, i))
    return out


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


def _parent(data: Any, path: tuple) -> Any:
    return _get(data, path[:-1])


def _leaf_paths(data: Any, kind: type | tuple[type, ...]) -> list[tuple]:
    return [
        p
        for p in _paths(data)
        if isinstance(_get(data, p), kind) and not isinstance(_get(data, p), bool)
    ]


@st.composite
def _data_mutation(draw, data: dict, label: list[str], files: dict[str, bytes]) -> None:
    op = draw(
        st.sampled_from(
            ["delete", "retype", "number", "unknown_id", "name", "extends", "empirical", "dupe_id"]
        )
    )
    paths = _paths(data)
    if op == "delete" and paths:
        p = draw(st.sampled_from(paths))
        del _parent(data, p)[p[-1]]
        label.append(f"delete {p}")
    elif op == "retype" and paths:
        p = draw(st.sampled_from(paths))
        v = draw(st.sampled_from(WEIRD_VALUES))
        _parent(data, p)[p[-1]] = copy.deepcopy(v)
        label.append(f"set {p} = {str(v)[:40]!r}")
    elif op == "number":
        nums = _leaf_paths(data, (int, float))
        if nums:
            p = draw(st.sampled_from(nums))
            v = draw(st.sampled_from(WEIRD_NUMBERS) | st.floats() | st.integers())
            _parent(data, p)[p[-1]] = v
            label.append(f"number {p} = {v!r}")
    elif op == "unknown_id":
        texts = _leaf_paths(data, str)
        if texts:
            p = draw(st.sampled_from(texts))
            v = draw(st.sampled_from(["nope", "", "cn_shenzen", "x" * 200, "ü"]))
            _parent(data, p)[p[-1]] = v
            label.append(f"id {p} = {v!r}")
    elif op == "name":
        v = draw(st.sampled_from(NAMES) | st.text(max_size=40))
        data["name"] = v
        label.append(f"name = {v!r}")
    elif op == "extends":
        v = draw(st.sampled_from(EXTENDS))
        data["extends"] = v
        base = copy.deepcopy(_DATA[draw(st.sampled_from(sorted(_DATA)))])
        if draw(st.booleans()):
            base["extends"] = "scenario.yaml"
        files["scen/base.yaml"] = yaml.safe_dump(base).encode()
        files["outside.yaml"] = yaml.safe_dump(base).encode()
        label.append(f"extends = {v!r}")
    elif op == "empirical":
        dists = [p for p in paths if isinstance(_get(data, p), dict) and "dist" in _get(data, p)]
        if dists:
            p = draw(st.sampled_from(dists))
            n = draw(st.sampled_from([1, 10, 1000, 20000]))
            v = draw(st.sampled_from([1.0, -1.0, math.inf, 0.0]))
            _parent(data, p)[p[-1]] = {"dist": "empirical", "values": [v] * n}
            label.append(f"empirical {p} x{n} of {v}")
    elif op == "dupe_id":
        sections = [s for s in ("nodes", "legs", "sourcing") if isinstance(data.get(s), dict)]
        if sections:
            s = draw(st.sampled_from(sections))
            if data[s]:
                k = draw(st.sampled_from(sorted(map(str, data[s]))))
                new = draw(st.sampled_from([k.upper(), k + " ", "ünï", "1", "a.b", "x" * 300]))
                data[s][new] = copy.deepcopy(data[s].get(k))
                label.append(f"copy {s}.{k} as {new!r}")


def _bomb(levels: int, width: int) -> str:
    lines = ["bomb0: &b0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]")
    return "\n".join(lines) + f"\ndescription: *b{levels - 1}\n"


@st.composite
def _text_mutation(draw, text: str, label: list[str]) -> bytes:
    op = draw(
        st.sampled_from(
            ["dup_line", "bomb", "self_anchor", "tag", "nest", "garbage", "truncate", "style"]
        )
    )
    lines = text.splitlines(keepends=True) or [""]
    if op == "dup_line":
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        label.append(f"duplicate line {i + 1}")
        return "".join(lines).encode()
    if op == "bomb":
        levels, width = draw(st.integers(2, 10)), draw(st.integers(2, 10))
        label.append(f"alias bomb {levels}x{width}")
        return (_bomb(levels, width) + text).encode()
    if op == "self_anchor":
        v = draw(st.sampled_from(["&a [*a]", "&a {x: *a}", "&a [1, [2, *a]]", "&a {<<: *a}"]))
        label.append(f"self anchor {v}")
        return f"description: {v}\n{text}".encode()
    if op == "tag":
        candidates = [i for i, line in enumerate(lines) if ": " in line and "#" not in line]
        tag = draw(st.sampled_from(TAGS))
        if candidates:
            i = draw(st.sampled_from(candidates))
            key, _ = lines[i].split(": ", 1)
            lines[i] = f"{key}: {tag}\n"
            label.append(f"tag line {i + 1}: {tag}")
        return "".join(lines).encode()
    if op == "nest":
        depth = draw(st.sampled_from([50, 500, 1000, 3000, 20000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
        label.append(f"nesting {depth} {opener}")
        return (f"description: {opener * depth}1{closer * depth}\n" + text).encode()
    raw = text.encode()
    if op == "garbage":
        at = draw(st.integers(0, len(raw)))
        junk = draw(st.binary(min_size=1, max_size=16))
        label.append(f"garbage at {at}: {junk!r}")
        return raw[:at] + junk + raw[at:]
    if op == "truncate":
        at = draw(st.integers(0, len(raw)))
        label.append(f"truncate at {at}")
        return raw[:at]
    style = draw(st.sampled_from(["crlf", "tabs", "bom", "nul"]))
    label.append(f"style {style}")
    if style == "crlf":
        return text.replace("\n", "\r\n").encode()
    if style == "tabs":
        return text.replace("    ", "\t").encode()
    if style == "bom":
        return b"\xef\xbb\xbf" + raw
    return raw.replace(b"\n", b"\n\x00", 1)


@st.composite
def cases(draw) -> Case:
    """One mutated shipped scenario: 1–3 mutations of its data, then maybe one of its text."""
    name = draw(st.sampled_from(sorted(_TEXTS)))
    label = [name]
    files: dict[str, bytes] = {}
    data = copy.deepcopy(_DATA[name])
    n_data = draw(st.integers(0, 3))
    for _ in range(n_data):
        draw(_data_mutation(data, label, files))
    text = _TEXTS[name] if n_data == 0 else yaml.safe_dump(data, sort_keys=False)
    mutate_text = n_data == 0 or draw(st.booleans())
    files[MAIN] = draw(_text_mutation(text, label)) if mutate_text else text.encode()
    return Case(files, label)


# --------------------------------------------------------------------------- sandbox

# What a short run of an accepted file is given (a month, one replication, this process).
RUN_ARGS = [
    "--set",
    "horizon_days=30",
    "--set",
    "warmup_days=0",
    "-n",
    "1",
    "--jobs",
    "1",
    "--no-report",
    "--no-alternatives",
    "--quiet",
]


def _child(argv: list[str], work: Path, log: Path, memory: int) -> None:
    """In the forked child: cap memory, run the CLI, exit with its status (99: traceback)."""
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        vm = _vm_bytes()
        cap = vm + memory if vm else resource.RLIM_INFINITY
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        os.chdir(work)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        import sys
        import traceback

        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        try:
            from simulator.cli import main

            rc = main(argv)
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
            rc = 99
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(rc or 0))
    finally:
        os._exit(98)


def _vm_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_cli(
    argv: list[str], work: Path, timeout: float, memory: int = 2 << 30
) -> tuple[str, int, float, str]:
    """Run ``diversim ARGV`` in a forked child in ``work``: (status, exit code, seconds, output).

    status is exit, hang (killed after ``timeout`` s) or crash (killed by a signal).
    """
    log = Path(tempfile.mkstemp(prefix="fuzz-log-")[1])
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        _child(argv, work, log, memory)
    status, code = "exit", 0
    while True:
        done, wstatus = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() - started > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = "hang"
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - started
    if status == "exit":
        if os.WIFSIGNALED(wstatus):
            status, code = "crash", -os.WTERMSIG(wstatus)
        else:
            code = os.WEXITSTATUS(wstatus)
    text = log.read_text(encoding="utf-8", errors="replace")
    log.unlink()
    return status, code, seconds, text


def _snapshot(work: Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for p in work.rglob("*"):
        rel = p.relative_to(work).as_posix()
        out[rel] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
    return out


def write_case(case: Case, work: Path) -> None:
    """Write the case's files into ``work`` (the @WORK@ placeholder becomes ``work``)."""
    for rel, content in case.files.items():
        path = work / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.replace(WORK.encode(), str(work).encode()))


def check(
    case: Case, timeout: float = 10.0, run_timeout: float = 60.0, run: bool = True
) -> Outcome:
    """Validate the case and, if accepted, run it briefly; say what happened."""
    work = Path(tempfile.mkdtemp(prefix="diversim-fuzz-"))
    try:
        write_case(case, work)
        before = _snapshot(work)
        status, code, secs, text = run_cli(["validate", MAIN], work, timeout)
        verdict = _judge(status, code, text, secs)
        if verdict is not None:
            return verdict
        if code == 2:
            return Outcome("refused", secs, _last_line(text))
        if not run:
            return Outcome("ok", secs)
        status, code, rsecs, rtext = run_cli(["run", MAIN, *RUN_ARGS], work, run_timeout)
        bad = _judge(status, code, rtext, rsecs)
        if bad is not None:
            kind = {"hang": "run-hang"}.get(bad.kind, bad.kind)
            return Outcome(kind, secs, "run: " + bad.detail, rsecs)
        if code != 0:
            return Outcome("run-failed", secs, _last_line(rtext), rsecs)
        after = _snapshot(work)
        touched = sorted(
            rel
            for rel, content in after.items()
            if not (rel == "results" or rel.startswith("results/"))
            and before.get(rel, b"\0missing") != content
        )
        touched += sorted(rel for rel in before if rel not in after)
        if touched:
            return Outcome("escaped", secs, f"touched {touched[:5]}", rsecs)
        return Outcome("ok", secs, "", rsecs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _judge(status: str, code: int, text: str, secs: float) -> Outcome | None:
    if status == "hang":
        return Outcome("hang", secs, f"no answer in {secs:.0f} s")
    if status == "crash":
        return Outcome("crash", secs, f"killed by signal {-code}: {_last_line(text)}")
    if "Traceback (most recent call last)" in text or code == 99:
        return Outcome("traceback", secs, _last_line(text))
    if code not in (0, 2):
        return Outcome("bad-exit", secs, f"exit {code}: {_last_line(text)}")
    return None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
