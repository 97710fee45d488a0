"""The words of report 01 (rotation and breadth): sentences, display tables, claim records,
headline metrics, caveats and the verdict rule.

Every function here words results computed in :mod:`rotation_utils.analytics.rotation`,
:mod:`~rotation_utils.analytics.rotation_verdicts`, :mod:`~rotation_utils.analytics.breadth`
and :mod:`~rotation_utils.analytics.rotation_data`; none computes a figure. Direction words
("beat"/"lagged", "rose"/"fell", "more"/"less concentrated") follow the sign of the number
they describe.

The verdict rule lives here (:data:`ROTATION_RULE`): its text is wording, printed on the
page, while the logic it applies is :func:`rotation_utils.analytics.rotation_verdicts.rotation_verdict`,
so the printed rule cannot drift from the applied one.

Display tables (``*_table``) return ``(frame, formats)``: the frame has the headers a reader
sees, the formats are keyword arguments for ``rotation_utils.tables.formatted`` (``notebook.show``
displays the pair). The CSVs a report saves keep the analytics frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analytics.rotation import PUBLISHED_2025, event_in_window
from ..analytics.rotation_verdicts import rotation_verdict
from ..claim_values import Shown
from ..dates import iso
from ..narrative import compare, direction, listing, num, pct, plural, pp
from ..notebook import window_text
from ..verdicts import ClaimVerdict, ReportVerdict, Rule
from .coverage import gap_note, pair_gaps, reasons
from .membership import change_log_caveat, holdings_caveat

#: claim B4's burst window as the reader sees it
BURST = "2025-12-31 to 2026-01-16"


def _day(value) -> str:
    """A date as 'YYYY-MM-DD'."""
    return str(pd.Timestamp(value).date())


def iso_dates(df: pd.DataFrame, columns) -> pd.DataFrame:
    """Copy of ``df`` with date columns as 'YYYY-MM-DD' strings ('' for missing): for display,
    safe on empty frames and on object columns holding None."""
    out = df.copy()
    for c in columns:
        if c in out.columns:
            d = pd.to_datetime(out[c], errors="coerce")
            out[c] = [x.strftime("%Y-%m-%d") if not pd.isna(x) else "" for x in d]
    return out


# ---- captions --------------------------------------------------------------------------
@dataclass(frozen=True)
class Captions:
    """Chart titles, axis labels and legend labels that carry the run's dates or parameters.

    Args:
        benchmark: what IWM is measured against.
        base_day: the window's base close (lines are rebased to 100 on it).
        fast, slow: the timing rule's moving averages (trading days).
        breadth_window: the breadth moving average (trading days).
        target: the Russell 2000 target; base_year: the year its base close belongs to.
    """

    benchmark: str
    base_day: pd.Timestamp
    fast: int
    slow: int
    breadth_window: int
    target: float
    base_year: int = 2025

    @property
    def returns_title(self) -> str:
        return f"Total return since {_day(self.base_day)}"

    @property
    def rebased_axis(self) -> str:
        return f"Total return index ({_day(self.base_day)} = 100)"

    @property
    def relative_axis(self) -> str:
        return f"Ratio ({_day(self.base_day)} = 100)"

    def long_view(self, lv: dict) -> tuple[str, str, str]:
        """(title, y label, source) of the long-view chart, from ``rotation.long_view`` (its first date)."""
        first = _day(lv["first_date"]) if lv["first_date"] is not None else ""
        return (
            f"IWM / {self.benchmark} total-return ratio",
            f"Ratio ({first} = 100)",
            f"adjusted closes (IWM from {first})",
        )

    @property
    def regime(self) -> tuple[str, str, tuple[str, str, str]]:
        """(title, y label, line labels) of the timing-rule chart."""
        return (
            f"IWM / {self.benchmark} and its {self.fast}- and {self.slow}-day averages",
            f"Ratio (price of IWM in {self.benchmark} shares)",
            ("ratio", f"{self.fast}-day", f"{self.slow}-day"),
        )

    @property
    def breadth(self) -> str:
        return breadth_title(self.breadth_window)

    def target_chart(self, tgt: dict) -> tuple[str, str, str, str]:
        """(title, target label, implied-base label, base-close label) of the target chart."""
        return (
            f"Russell 2000 (^RUT) against the {self.target:,.0f} target",
            f"target {self.target:,.0f}",
            f"implied {self.base_year} base {tgt['implied_base']:,.0f}",
            f"{self.base_year} year-end close",
        )


# ---- data ----------------------------------------------------------------------------
def window(data) -> str:
    """'2025-01-02 to 2026-07-13': the base close to the last close (``data``: a ``RotationData``)."""
    return window_text(data.base_day, data.last_day)


def data_sentence(data, benchmark: str, event_date) -> str:
    """The window, its trading days, the event date and how many constituents have prices."""
    event = event_date.date() if event_date is not None else "not set"
    return (
        f"Window: **{window(data)}** ({plural(data.trading_days, 'trading day')}); "
        f"event date {event}; benchmark {benchmark}. "
        f"Constituent prices: {data.sp_px.shape[1]} S&P 500 names seen as members since {data.lookback.date()}, "
        f"{data.iwm_px.shape[1]} of {data.iwm_holdings} IWM holdings."
    )


def basket_reason(gap) -> str:
    """'Other 493 (cap): month-end market caps start 2021-01-29' from a ``rotation_coverage.BasketGap``."""
    if gap.missing == "members":
        why = "no S&P 500 members are known" + (
            f" before {_day(gap.date)}, when the change log starts" if gap.date is not None else " for the window"
        )
    elif gap.missing == "prices":
        why = f"none of its {gap.members} members has prices in the window"
    elif gap.missing == "caps_late":
        why = f"month-end market caps start {_day(gap.date)}"
    elif gap.missing == "caps":
        why = f"there are no month-end market caps up to {_day(gap.date)}"
    else:
        why = f"its first level is on {_day(gap.date)}" if gap.date is not None else "it has no level in the window"
    return f"{gap.name}: {why}"


def gap_reasons(gaps) -> dict:
    """One dict of reasons (name -> sentence) from ``rotation_data.window_gaps``: each series'
    ``coverage.reason``, each basket's :func:`basket_reason`."""
    series, baskets = gaps
    return reasons(series) | {name: basket_reason(gap) for name, gap in baskets.items()}


def gaps_sentence(gaps: dict) -> str:
    """The series the window start precedes, and why (``gaps``: name -> reason)."""
    return f"**Not covered from the window start:** {gap_note(gaps)}. Sections that need these series say so."


# ---- 1. scoreboard -------------------------------------------------------------------
def scoreboard_table(board: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The scoreboard with returns and risk as percent and the Sharpe ratio as a number."""
    return board, {"pct": [c for c in board.columns if c not in ("Name", "Sharpe")], "num": ["Sharpe"]}


def no_returns_sentence(base_day, gaps: dict, names) -> str:
    """Said instead of the returns chart when no series has a return since the start."""
    return f"No series has a return since {_day(base_day)}: {gap_note(gaps, names)}."


def scoreboard_sentence(board: pd.DataFrame, heads, benchmark: str, window_label: str, event_date, last_day, gaps):
    """The best and worst series, the IWM and Other 493 gaps since the start and (when the
    event is inside the window) since the event, and the series without a since-start return.

    Args:
        board: the ``rotation.scoreboard`` frame (sorted by the since-start return).
        heads: ``rotation.headline_spreads`` of the board.
        gaps: name -> why it has no data from the window start.
    """
    sb = board.set_index("Name")
    ranked = sb["Since start"].dropna()
    text = (
        f"Over {window_label}, **{ranked.index[0]}** returned the most ({pct(ranked.iloc[0])}) and "
        f"**{ranked.index[-1]}** the least ({pct(ranked.iloc[-1])}). "
        f"{compare('IWM', heads.iwm_start, b_name=benchmark)}, and "
        f"{compare('the Other 493 (cap)', heads.other_mag7_start, b_name='the Mag 7 (cap)')}. "
    )
    text += (
        f"Since the event date {_day(event_date)}, {compare('IWM', heads.iwm_event, b_name=benchmark)}."
        if event_in_window(event_date, last_day)
        else f"The window ends on {_day(last_day)}, before the event date: no since-event figures."
    )
    no_start = gap_note(gaps or {}, sb.index[sb["Since start"].isna()])
    return text + (f" No since-start return: {no_start}." if no_start else "")


def scoreboard_metrics(heads, benchmark: str, event_date, base_day) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: the headline gaps in pp."""
    since = event_date.date() if event_date is not None else "event"
    return [
        (
            "iwm_minus_benchmark_since_event_pp",
            None if heads.iwm_event is None else heads.iwm_event * 100,
            "pp",
            f"IWM minus {benchmark} since {since}",
        ),
        (
            "iwm_minus_benchmark_since_start_pp",
            heads.iwm_start * 100,
            "pp",
            f"IWM minus {benchmark} since {_day(base_day)}",
        ),
        (
            "other493_minus_mag7_cap_since_start_pp",
            heads.other_mag7_start * 100,
            "pp",
            "Other 493 minus Mag 7 (cap-weighted) since start",
        ),
    ]


# ---- 2. rebuilt baskets --------------------------------------------------------------
def tracking_table(checks: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The basket-against-fund checks: returns as percent, the difference in pp, the
    correlation to three decimals (one decimal elsewhere, as the text and the summary)."""
    shown = iso_dates(checks, ["From"])
    shown["Correlation"] = [num(v, 3) for v in shown["Correlation"]]
    return shown, {
        "pct": ["Basket return", "Fund return", "Tracking error"],
        "pp": ["Tracking difference"],
        "digits": 1,
    }


def no_baskets_sentence(gaps: dict, basket_names) -> str:
    """Said instead of the basket chart when no rebuilt basket has levels in the window."""
    return f"No rebuilt basket has levels over the window: {gap_note(gaps, basket_names)}."


def tracking_sentence(checks: pd.DataFrame, base_day, gaps: dict | None = None) -> str:
    """How the rebuilt baskets compare with the funds (from ``rotation.tracking_table``).

    Like-for-like pairs (equal-weighted baskets against MAGS and RSP) measure the
    rebuild; the cap-weighted Mag 7 against MAGS is a weighting effect, said so.
    ``gaps`` explain an empty table.
    """
    if checks.empty:
        why = gap_note(gaps or {}, ["Mag 7 (equal)", "Mag 7 (cap)", "MAGS", "Other 493 (equal)", "RSP"])
        return "The rebuilt baskets cannot be checked against MAGS or RSP over this window" + (
            f": {why}." if why else " (no overlapping data)."
        )
    ck = checks.set_index(["Basket", "Fund"])

    def part(b, f):
        r = ck.loc[(b, f)]
        since = "" if pd.Timestamp(r["From"]) <= pd.Timestamp(base_day) else f" from {_day(r['From'])}"
        return (
            f"{b} against {f}{since}: {pp(r['Tracking difference'])} over {int(r['Days'])} trading days "
            f"(daily correlation {num(r['Correlation'], 3)}, tracking error {pct(r['Tracking error'], sign=False)})"
        )

    like = [part(b, f) for b, f in [("Mag 7 (equal)", "MAGS"), ("Other 493 (equal)", "RSP")] if (b, f) in ck.index]
    text = ("Like for like, " + "; ".join(like) + ". ") if like else ""
    if ("Mag 7 (cap)", "MAGS") in ck.index:
        d = ck.loc[("Mag 7 (cap)", "MAGS"), "Tracking difference"]
        text += (
            f"The cap-weighted Mag 7 differs from the equal-weighted MAGS by {pp(d)}, a weighting "
            "effect rather than a rebuild error. "
        )
    if ("Other 493 (equal)", "RSP") in ck.index:
        text += "RSP also holds the Magnificent 7, so a small gap to the equal-weighted Other 493 is expected."
    return text.strip()


def coverage_note(cov) -> str:
    """How many members the rebuilt baskets held at the rebalances inside the window
    (``cov``: ``rotation_coverage.coverage_in_window``; '' when no Other 493 member is known)."""
    text = ""
    if cov.other_members is not None:
        text = (
            f" At each rebalance {cov.other_min}-{cov.other_max} of the {cov.other_members} "
            "Other 493 members had prices"
            + (
                f", covering at least {pct(cov.cap_share_min, sign=False)} of the group's market cap."
                if cov.cap_share_min == cov.cap_share_min
                else " (no market caps to weight them)."
            )
        )
    if cov.mag_members is not None and cov.mag_min < cov.mag_members:
        text += (
            f" The Mag 7 baskets hold {cov.mag_min} of the {cov.mag_members} names at some "
            "rebalances: the others have no prices yet."
        )
    return text


def tracking_paragraph(checks: pd.DataFrame, cov, base_day, gaps: dict | None = None) -> str:
    """:func:`tracking_sentence` followed by the baskets' :func:`coverage_note`."""
    return tracking_sentence(checks, base_day, gaps) + coverage_note(cov)


# ---- 3. relative strength --------------------------------------------------------------
def spread_table(spreads: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Relative total return of each line, in pp."""
    return spreads, {"pp": ["Since start", "Since event"]}


def no_relative_sentence(pairs: dict, gaps: dict) -> str:
    """Said instead of the relative-strength chart when no line covers the window."""
    return f"No relative-strength line covers the window: {gap_note(pair_gaps(pairs, gaps))}."


def relative_sentence(dirs, pairs: dict, gaps: dict, base_day, last_day, event_date, cuts) -> str:
    """Which lines rose and fell since the start (and since the event), which have no data
    and why, and the FOMC cuts inside the window.

    Args:
        dirs: ``rotation.spread_directions`` of the spread table.
        pairs: the lines; gaps: name -> why it has no data from the window start.
        event_date: the event date parameter (None: not set).
        cuts: the cut dates inside the window (``rotation.cuts_between``).
    """
    why = gap_note(pair_gaps(pairs, gaps), dirs.gone)
    text = (
        f"Since {_day(base_day)}, lines that rose (numerator ahead): {listing(dirs.up)}; "
        f"lines that fell: {listing(dirs.down)}"
    )
    if dirs.gone:
        text += f"; no data over the whole window for {listing(dirs.gone)}" + (f" ({why})" if why else "") + ". "
    else:
        text += ". "
    if event_in_window(event_date, last_day):
        text += f"Since the event date, {len(dirs.event_up)} of {dirs.lines} lines rose ({listing(dirs.event_up)})."
    else:
        event = _day(event_date) if event_date is not None else ""
        text += (
            f"The window ends on {_day(last_day)}, before the event date {event}: "
            "the since-event comparison is not available."
        )
    return text + f" FOMC cuts inside the window: {listing([d.date().isoformat() for d in cuts])}."


# ---- 4. long view ------------------------------------------------------------------------
def no_long_view_sentence(benchmark: str, gaps: dict) -> str:
    """Said instead of the long-view chart when there is no IWM/benchmark ratio."""
    return f"No IWM/{benchmark} ratio to chart: {gap_note(gaps, ['IWM', benchmark])}."


def long_view_table(lv: dict) -> tuple[pd.DataFrame, dict]:
    """Where the latest ratio sits in its history (``lv``: ``rotation.long_view``)."""
    table = pd.DataFrame(
        [
            {
                "From": lv["first_date"],
                "Latest": lv["latest_date"],
                "Percentile of history": lv["percentile"],
                "Peak date": lv["peak_date"],
                "From peak": lv["drawdown"],
                "Low date": lv["trough_date"],
                "Change since first": lv["change_since_first"],
            }
        ]
    )
    return iso_dates(table, ["From", "Latest", "Peak date", "Low date"]), {
        "pct": ["Percentile of history", "From peak", "Change since first"]
    }


def long_view_sentence(lv: dict, benchmark: str, gaps: dict | None = None) -> str:
    """The long-view paragraph from ``rotation.long_view``, or why there is no ratio to describe."""
    if lv["latest_date"] is None:
        why = gap_note(gaps or {}, ["IWM", benchmark])
        return f"There is no IWM/{benchmark} ratio in the window" + (f": {why}." if why else ".")
    return (
        f"On {lv['latest_date'].date()} the IWM/{benchmark} ratio was {pct(lv['drawdown'], sign=False).lstrip('-')} "
        f"below its {lv['peak_date'].date()} peak; it closed at or below today's level on only "
        f"{pct(lv['percentile'], sign=False)} of trading days since {lv['first_date'].date()}, and its lowest "
        f"close was on {lv['trough_date'].date()}. Small caps have "
        f"{direction(lv['change_since_first'], 'gained on', 'lost ground to', 'matched')} large caps over the "
        f"whole period ({pct(lv['change_since_first'])})."
    )


def long_view_metric(lv: dict, benchmark: str) -> tuple:
    """The ratio's percentile of its history as a headline row (percent)."""
    return (
        "iwm_spy_ratio_percentile",
        lv["percentile"] * 100,
        "%",
        f"IWM/{benchmark} ratio: percentile of its history",
    )


# ---- 5. timing ---------------------------------------------------------------------------------
def flips_title(fast: int, slow: int, flip_from) -> str:
    """Title of the saved flips table."""
    return f"{fast}/{slow}-day rule flips since {_day(flip_from)}"


def flips_table(flips: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The rule's flips with reader's headers."""
    shown = iso_dates(flips, ["date"]).rename(
        columns={"date": "Date", "to": "Leadership to", "held_days": "Held (trading days)"}
    )
    return shown, {}


def states_table(states: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The leader of each line at the window end and since when."""
    return iso_dates(states, ["Since"]), {}


def no_regime_sentence(benchmark: str, slow: int, flip_from, last_day, gaps: dict) -> str:
    """Said instead of the timing chart when no day has ``slow`` days of the ratio."""
    return (
        f"The rule needs {slow} trading days of the IWM/{benchmark} ratio; no day from {_day(flip_from)} to "
        f"{_day(last_day)} has them. {gap_note(gaps, ['IWM', benchmark])}"
    )


def flips_sentence(summary, fast: int, slow: int, flip_from, last_day) -> str:
    """How often the rule flipped on one line and on all lines, the last flip, and who leads
    at the end (``summary``: ``rotation.flip_summary``)."""
    last = f", most recently on {_day(summary.last_date)} to {summary.last_to}" if summary.last_date is not None else ""
    return (
        f"Since {_day(flip_from)} the {fast}/{slow}-day rule flipped {plural(summary.flips, 'time')} on {summary.line}"
        + last
        + f"; at {_day(last_day)} the leader is {summary.leader}. Across the {_COUNT_WORDS.get(summary.lines, summary.lines)} "
        f"lines the rule fired {plural(summary.all_flips, 'time')}; the lines led by their numerator at the end: "
        f"{listing(summary.numerator_leads)}."
    )


#: small counts as words, as the report has always written the number of lines
_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def timing_table(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Claim B4's table (``rotation_verdicts.timing_table``): relative returns in pp, the percentile in percent."""
    return iso_dates(table, ["Rule turned in Q4 2025"]), {
        "pp": ["Q4 2025 relative", "2025-12-31 to 2026-01-16 relative"],
        "pct": ["Percentile vs prior 5 years"],
    }


def b4_evidence(checks: dict, verdict, benchmark: str, last_day) -> str:
    """Claim B4's evidence: when the rule turned for IWM and IJH and their burst against the
    Q4 2025 pace (``checks``: ``rotation_verdicts.timing_checks``)."""
    if verdict == ClaimVerdict.UNVERIFIABLE:
        return f"The window ends on {_day(last_day)}, before 2026-01-16, so the timing claim cannot be tested on it."
    iwm, ijh = checks["IWM"], checks["IJH"]
    iwm_turn = (
        "turned to small caps on " + str(iwm["flip_date"].date())
        if iwm["flip_date"] is not None
        else "did not turn to small caps in Q4 2025"
    )
    ijh_turn = "turned on " + str(ijh["flip_date"].date()) if ijh["flip_date"] is not None else "no turn in Q4 2025"
    return (
        f"IWM: the rule {iwm_turn}; IJH: {ijh_turn}. "
        f"From 2025-12-31 to 2026-01-16 {compare('IWM', iwm['burst_relative'], b_name=benchmark)} "
        f"(Q4 2025: {pp(iwm['pace_relative'])}) and {compare('IJH', ijh['burst_relative'], b_name=benchmark)} "
        f"(Q4 2025: {pp(ijh['pace_relative'])})."
    )


def b4_values(checks: dict, verdict, benchmark: str) -> dict:
    """Claim B4's recorded values: the bursts (pp, when measured) and the four rule parts."""
    shown = (
        {}
        if verdict == ClaimVerdict.UNVERIFIABLE
        else {
            "measured": Shown(checks["IWM"]["burst_relative"] * 100, "pp", f"IWM minus {benchmark}, {BURST}"),
            "ijh_burst": Shown(checks["IJH"]["burst_relative"] * 100, "pp", f"IJH minus {benchmark}, {BURST}"),
        }
    )
    return {
        "unit": "pp",
        **shown,
        "iwm_began_late": checks["IWM"]["began_late"],
        "iwm_accelerated": checks["IWM"]["accelerated"],
        "ijh_began_late": checks["IJH"]["began_late"],
        "ijh_accelerated": checks["IJH"]["accelerated"],
    }


def claim_line(claim_id: str, verdict, evidence: str) -> str:
    """'**B4: mixed.** <evidence>'."""
    return f"**{claim_id}: {verdict}.** {evidence}"


def recorded_claim_line(claims: list, claim_id: str) -> str:
    """:func:`claim_line` of a claim as the report recorded it (its verdict after the period rule)."""
    claim = next(c for c in claims if c["id"] == claim_id)
    return claim_line(claim_id, claim["verdict"], claim["evidence"])


# ---- 6. breadth and concentration ---------------------------------------------------------------
NO_BREADTH = (
    "**Breadth is not charted:** no universe has a reading in the window (the reasons follow the concentration chart)."
)


def breadth_title(window_days: int) -> str:
    """Title of the saved breadth table."""
    return f"Share of members above their {window_days}-day average"


def breadth_table(summary: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Breadth at the start, latest, low and high, as percent."""
    return summary, {"pct": ["At start", "Latest", "Low", "High"]}


def concentration_gap(conc: pd.DataFrame, last_day) -> str | None:
    """Why the Magnificent 7 share of S&P 500 cap cannot be shown (None when it can)."""
    if len(conc):
        return None
    return (
        f"No month-end market caps up to {_day(last_day)} in this source, so the Magnificent 7's "
        "share of S&P 500 cap cannot be measured: concentration is not shown."
    )


def breadth_reason(gap) -> str:
    """Why a universe's breadth line is missing or starts late, from a ``breadth.BreadthGap``."""
    u = gap.universe
    if gap.missing == "members":
        src = f" (the membership source starts {_day(gap.date)})" if gap.date is not None else ""
        return f"{u}: no members are known for the window{src}, so breadth cannot be measured"
    if gap.missing == "prices":
        return (
            f"{u}: none of the members has prices up to {_day(gap.date)} in this source, so breadth cannot be measured"
        )
    if gap.missing == "history":
        return (
            f"{u}: only {gap.priced} of {gap.names} members have prices up to {_day(gap.date)} in this "
            f"source, too few with {gap.window} trading days of them on any day of the window"
        )
    return (
        f"{u}: the first reading is on {_day(gap.date)}, when enough members first have "
        f"{gap.window} trading days of prices"
    )


def breadth_reasons(gaps: dict) -> dict:
    """:func:`breadth_reason` of every universe of ``breadth.breadth_panel``'s gaps."""
    return {u: breadth_reason(g) for u, g in gaps.items()}


def breadth_sentence(summary: pd.DataFrame, window_days: int, gaps: dict | None = None) -> str:
    """One sentence per universe from ``breadth.breadth_summary``; a universe the window does
    not cover gets its reason instead (or after the sentence, when it starts late)."""
    out = []
    for _, r in summary.iterrows():
        u, a, z = r["Universe"], r["At start"], r["Latest"]
        why = (gaps or {}).get(u)
        if a == a and z == z:
            out.append(
                f"In the {u} the share above the {window_days}-day average {direction(z - a)} "
                f"from {pct(a, sign=False)} to {pct(z, sign=False)}." + (f" ({why}.)" if why else "")
            )
        elif why:
            out.append(f"{why}.")
    return " ".join(out)


def concentration_sentence(change) -> str:
    """How the Magnificent 7's share of S&P 500 cap moved over the window ('' without two
    snapshots; ``change``: ``breadth.concentration_change``)."""
    if change is None:
        return ""
    return (
        f" The Magnificent 7's share of S&P 500 cap {direction(change.change)} from {pct(change.start_share, sign=False)} "
        f"({change.start_date.date()}) to {pct(change.end_share, sign=False)} ({change.end_date.date()}), "
        f"{direction(change.change, 'more', 'less', 'no more or less')} concentrated."
    )


def breadth_paragraph(summary: pd.DataFrame, window_days: int, gaps: dict | None, change) -> str:
    """:func:`breadth_sentence` followed by :func:`concentration_sentence`."""
    return breadth_sentence(summary, window_days, gaps) + concentration_sentence(change)


def breadth_metrics(summary: pd.DataFrame, mag7_share, window_days: int) -> list[tuple]:
    """Headline rows: the latest breadth of both universes and the Magnificent 7's latest share (percent)."""
    latest = summary.set_index("Universe")["Latest"]
    return [
        (
            "sp500_share_above_200d_latest",
            latest["S&P 500"] * 100,
            "%",
            f"S&P 500 members above {window_days}-day average",
        ),
        (
            "iwm_share_above_200d_latest",
            latest["IWM holdings"] * 100,
            "%",
            f"IWM holdings above {window_days}-day average",
        ),
        (
            "mag7_share_of_sp500_cap_latest",
            mag7_share * 100 if mag7_share is not None else None,
            "%",
            "Magnificent 7 share of S&P 500 cap",
        ),
    ]


# ---- 7. the Russell 2000 target (A1) -----------------------------------------------------------
def no_target_sentence(last_day, gaps: dict) -> str:
    """Said instead of the target chart when there are no ^RUT closes."""
    return f"No ^RUT closes up to {_day(last_day)}: {gap_note(gaps, ['^RUT'])}."


def target_table(tgt: dict, target: float) -> tuple[pd.DataFrame, dict]:
    """The index against the target and the base it implies (``tgt``: ``rotation.index_target``)."""
    table = pd.DataFrame(
        [
            {
                "Latest": tgt["latest"],
                "Target": target,
                "Gain still needed": tgt["gain_needed"],
                "2025 year-end close": tgt["base_close"],
                "Implied base (target / 1.14)": tgt["implied_base"],
                "Close vs implied base": tgt["base_vs_implied"],
                "Gain implied from the actual close": tgt["gain_implied_by_actual_base"],
            }
        ]
    )
    return table, {
        "num": ["Latest", "Target", "2025 year-end close", "Implied base (target / 1.14)"],
        "pct": ["Gain still needed", "Close vs implied base", "Gain implied from the actual close"],
    }


def a1_evidence(tgt: dict, target: float, implied_gain: float, name: str = "^RUT") -> str:
    """Claim A1's evidence sentence from a ``rotation.index_target`` result.

    Above the target it says "already above the target by x%" with x = level / target - 1;
    below, "x% short of the target" with x = target / level - 1 (the gain still needed).
    """
    text = f"On {tgt['latest_date']:%Y-%m-%d} {name} closed at {tgt['latest']:,.2f}, "
    if tgt["latest"] >= target:
        text += f"already above the {target:,.0f} target by {pct(tgt['vs_target'], sign=False)}"
    else:
        text += f"{pct(tgt['gain_needed'], sign=False)} short of the {target:,.0f} target (the gain still needed)"
    if tgt["base_date"] is not None:
        text += (
            f"; its 2025 year-end close {tgt['base_close']:,.0f} is {pct(abs(tgt['base_vs_implied']), sign=False)} "
            f"{'above' if tgt['base_vs_implied'] > 0 else 'below'} the implied base {tgt['implied_base']:,.0f}, "
            f"so the target implies {pct(tgt['gain_implied_by_actual_base'])} for 2026 "
            f"(article: about {pct(implied_gain)})."
        )
    else:
        text += "; the window does not reach the 2025 year-end close, so the implied base cannot be checked."
    return text


def a1_values(tgt: dict, target: float, implied_gain: float) -> dict:
    """Claim A1's recorded values: the claimed and measured gains, the target and the levels."""
    return {
        "claimed": Shown(implied_gain * 100, "%", "Article: gain to the target"),
        "measured": Shown(
            tgt["gain_implied_by_actual_base"] * 100 if tgt["base_date"] is not None else None,
            "%",
            "Gain to the target from the 2025 close",
        ),
        "unit": "%",
        "target": Shown(target, "", "^RUT target"),
        "latest": Shown(tgt["latest"], "", "^RUT latest close"),
        "vs_target_pct": Shown(tgt["vs_target"] * 100, "%", "^RUT against the target"),
        "base_close_2025": Shown(tgt["base_close"], "", "^RUT 2025 close"),
    }


def target_metric(tgt: dict, target: float) -> tuple:
    """The index against the target as a headline row (percent; +: above it)."""
    return ("rut_vs_target_pct", tgt["vs_target"] * 100, "%", f"^RUT against the {target:,.0f} target (+: above it)")


def target_caveat(a1: dict) -> str | None:
    """The caveat on claim A1 as recorded (a results.json claim): while its verdict is
    provisional, say it holds only until the year-end close; None once the year is
    complete in the data or when the window cannot test the claim (its evidence says why)."""
    if not a1.get("provisional"):
        return None
    period = a1.get("period") or {}
    target = (a1.get("values") or {}).get("target")
    what = f"the {target:,.0f} target" if isinstance(target, (int, float)) else "the index target"
    return (
        f"A1 is judged so far on {period.get('covered_start')} to {period.get('covered_end')}: {what} is for "
        f"the close of {period.get('end')}, so its {a1['verdict']} verdict is provisional until then."
    )


# ---- 8. calendar 2025 (B3) ---------------------------------------------------------------------
def calendar_table(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The calendar year's returns as percent (``rotation.calendar_year_table``)."""
    return table, {"pct": [c for c in table.columns if c != "Series"]}


def no_calendar_sentence(last_day) -> str:
    """Said instead of the calendar-2025 table when the window ends before the year's close."""
    return (
        f"The window ends on {_day(last_day)}, before the 2025 year-end close: calendar-2025 figures are not available."
    )


def b3_evidence(check: dict, year, benchmark: str, last_day) -> str:
    """Claim B3's evidence from ``rotation_verdicts.mega_cap_year`` and the year's returns,
    set against royceinvest's published 2025 figures so a reader can compare the two sources."""
    if year is None:
        return f"The window ends on {_day(last_day)}, before the end of 2025."
    y = year.series
    r2000, spx = PUBLISHED_2025.values()
    return (
        f"In 2025 {compare('the Mag 7 (cap)', check['mag7_lead'], b_name='the Other 493 (cap)')} "
        f"and {benchmark} {'set' if check['record'] else 'did not set'} a record close; the median Other 493 member returned "
        f"{pct(check['median_member'])} ({check['members']} members with prices), RSP {pct(y['RSP'])}, "
        f"IWM {pct(y['IWM'])} and IJH {pct(y['IJH'])}: "
        f"{'sideways' if check['sideways'] else 'not sideways'} by the ±5% rule. For reference, royceinvest reports a Russell 2000 "
        f"total return of {pct(r2000)} and an S&P 500 price return of {pct(spx)} for 2025; here IWM {pct(y['IWM'])} and ^GSPC {pct(y['^GSPC'])}."
    )


#: the series whose calendar-2025 return is a headline metric
CALENDAR_METRICS = ("SPY", "RSP", "IWM", "IJH", "Mag 7 (cap)", "Other 493 (cap)")


def calendar_metrics(year) -> list[tuple]:
    """Headline rows: each of :data:`CALENDAR_METRICS`' total return in the year (percent; none without the year)."""
    if year is None:
        return []
    return [
        (
            f"cy2025_{k.lower().replace(' ', '_').replace('(', '').replace(')', '')}_pct",
            year.series[k] * 100,
            "%",
            f"{k} total return in 2025",
        )
        for k in CALENDAR_METRICS
    ]


def b3_values(year, check: dict) -> dict:
    """Claim B3's recorded values: IWM's 2025 return beside the published figure, and the median
    member's (``check``: ``rotation_verdicts.mega_cap_year``)."""
    if year is None:
        return {}
    return {
        "iwm_2025_pct": Shown(year.series["IWM"] * 100, "%", "IWM total return, 2025"),
        "known_iwm_2025_pct": Shown(12.8, "%", "IWM 2025, published figure"),
        "median_other493_member_2025_pct": Shown(check["median_member"] * 100, "%", "Median Other 493 member, 2025"),
    }


# ---- verdict -------------------------------------------------------------------------------------
#: The report verdict's rule as printed and stored in results.json, and the logic it applies.
ROTATION_RULE = Rule(
    "supported if IWM, IJH and the Other 493 (cap) all beat their comparators over the window and "
    "IWM beat the benchmark in at least 2 of 3 sub-windows; not supported if at most one does; else "
    "mixed; inconclusive for a window too short or a spread without data",
    rotation_verdict,
)


def sub_window_table(subs: pd.DataFrame, benchmark: str) -> tuple[pd.DataFrame, dict]:
    """IWM minus the benchmark in each sub-window, in pp."""
    label = f"IWM - {benchmark}"
    return iso_dates(subs, ["from", "to"]).rename(columns={"spread": label}), {"pp": [label]}


def verdict_reason(verdict, tally, legs: dict, gaps: dict) -> str:
    """Why the rule gave its verdict (``tally``: ``rotation_verdicts.rotation_verdict``'s).

    Args:
        verdict: the rule's verdict.
        legs: spread -> the series it needs; gaps: series -> why it has no data.
    """
    if tally.days < tally.min_days:
        return f"the window has {tally.days} trading days, fewer than {tally.min_days}"
    if verdict == ReportVerdict.INCONCLUSIVE:
        reasons = {k: gap_note(gaps, v) for k, v in legs.items()}
        why = "; ".join(dict.fromkeys(reasons[k] for k in tally.missing if reasons.get(k)))
        return f"no data for {', '.join(tally.missing) or 'any spread'} over the window" + (f": {why}" if why else "")
    subs = f"lead spread positive in {tally.sub_positive} of {tally.sub_windows} sub-windows"
    if verdict == ReportVerdict.SUPPORTED:
        return f"all {tally.spreads} spreads positive; {subs}"
    if verdict == ReportVerdict.NOT_SUPPORTED:
        return f"{tally.positive} of {tally.spreads} spreads positive"
    return f"{tally.positive} of {tally.spreads} spreads positive; {subs}"


def spreads_evidence(spreads: dict, window_label: str) -> str:
    """'IWM - SPY +4.9 pp; IJH - SPY ...; Other 493 - Mag 7 (cap) ... over <window>'."""
    return "; ".join(f"{k} {pp(v)}" for k, v in spreads.items()) + f" over {window_label}"


def verdict_evidence(verdict, spreads_text: str, reason: str) -> str:
    """The verdict's evidence as recorded: the spreads, and the reason when inconclusive."""
    return spreads_text + (f" ({reason})" if verdict == ReportVerdict.INCONCLUSIVE else "")


def verdict_sentence(verdict, reason: str, spreads_text: str, window_label: str, claims: dict) -> str:
    """The verdict, its reason, the spreads and the claims' verdicts (``claims``: id -> verdict)."""
    listed = ", ".join(f"{k} {v}" for k, v in claims.items())
    return f"**Verdict: the rotation is {verdict}** over {window_label} ({reason}). {spreads_text}. Claims: {listed}."


def verdict_metrics(spreads: dict) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: the spreads the verdict weighs.

    Args:
        spreads: label -> relative return (fraction), from ``rotation_verdicts.verdict_spreads``.

    Returns:
        One row per spread in percentage points (None when it could not be measured),
        named ``verdict_<label>_pp``, so the summary box shows the verdict's own numbers.
    """
    rows = []
    for label, value in spreads.items():
        slug = "_".join("".join(ch if ch.isalnum() else " " for ch in label.lower()).split())
        measured = value is not None and value == value
        rows.append(
            (
                f"verdict_{slug}_pp",
                value * 100 if measured else None,
                "pp",
                f"{label.replace(' - ', ' minus ')} over the window",
            )
        )
    return rows


def verdict_metric_names(spreads: dict) -> list[str]:
    """The names of :func:`verdict_metrics`' rows (the report's key metrics)."""
    return [row[0] for row in verdict_metrics(spreads)]


# ---- caveats -------------------------------------------------------------------------------------
def survivor_note(sp_range, iwm_range, as_of) -> str:
    """Caveat sentence on the share of members with prices (survivor bias), from
    ``breadth.coverage_range`` of both universes; ``as_of`` is the data's as-of date (price
    sources keep series mostly for names still listed when the data was taken)."""

    def span(c, unit):
        if not c.dates:
            return "none with known members and prices"
        if c.dates == 1 or c.low == c.high:
            return f"{pct(c.low, sign=False)} ({'one ' + unit if c.dates == 1 else 'every ' + unit})"
        return f"from {pct(c.low, sign=False)} to {pct(c.high, sign=False)} of the list by {unit}"

    return (
        f"Survivor bias: the price data has series mostly for names still listed on its as-of date "
        f"{iso(as_of)}; S&P 500 members "
        f"with prices: {span(sp_range, 'month')}; IWM holdings: {span(iwm_range, 'file')}. Missing names are "
        "mostly delisted or acquired ones, so baskets, breadth and the median-member figure lean towards survivors."
    )


def caveats(data, sp_range, iwm_range, snapshots: int, without_mag7: int, claims: list, as_of) -> str:
    """The caveats that apply to this run, as a bullet list.

    Args:
        data: the ``RotationData`` (membership files read, change log, window).
        sp_range, iwm_range: ``breadth.coverage_range`` of both universes.
        snapshots: month-end cap snapshots up to the window end; without_mag7: those
            lacking a cap for one of the seven (``breadth.snapshots_without_full_mag7``).
        claims: the report's recorded claims (A1's caveat reads its provisional flag).
        as_of: the data's as-of date (the survivor-bias caveat names it).
    """
    notes = [
        survivor_note(sp_range, iwm_range, as_of),  # membership caveats from the files this run read, when they apply
        holdings_caveat(data.holdings_dates, data.base_day, data.last_day),
        change_log_caveat(data.changes, data.lookback, data.last_day, through=data.read_limit),
        (
            f"Concentration: {without_mag7} of {snapshots} month-end snapshots up to the window end lack a cap for one of the seven (e.g. Meta before its ticker change), understating the share then."
            if snapshots
            else "Concentration and the cap-weighted baskets need month-end market caps, which this source lacks before the window end."
        ),
        # the bundled snapshot has no DGS3MO file and derives it; FRED serves it directly
        "The bundled snapshot derives DGS3MO, the 3-month Treasury yield behind the Sharpe ratios, as DGS10 - T10Y3M."
        if data.rf_source == "snapshot"
        else None,
        target_caveat(next(c for c in claims if c["id"] == "A1")),
    ]
    return "\n".join(f"- {n}" for n in notes if n)
