#!/usr/bin/env python3
"""List pages of the REST API on a large register: GET /api/v1/assets and /api/v1/tickets with
50,000 assets and 200,000 tickets (scripts/bench lists). The register is written straight into the
collector's SQLite file (made by the collector's own first start, so the schema is the real one),
then the real collector serves it and each query is timed over HTTP keep-alive. The peer measured
in the same run is SQLite itself: the same page's query through Python's sqlite3, without HTTP,
JSON or the service layer, so the ratio says what the collector adds to the engine's floor."""
import argparse, http.client, json, os, random, re, signal, sqlite3, subprocess, sys, tempfile, time

def start(collector, data):
    process = subprocess.Popen([collector, "serve", "--data", data, "--agent-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = None
    for line in process.stdout:
        match = re.search(r"HTTP API:\s+http://([\d.]+):(\d+)", line)
        if match:
            address = (match.group(1), int(match.group(2)))
            break
    if not address:
        raise SystemExit("the collector did not start")
    return process, address

def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)

def populate(path, assets, tickets, rng):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    now = time.time()
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    with db:
        people = [(f"user{i:05d}", f"User {i}", f"user{i}@example.com", ["Sales", "Finance", "Engineering", "Support"][i % 4],
                   "requester", None, iso(now), iso(now)) for i in range(assets // 10)]
        people += [(f"tech{i:03d}", f"Technician {i}", f"tech{i}@example.com", "IT", "technician", i % 3 + 1, iso(now), iso(now)) for i in range(60)]
        db.executemany("INSERT INTO account (username, name, email, department, role, tier, createdAt, updatedAt) VALUES (?,?,?,?,?,?,?,?)", people)
        requesters = [row[0] for row in db.execute("SELECT id FROM account WHERE role = 'requester'")]
        technicians = [row[0] for row in db.execute("SELECT id FROM account WHERE role = 'technician'")]
        images = [("Debian GNU/Linux", "12"), ("Ubuntu", "24.04"), ("Fedora Linux", "40"), ("Windows", "11"), ("Debian GNU/Linux", "11")]
        models = [("LENOVO", "20XW0055GE"), ("Dell Inc.", "Latitude 5440"), ("HP", "EliteBook 840 G9"), ("QEMU", "Standard PC")]
        db.executemany("INSERT INTO agent (uuid, certificateFingerprint, enrolledAt, lastSeenAt) VALUES (?,?,?,?)",
                       [(f"agent-{i}", f"SHA256:{i:064x}", iso(now - 86400 * 200), iso(now - rng.random() * 86400 * (30 if i % 20 == 0 else 1)))
                        for i in range(assets)])
        db.executemany("""INSERT INTO asset (agentId, hostname, serial, vendor, model, osName, osVersion, status, createdAt, updatedAt, lastReportAt,
                          lastUser, ownerId) VALUES (?,?,?,?,?,?,?,'active',?,?,?,?,?)""",
                       [(i + 1, f"ws-{i:05d}", f"SN{i * 2654435761 & 0x7fffffff:08X}", *models[i % 4], *images[i % 5], iso(now - 86400 * 200),
                         iso(now), iso(now - 3600), f"user{i % (assets // 10):05d}", requesters[i % len(requesters)] if i % 9 else None)
                        for i in range(assets)])
        statuses = ["new", "assigned", "inProgress", "waiting", "resolved", "closed", "closed", "closed", "resolved", "closed"]
        rows, links, events = [], [], []
        for i in range(tickets):
            created = now - rng.random() * 86400 * 365
            status = statuses[i % len(statuses)]
            impact, urgency = rng.choice(["high", "medium", "low"]), rng.choice(["high", "medium", "low"])
            rank = {"high": 0, "medium": 1, "low": 2}
            priority = ["critical", "high", "medium", "low", "low"][rank[impact] + rank[urgency]]
            resolved = iso(created + 3600 * rng.random() * 48) if status in ("resolved", "closed") else None
            rows.append((f"Ticket {i}: " + rng.choice(["printer jams", "VPN drops", "disk nearly full", "laptop slow", "password reset"])
                         + f" on ws-{i % assets:05d}", "details",
                         requesters[i % len(requesters)], rng.choice(["hardware", "network", "storage", "software", "accounts"]), impact, urgency, priority,
                         status, i % 3 + 1, technicians[i % len(technicians)] if status != "new" else None, "staff", iso(created), iso(created),
                         iso(created + 3600), iso(created + 86400), resolved, "fixed" if resolved else None))
        db.executemany("""INSERT INTO ticket (title, description, requesterId, category, impact, urgency, priority, status, tier, assigneeId, source,
                          createdAt, updatedAt, responseDueAt, resolutionDueAt, resolvedAt, resolution) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
        db.execute("INSERT INTO ticketAsset (ticketId, assetId) SELECT id, (id % ?) + 1 FROM ticket", (assets,))
        db.execute("INSERT INTO ticketEvent (ticketId, at, actor, kind) SELECT id, createdAt, 'bench', 'opened' FROM ticket")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.close()

def percentiles(values):
    values = sorted(values)
    return values[len(values) // 2], values[min(len(values) - 1, len(values) * 99 // 100)]

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--collector", required=True)
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    data = tempfile.mkdtemp(prefix="deskside-lists-")
    process, _ = start(args.collector, data)
    stop(process)
    began = time.time()
    populate(data + "/deskside.sqlite", args.assets, args.tickets, rng)
    print(f"register: {args.assets:,} assets, {args.tickets:,} tickets (written in {time.time() - began:.0f} s); "
          f"{args.requests} requests per query, HTTP keep-alive, one client\n")
    process, address = start(args.collector, data)
    token = open(data + "/secrets/admin-token").read().strip()
    connection = http.client.HTTPConnection(*address)
    def get(path):
        connection.request("GET", path, headers={"Authorization": "Bearer " + token})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status} {body[:200]}")
        return json.loads(body)
    db = sqlite3.connect(f"file:{data}/deskside.sqlite?mode=ro", uri=True)
    pages = args.assets // 50
    queries = [
        ("assets, page by page", lambda r: f"/api/v1/assets?limit=50&offset={r.randrange(0, pages) * 50}",
         ["SELECT count(*) FROM asset",
          "SELECT asset.id, asset.hostname FROM asset ORDER BY asset.hostname COLLATE NOCASE, asset.id LIMIT 50 OFFSET ?"],
         lambda r: (r.randrange(0, pages) * 50,)),
        ("assets, hostname search", lambda r: f"/api/v1/assets?hostname=ws-{r.randrange(0, 500):03d}", None, None),
        ("assets, by OS", lambda r: "/api/v1/assets?os=" + r.choice(["Ubuntu", "Fedora", "Windows"]), None, None),
        ("assets, silent 7 days", lambda r: "/api/v1/assets?silentDays=7", None, None),
        ("tickets, open queue by priority", lambda r: f"/api/v1/tickets?open=true&limit=50&offset={r.randrange(0, 20) * 50}",
         ["SELECT count(*) FROM ticket AS t WHERE t.status NOT IN ('resolved', 'closed') AND t.stormId IS NULL",
          """SELECT t.id, t.title FROM ticket AS t WHERE t.status NOT IN ('resolved', 'closed') AND t.stormId IS NULL
            ORDER BY CASE t.priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, t.id LIMIT 50 OFFSET ?"""],
         lambda r: (r.randrange(0, 20) * 50,)),
        ("tickets, newest first", lambda r: f"/api/v1/tickets?sort=created&order=desc&offset={r.randrange(0, 100) * 50}", None, None),
        ("tickets, one technician's", lambda r: f"/api/v1/tickets?assignee={args.assets // 10 + 1 + r.randrange(0, 60)}&open=true", None, None),
        ("tickets, text matching one machine", lambda r: f"/api/v1/tickets?q=ws-{r.randrange(0, args.assets):05d}", None, None),
        ("tickets, text matching 1 in 5", lambda r: "/api/v1/tickets?q=" + r.choice(["printer", "VPN", "slow"]), None, None),
    ]
    print(f"{'query':36}{'API p50 / p99':>20}{'SQLite alone p50':>20}{'ratio':>8}")
    for name, path, sql, sql_args in queries:
        for _ in range(5):
            get(path(rng))  # warm the cache
        timings = []
        for _ in range(args.requests):
            target = path(rng)
            start_time = time.perf_counter()
            get(target)
            timings.append((time.perf_counter() - start_time) * 1000)
        p50, p99 = percentiles(timings)
        peer = ""
        ratio = ""
        if sql:
            engine = []
            for _ in range(args.requests):
                start_time = time.perf_counter()
                db.execute(sql[0]).fetchall()
                db.execute(sql[1], sql_args(rng)).fetchall()
                engine.append((time.perf_counter() - start_time) * 1000)
            floor = percentiles(engine)[0]
            peer = f"{floor:.1f} ms"
            ratio = f"{p50 / floor:.1f}x" if floor > 0 else ""
        print(f"{name:36}{f'{p50:.1f} / {p99:.1f} ms':>20}{peer:>20}{ratio:>8}")
    print("\nSQLite alone: the page's count and its rows, the same statements in Python's sqlite3 on the same file.")
    print("target: a page of either list under 50 ms (p99)")
    connection.close()
    stop(process)
    subprocess.run(["rm", "-rf", data])

if __name__ == "__main__":
    main()
