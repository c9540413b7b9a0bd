#!/usr/bin/env python3
"""A register import of 50,000 lines (scripts/bench import): a Snipe-IT-like CSV (tag, name, serial,
category, status, location, purchase date and cost, warranty, a custom field) imported by the real
CLI into the real collector, dry run then real run, each timed end to end (the CLI reads the file,
the collector parses, checks, matches and writes in one transaction). The peer measured in the same
run is SQLite's own CSV import (`sqlite3 .import` of the same file into a plain table): the floor of
getting those rows into that engine, so the ratio says what checking and the register cost."""
import argparse, os, re, signal, subprocess, sys, tempfile, time

def start(collector, data):
    process = subprocess.Popen([collector, "serve", "--data", data, "--agent-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in process.stdout:
        match = re.search(r"HTTP API:\s+(http://[\d.]+:\d+)", line)
        if match:
            return process, match.group(1)
    raise SystemExit("the collector did not start")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--collector", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    work = tempfile.mkdtemp()
    csv = os.path.join(work, "register.csv")
    sites = ["Paris", "Lyon", "Berlin", "Madrid"]
    with open(csv, "w", encoding="utf-8") as out:
        out.write("Asset Tag,Name,Serial,Manufacturer,Category,Status,Location,Purchase Date,Purchase Cost,Warranty,Notes\r\n")
        for n in range(1, args.rows + 1):
            out.write(f"IMP-{n:06d},Laptop {n},SN{n:08X},Lenovo,Laptops,{'Deployed' if n % 3 else 'Ready to Deploy'},"
                      f"{sites[n % 4]} > HQ > Floor {n % 5},2024-{1 + n % 12:02d}-15,{900 + n % 700}.50,36,\"note {n}, with a comma\"\r\n")
    size = os.path.getsize(csv)
    data = os.path.join(work, "data")
    collector, server = start(args.collector, data)
    env = dict(os.environ, DESKSIDE_SERVER=server, DESKSIDE_TOKEN_FILE=os.path.join(data, "secrets", "admin-token"))
    results = []
    try:
        for label, extra in [("dry run", ["--dry-run"]), ("real run", [])]:
            began = time.monotonic()
            done = subprocess.run([args.cli, "assets", "import", csv] + extra, env=env, capture_output=True, text=True)
            elapsed = time.monotonic() - began
            if done.returncode != 0:
                raise SystemExit(f"{label} failed: {done.stderr[-2000:]}")
            results.append((label, elapsed, done.stdout.splitlines()[0]))
    finally:
        collector.send_signal(signal.SIGTERM)
        collector.wait(timeout=60)
    began = time.monotonic()
    subprocess.run(["sqlite3", os.path.join(work, "peer.sqlite")], input=f".mode csv\n.import {csv} register\n", text=True, check=True)
    peer = time.monotonic() - began
    print(f"{args.rows:,} lines, {size / 1e6:.1f} MB of CSV (release build; {os.cpu_count()} cores shared by the CLI, the collector and SQLite)")
    print(f"{'run':<12} {'seconds':>8} {'lines/s':>9} {'x sqlite3 .import':>18}  what the CLI said")
    for label, elapsed, said in results:
        print(f"{label:<12} {elapsed:8.1f} {args.rows / elapsed:9.0f} {elapsed / peer:18.1f}  {said}")
    print(f"{'peer':<12} {peer:8.2f} {args.rows / peer:9.0f} {1:18.1f}  sqlite3 .import into a plain table")
    subprocess.run(["rm", "-rf", work])

if __name__ == "__main__":
    main()
