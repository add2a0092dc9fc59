"""Benchmark: response times of a running web workspace (``zhaoshang serve``).

Logs in through the login form, then asks each question ``--repeat`` times in turn
and reports the median and 95th percentile of the wall time of each kind of request
(the first answer after start-up or a load, which builds the search snapshot, is
reported on its own line). Only the server named by ``--url`` is contacted; run it on
this machine (``http://127.0.0.1:8000``).

Usage::

    .venv/bin/zhaoshang serve --graph zhaoshang.db &
    .venv/bin/python bench/web.py --user NAME --password PW \\
        --firm 三一重工 --firm 600028 --cluster 高端装备 [--home 37] [--repeat 20]

Targets of the issue (public data): firm page and referral paths p95 < 300 ms, a
cluster target list p95 < 1 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import httpx


def login(client: httpx.Client, user: str, password: str) -> None:
    """Sign in through the login form (its token and cookie), as a browser does."""
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if token is None:
        raise SystemExit("no login form at " + str(client.base_url))
    answer = client.post(
        "/login", data={"name": user, "password": password, "csrf": token.group(1), "next": "/"}
    )
    if answer.status_code != 303:
        raise SystemExit(f"login refused ({answer.status_code})")


def timed(client: httpx.Client, path: str, params: dict[str, str]) -> float:
    """Seconds for one GET answered 200."""
    started = time.perf_counter()
    answer = client.get(path, params=params)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"{path} {params}: HTTP {answer.status_code}")
    return elapsed


def main() -> None:
    """Run the benchmark and print one line per kind of request."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--firm", action="append", required=True, help="Firm name or code.")
    parser.add_argument("--cluster", action="append", default=[])
    parser.add_argument("--home", default="")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--review", action="store_true", help="Also time /review (an officer or admin)."
    )
    args = parser.parse_args()
    questions: list[tuple[str, str, dict[str, str]]] = []
    for firm in args.firm:
        questions.append(("referral paths (page)", "/introduce", {"q": firm, "home": args.home}))
        questions.append(("referral paths (JSON)", "/api/introduce", {"target": firm}))
        questions.append(("firm page", "/firm", {"id": firm}))
        questions.append(("suggestions", "/suggest", {"q": firm[:2]}))
    for cluster in args.cluster:
        questions.append(("target list (page)", "/targets", {"cluster": cluster}))
    questions.append(("project board", "/board", {}))
    questions.append(("attribution ledger", "/attribution", {}))
    if args.review:
        questions.append(("resolution review", "/review", {}))
    with httpx.Client(base_url=args.url, timeout=120, follow_redirects=False) as client:
        login(client, args.user, args.password)
        times: dict[str, list[float]] = {}
        for kind, path, params in questions:
            first = timed(client, path, params)
            print(f"first {kind:24} {params}: {first * 1000:8.1f} ms")
        for _ in range(args.repeat):
            for kind, path, params in questions:
                times.setdefault(kind, []).append(timed(client, path, params))
    print(f"{'request':26} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"{kind:26} {len(values):4d} {statistics.median(values) * 1000:10.1f} "
            f"{p95 * 1000:8.1f} {values[-1] * 1000:8.1f}"
        )


if __name__ == "__main__":
    main()
