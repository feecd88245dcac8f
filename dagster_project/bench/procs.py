"""Sample CPU time and resident memory of a process tree from /proc (Linux), without psutil."""

from __future__ import annotations

import itertools
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Sample:
    at: float  # time.time()
    cpu_s: float  # user + system seconds of the tree so far (reaped children included)
    rss_bytes: int  # resident memory of the live processes of the tree
    processes: tuple[tuple[str, int], ...] = ()  # (label, resident bytes) of each live process


def _label(pid: int) -> str:
    """A short name for a process: its program and the first argument that says what it runs."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return str(pid)
    words = [a.decode(errors="replace") for a in argv if a]
    if not words:
        return str(pid)
    program = os.path.basename(words[0])
    code = words[words.index("-c") + 1] if "-c" in words[:-1] else ""
    if "multiprocessing.spawn" in code:
        return f"{program} (spawned worker)"
    if "resource_tracker" in code:
        return f"{program} (resource tracker)"
    rest = [os.path.basename(w) for w in words[1:] if not w.startswith("-") and w != code]
    return " ".join([program, *rest[:2]])


def _stat(pid: str) -> tuple[int, int, int] | None:
    """(ppid, cpu ticks incl. reaped children, rss pages) of one process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is the state; utime, stime, cutime, cstime are fields 14-17 of stat, rss field 24
    ppid = int(fields[1])
    ticks = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return ppid, ticks, int(fields[21])


def tree_usage(root: int) -> tuple[float, int]:
    """CPU seconds and RSS bytes of `root` and all its descendants now."""
    cpu, processes = _tree(root)
    return cpu, sum(processes.values())


def _tree(root: int) -> tuple[float, dict[int, int]]:
    """CPU seconds of `root` and its descendants, and the RSS bytes of each live one by pid."""
    procs = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(name)
            if st is not None:
                procs[int(name)] = st
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    ticks = 0
    live: dict[int, int] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in procs:
            ticks += procs[pid][1]
            live[pid] = procs[pid][2] * PAGE
        todo.extend(children.get(pid, []))
    return ticks / CLK_TCK, live


@dataclass
class TreeSampler:
    """Samples a process tree every `interval` seconds in a thread until stopped."""

    root: int
    interval: float = 0.2
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            cpu, live = _tree(self.root)
            # labels are read each time: a child forked a moment ago may not have exec'd yet
            processes = tuple(
                sorted(((_label(pid), rss) for pid, rss in live.items()), key=lambda x: -x[1])
            )
            self.samples.append(Sample(time.time(), cpu, sum(live.values()), processes))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def cpu_at(self, t: float) -> float:
        """Cumulative CPU seconds at time t, interpolated between samples (monotonic)."""
        s = self.samples
        if not s:
            return 0.0
        if t <= s[0].at:
            return s[0].cpu_s
        for a, b in itertools.pairwise(s):
            if a.at <= t <= b.at:
                if b.at == a.at:
                    return b.cpu_s
                return a.cpu_s + (b.cpu_s - a.cpu_s) * (t - a.at) / (b.at - a.at)
        return max(x.cpu_s for x in s)

    def _inside(self, start: float | None, end: float | None) -> list[Sample]:
        return [
            x
            for x in self.samples
            if (start is None or x.at >= start - self.interval)
            and (end is None or x.at <= end + self.interval)
        ]

    def peak_rss(self, start: float | None = None, end: float | None = None) -> int:
        return max((x.rss_bytes for x in self._inside(start, end)), default=0)

    def peak_processes(
        self, start: float | None = None, end: float | None = None
    ) -> tuple[tuple[str, int], ...]:
        """Each live process's (label, RSS bytes) at the sample where the tree was largest."""
        inside = self._inside(start, end)
        return max(inside, key=lambda x: x.rss_bytes).processes if inside else ()
