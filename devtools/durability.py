"""`python -m devtools durability`: SIGKILL the bot while feedback is being sent; lose nothing.

    python -m devtools durability [--runs 50] [--users 8] [--kill-within 3] [--seed N]
        [--work-dir D]

The real bot runs as a subprocess (`python -m bot run`) against an in-process `FakeBotApi`, on
one data directory for the whole session. Each run:

1. `--users` people at once go through the whole survey (language, /feedback, three answers, a
   comment carrying a unique word `marker<run>x<n>`, age, municipality, Send), one after another,
   each with a fresh Telegram account;
2. at a random moment up to `--kill-within` seconds after the run's first thank-you (so every
   run has something to lose), while the others keep sending, the bot process gets SIGKILL (no
   shutdown, no flush: mid-request, mid-commit, between commit and thank-you);
3. a submission counts as acknowledged when the fake Bot API has received the thank-you
   (the confirmation edited into "Thank you! Your feedback is saved."): what the person saw;
4. the bot is started again on the same data directory and serves a /start; then, through a
   separate SQLite connection, every submission ever acknowledged must be in the `feedback`
   table exactly once and `PRAGMA integrity_check` must say ok. Submissions that were not
   acknowledged may or may not be there: both are fine and are counted.

The restarted bot is the one the next run kills. At the end it is stopped with SIGTERM and the
database is checked once more. Exit code 0 only when nothing acknowledged was lost, nothing was
stored twice and every integrity check passed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.model import LANGUAGES, Lang

if TYPE_CHECKING:
    from devtools.fake_telegram import FakeBotApi, FakeUser, SentMessage

DEFAULT_RUNS = 50
DEFAULT_USERS = 8
DEFAULT_KILL_WITHIN = 3.0
#: How long a started bot may take to answer its first /start (content, search index, WAL).
STARTUP_TIMEOUT = 60.0
#: How long one step of a survey may take before the driver gives up on it.
STEP_TIMEOUT = 10.0
MARKER = re.compile(r"marker(\d+)x(\d+)")
THANKS_MSGID = "Thank you! Your feedback is saved."
_WORDS = ("bra", "dåligt", "hyra", "skola", "väntetid", "tolk", "lačho", "hyvä", "jono", "čhavo")


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What a separate SQLite connection sees."""

    integrity: str
    #: marker -> how many feedback rows carry it
    markers: Mapping[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == "ok"


@dataclass(frozen=True, slots=True)
class RunResult:
    run: int
    killed_after: float
    sent: int
    acknowledged: int
    in_flight: int
    restart_seconds: float
    found: int
    #: Acknowledged in this or any earlier run, missing from the database now.
    lost: tuple[str, ...]
    duplicates: tuple[str, ...]
    #: Stored although the person never saw the thank-you (allowed).
    saved_unacknowledged: int
    integrity: str

    @property
    def ok(self) -> bool:
        return not self.lost and not self.duplicates and self.integrity == "ok"

    def line(self, runs: int, acknowledged_total: int) -> str:
        width = len(str(runs))
        return (
            f"run {self.run:>{width}}/{runs}: SIGKILL {self.killed_after:4.2f}s after the first "
            f"thank-you; {self.sent:3d} sent, {self.acknowledged:3d} acknowledged, "
            f"{self.in_flight:2d} in flight | restart {self.restart_seconds:4.1f}s: "
            f"acknowledged found {self.found}/{acknowledged_total}, lost {len(self.lost)}, "
            f"twice {len(self.duplicates)}, unacknowledged but saved "
            f"{self.saved_unacknowledged}, integrity {self.integrity}"
        )


@dataclass(slots=True)
class Summary:
    runs: list[RunResult] = field(default_factory=list)
    final_integrity: str = "not checked"
    final_lost: tuple[str, ...] = ()
    bot_errors: int = 0
    seed: int = 0

    @property
    def kills(self) -> int:
        return len(self.runs)

    @property
    def sent(self) -> int:
        return sum(r.sent for r in self.runs)

    @property
    def acknowledged(self) -> int:
        return sum(r.acknowledged for r in self.runs)

    @property
    def lost(self) -> int:
        return len({m for r in self.runs for m in r.lost} | set(self.final_lost))

    @property
    def duplicates(self) -> int:
        return len({m for r in self.runs for m in r.duplicates})

    @property
    def kills_mid_send(self) -> int:
        return sum(r.in_flight > 0 for r in self.runs)

    @property
    def integrity_ok(self) -> int:
        return sum(r.integrity == "ok" for r in self.runs)

    @property
    def ok(self) -> bool:
        return (
            bool(self.runs)
            and all(r.ok for r in self.runs)
            and not self.final_lost
            and self.final_integrity == "ok"
        )

    def lines(self) -> list[str]:
        in_flight = sum(r.in_flight for r in self.runs)
        saved = sum(r.saved_unacknowledged for r in self.runs)
        kill_times = sorted(r.killed_after for r in self.runs)
        spread = f"{kill_times[0]:.2f}-{kill_times[-1]:.2f}s" if kill_times else "-"
        return [
            f"runs: {len(self.runs)}, SIGKILLs survived: {self.kills} (after the first thank-you: "
            f"{spread}; with a Send pressed and not yet acknowledged: {self.kills_mid_send}), "
            f"seed {self.seed}",
            f"submissions sent: {self.sent}, acknowledged: {self.acknowledged}, in flight at "
            f"the kills: {in_flight} (of them saved without acknowledgement: {saved})",
            f"lost acknowledged submissions: {self.lost}, stored twice: {self.duplicates}",
            f"PRAGMA integrity_check ok after {self.integrity_ok}/{len(self.runs)} restarts; "
            f"after the final clean stop: {self.final_integrity}",
            f"bot ERROR log lines (redelivered updates after a kill): {self.bot_errors}",
            "RESULT: " + ("PASS" if self.ok else "FAIL"),
        ]


# --- the database, from outside -----------------------------------------------------------------


def inspect_database(path: Path) -> DatabaseState:
    """Integrity and the markers stored, through a new connection (sees only what is committed)."""
    if not path.exists():
        return DatabaseState("missing", {})
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
            rows = db.execute("PRAGMA integrity_check").fetchall()
            integrity = "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows)
            comments = db.execute(
                "SELECT comment FROM feedback WHERE comment IS NOT NULL"
            ).fetchall()
    except sqlite3.DatabaseError as exc:
        return DatabaseState(f"unreadable: {exc}", {})
    markers: Counter[str] = Counter()
    for (comment,) in comments:
        markers.update(match.group() for match in MARKER.finditer(str(comment)))
    return DatabaseState(integrity, dict(markers))


def missing(acknowledged: Collection[str], state: DatabaseState) -> tuple[str, ...]:
    return tuple(sorted(m for m in acknowledged if state.markers.get(m, 0) == 0))


def stored_twice(state: DatabaseState) -> tuple[str, ...]:
    return tuple(sorted(m for m, count in state.markers.items() if count > 1))


# --- the bot process ----------------------------------------------------------------------------


class BotProcess:
    """`python -m bot run` against the fake, with only this session's settings in its env."""

    def __init__(self, api: FakeBotApi, data_dir: Path, log_path: Path) -> None:
        self.api = api
        self.data_dir = data_dir
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self._probes = 0

    def environment(self) -> dict[str, str]:
        from bot.config import REPO_ROOT

        # Nothing of the operator's configuration (BOT_CONFIG could name the real one).
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=self.api.token,
            TELEGRAM_API_BASE_URL=self.api.base_url,
            BOT_DATA_DIR=str(self.data_dir),
            BOT_LOG_LEVEL="WARNING",
            PYTHONPATH=os.pathsep.join(
                p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        )
        return env

    async def start(self) -> float:
        """Spawn the bot and wait until it answers a /start; return the seconds that took."""
        from bot.config import REPO_ROOT

        began = time.monotonic()
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=REPO_ROOT,
                env=self.environment(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self._probes += 1
        probe = self.api.new_user(first_name=f"Probe{self._probes}")
        mark = self.api.mark()
        self.api.send_text(probe, "/start")
        waiter = asyncio.ensure_future(
            self.api.wait_for_message(probe.chat_id, after=mark, timeout=STARTUP_TIMEOUT)
        )
        exited = asyncio.ensure_future(self.process.wait())
        done, _ = await asyncio.wait({waiter, exited}, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()
            raise RuntimeError(
                f"the bot exited with {self.process.returncode}; see {self.log_path}"
            )
        exited.cancel()
        waiter.result()  # a TimeoutError if it never answered
        return time.monotonic() - began

    async def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        """SIGTERM: finish the updates in hand, close the database."""
        if self.process is None:
            return 0
        if self.process.returncode is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(60):
                return await self.process.wait()
        except TimeoutError:
            await self.kill()
            return -9


# --- people sending feedback --------------------------------------------------------------------


class Crowd:
    """People going through the survey at once, each submission from a fresh account."""

    def __init__(
        self, api: FakeBotApi, rng: random.Random, run: int, thanks: Mapping[Lang, str]
    ) -> None:
        self.api = api
        self.thanks = thanks
        self.rng = rng
        self.run = run
        self.count = 0
        #: marker -> (chat id, language) of every submission whose Send was pressed
        self.sent: dict[str, tuple[int, Lang]] = {}
        #: Set at the run's first thank-you.
        self.first_thanks = asyncio.Event()

    async def keep_submitting(self) -> None:
        await asyncio.sleep(self.rng.uniform(0.0, 1.0))  # so that Sends do not come in step
        while True:
            try:
                await self.submit_one()
            except TimeoutError:
                return  # the bot is gone

    async def _next(self, user: FakeUser, inject: Callable[[], object]) -> SentMessage:
        mark = self.api.mark()
        inject()
        return await self.api.wait_for_message(user.chat_id, after=mark, timeout=STEP_TIMEOUT)

    async def _choose(self, user: FakeUser, message: SentMessage, prefix: str) -> SentMessage:
        """Press one of the buttons whose data starts with `prefix`, at random."""
        current = self.api.get_message(message.chat_id, message.message_id) or message
        options = [
            i
            for i, b in enumerate(current.flat_buttons)
            if b.callback_data is not None and b.callback_data.startswith(prefix)
        ]
        if not options:
            raise RuntimeError(f"no button {prefix}* in {current.button_texts}")
        index = self.rng.choice(options)
        return await self._next(user, lambda: self.api.press(user, current, index))

    async def submit_one(self) -> None:
        lang = self.rng.choice(LANGUAGES)
        user = self.api.new_user(first_name="Resident", language_code=lang)
        self.count += 1
        marker = f"marker{self.run}x{self.count}"
        greeting = await self._next(user, lambda: self.api.send_text(user, "/start"))
        await self._choose(user, greeting, f"lang:{lang}")
        screen = await self._next(user, lambda: self.api.send_text(user, "/feedback"))
        for step in ("svc", "rate", "resp"):
            skip = self.rng.random() < 0.1
            screen = await self._choose(user, screen, f"fq:{step}:" + ("-" if skip else ""))
        words = " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(1, 12)))
        comment = f"{marker} {words}"
        screen = await self._next(user, lambda: self.api.send_text(user, comment))
        for step in ("age", "mun"):
            screen = await self._choose(user, screen, f"fq:{step}:")
        self.sent[marker] = (user.chat_id, lang)
        reply = await self._choose(user, screen, "fq:send")
        if self.thanks[lang] in reply.plain:
            self.first_thanks.set()


def acknowledged(
    api: FakeBotApi, sent: Mapping[str, tuple[int, Lang]], thanks: Mapping[Lang, str]
) -> set[str]:
    """The markers whose person was shown the thank-you, by what the fake Bot API received."""
    seen = set()
    for marker, (chat_id, lang) in sent.items():
        for message in api.messages_in(chat_id):
            versions = [message.plain, *(v.plain for v in message.history)]
            if any(thanks[lang] in text for text in versions):
                seen.add(marker)
                break
    return seen


# --- the session --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    runs: int = DEFAULT_RUNS
    users: int = DEFAULT_USERS
    kill_within: float = DEFAULT_KILL_WITHIN
    seed: int | None = None
    work_dir: Path | None = None


async def run_session(options: Options, out: Callable[[str], None] = print) -> Summary:
    from bot.config import REPO_ROOT
    from bot.i18n import load_translators
    from devtools.fake_telegram import FakeBotApi

    if options.runs < 1 or options.users < 1 or options.kill_within < 0:
        raise ValueError(f"invalid options: {options}")
    seed = options.seed if options.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    translators = load_translators(REPO_ROOT / "locale")
    thanks = {lang: translators[lang]._(THANKS_MSGID) for lang in LANGUAGES}
    summary = Summary(seed=seed)
    with contextlib.ExitStack() as stack:
        if options.work_dir is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bot-durability-")))
        else:
            work = options.work_dir
            work.mkdir(parents=True, exist_ok=True)
        data_dir = work / "data"
        database = data_dir / "bot.sqlite3"
        log_path = work / "bot.log"
        out(
            f"durability: {options.runs} runs, {options.users} people at once, SIGKILL within "
            f"{options.kill_within}s of the first thank-you, seed {seed}, data in {data_dir}"
        )
        acknowledged_all: set[str] = set()
        async with FakeBotApi() as api:
            bot = BotProcess(api, data_dir, log_path)
            await bot.start()
            try:
                for number in range(1, options.runs + 1):
                    result = await _one_run(
                        number, options, rng, api, bot, database, thanks, acknowledged_all
                    )
                    summary.runs.append(result)
                    out(result.line(options.runs, len(acknowledged_all)))
            finally:
                await bot.stop()
        state = await asyncio.to_thread(inspect_database, database)
        summary.final_integrity = state.integrity
        summary.final_lost = missing(acknowledged_all, state)
        if log_path.exists():
            summary.bot_errors = sum(
                " level=ERROR " in line or " level=CRITICAL " in line
                for line in log_path.read_text(errors="replace").splitlines()
            )
    for line in summary.lines():
        out(line)
    return summary


async def _one_run(
    run: int,
    options: Options,
    rng: random.Random,
    api: FakeBotApi,
    bot: BotProcess,
    database: Path,
    thanks: Mapping[Lang, str],
    acknowledged_all: set[str],
) -> RunResult:
    crowd = Crowd(api, random.Random(rng.randrange(2**32)), run, thanks)
    people = [asyncio.create_task(crowd.keep_submitting()) for _ in range(options.users)]
    try:
        async with asyncio.timeout(STEP_TIMEOUT * 12):
            await crowd.first_thanks.wait()
        delay = rng.uniform(0.0, options.kill_within)
        await asyncio.sleep(delay)
        await bot.kill()
    finally:
        for person in people:
            person.cancel()
        outcomes = await asyncio.gather(*people, return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, Exception)]
    if failures:
        raise RuntimeError(f"run {run}: a person's survey went wrong: {failures[0]!r}")
    seen = acknowledged(api, crowd.sent, thanks)
    acknowledged_all |= seen
    restart = await bot.start()
    state = await asyncio.to_thread(inspect_database, database)
    ours = {m for m in state.markers if m.startswith(f"marker{run}x")}
    lost = missing(acknowledged_all, state)
    return RunResult(
        run=run,
        killed_after=delay,
        sent=len(crowd.sent),
        acknowledged=len(seen),
        in_flight=len(crowd.sent) - len(seen),
        restart_seconds=restart,
        found=len(acknowledged_all) - len(lost),
        lost=lost,
        duplicates=stored_twice(state),
        saved_unacknowledged=len(ours - seen),
        integrity=state.integrity,
    )


# --- command line -------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="kills and restarts")
    parser.add_argument(
        "--users", type=int, default=DEFAULT_USERS, help="people sending feedback at once"
    )
    parser.add_argument(
        "--kill-within",
        type=float,
        default=DEFAULT_KILL_WITHIN,
        metavar="SECONDS",
        help="the kill comes at a random moment at most this long after a run's first thank-you",
    )
    parser.add_argument("--seed", type=int, default=None, help="random choices (not timing)")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="keep the database and the bot's log here (default: a temporary directory)",
    )


def run(args: argparse.Namespace) -> int:
    options = Options(
        runs=args.runs,
        users=args.users,
        kill_within=args.kill_within,
        seed=args.seed,
        work_dir=args.work_dir,
    )
    summary = asyncio.run(run_session(options, out=lambda line: print(line, flush=True)))
    return 0 if summary.ok else 1
