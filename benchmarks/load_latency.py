"""How many update workers? Measured, not guessed: the real Application against the fake Bot API.

    PYTHONPATH=. python benchmarks/load_latency.py [--workers 1,2,4,8,16,64,256] [--rounds 3]
        [--latency 0.05]

Two workloads, both with every user acting at the same moment:

* burst: N users send /start at once; time until every greeting has arrived;
* journeys: U users each walk /start -> language -> /menu -> section -> a question, one step
  after the bot's reply to the previous one (as people do), all users at once.

Each runs with the outgoing rate limiter off (the bot's own processing capacity) and on (as
deployed: Telegram's 30 messages a second caps the burst at about 30 greetings a second, so
workers matter less there). The fake Bot API runs in the same process and event loop, so the
figures are for comparing settings on one machine, not absolute capacity. `--latency` adds a
round trip to every Bot API call but getUpdates (the fake answers in well under a millisecond;
Telegram, seen from a server in Sweden, in some tens of milliseconds). Not part of the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp import web as _web

from bot.app import RATE_LIMITS, running_bot
from bot.config import Settings
from bot.plumbing.ratelimit import RateLimits
from devtools.fake_telegram import FakeBotApi, FakeUser


async def _burst(api: FakeBotApi, users: int) -> float:
    people = [api.new_user() for _ in range(users)]
    await api.wait_until_idle(timeout=30)
    marks = api.mark()
    started = time.perf_counter()
    for person in people:
        api.send_text(person, "/start")
    await asyncio.gather(
        *(api.wait_for_message(p.chat_id, after=marks, timeout=120) for p in people)
    )
    return time.perf_counter() - started


async def _journey(api: FakeBotApi, person: FakeUser) -> int:
    async def step(action: object) -> object:
        mark = api.mark()
        if callable(action):
            action()
        return await api.wait_for_message(person.chat_id, after=mark, timeout=120)

    greeting = await step(lambda: api.send_text(person, "/start"))
    menu = await step(lambda: api.press(person, greeting, 0))  # type: ignore[arg-type]
    menu = await step(lambda: api.send_text(person, "/menu"))
    await step(lambda: api.press(person, menu, 0))  # type: ignore[arg-type]
    await step(lambda: api.send_text(person, "hur söker jag modersmål"))
    return 5


async def _journeys(api: FakeBotApi, users: int) -> float:
    people = [api.new_user() for _ in range(users)]
    started = time.perf_counter()
    steps = await asyncio.gather(*(_journey(api, p) for p in people))
    elapsed = time.perf_counter() - started
    return sum(steps) / elapsed


async def _measure(
    workers: int, limits: RateLimits | None, burst_users: int, users: int
) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        async with FakeBotApi() as api:
            settings = Settings(token=api.token, api_base_url=api.base_url, data_dir=Path(data_dir))
            async with running_bot(settings, poll_timeout=1, workers=workers, rate_limits=limits):
                burst = await _burst(api, burst_users)
                rate = await _journeys(api, users)
            assert api.rejected == [], api.rejected[:3]
    return burst, rate


def _add_latency(seconds: float) -> None:
    """Delay every answer of the fake but getUpdates by `seconds` (a network round trip)."""
    handle = FakeBotApi._handle

    async def slow(self: FakeBotApi, request: _web.Request) -> _web.Response:
        if request.match_info["method"].lower() != "getupdates":
            await asyncio.sleep(seconds)
        return await handle(self, request)

    FakeBotApi._handle = slow  # type: ignore[method-assign]


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,4,8,16,64,256")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--burst-users", type=int, default=200)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    if args.latency:
        _add_latency(args.latency)
    print(f"Bot API round trip added: {args.latency * 1000:.0f} ms")
    sweep = [int(w) for w in args.workers.split(",")]
    print(f"{'workers':>7} {'limits':>7} {'200 /start: s':>14} {'journeys: upd/s':>16}")
    for limits_name, limits in (("off", None), ("on", RATE_LIMITS)):
        for workers in sweep:
            bursts, rates = [], []
            for _ in range(args.rounds):
                burst, rate = await _measure(workers, limits, args.burst_users, args.users)
                bursts.append(burst)
                rates.append(rate)
            print(
                f"{workers:>7} {limits_name:>7} {statistics.median(bursts):>14.2f} "
                f"{statistics.median(rates):>16.0f}",
                flush=True,
            )


if __name__ == "__main__":
    asyncio.run(main())
