"""`python -m devtools bench`: a smoke run of `--quick` through the CLI, and the pure parts.

No timing thresholds here: the figures depend on the machine; only their presence is checked.
"""

from __future__ import annotations

import json

import pytest

from bot.config import REPO_ROOT
from bot.links.deeplinks import parse_payload
from devtools import bench
from devtools.bench import (
    BenchConfig,
    BenchReport,
    Contender,
    LatencyResult,
    RoundResult,
    SweepPoint,
    Workload,
    flood_pause,
    paired_ratio,
)
from devtools.cli import main as cli_main
from devtools.search_eval import DEFAULT_QUESTIONS, Question, load_questions


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    return list(load_questions(REPO_ROOT / DEFAULT_QUESTIONS))


def _round(rate: float, *, cpu_ms: float = 2.0, updates: int = 100) -> RoundResult:
    return RoundResult(
        startup_s=1.5,
        updates=updates,
        replies=updates,
        seconds=updates / rate,
        peak_rss_mib=70.0,
        cpu_s=cpu_ms * updates / 1000.0,
        fake_cpu_s=0.5,
        rejected=0,
        log_problems=0,
    )


@pytest.mark.slow
def test_quick_run_reports_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["bench", "--quick", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)

    assert [r["replicate"] for r in report["search_latency"]] == [1, 10]
    for latency in report["search_latency"]:
        assert latency["queries"] > 0
        assert 0 < latency["p50_ms"] <= latency["p99_ms"]
        assert latency["target_p99_ms"] > 0

    updates = report["config"]["updates_per_round"]
    assert updates == report["config"]["users"] * report["config"]["questions_per_user"] > 0
    # The bot without rate limits needs build_application(rate_limits=...).
    measured = ["deployed", "echo"]
    if "rate_limits" in bench.build_options():
        measured.append("unlimited")
    else:
        assert report["unlimited"] is None
    for name in measured:
        contender = report[name]
        assert contender["updates_per_s"] > 0, name
        assert contender["startup_s"] > 0, name
        assert contender["peak_rss_mib"] > 0, name
        # The CPU clock ticks in 10 ms steps: a quick round may take less than one tick.
        assert contender["cpu_ms_per_update"] >= 0, name
        assert contender["fake_cpu_ms_per_update"] >= 0, name
        assert contender["problems"] == 0, name
        [only_round] = contender["rounds"]
        assert only_round["updates"] == updates
        assert only_round["replies"] >= updates
        assert only_round["seconds"] > 0
    assert report["ratio"] > 0
    assert report["deployed_ratio"] > 0
    assert report["sweep"] == []


def test_workload_gives_each_user_a_language_link_and_own_language_questions(
    questions: list[Question],
) -> None:
    config = BenchConfig(users=7, questions_per_user=4, warmup_per_user=2)
    workload = Workload.build(config, questions)

    assert [lang for lang, _ in workload.users] == ["sv", "fi", "rom", "sv", "fi", "rom", "sv"]
    by_text = {q.q: q.lang for q in questions}
    for (lang, payload), timed, warmup in zip(
        workload.users, workload.timed, workload.warmup, strict=True
    ):
        link = parse_payload(payload)
        assert link is not None and link.lang == lang
        assert len(timed) == 4 and len(warmup) == 2
        assert {by_text[text] for text in (*timed, *warmup)} == {lang}
    # Two users of one language ask different questions.
    assert workload.timed[0] != workload.timed[3]
    assert workload.per_user == 4


def test_flood_pause_keeps_the_timed_questions_under_the_bots_flood_control() -> None:
    flood = pytest.importorskip("bot.plumbing.flood")
    policy = flood.FloodPolicy()
    assert flood_pause(1, policy.burst - 1, elapsed=0.0) == 0.0
    needed = flood_pause(3, policy.burst, elapsed=0.0)
    assert needed == pytest.approx(3 / policy.rate + 0.1)
    assert flood_pause(3, policy.burst, elapsed=3 / policy.rate) == pytest.approx(0.1)
    with pytest.raises(bench.BenchError):
        flood_pause(0, policy.burst + 1, elapsed=0.0)


def test_ratio_pairs_rounds_that_ran_back_to_back() -> None:
    bot = Contender("unlimited", "bot", rounds=[_round(50), _round(100), _round(80)])
    echo = Contender("echo", "echo", rounds=[_round(100), _round(400), _round(100)])
    # Per round: 0.5, 0.25, 0.8 -> median 0.5 (the ratio of medians would be 0.8).
    assert paired_ratio(bot, echo) == pytest.approx(0.5)


def _report(sweep: tuple[SweepPoint, ...] = ()) -> BenchReport:
    return BenchReport(
        config=BenchConfig(rounds=3),
        latency=(LatencyResult(1, 244, 0.2, 0.7, 2.0), LatencyResult(10, 244, 0.3, 6.0, 5.0)),
        deployed=Contender("deployed", "bot as deployed", rounds=[_round(30, cpu_ms=4.0)]),
        unlimited=Contender("unlimited", "bot, no rate limits", rounds=[_round(90, cpu_ms=4.0)]),
        echo=Contender("echo", "echo bot", rounds=[_round(100, cpu_ms=2.0)]),
        sweep=sweep,
        notes=(),
        machine={"cpus": 2, "loadavg_before": "0.1 0.1 0.1", "loadavg_after": "0.2 0.1 0.1"},
    )


def test_table_shows_every_figure_and_verdict() -> None:
    point = SweepPoint(
        Contender("unlimited", "bot 4", 4, rounds=[_round(120)]),
        Contender("echo", "echo 4", 4, rounds=[_round(150)]),
    )
    text = _report((point,)).format()

    assert "content x1 (244 eval questions)" in text
    assert "MISSED" in text  # x10 p99 6.0 ms > 5 ms
    for label in ("bot as deployed", "bot, no rate limits", "echo bot"):
        assert label in text
    assert "0.90   target >= 0.8  ok" in text
    assert "0.30   (rate-limited by design)" in text
    assert "0.50   (the rate ratio to expect when CPU-bound)" in text
    sweep_row = next(line for line in text.splitlines() if line.strip().startswith("4 "))
    assert sweep_row.split()[:4] == ["4", "120.0", "150.0", "0.80"]


def test_json_report_round_trips() -> None:
    data = json.loads(json.dumps(_report().to_json()))
    assert data["ratio"] == pytest.approx(0.9)
    assert data["ratio_ok"] is True
    assert data["unlimited"]["rounds"][0]["updates_per_s"] == pytest.approx(90)
    assert data["search_latency"][1]["ok"] is False


def test_quick_and_explicit_options_make_the_config() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    quick = bench.config_from_args(parser.parse_args(["--quick", "--users", "4"]))
    assert (quick.rounds, quick.users, quick.sweep) == (1, 4, ())
    full = bench.config_from_args(parser.parse_args(["--sweep", "2,8", "--rounds", "3"]))
    assert (full.rounds, full.users, full.questions_per_user, full.sweep) == (3, 50, 10, (2, 8))
    with pytest.raises(bench.BenchError):
        bench.config_from_args(parser.parse_args(["--rounds", "0"]))
    assert not quick.cold_start and not full.cold_start
    assert bench.config_from_args(parser.parse_args(["--quick", "--cold-start"])).cold_start
