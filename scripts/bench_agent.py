#!/usr/bin/env python3
"""Agent benchmark: deskside-agent inventory beside fusioninventory-inventory on the same machine,
in the same run. Each command runs --runs times (after one warm-up); the table shows medians of
CPU time (user + sys), wall time and peak resident memory (GNU time), and the ratios."""
import argparse, os, statistics, subprocess, sys, tempfile, time, zlib

def run_once(command):
    """Runs `command` under GNU time; returns (CPU seconds, wall seconds, peak RSS KB, stdout).
    Peak RSS is GNU time's %M: Linux carries a process's high-water mark across exec, so the command
    must be forked from a small process, not from this Python interpreter. CPU comes from wait4's
    rusage of GNU time, which includes the command it waited for, to the microsecond (GNU time
    prints only hundredths)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile() as peak:
        start = time.monotonic()
        child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", peak.name] + command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
        out.seek(0)
        return usage.ru_utime + usage.ru_stime, wall, int(open(peak.name).read().split()[-1]), out.read()

def measure(command, runs):
    """Median CPU, wall and peak RSS over `runs` runs after one warm-up, and the last output."""
    samples, output = [], b""
    for i in range(runs + 1):
        cpu, wall, rss, output = run_once(command)
        if i > 0:  # the first run warms caches (page cache, the agent's updates cache)
            samples.append((cpu, wall, rss))
    return {
        "cpu": statistics.median(s[0] for s in samples),
        "wall": statistics.median(s[1] for s in samples),
        "rss": statistics.median(s[2] for s in samples),
        "output": output,
    }

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.runs < 5:
        sys.exit("--runs must be at least 5")
    state = tempfile.mkdtemp(prefix="deskside-bench-")
    rows = [
        ("deskside-agent inventory", [args.agent, "inventory", "--state", state]),
        ("deskside-agent inventory --no-state", [args.agent, "inventory", "--no-state"]),
        ("fusioninventory-inventory", ["fusioninventory-inventory"]),
    ]
    results = {name: measure(command, args.runs) for name, command in rows}
    peer = results["fusioninventory-inventory"]
    print(f"Agent inventory, median of {args.runs} runs each after one warm-up, on {os.uname().nodename} ({os.cpu_count()} cores)")
    print()
    print(f"| {'command':38} | {'CPU s':>7} | {'wall s':>7} | {'peak RSS MB':>11} | {'CPU ratio':>9} | {'RSS ratio':>9} |")
    print(f"|{'-' * 40}|{'-' * 9}|{'-' * 9}|{'-' * 13}|{'-' * 11}|{'-' * 11}|")
    for name, _ in rows:
        r = results[name]
        cpu_ratio = peer["cpu"] / r["cpu"] if r["cpu"] > 0 else float("inf")
        rss_ratio = peer["rss"] / r["rss"]
        print(f"| {name:38} | {r['cpu']:7.4f} | {r['wall']:7.4f} | {r['rss'] / 1024:11.1f} | {cpu_ratio:8.1f}x | {rss_ratio:8.1f}x |")
    print()
    print("Ratios are fusioninventory-inventory's figure divided by the row's (higher is better for Deskside).")
    print("'--no-state' recomputes pending updates from apt's lists; the default run reuses them when neither the")
    print("lists nor dpkg's status changed. fusioninventory-inventory computes no pending updates at all.")
    print()
    ours = results["deskside-agent inventory"]["output"]
    theirs = peer["output"]
    print(f"| {'inventory document':38} | {'bytes':>9} | {'zlib -6 bytes':>13} |")
    print(f"|{'-' * 40}|{'-' * 11}|{'-' * 15}|")
    print(f"| {'deskside-agent (JSON)':38} | {len(ours):9} | {len(zlib.compress(ours, 6)):13} |")
    print(f"| {'fusioninventory-inventory (XML)':38} | {len(theirs):9} | {len(zlib.compress(theirs, 6)):13} |")

if __name__ == "__main__":
    main()
