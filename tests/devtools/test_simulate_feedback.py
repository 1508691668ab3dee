"""The planted patterns of simulated feedback, driven through the real bot, show in the
exports of the municipality concerned and nowhere else, with no count under the threshold."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.config import REPO_ROOT
from bot.exports.data import ExportData
from bot.exports.labels import Labels
from bot.exports.report import render_report
from bot.exports.writers import write_xlsx
from bot.i18n import load_translators
from bot.storage.database import Database
from devtools.simulate_feedback import MUNICIPALITIES, exports, patterns_seen, plan, simulate

RESIDENTS = 240
EXPECTED = {
    "stockholm": {"P3 social services drop after week 31", "P4 health care rises after week 35"},
    "malmo": {"P1 housing rated worse"},
    "haninge": {"P2 mother-tongue tuition rated better"},
}


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ExportData]:
    """240 residents over 13 weeks, more of them on the planted services than in the command's
    default run of 340, so that a smaller set still carries every pattern."""
    data_dir = tmp_path_factory.mktemp("simulated") / "data"
    residents = plan(RESIDENTS, seed=12, focus=0.9)
    asyncio.run(simulate(residents, data_dir))
    labels = Labels(load_translators(REPO_ROOT / "locale")["sv"], {"malmo": "Malmö"}, {})

    async def stored() -> int:
        db = await Database.open(data_dir / "bot.sqlite3")
        try:
            async with db.connection.execute("SELECT COUNT(*) FROM feedback") as cursor:
                row = await cursor.fetchone()
            return int(row[0]) if row else 0
        finally:
            await db.close()

    assert asyncio.run(stored()) == RESIDENTS  # every resident got through the real bot
    return asyncio.run(exports(data_dir, labels))


def test_each_pattern_shows_only_in_its_municipality(simulated: dict[str, ExportData]) -> None:
    assert set(simulated) == set(MUNICIPALITIES)
    for municipality, data in simulated.items():
        seen = {name for name, shown in patterns_seen(data).items() if shown}
        assert seen == EXPECTED[municipality], municipality


def test_no_count_under_the_threshold_is_shown(
    simulated: dict[str, ExportData], tmp_path: Path
) -> None:
    for municipality, data in simulated.items():
        for table in data.tables:
            shown = [v for row in table.rows() for v in row if isinstance(v, int)]
            assert not [v for v in shown if 0 < v < data.threshold], (municipality, table.key)
        document = render_report(data)
        cells = re.findall(r'<td class="n">([^<]*)</td>', document)
        assert not [c for c in cells if c.isdigit() and 0 < int(c) < data.threshold]
        workbook = load_workbook(write_xlsx(data, tmp_path / f"{municipality}.xlsx"))
        for sheet in workbook.worksheets[2:]:  # after "about" and the comments (ratings 1-5)
            for row in sheet.iter_rows(min_row=2, values_only=True):
                small = [v for v in row if isinstance(v, int) and 0 < v < data.threshold]
                assert not small, (municipality, sheet.title, row)


def test_the_patterns_are_in_the_report_staff_read(simulated: dict[str, ExportData]) -> None:
    assert simulated["malmo"].trend is not None
    housing = next(r for r in simulated["malmo"].trend.rows if r.service == "Boende")
    assert '<th scope="row">Boende</th>' in render_report(simulated["malmo"])
    assert html.escape(housing.now) in render_report(simulated["malmo"])
    stockholm = render_report(simulated["stockholm"])
    assert stockholm.count('<th scope="row">Socialtjänsten</th>') >= 2  # good and respect
