#!/usr/bin/env python3
"""The console's main pages on a large register (scripts/bench console): the dashboard, the asset
list, an asset page, the ticket queue and a ticket page, with 50,000 assets and 200,000 tickets
written as scripts/bench lists writes them. Each page is fetched signed in (the session cookie), its
server time measured over HTTP keep-alive, and its size counted before compression. The peer in the
same run is the API's JSON for the same list or record, so the ratio says what rendering adds."""
import argparse, http.client, os, random, re, signal, subprocess, tempfile, time
import bench_lists

def start(collector, data):
    """The collector, and what it announces: its HTTP and agent addresses and its CA's fingerprint."""
    process = subprocess.Popen([collector, "serve", "--data", data, "--agent-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = {}
    for line in process.stdout:
        for key, pattern in [("agents", r"agents \(TLS\):\s+(\S+)"), ("fingerprint", r"CA fingerprint:\s+(\S+)"), ("http", r"HTTP API:\s+http://([\d.]+):(\d+)")]:
            match = re.search(pattern, line)
            if match:
                seen[key] = match.groups()
        if len(seen) == 3:
            break
    if len(seen) < 3:
        raise SystemExit("the collector did not start")
    return process, (seen["http"][0], int(seen["http"][1])), seen["agents"][0], seen["fingerprint"][0]

def real_machine(agent, data, agents, fingerprint):
    """The debian-vm fixture (762 packages, its pending updates) reported by the real agent: an asset
    page with a whole inventory, which the written register's assets do not have."""
    state = tempfile.mkdtemp(prefix="deskside-console-agent-")
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "systems", "debian-vm")
    subprocess.run([agent, "enroll", "--collector", agents, "--token-file", data + "/secrets/enrollment-token", "--ca-fingerprint", fingerprint,
                    "--state", state], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([agent, "run", "--once", "--root", fixtures, "--state", state], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["rm", "-rf", state])

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--collector", required=True)
    parser.add_argument("--agent", required=True)
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    data = tempfile.mkdtemp(prefix="deskside-console-")
    process, _, _, _ = start(args.collector, data)
    bench_lists.stop(process)
    began = time.time()
    bench_lists.populate(data + "/deskside.sqlite", args.assets, args.tickets, rng)
    print(f"register: {args.assets:,} assets, {args.tickets:,} tickets (written in {time.time() - began:.0f} s); "
          f"{args.requests} requests per page, HTTP keep-alive, one client\n")
    process, address, agents, fingerprint = start(args.collector, data)
    real_machine(args.agent, data, agents, fingerprint)
    real = args.assets + 1
    token = open(data + "/secrets/admin-token").read().strip()
    password = open(data + "/secrets/admin-password").read().strip()
    connection = http.client.HTTPConnection(*address)
    body = "username=admin&password=" + "".join(c if c.isalnum() else "%%%02X" % ord(c) for c in password)
    connection.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    cookie = re.search(r"deskside_session=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 303 or not cookie:
        raise SystemExit(f"sign-in failed: {response.status}")
    session = "deskside_session=" + cookie.group(1)

    def fetch(path, api=False):
        headers = {"Authorization": "Bearer " + token} if api else {"Cookie": session}
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        payload = answer.read()
        elapsed = (time.perf_counter() - start) * 1000
        if answer.status != 200:
            raise SystemExit(f"{path}: {answer.status} {payload[:200]}")
        return elapsed, len(payload)

    pages = args.assets // 50
    ticket_ids = args.tickets
    cases = [
        ("dashboard", lambda r: "/dashboard", lambda r: "/api/v1/reports/audit"),
        ("asset list", lambda r: f"/assets?offset={r.randrange(0, pages) * 50}", lambda r: f"/api/v1/assets?limit=50&offset={r.randrange(0, pages) * 50}"),
        ("asset page", lambda r: f"/assets/{r.randrange(1, args.assets + 1)}", lambda r: f"/api/v1/assets/{r.randrange(1, args.assets + 1)}"),
        ("asset page, 762 packages", lambda r: f"/assets/{real}", lambda r: f"/api/v1/assets/{real}"),
        ("ticket queue", lambda r: f"/tickets?offset={r.randrange(0, 20) * 50}", lambda r: f"/api/v1/tickets?open=true&limit=50&offset={r.randrange(0, 20) * 50}"),
        ("ticket page", lambda r: f"/tickets/{r.randrange(1, ticket_ids + 1)}", lambda r: f"/api/v1/tickets/{r.randrange(1, ticket_ids + 1)}"),
    ]
    print(f"{'page':26}{'console p50 / p99':>22}{'bytes (max)':>14}{'API JSON p50':>16}{'ratio':>8}")
    for name, page, api in cases:
        for _ in range(5):
            fetch(page(rng))
        timings, sizes = [], []
        for _ in range(args.requests):
            elapsed, size = fetch(page(rng))
            timings.append(elapsed)
            sizes.append(size)
        peer = [fetch(api(rng), api=True)[0] for _ in range(args.requests)]
        p50, p99 = bench_lists.percentiles(timings)
        floor = bench_lists.percentiles(peer)[0]
        print(f"{name:26}{f'{p50:.1f} / {p99:.1f} ms':>22}{max(sizes):>14,}{f'{floor:.1f} ms':>16}{f'{p50 / floor:.1f}x' if floor else '':>8}")
    print("\nthe dashboard is served from its minute-old copy (computed off the request); its peer is one of the counts in it, uncached.")
    print("the written register's assets have no inventory; the 762-package asset is the debian-vm fixture, reported by the real agent.")
    print("targets: p99 under 100 ms and under 150 KB per page before compression")
    connection.close()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    subprocess.run(["rm", "-rf", data])

if __name__ == "__main__":
    main()
