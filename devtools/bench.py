"""`python -m devtools bench`: search latency, end-to-end throughput against a bare echo bot,
start-up time and peak memory, side by side in one run.

    python -m devtools bench [--rounds N] [--quick] [--cold-start] [--json] [--sweep 1,4,8,16,64]

Search latency: `devtools.search_bench.measure_latency` over the evaluation questions, with today's
content and with the content replicated 10 times (targets: p99 < 2 ms and < 5 ms).

End to end: each contender runs as a subprocess against its own in-process `FakeBotApi`; the
contenders take turns within every round (the order rotates from round to round):

* the bot as deployed, `python -m bot run` (update workers and outgoing rate limits as built);
* the same bot without outgoing rate limits (`build_application(rate_limits=None)`, run by
  `python -m devtools.bench --serve-bot`): its processing capacity, the figure that is compared with
  the echo bot, which has no rate limiter either (the deployed bot is capped by design at
  Telegram's ~30 messages a second);
* a bare python-telegram-bot echo bot, `python -m devtools.bench_echo` (PTB defaults).

Per round and contender: spawn (start-up = spawn to the first getUpdates reaching the fake; the
bot starts as it restarts, with its content and search index cached, unless --cold-start),
every user opens a deep link `/start <lang>-<topic>` (which sets the language), an untimed
warm-up of a few questions, a pause if the bot's incoming flood control needs it, then every timed
question is injected at once (users x questions, in the users' languages, interleaved) and timed
until the last reply arrived and the bot is idle. Peak memory is the subprocess's VmHWM, CPU time
its user + system time during the timed part; both are read before it is stopped ("fake ms/upd"
is this process's CPU over the same part: the fake Bot API plus the 1 ms poller that timestamps
replies). Reported: medians over the rounds, and the ratio of the bot's rate to the echo bot's
(median of the per-round ratios; target >= 0.8).

Concurrency: the bot without rate limits is also run with each `--sweep` value as its update
workers (`build_application(workers=N)`), against the echo bot with `concurrent_updates(N)`.

Numbers depend on the machine and on whatever else runs on it: the load average is reported with
them, and CPU ms per update is much less sensitive to other load than updates per second. The
test suite only smoke-tests this (no timed assertions).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import inspect
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bot.config import REPO_ROOT

if TYPE_CHECKING:
    from devtools.fake_telegram import FakeBotApi, FakeUser
    from devtools.search_eval import Question

#: Targets from the issue.
LATENCY_TARGETS_MS: dict[int, float] = {1: 2.0, 10: 5.0}
TARGET_RATIO = 0.8
DEFAULT_ROUNDS = 5
DEFAULT_SWEEP_ROUNDS = 3
DEFAULT_USERS = 50
DEFAULT_QUESTIONS_PER_USER = 10
DEFAULT_SWEEP = (1, 4, 8, 16, 64)
#: How often the benchmark looks at the fake's event list and poll state: the resolution of the
#: end-of-round and start-up timestamps.
POLL_INTERVAL = 0.001
#: How long the bot must be quiet (no Bot API call under way) to count as done with a round.
IDLE_QUIET = 0.25
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
#: Same long-poll timeout as `python -m bot run`.
POLL_TIMEOUT = 30

Kind = Literal["deployed", "unlimited", "echo"]


class BenchError(RuntimeError):
    """The benchmark could not measure (a subprocess died, replies never came, ...)."""


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LatencyResult:
    replicate: int
    queries: int
    p50_ms: float
    p99_ms: float
    target_p99_ms: float

    @property
    def ok(self) -> bool:
        return self.p99_ms < self.target_p99_ms


@dataclass(frozen=True, slots=True)
class RoundResult:
    """One subprocess, one timed round."""

    startup_s: float
    updates: int
    replies: int
    seconds: float
    peak_rss_mib: float
    #: CPU time (user + system, all threads) the subprocess spent on the timed part.
    cpu_s: float
    #: CPU time of this process (the fake Bot API, which also parses every message the bot
    #: sends) over the same part: near `seconds`, the fake and not the bot set the pace.
    fake_cpu_s: float
    #: Bot API calls the fake refused; log lines of errors, warnings or flood control.
    rejected: int
    log_problems: int

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms_per_update(self) -> float:
        return self.cpu_s * 1000.0 / self.updates

    @property
    def fake_cpu_ms_per_update(self) -> float:
        return self.fake_cpu_s * 1000.0 / self.updates


@dataclass(slots=True)
class Contender:
    """One program with one configuration, and its rounds."""

    kind: Kind
    label: str
    #: Update workers / concurrent updates; None is the program's own default.
    concurrency: int | None = None
    rounds: list[RoundResult] = field(default_factory=list)

    @property
    def updates_per_s(self) -> float:
        return statistics.median(r.updates_per_s for r in self.rounds)

    @property
    def cpu_ms_per_update(self) -> float:
        return statistics.median(r.cpu_ms_per_update for r in self.rounds)

    @property
    def fake_cpu_ms_per_update(self) -> float:
        return statistics.median(r.fake_cpu_ms_per_update for r in self.rounds)

    @property
    def startup_s(self) -> float:
        return statistics.median(r.startup_s for r in self.rounds)

    @property
    def peak_rss_mib(self) -> float:
        return statistics.median(r.peak_rss_mib for r in self.rounds)

    @property
    def problems(self) -> int:
        return sum(r.rejected + r.log_problems for r in self.rounds)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "concurrency": self.concurrency,
            "updates_per_s": self.updates_per_s,
            "cpu_ms_per_update": self.cpu_ms_per_update,
            "fake_cpu_ms_per_update": self.fake_cpu_ms_per_update,
            "startup_s": self.startup_s,
            "peak_rss_mib": self.peak_rss_mib,
            "problems": self.problems,
            "rounds": [
                {
                    **dataclasses.asdict(r),
                    "updates_per_s": r.updates_per_s,
                    "cpu_ms_per_update": r.cpu_ms_per_update,
                    "fake_cpu_ms_per_update": r.fake_cpu_ms_per_update,
                }
                for r in self.rounds
            ],
        }


def paired_ratio(bot: Contender, echo: Contender) -> float:
    """Median over rounds of the bot's rate / the echo bot's rate in the same round: the two ran
    back to back, so a change of machine load between rounds cancels out."""
    return statistics.median(
        b.updates_per_s / e.updates_per_s for b, e in zip(bot.rounds, echo.rounds, strict=True)
    )


def cpu_ratio(bot: Contender, echo: Contender) -> float | None:
    """The echo bot's CPU per update / the bot's: the rate ratio to expect when CPU-bound (None
    when a run was too short for the CPU clock, which ticks in 10 ms steps)."""
    if bot.cpu_ms_per_update <= 0 or echo.cpu_ms_per_update <= 0:
        return None
    return echo.cpu_ms_per_update / bot.cpu_ms_per_update


@dataclass(frozen=True, slots=True)
class SweepPoint:
    bot: Contender
    echo: Contender

    @property
    def ratio(self) -> float:
        return paired_ratio(self.bot, self.echo)


@dataclass(frozen=True, slots=True)
class BenchConfig:
    rounds: int = DEFAULT_ROUNDS
    sweep_rounds: int = DEFAULT_SWEEP_ROUNDS
    users: int = DEFAULT_USERS
    questions_per_user: int = DEFAULT_QUESTIONS_PER_USER
    warmup_per_user: int = 2
    sweep: tuple[int, ...] = DEFAULT_SWEEP
    content_dir: Path = REPO_ROOT / "content"
    questions_file: Path | None = None
    #: Every round builds the content and search index (a first start) instead of a restart's
    #: cache.
    cold_start: bool = False

    @property
    def updates_per_round(self) -> int:
        return self.users * self.questions_per_user


@dataclass(frozen=True, slots=True)
class BenchReport:
    config: BenchConfig
    latency: tuple[LatencyResult, ...]
    deployed: Contender
    #: The bot without outgoing rate limits; None if the bot cannot be built that way.
    unlimited: Contender | None
    echo: Contender
    sweep: tuple[SweepPoint, ...]
    notes: tuple[str, ...]
    machine: dict[str, Any]

    @property
    def compared(self) -> Contender:
        """The bot figure held against the echo bot (both without a rate limiter if possible)."""
        return self.unlimited or self.deployed

    @property
    def ratio(self) -> float:
        return paired_ratio(self.compared, self.echo)

    @property
    def cpu_ratio(self) -> float | None:
        return cpu_ratio(self.compared, self.echo)

    @property
    def deployed_ratio(self) -> float:
        return paired_ratio(self.deployed, self.echo)

    @property
    def contenders(self) -> list[Contender]:
        main = [self.deployed, *([self.unlimited] if self.unlimited else []), self.echo]
        return main + [c for point in self.sweep for c in (point.bot, point.echo)]

    def to_json(self) -> dict[str, Any]:
        return {
            "config": {
                "rounds": self.config.rounds,
                "sweep_rounds": self.config.sweep_rounds,
                "users": self.config.users,
                "questions_per_user": self.config.questions_per_user,
                "updates_per_round": self.config.updates_per_round,
                "sweep": list(self.config.sweep),
                "cold_start": self.config.cold_start,
            },
            "machine": self.machine,
            "search_latency": [
                {
                    "replicate": r.replicate,
                    "queries": r.queries,
                    "p50_ms": r.p50_ms,
                    "p99_ms": r.p99_ms,
                    "target_p99_ms": r.target_p99_ms,
                    "ok": r.ok,
                }
                for r in self.latency
            ],
            "deployed": self.deployed.to_json(),
            "unlimited": self.unlimited.to_json() if self.unlimited else None,
            "echo": self.echo.to_json(),
            "ratio": self.ratio,
            "cpu_ratio": self.cpu_ratio,
            "deployed_ratio": self.deployed_ratio,
            "target_ratio": TARGET_RATIO,
            "ratio_ok": self.ratio >= TARGET_RATIO,
            "sweep": [
                {
                    "bot": p.bot.to_json(),
                    "echo": p.echo.to_json(),
                    "ratio": p.ratio,
                    "cpu_ratio": cpu_ratio(p.bot, p.echo),
                }
                for p in self.sweep
            ],
            "notes": list(self.notes),
        }

    def format(self) -> str:
        c = self.config
        lines = [
            f"python -m devtools bench: {c.rounds} round(s), {c.users} users x "
            f"{c.questions_per_user} questions = {c.updates_per_round} updates per round; "
            f"{self.machine.get('cpus')} CPUs, load average "
            f"{self.machine.get('loadavg_before')} before, {self.machine.get('loadavg_after')} "
            "after",
            "",
            f"{'Search latency (ms, cold caches)':<46}{'p50':>8}{'p99':>8}   target p99",
        ]
        for r in self.latency:
            verdict = "ok" if r.ok else "MISSED"
            label = f"content x{r.replicate} ({r.queries} eval questions)"
            lines.append(
                f"  {label:<44}{r.p50_ms:>8.3f}{r.p99_ms:>8.3f}   < {r.target_p99_ms:g} ms  "
                f"{verdict}"
            )
        lines += [
            "",
            f"{'End to end (medians)':<46}{'upd/s':>8}{'CPU ms/upd':>12}{'fake ms/upd':>12}"
            f"{'start-up s':>12}{'peak MiB':>10}",
        ]
        for contender in (self.deployed, self.unlimited, self.echo):
            if contender is not None:
                lines.append(_row(contender))
        verdict = "ok" if self.ratio >= TARGET_RATIO else "BELOW TARGET"
        lines.append(
            f"  {'ratio: ' + _short(self.compared) + ' / echo':<44}{self.ratio:>8.2f}"
            f"   target >= {TARGET_RATIO}  {verdict}"
        )
        if self.cpu_ratio is not None:
            lines.append(
                f"  {'CPU per update: echo / bot':<44}"
                f"{self.cpu_ratio:>8.2f}   (the rate ratio to expect when CPU-bound)"
            )
        if self.unlimited is not None:
            lines.append(
                f"  {'ratio: bot as deployed / echo':<44}{self.deployed_ratio:>8.2f}"
                "   (rate-limited by design)"
            )
        if self.sweep:
            lines += [
                "",
                "Update workers sweep (bot without rate limits; echo with as many concurrent "
                "updates)",
                f"  {'workers':<10}{'bot upd/s':>10}{'echo upd/s':>12}{'ratio':>8}"
                f"{'bot CPU ms/upd':>16}{'echo CPU ms/upd':>17}{'bot MiB':>9}",
            ]
            for point in self.sweep:
                lines.append(
                    f"  {point.bot.concurrency!s:<10}{point.bot.updates_per_s:>10.1f}"
                    f"{point.echo.updates_per_s:>12.1f}{point.ratio:>8.2f}"
                    f"{point.bot.cpu_ms_per_update:>16.2f}{point.echo.cpu_ms_per_update:>17.2f}"
                    f"{point.bot.peak_rss_mib:>9.1f}"
                )
        if self.notes:
            lines += ["", *(f"Note: {note}" for note in self.notes)]
        problems = [
            f"{contender.label}: {contender.problems} refused call(s) or error/warning/flood log "
            "line(s)"
            for contender in self.contenders
            if contender.problems
        ]
        if problems:
            lines += ["", "Problems seen (the figures above may flatter):", *problems]
        return "\n".join(lines)


def _short(contender: Contender) -> str:
    return {"deployed": "bot", "unlimited": "bot (no rate limits)", "echo": "echo"}[contender.kind]


def _row(contender: Contender) -> str:
    return (
        f"  {contender.label:<44}{contender.updates_per_s:>8.1f}"
        f"{contender.cpu_ms_per_update:>12.2f}{contender.fake_cpu_ms_per_update:>12.2f}"
        f"{contender.startup_s:>12.2f}{contender.peak_rss_mib:>10.1f}"
    )


# --- search latency ------------------------------------------------------------------------------


def measure_search(config: BenchConfig, questions: Sequence[Question]) -> tuple[LatencyResult, ...]:
    from bot.search.engine import load_engine
    from devtools.search_bench import measure_latency

    engine = load_engine(config.content_dir)
    queries = [q.q for q in questions]
    results = []
    for replicate, target in LATENCY_TARGETS_MS.items():
        p50, p99 = measure_latency(engine, queries, replicate)
        results.append(LatencyResult(replicate, len(queries), p50, p99, target))
    return tuple(results)


# --- workload ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Workload:
    """What each user says: a deep link that sets their language, then questions."""

    #: (language, deep-link payload) per user
    users: tuple[tuple[str, str], ...]
    warmup: tuple[tuple[str, ...], ...]
    timed: tuple[tuple[str, ...], ...]
    #: The bot's built content and search index (BOT_CACHE_DIR), shared by every round as by
    #: the restarts of a deployed bot; None: each round builds them (a first start).
    cache_dir: Path | None = None

    @classmethod
    def build(cls, config: BenchConfig, questions: Sequence[Question]) -> Workload:
        from devtools.search_eval import LANGUAGE_ORDER

        by_lang = {lang: [q for q in questions if q.lang == lang] for lang in LANGUAGE_ORDER}
        langs = [lang for lang in LANGUAGE_ORDER if by_lang[lang]]
        if not langs:
            raise BenchError("no evaluation questions")
        users: list[tuple[str, str]] = []
        warmup: list[tuple[str, ...]] = []
        timed: list[tuple[str, ...]] = []
        seen: Counter[str] = Counter()
        for i in range(config.users):
            lang = langs[i % len(langs)]
            pool = by_lang[lang]
            start = seen[lang] * config.questions_per_user
            seen[lang] += 1
            # The deep link opens the topic the language's first question expects.
            users.append((lang, f"{lang}-{pool[0].expect[0]}"))
            timed.append(
                tuple(pool[(start + k) % len(pool)].q for k in range(config.questions_per_user))
            )
            # Warm-up from the other half of the pool, so that the timed round is not a replay.
            half = len(pool) // 2
            warmup.append(
                tuple(pool[(start + half + k) % len(pool)].q for k in range(config.warmup_per_user))
            )
        return cls(tuple(users), tuple(warmup), tuple(timed))

    @property
    def per_user(self) -> int:
        return max((len(t) for t in self.timed), default=0)


# --- the bot's build options ---------------------------------------------------------------------


def build_options() -> dict[str, inspect.Parameter]:
    """Keyword options of `bot.app.build_application` (e.g. workers, rate_limits)."""
    from bot.app import build_application

    parameters = inspect.signature(build_application).parameters
    return {name: p for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY}


def default_workers() -> int | None:
    option = build_options().get("workers")
    if option is None or not isinstance(option.default, int):
        return None
    return option.default


def flood_pause(tokens_used: int, tokens_needed: int, elapsed: float) -> float:
    """Seconds to wait so that the bot's incoming flood control lets `tokens_needed` more updates
    of each user through after `tokens_used` in the last `elapsed` seconds (0 if it has none)."""
    try:
        from bot.plumbing.flood import FloodPolicy
    except ImportError:
        return 0.0
    policy = FloodPolicy()
    if tokens_needed > policy.burst:
        raise BenchError(
            f"{tokens_needed} questions per user exceed the flood control burst "
            f"({policy.burst}): the bot would rightly refuse some"
        )
    deficit = tokens_used + tokens_needed - policy.burst
    if deficit <= 0:
        return 0.0
    return max(0.0, deficit / policy.rate - elapsed) + 0.1


# --- running one subprocess ----------------------------------------------------------------------


def _environment(api: FakeBotApi, data_dir: Path, cache_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env.pop("BENCH_ECHO_CONCURRENT_UPDATES", None)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + path if path else "")
    env["TELEGRAM_BOT_TOKEN"] = api.token
    env["TELEGRAM_API_BASE_URL"] = api.base_url
    env["BOT_DATA_DIR"] = str(data_dir)
    if cache_dir is not None:
        env["BOT_CACHE_DIR"] = str(cache_dir)
    return env


def _command(contender: Contender, env: dict[str, str]) -> list[str]:
    if contender.kind == "echo":
        if contender.concurrency is not None:
            env["BENCH_ECHO_CONCURRENT_UPDATES"] = str(contender.concurrency)
        return [sys.executable, "-m", "devtools.bench_echo"]
    if contender.kind == "deployed":
        return [sys.executable, "-m", "bot", "run"]
    argv = [sys.executable, "-m", "devtools.bench", "--serve-bot", "--no-rate-limits"]
    if contender.concurrency is not None:
        argv += ["--workers", str(contender.concurrency)]
    return argv


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (all its threads) so far, in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        # The command name (field 2) may contain spaces; the fields after it are plain numbers.
        fields = handle.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    """VmHWM (peak resident set size) of a live process, in MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    raise BenchError(f"no VmHWM for process {pid}")


async def _first_poll(api: FakeBotApi, proc: asyncio.subprocess.Process, spawned: float) -> float:
    while api.last_get_updates is None:
        if proc.returncode is not None:
            raise BenchError(f"the subprocess exited with {proc.returncode} before polling")
        if time.perf_counter() - spawned > START_TIMEOUT:
            raise BenchError(f"no getUpdates within {START_TIMEOUT:g} s of spawning")
        await asyncio.sleep(POLL_INTERVAL)
    return time.perf_counter() - spawned


async def _until_answered(
    api: FakeBotApi,
    proc: asyncio.subprocess.Process,
    mark: int,
    expected: dict[int, int],
    limit_s: float,
) -> tuple[float, int]:
    """Wait until each chat got at least its expected number of bot messages after `mark` and
    the bot is idle; return the `perf_counter` time of the last bot message (sent or edited)
    and how many there were."""
    counts: Counter[int] = Counter()
    index = mark
    last = time.perf_counter()
    waiting = {chat for chat, n in expected.items() if n > 0}
    deadline = time.perf_counter() + limit_s
    idle: asyncio.Task[None] | None = None
    try:
        while True:
            events = api.events
            if len(events) > index:
                last = time.perf_counter()
                for kind, message in events[index:]:
                    if kind != "deleted":
                        counts[message.chat_id] += 1
                index = len(events)
                waiting = {chat for chat in waiting if counts[chat] < expected[chat]}
            if not waiting and idle is None:
                # Catch trailing messages (answers of several messages) until the bot is quiet.
                remaining = max(1.0, deadline - time.perf_counter())
                idle = asyncio.create_task(api.wait_until_idle(IDLE_QUIET, remaining))
            if idle is not None and idle.done():
                idle.result()
                if len(api.events) == index:
                    return last, sum(counts.values())
                idle = None  # more came in: wait for quiet again
                continue
            if proc.returncode is not None:
                raise BenchError(f"the subprocess exited with {proc.returncode} mid-round")
            if time.perf_counter() > deadline:
                raise BenchError(
                    f"{len(waiting)} of {len(expected)} users still waiting for replies after "
                    f"{limit_s:g} s; refused calls: {api.rejected[-3:]}"
                )
            await asyncio.sleep(POLL_INTERVAL)
    finally:
        if idle is not None and not idle.done():
            idle.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await idle


def _inject(
    api: FakeBotApi, users: Sequence[FakeUser], texts: Sequence[Sequence[str]]
) -> dict[int, int]:
    """Send each user's texts, interleaved across users; return the messages per chat."""
    for k in range(max((len(t) for t in texts), default=0)):
        for user, mine in zip(users, texts, strict=True):
            if k < len(mine):
                api.send_text(user, mine[k])
    return {user.chat_id: len(mine) for user, mine in zip(users, texts, strict=True)}


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()


def _log_problems(log_file: Path) -> int:
    """Lines of the subprocess's log that say something went wrong or a user was throttled."""
    try:
        text = log_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    markers = ("ERROR", "level=WARNING", "Traceback", "flood control")
    return sum(1 for line in text.splitlines() if any(m in line for m in markers))


def _log_tail(log_file: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        text = log_file.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])
    return ""


async def run_round(contender: Contender, workload: Workload) -> RoundResult:
    """Spawn the contender against a fresh fake, warm it up, time one round, stop it."""
    from devtools.fake_telegram import FakeBotApi

    limit_s = max(60.0, len(workload.timed) * workload.per_user * 0.25)
    with tempfile.TemporaryDirectory(prefix="bot-bench-") as tmp:
        data_dir = Path(tmp)
        log_file = data_dir / "subprocess.log"
        async with FakeBotApi() as api:
            env = _environment(api, data_dir, workload.cache_dir)
            argv = _command(contender, env)
            with log_file.open("wb") as log:
                spawned = time.perf_counter()
                proc = await asyncio.create_subprocess_exec(
                    *argv,
                    cwd=REPO_ROOT,
                    env=env,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
            try:
                startup = await _first_poll(api, proc, spawned)
                users = [
                    api.new_user(f"User{i}", language_code="fi" if lang == "fi" else "sv")
                    for i, (lang, _) in enumerate(workload.users)
                ]
                began_warmup = time.perf_counter()
                starts = [(f"/start {payload}",) for _, payload in workload.users]
                await _until_answered(api, proc, 0, _inject(api, users, starts), limit_s)
                mark = api.mark()
                expected = _inject(api, users, workload.warmup)
                await _until_answered(api, proc, mark, expected, limit_s)
                used = 1 + max((len(w) for w in workload.warmup), default=0)
                elapsed = time.perf_counter() - began_warmup
                await asyncio.sleep(flood_pause(used, workload.per_user, elapsed))

                mark = api.mark()
                cpu_before = cpu_seconds(proc.pid)
                fake_before = time.process_time()
                began = time.perf_counter()
                expected = _inject(api, users, workload.timed)
                ended, replies = await _until_answered(api, proc, mark, expected, limit_s)
                cpu = cpu_seconds(proc.pid) - cpu_before
                fake_cpu = time.process_time() - fake_before
                peak = peak_rss_mib(proc.pid)
                rejected = len(api.rejected)
            except BenchError as exc:
                await _stop(proc)
                raise BenchError(f"{contender.label}: {exc}\n{_log_tail(log_file)}") from None
            finally:
                await _stop(proc)
        return RoundResult(
            startup_s=startup,
            updates=sum(expected.values()),
            replies=replies,
            seconds=ended - began,
            peak_rss_mib=peak,
            cpu_s=cpu,
            fake_cpu_s=fake_cpu,
            rejected=rejected,
            log_problems=_log_problems(log_file),
        )


async def run_rounds(
    contenders: Sequence[Contender], workload: Workload, rounds: int, progress: bool
) -> None:
    """Run every contender once per round, rotating who goes first from round to round."""
    for r in range(rounds):
        shift = r % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            result = await run_round(contender, workload)
            contender.rounds.append(result)
            if progress:
                print(
                    f"  round {r + 1}/{rounds} {contender.label}: "
                    f"{result.updates_per_s:.1f} updates/s, "
                    f"{result.cpu_ms_per_update:.2f} CPU ms/update, "
                    f"start-up {result.startup_s:.2f} s, peak {result.peak_rss_mib:.1f} MiB",
                    file=sys.stderr,
                    flush=True,
                )


# --- entry points --------------------------------------------------------------------------------


def run_benchmark(config: BenchConfig, *, progress: bool = False) -> BenchReport:
    from devtools.search_eval import DEFAULT_QUESTIONS, load_questions

    questions_file = config.questions_file or REPO_ROOT / DEFAULT_QUESTIONS
    questions = load_questions(questions_file)
    machine: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "loadavg_before": _loadavg(),
    }

    def say(text: str) -> None:
        if progress:
            print(text, file=sys.stderr, flush=True)

    say("search latency ...")
    latency = measure_search(config, questions)
    workload = Workload.build(config, questions)

    options = build_options()
    workers = default_workers()
    notes: list[str] = []
    suffix = f" ({workers} workers)" if workers is not None else ""
    deployed = Contender("deployed", "bot as deployed" + suffix)
    unlimited: Contender | None = None
    if "rate_limits" in options:
        unlimited = Contender("unlimited", "bot, no outgoing rate limits" + suffix)
    else:
        notes.append("build_application has no rate_limits option: compared as deployed")
    echo = Contender("echo", "echo bot: bare PTB, 1 update at a time")
    main = [c for c in (deployed, unlimited, echo) if c is not None]
    say("end to end ...")
    with tempfile.TemporaryDirectory(prefix="bot-bench-cache-") as cache:
        if config.cold_start:
            notes.append("start-up: a first start, content and search index built (--cold-start)")
        else:
            # Start-up as a deployed bot restarts: content and index built before.
            workload = dataclasses.replace(workload, cache_dir=prime_cache(Path(cache)))
            notes.append("start-up: a restart, content and search index cached (BOT_CACHE_DIR)")
        asyncio.run(run_rounds(main, workload, config.rounds, progress))
        sweep = run_sweep(config, workload, options, unlimited, notes, say, progress)
    machine["loadavg_after"] = _loadavg()
    return BenchReport(
        config, latency, deployed, unlimited, echo, tuple(sweep), tuple(notes), machine
    )


def run_sweep(
    config: BenchConfig,
    workload: Workload,
    options: dict[str, Any],
    unlimited: Contender | None,
    notes: list[str],
    say: Callable[[str], None],
    progress: bool,
) -> list[SweepPoint]:
    sweep: list[SweepPoint] = []
    if not config.sweep:
        pass
    elif unlimited is None or "workers" not in options:
        notes.append(
            "no sweep: build_application has no workers/rate_limits options, so only the "
            "default concurrency was measured"
        )
    else:
        for value in config.sweep:
            say(f"sweep: {value} workers ...")
            point = SweepPoint(
                Contender("unlimited", f"bot, no rate limits, {value} workers", value),
                Contender("echo", f"echo bot, {value} concurrent updates", value),
            )
            asyncio.run(
                run_rounds([point.bot, point.echo], workload, config.sweep_rounds, progress)
            )
            sweep.append(point)
    return sweep


def prime_cache(cache_dir: Path) -> Path:
    """Build the content and search index into `cache_dir` as the bot's first start would."""
    from bot.app import build_search
    from bot.config import Settings
    from bot.prebuilt import library_and_search

    settings = Settings(token="", cache_dir=cache_dir)
    library_and_search(
        settings.content_dir, cache_dir, lambda library: build_search(library, settings)
    )
    return cache_dir


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "?"


# --- the bot with build options, as a subprocess (python -m devtools.bench --serve-bot) ---


def serve_bot(*, workers: int | None, rate_limits: bool) -> int:
    """`python -m bot run` with build options: same settings, logging, polling and shutdown."""
    from bot.config import ConfigError, load_settings
    from bot.privacy.logs import configure_logging

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.token)
    options: dict[str, Any] = {}
    if workers is not None:
        options["workers"] = workers
    if not rate_limits:
        options["rate_limits"] = None
    asyncio.run(_serve(settings, options))
    return 0


async def _serve(settings: Any, options: dict[str, Any]) -> None:
    from bot.app import running_bot

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_bot(settings, poll_timeout=POLL_TIMEOUT, **options):
        await stop.wait()


# --- command line --------------------------------------------------------------------------------


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("concurrency values must be at least 1")
    return values


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=None, help=f"default {DEFAULT_ROUNDS}")
    parser.add_argument(
        "--quick", action="store_true", help="a fast smoke run: 1 round, 10 users, no sweep"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--cold-start",
        action="store_true",
        help="start every round without the content cache (a first start)",
    )
    parser.add_argument("--users", type=int, default=None, help=f"default {DEFAULT_USERS}")
    parser.add_argument(
        "--questions-per-user",
        type=int,
        default=None,
        help=f"default {DEFAULT_QUESTIONS_PER_USER}",
    )
    parser.add_argument(
        "--sweep",
        type=_int_list,
        default=None,
        metavar="N,N,...",
        help="update workers to try, '' for none (default "
        + ",".join(map(str, DEFAULT_SWEEP))
        + ")",
    )
    parser.add_argument(
        "--sweep-rounds", type=int, default=None, help=f"default {DEFAULT_SWEEP_ROUNDS}"
    )


def config_from_args(args: argparse.Namespace) -> BenchConfig:
    if args.quick:
        base = BenchConfig(
            rounds=1, sweep_rounds=1, users=10, questions_per_user=3, warmup_per_user=1, sweep=()
        )
    else:
        base = BenchConfig()
    changes: dict[str, Any] = {}
    for name in ("rounds", "sweep_rounds", "users", "questions_per_user", "sweep"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    config = dataclasses.replace(base, **changes, cold_start=args.cold_start)
    if min(config.rounds, config.sweep_rounds, config.users, config.questions_per_user) < 1:
        raise BenchError(
            "--rounds, --sweep-rounds, --users and --questions-per-user must be at least 1"
        )
    return config


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
        report = run_benchmark(config, progress=not args.json)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.format())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools bench", description=(__doc__ or "").split("\n")[0]
    )
    add_arguments(parser)
    # Internal: the bot with build options, as the benchmark's subprocess.
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-rate-limits", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bot:
        return serve_bot(workers=args.workers, rate_limits=not args.no_rate_limits)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
