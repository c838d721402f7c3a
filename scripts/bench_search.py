#!/usr/bin/env python3
"""Times the search box of a running Homeward server, side by side with the obvious SQL query.

Usage: bench_search.py BASE_URL DATABASE.sqlite [--queries N]

Signs in as the demo admin, picks N persons at random (fixed seed) and asks for each of them the
way an operator would: the Latin spelling with a year ("Oleksandr Petrenko 1987"), the Cyrillic
spelling, and every prefix of the Latin query as it is typed. Prints the server time (the
`Server-Timing` header: the search itself), the round trip, and how often the person sought was
among the results. The anchor is what a register without a name index does: a LIKE query on the
Latin columns, run on the same SQLite file, which finds only spellings it was given.
"""
import argparse
import random
import re
import sqlite3
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(values):
    return (f"median {statistics.median(values):7.2f} ms  p95 {percentile(values, 0.95):7.2f} ms  "
            f"p99 {percentile(values, 0.99):7.2f} ms  max {max(values):7.2f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("database")
    parser.add_argument("--queries", type=int, default=200)
    arguments = parser.parse_args()

    # The cookies are Secure; a browser sends them to 127.0.0.1, Python's cookie jar does not, so
    # they are carried by hand.
    cookies = {}

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    plain = urllib.request.build_opener(NoRedirect)

    def fetch(url, data=None):
        request = urllib.request.Request(url, data=data)
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
        try:
            answer = plain.open(request)
        except urllib.error.HTTPError as redirect:
            if redirect.code != 303:
                raise
            answer = redirect
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";")[0]
        return answer

    page = fetch(arguments.base + "/login").read().decode()
    token = re.search(r'name="_signin" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"_signin": token, "username": "admin", "password": "homeward-demo-2026"}).encode()
    fetch(arguments.base + "/login", form)

    connection = sqlite3.connect(arguments.database)
    total = connection.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    rows = connection.execute(
        "SELECT id, surname, given_names, surname_latin, given_names_latin, date_of_birth FROM persons "
        "WHERE given_names IS NOT NULL AND date_of_birth IS NOT NULL").fetchall()
    chosen = random.Random(20260224).sample(rows, min(arguments.queries, len(rows)))

    def ask(query):
        url = arguments.base + "/search/results?" + urllib.parse.urlencode({"q": query})
        started = time.perf_counter()
        with fetch(url) as answer:
            body = answer.read().decode()
            timing = answer.headers.get("Server-Timing", "")
        elapsed = (time.perf_counter() - started) * 1000
        server = float(re.search(r"dur=([\d.]+)", timing).group(1))
        return server, elapsed, body

    ask("warm up")
    server_times, round_trips, found, asked = [], [], 0, 0
    typing_times = []
    for row in chosen:
        person_id, surname, given, surname_latin, given_latin, born = row
        # SQLite stores UUIDs as 16 bytes; the page links by their text form.
        if isinstance(person_id, bytes):
            hexed = person_id.hex()
            person_id = f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"
        latin = f"{given_latin} {surname_latin.title()} {born[:4]}"
        for query in (latin, f"{surname} {given}"):
            server, elapsed, body = ask(query)
            server_times.append(server)
            round_trips.append(elapsed)
            asked += 1
            found += person_id.upper() in body.upper()
        for end in range(3, len(latin) + 1, 2):
            server, _, _ = ask(latin[:end])
            typing_times.append(server)

    anchor_times = []
    for row in chosen:
        _, _, _, surname_latin, given_latin, born = row
        started = time.perf_counter()
        connection.execute(
            "SELECT id FROM persons WHERE surname_latin LIKE ? AND given_names_latin LIKE ? AND date_of_birth LIKE ? LIMIT 50",
            (surname_latin + "%", given_latin + "%", born[:4] + "%")).fetchall()
        anchor_times.append((time.perf_counter() - started) * 1000)

    print(f"Search over {total:,} persons, {asked} whole queries ({len(chosen)} persons, Latin with year and Cyrillic), "
          f"{len(typing_times)} prefixes while typing")
    print(f"  Homeward, server time (Server-Timing)   {summary(server_times)}")
    print(f"  Homeward, while typing, server time     {summary(typing_times)}")
    print(f"  Homeward, round trip (HTTP, page)       {summary(round_trips)}")
    print(f"  Homeward found the person sought in {found} of {asked} queries ({100 * found / asked:.1f} %)")
    print(f"  Anchor: SQL LIKE on the Latin columns   {summary(anchor_times)}  (finds only the spelling it is given)")
    print(f"  Ratio of medians, Homeward server time / anchor: "
          f"{statistics.median(server_times) / statistics.median(anchor_times):.2f}")


if __name__ == "__main__":
    main()
