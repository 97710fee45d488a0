"""Which dated version of the S&P 500 fundamentals a valuation run sums, and what it lacks.

Why a module of its own: the source publishes irregular dated versions, some with a
few large names blanked for a day; summing such a version would move the aggregate
P/E for a reason that is not the market. Every version is checked for completeness
(:func:`version_quality`), the run takes the latest complete one on or before its
as-of date (:func:`choose_version`), and when there is none the choice carries the
facts of why (:class:`NoVersion`), which :mod:`rotation_utils.story.valuation` words.
The members a chosen version lacks are counted here too (:func:`missing_members`,
:func:`coverage_facts`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataUnavailableError
from ..universes import MAG7
from .valuation import UNCLASSIFIED, company_earnings, label_companies

#: a version is complete when its companies with data are at least this share of the best nearby version's
MIN_COVERAGE = 0.99


def version_quality(
    fin: pd.DataFrame, min_coverage: float = MIN_COVERAGE, neighbourhood_days: int = 45
) -> pd.DataFrame:
    """Which dated versions can be summed: one row per ``as_of``.

    A version is ``usable`` when every priced company has a market cap, all
    Magnificent 7 have cap and earnings, and the companies with cap and earnings
    are at least ``min_coverage`` of the best version within
    ``neighbourhood_days`` (some versions blank a few large names for a day,
    which would move the sums, not the market; the source's list also keeps
    departed members as blank rows, so only nearby versions are comparable).

    Args:
        fin: the dated S&P 500 financials (``symbol, as_of, price, eps, pe, market_cap``).
    Returns:
        ``as_of, listed, with_data, priced_no_cap, mag7, coverage, usable``.
    """
    f = company_earnings(fin)
    f["priced"] = f["price"].notna() & (f["eps"].notna() | f["pe"].notna())
    f["with_data"] = f["market_cap"].notna() & f["earnings"].notna()
    f["priced_no_cap"] = f["priced"] & f["market_cap"].isna()
    f["mag7_ok"] = f["symbol"].isin(MAG7) & f["with_data"]
    q = f.groupby("as_of").agg(
        listed=("symbol", "size"),
        with_data=("with_data", "sum"),
        priced_no_cap=("priced_no_cap", "sum"),
        mag7=("mag7_ok", "sum"),
    )
    days = q.index.to_numpy()
    win = np.timedelta64(neighbourhood_days, "D")
    best = [q["with_data"][(days >= d - win) & (days <= d + win)].max() for d in days]
    q["coverage"] = q["with_data"] / np.asarray(best, dtype="float64")
    q["usable"] = (q["priced_no_cap"] == 0) & (q["mag7"] == len(MAG7)) & (q["coverage"] >= min_coverage)
    return q.reset_index()


def pick_version(quality: pd.DataFrame, as_of=None) -> pd.Timestamp:
    """The latest usable version on or before ``as_of`` (latest usable when None).

    Raises:
        DataUnavailableError: no usable version that early (use :func:`choose_version`
            to carry on without one).
    """
    ok = quality.loc[quality["usable"], "as_of"]
    if as_of is not None:
        ok = ok[ok <= pd.Timestamp(as_of)]
    if ok.empty:
        first = quality["as_of"].min() if len(quality) else None
        raise DataUnavailableError(
            f"no usable S&P 500 fundamentals version on or before "
            f"{'the end of the data' if as_of is None else pd.Timestamp(as_of).date()} "
            f"(versions in the source start {None if first is None else pd.Timestamp(first).date()}; "
            "choose a later window)"
        )
    return pd.Timestamp(ok.max())


@dataclass(frozen=True)
class NoVersion:
    """The facts of why no version up to ``end`` can be summed (worded by the story module).

    Attributes:
        end: the as-of date asked for (None: the end of the data).
        versions: how many versions exist up to ``end``; ``first`` and ``last`` their dates.
        note: the data layer's reason when it has no version at all ('' otherwise).
        mag7_blank, priced_no_cap, low_coverage: how many versions fail each completeness test.
        missing_mag7: the Magnificent 7 names without cap or earnings in the latest version.
        joined_later: ``(ticker, date)`` of those that joined the S&P 500 after that version.
    """

    end: pd.Timestamp | None
    versions: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    note: str = ""
    mag7_blank: int = 0
    priced_no_cap: int = 0
    low_coverage: int = 0
    missing_mag7: tuple = ()
    joined_later: tuple = ()


@dataclass(frozen=True)
class VersionChoice:
    """The fundamentals version a run uses, or the facts of why there is none.

    Attributes:
        version: the version summed (None without a usable one).
        usable: quality rows of the usable versions from the history start to the version.
        earliest: the first of those (the start of the P/E history).
        skipped: versions up to the version (or the window end) that fail the completeness check.
        day: the version, else the window end (the date of the sections that do not need a
            version: small caps, Shiller).
        missing: why there is no version (:class:`NoVersion`), None when there is one.
    """

    version: pd.Timestamp | None
    usable: pd.DataFrame
    earliest: pd.Timestamp | None
    skipped: int
    day: pd.Timestamp
    missing: NoVersion | None = None

    @property
    def has_history(self) -> bool:
        """True with at least two usable versions: one version would give a 0% change that
        reads like a finding, so the change sections need two."""
        return self.version is not None and len(self.usable) >= 2


def no_version_facts(
    fin: pd.DataFrame, quality: pd.DataFrame, as_of=None, note: str = "", constituents: pd.DataFrame | None = None
) -> NoVersion:
    """Why no fundamentals version up to ``as_of`` can be summed.

    Either the source has no version that early (``note``: the data layer's
    words), or each version fails the completeness check of
    :func:`version_quality`: the failures are counted by cause and the
    Magnificent 7 names missing from the latest version are listed (with the
    date they joined the S&P 500 when the constituents list says it is later).
    """
    end = None if as_of is None else pd.Timestamp(as_of)
    if quality.empty:
        return NoVersion(end, 0, None, None, note)
    last = pd.Timestamp(quality["as_of"].max())
    latest = company_earnings(fin[fin["as_of"] == last])
    have = set(latest.loc[latest["market_cap"].notna() & latest["earnings"].notna(), "symbol"])
    missing = tuple(t for t in MAG7 if t not in have)
    joined = ()
    if constituents is not None and "date_added" in constituents:
        added = constituents.set_index("symbol")["date_added"]
        joined = tuple(
            (t, pd.Timestamp(added[t])) for t in missing if t in added.index and pd.notna(added[t]) and added[t] > last
        )
    return NoVersion(
        end,
        int(len(quality)),
        pd.Timestamp(quality["as_of"].min()),
        last,
        note,
        mag7_blank=int((quality["mag7"] < len(MAG7)).sum()),
        priced_no_cap=int((quality["priced_no_cap"] > 0).sum()),
        low_coverage=int((quality["coverage"] < MIN_COVERAGE).sum()),
        missing_mag7=missing,
        joined_later=joined,
    )


def choose_version(
    fin: pd.DataFrame,
    quality: pd.DataFrame,
    as_of=None,
    history_start=None,
    note: str = "",
    constituents: pd.DataFrame | None = None,
) -> VersionChoice:
    """Like :func:`pick_version` but never raises: without a usable version the choice says why.

    Args:
        fin: the dated financials; quality: :func:`version_quality` of them.
        as_of: the latest date a version may have (None: the end of the data).
        history_start: the first version date of the P/E history.
        note: the data layer's message when it had no versions at all.
        constituents: lets the facts name when a missing Magnificent 7 name joined the index.
    Returns:
        A :class:`VersionChoice`.
    """
    end = None if as_of is None else pd.Timestamp(as_of)
    upto = quality if end is None else quality[quality["as_of"] <= end]
    ok = upto.loc[upto["usable"], "as_of"]
    if ok.empty:
        day = end if end is not None else (upto["as_of"].max() if len(upto) else pd.Timestamp.today().normalize())
        return VersionChoice(
            None,
            upto.iloc[0:0],
            None,
            int(len(upto)),
            pd.Timestamp(day),
            no_version_facts(fin, upto, end, note, constituents),
        )
    version = pd.Timestamp(ok.max())
    lo = version if history_start is None else min(pd.Timestamp(history_start), version)
    usable = upto[upto["usable"] & upto["as_of"].between(lo, version)]
    skipped = int((~upto["usable"] & (upto["as_of"] <= version)).sum())
    return VersionChoice(version, usable, pd.Timestamp(usable["as_of"].min()), skipped, version)


def companies_by_version(fin: pd.DataFrame, constituents: pd.DataFrame, version) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(companies of every version, companies of ``version``)``, labelled with group and sector.

    Why: the history sections need every version and the level sections the
    chosen one; without a version the second frame is empty (same columns),
    so those sections can say what is missing instead of raising.
    """
    companies = label_companies(company_earnings(fin), constituents)
    current = companies[companies["as_of"] == version] if version is not None else companies.iloc[0:0]
    return companies, current


@dataclass(frozen=True)
class MissingMembers:
    """Members on the run's as-of date that the chosen version lacks (no cap or earnings).

    Attributes:
        members: how many members the index has on that date.
        missing: the members without data, sorted.
        cap_share: their share of the members' market cap (NaN without caps).
        caps_date: the date of the caps used (None without caps).
    """

    members: int
    missing: list
    cap_share: float
    caps_date: pd.Timestamp | None


def missing_members(current: pd.DataFrame, members, caps: pd.DataFrame) -> MissingMembers:
    """Members the version ``current`` lacks, and their share of the members' market cap from the
    month-end caps (``caps``: ``date, ticker, market_cap``; the latest row per ticker is used)."""
    members = sorted(set(members))
    ok = current.dropna(subset=["market_cap", "earnings"]) if len(current) else current
    have = set(ok["symbol"]) if len(ok) else set()
    missing = [m for m in members if m not in have]
    share, day = np.nan, None
    if caps is not None and len(caps):
        last = caps.sort_values("date").groupby("ticker").tail(1).set_index("ticker")["market_cap"]
        total = last.reindex(members).sum(min_count=1)
        share = float(last.reindex(missing).sum() / total) if total and np.isfinite(total) else np.nan
        day = caps["date"].max()
    return MissingMembers(len(members), missing, share, day)


def coverage_facts(version: pd.DataFrame, constituents: pd.DataFrame, versions) -> dict:
    """Computed caveats for one version: members without data, stale rows, unmapped sectors, gaps.

    Args:
        version: one labelled version; constituents: the current constituents list.
        versions: the usable version dates of the history.
    Returns:
        ``blank`` (current members without data), ``stale`` (rows not in the list),
        ``unclassified`` (rows without a sector), ``longest_gap_days`` and ``longest_gap_after``.
    """
    members = set(constituents["symbol"])
    blank = version[version["symbol"].isin(members) & (version["market_cap"].isna() | version["earnings"].isna())]
    days = pd.Series(sorted(pd.to_datetime(pd.Series(list(versions)))))
    gaps = days.diff()
    longest = (gaps.max(), days.shift()[gaps.idxmax()]) if len(days) > 1 else (pd.Timedelta(0), days.min())
    return {
        "blank": sorted(blank["symbol"]),
        "stale": int((~version["symbol"].isin(members)).sum()),
        "unclassified": int((version["gics_sector"] == UNCLASSIFIED).sum()),
        "longest_gap_days": int(longest[0].days) if pd.notna(longest[0]) else 0,
        "longest_gap_after": longest[1],
    }


def version_facts(current: pd.DataFrame, constituents: pd.DataFrame, choice: VersionChoice) -> dict | None:
    """:func:`coverage_facts` of the chosen version over the usable versions; None without a version."""
    if choice.version is None:
        return None
    return coverage_facts(current, constituents, choice.usable["as_of"])
