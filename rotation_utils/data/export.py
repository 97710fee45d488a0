"""Write a ``rotation-snapshot/1`` folder from live sources (``rotation snapshot``).

Why: the reports run offline on a snapshot folder; this command lets anyone
with a network connection make a fresh one (same layout and dtypes as the
bundled snapshot, so :class:`~rotation_utils.data.snapshot.SnapshotBackend`
reads it unchanged) and then run every report on it with ``--snapshot``.

Written files: ``prices.parquet`` (always), ``rates.parquet``,
``universe/sp500_constituents.csv`` and ``universe/iwm_holdings_<date>.csv``
when their sources answer, and ``manifest.json`` (format, as_of, per-file
sha256/rows/columns/coverage, sources, missing items, caveats). The folder is
built next to the target and swapped in at the end, so a failed run never
leaves half a snapshot behind. An existing snapshot is refreshed only with
``--force``, and then nothing is lost: see :mod:`.snapshot_refresh`.

    rotation snapshot --out ~/rotation-snapshot --start 2015-01-01
    rotation snapshot --out DIR --tickers SPY IWM AAPL --series DGS10 DGS2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from .. import config, universes
from ..dates import iso, parse_window
from ..errors import DataUnavailableError, RotationError
from . import schemas
from .snapshot import FORMAT, IWM_PREFIX
from .snapshot_refresh import Changes, carry_over, change_lines, check_target, folder_mode, keep_items

DESCRIPTION = (
    "Write a rotation-snapshot/1 folder (prices, rates, S&P 500 list, IWM holdings, "
    "manifest.json) from Yahoo, FRED, Wikipedia and iShares; run reports on it with --snapshot."
)
DEFAULT_START = "1995-01-01"
#: the FRED series of the bundled snapshot
DEFAULT_SERIES = [
    "DGS10",
    "DGS2",
    "DGS3MO",
    "T10Y2Y",
    "T10Y3M",
    "T10YIE",
    "DFII10",
    "FEDFUNDS",
    "BAMLH0A0HYM2",
    "VIXCLS",
]
#: core tickers of the bundled snapshot beyond those named in universes.py
EXTRA_CORE = [
    "IVV",
    "VOO",
    "VTI",
    "EQAL",
    "IWB",
    "IWC",
    "IWD",
    "IWF",
    "MDY",
    "VB",
    "QQQE",
    "MGK",
    "RSPT",
    "TLT",
    "IEF",
    "SHY",
    "HYG",
    "JNK",
    "LQD",
    "UUP",
    "GLD",
    "^TNX",
    "^IRX",
]
#: thousands of tickers: batches one second apart, longer backoff on rate limits (5 s .. 160 s)
BULK_PACING = {"batch_size": 50, "pace_s": 1.0, "retries": 6, "backoff_s": 5.0}
SOURCES = [
    {"name": "Adjusted daily closes", "url": "https://finance.yahoo.com (yfinance, auto_adjust=True)"},
    {"name": "FRED series (percent)", "url": "https://fred.stlouisfed.org/graph/fredgraph.csv"},
    {"name": "S&P 500 constituents", "url": "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies"},
    {"name": "iShares IWM holdings", "url": "https://www.ishares.com (IWM holdings CSV)"},
]


def default_tickers() -> list[str]:
    """The bundled snapshot's core list: benchmarks, sector/size ETFs, Mag 7, named companies."""
    names = (
        universes.BENCHMARKS
        + list(universes.SECTOR_ETFS)
        + list(universes.INDUSTRY_ETFS)
        + list(universes.SIZE_STYLE_ETFS)
        + universes.MAG7
        + ["GOOG"]
        + list(universes.NAMED_COMPANIES["ticker"])
        + list(universes.INDEX_LEVELS)
        + EXTRA_CORE
    )
    return list(dict.fromkeys(names))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _file_entry(root: Path, rel: str, df: pd.DataFrame, date_col: str | None, item_col: str | None) -> dict:
    p = root / rel
    entry = {
        "sha256": _sha256(p),
        "bytes": p.stat().st_size,
        "rows": int(len(df)),
        "columns": [str(c) for c in df.columns],
    }
    if date_col and date_col in df and df[date_col].notna().any():
        entry["coverage"] = {"min": iso(df[date_col].min()), "max": iso(df[date_col].max())}
    if item_col and item_col in df:
        entry["tickers" if item_col in ("ticker", "symbol") else "series"] = int(df[item_col].nunique())
    return entry


def _try(fn, *args):
    """Optional datasets: None when the source has none (or no live source exists)."""
    try:
        return fn(*args)
    except (NotImplementedError, DataUnavailableError):
        return None


def _members(backend) -> tuple[pd.DataFrame | None, tuple[pd.Timestamp, pd.DataFrame] | None]:
    cons = _try(backend.sp500_constituents)
    dates = _try(backend.iwm_holdings_dates) or []
    iwm = None
    if dates:
        frame = _try(backend.iwm_holdings, dates[-1])
        if frame is not None and len(frame):
            iwm = (pd.Timestamp(dates[-1]), frame)
    return cons, iwm


def write_snapshot(
    out_dir,
    start=DEFAULT_START,
    tickers=None,
    series=None,
    backend=None,
    end=None,
    constituents: bool = False,
    force: bool = False,
) -> dict:
    """Build a snapshot folder at ``out_dir`` from ``backend`` (default: live, uncached-first).

    ``tickers``/``series`` default to the bundled snapshot's core lists;
    ``constituents=True`` adds every current S&P 500 member and IWM holding.
    ``force=True`` refreshes an existing snapshot: files and items the sources
    do not serve now are carried over, the folder keeps its permissions.
    Returns the manifest written (``refresh`` says what changed). Raises
    BadInputError for a bad target or dates and DataUnavailableError when no
    prices at all could be fetched.
    """
    out = Path(out_dir).expanduser().resolve()
    previous = check_target(out, force)
    changes = Changes()
    s, e = parse_window(start, end)
    tickers = list(dict.fromkeys(tickers or default_tickers()))
    series = list(dict.fromkeys(series or DEFAULT_SERIES))
    if backend is None:
        from .live import LiveBackend

        backend = LiveBackend(network="probe", strict=False, **BULK_PACING)

    cons, iwm = _members(backend)
    if constituents:
        extra = list(cons["symbol"]) if cons is not None else []
        extra += list(iwm[1]["ticker"]) if iwm is not None else []
        tickers = list(dict.fromkeys(tickers + extra))

    prices = backend.prices(tickers, s, e)
    if (prices is None or prices.empty) and previous is None:
        offline = " (ROTATION_OFFLINE is set)" if config.offline_forced() else ""
        raise DataUnavailableError(
            f"no prices for {', '.join(tickers[:5])}{' ...' if len(tickers) > 5 else ''}: "
            f"check the network connection{offline}; nothing written"
        )
    served_by = dict(prices.attrs.get("served_by", {})) if prices is not None else {}
    prices = keep_items(
        None if prices is None or prices.empty else prices[schemas.PRICES.names],
        previous,
        "prices.parquet",
        "ticker",
        s,
        e,
        changes,
    )
    if prices is None or prices.empty:
        raise DataUnavailableError("no prices from the live sources or the previous snapshot; nothing written")
    prices = (
        prices[schemas.PRICES.names]
        .dropna()
        .drop_duplicates(["ticker", "date"], keep="last")
        .sort_values(["ticker", "date"])
        .reset_index(drop=True)
    )
    prices.attrs = {}
    rates = _try(backend.rates, series, s, e)
    if rates is not None:
        rates_served = dict(rates.attrs.get("served_by", {}))
        rates = rates.sort_values(["series", "date"]).reset_index(drop=True)
        rates.attrs = {}
    else:
        rates_served = {}
    rates = keep_items(rates, previous, "rates.parquet", "series", s, e, changes)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        tmp.chmod(folder_mode(previous))  # mkdtemp makes it 0700
        files = {}

        def parquet(rel, df, date_col, item_col):
            df.to_parquet(tmp / rel, index=False, compression="zstd")
            files[rel] = _file_entry(tmp, rel, df, date_col, item_col)

        def csv(rel, df, date_col, item_col):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(tmp / rel, index=False, date_format="%Y-%m-%d")
            files[rel] = _file_entry(tmp, rel, df, date_col, item_col)

        parquet("prices.parquet", prices, "date", "ticker")
        if rates is not None and len(rates):
            parquet("rates.parquet", rates, "date", "series")
        if cons is not None and len(cons):
            csv("universe/sp500_constituents.csv", cons, "date_added", "symbol")
        if iwm is not None:
            csv(f"universe/{IWM_PREFIX}{iwm[0]:%Y-%m-%d}.csv", iwm[1], None, "ticker")

        carry_over(previous, tmp, files, changes)
        missing = [
            {"file": "prices.parquet", "ticker": t, "reason": "not served by the live source"}
            for t in tickers
            if t not in set(prices["ticker"])
        ]
        missing += [
            {"file": "rates.parquet", "series": x, "reason": "not served by FRED"}
            for x in series
            if rates is None or x not in set(rates["series"])
        ]
        have_iwm = iwm is not None or any(f.startswith(f"universe/{IWM_PREFIX}") for f in files)
        missing += [
            {"file": rel, "reason": "source unavailable"}
            for rel, ok in (
                ("universe/sp500_constituents.csv", "universe/sp500_constituents.csv" in files),
                ("universe/iwm_holdings_<date>.csv", have_iwm),
            )
            if not ok
        ]
        cached = sorted(k for k, v in {**served_by, **rates_served}.items() if v == "cache")
        caveats = [
            "prices: Yahoo adjusted closes (split- and dividend-adjusted as of the fetch); "
            "index levels (^GSPC, ^RUT) are price-only; ^TNX/^IRX are yields in percent"
        ]
        if cached:
            caveats.append(
                f"served from the local cache (live fetch failed): {', '.join(cached[:20])}"
                + (" ..." if len(cached) > 20 else "")
            )
        manifest = {
            "format": FORMAT,
            "as_of": iso(prices["date"].max()),
            "created": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
            "start": iso(s),
            "end": iso(e),
            "files": files,
            "sources": SOURCES,
            "missing": missing,
            "caveats": caveats,
        }
        if previous is not None:
            manifest["refresh"] = {"previous_as_of": previous.manifest.get("as_of"), **changes.to_json()}
            caveats.append(
                "refreshed from an older snapshot: files and items without new data were carried over (see refresh)"
            )
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` by the finished folder ``tmp`` (old snapshot removed only after)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ---- command line -------------------------------------------------------------
def _names(values) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="folder to write (new or empty; an older snapshot needs --force)")
    p.add_argument(
        "--force",
        action="store_true",
        help="refresh an existing snapshot in --out (files and items with no new data are kept)",
    )
    p.add_argument("--start", default=DEFAULT_START, help=f"first date, YYYY-MM-DD (default {DEFAULT_START})")
    p.add_argument("--end", default=None, help="last date, YYYY-MM-DD (default: latest)")
    p.add_argument("--tickers", nargs="+", help="Yahoo tickers (default: the core list)")
    p.add_argument("--series", nargs="+", help="FRED series ids (default: the snapshot's ten)")
    p.add_argument(
        "--constituents",
        action="store_true",
        help="also every current S&P 500 member and IWM holding (~2,500 tickers, slow)",
    )


def run(args: argparse.Namespace) -> int:
    """Entry point for the parsed ``snapshot`` subcommand; returns the exit code."""
    try:
        manifest = write_snapshot(
            args.out,
            start=args.start,
            end=args.end,
            tickers=_names(args.tickers),
            series=_names(args.series),
            constituents=args.constituents,
            force=getattr(args, "force", False),
        )
    except RotationError as exc:
        print(f"rotation snapshot: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a folder that cannot be written: one line, nothing replaced
        print(f"rotation snapshot: cannot write {args.out}: {exc.strerror or exc}; nothing replaced", file=sys.stderr)
        return 1
    n = manifest["files"]["prices.parquet"]
    print(
        f"wrote {args.out}: {n['tickers']} tickers, {n['rows']:,} price rows, as of "
        f"{manifest['as_of']}; {len(manifest['missing'])} missing items (see manifest.json)"
    )
    if manifest.get("refresh"):
        print("\n".join(change_lines(manifest["refresh"])))
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``snapshot`` on the main CLI's subparsers; its ``func`` is :func:`run`."""
    p = subparsers.add_parser(
        "snapshot", help="write a rotation-snapshot/1 folder from live sources", description=DESCRIPTION
    )
    _add_arguments(p)
    p.set_defaults(func=run)
    return p


def main(argv=None) -> int:
    """``python -m rotation_utils.data.export [snapshot] --out DIR ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["snapshot"]:
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="rotation snapshot", description=DESCRIPTION)
    _add_arguments(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
