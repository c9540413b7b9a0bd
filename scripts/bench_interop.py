#!/usr/bin/env python3
"""Complete inventories per second through the intake (scripts/bench interop): simulated
FusionInventory and GLPI agents, each a distinct machine (its own DEVICEID, serial, UUID, MAC and
disk serial), send what the real agents send: PROLOG then INVENTORY (the XML of this machine, as
`fusioninventory-inventory` writes it now) or CONTACT then inventory (the Windows 10 and 11 and macOS
JSON fixtures), zlib-compressed, over keep-alive connections to the real collector. Two passes: the
first sight of every machine (an asset made, every package written), then every machine again (the
daily report of a known machine: only what changed is written).

The peer measured in the same run is FusionInventory itself: the CPU time `fusioninventory-inventory`
takes to produce one inventory on this machine. The issue's server-side figures (OCS 1.3-4.5
inventories/s, GLPI 3.6-5 s per inventory, measured on this kind of machine) are printed beside."""
import argparse, concurrent.futures, http.client, json, os, re, resource, signal, subprocess, sys, tempfile, threading, time, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def start(collector, data, config):
    process = subprocess.Popen([collector, "serve", "--data", data, "--agent-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--config", config],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in process.stdout:
        match = re.search(r"HTTP API:\s+http://([\d.]+):(\d+)", line)
        if match:
            return process, match.group(1), int(match.group(2))
    raise SystemExit("the collector did not start")

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def machines(count, xml, fixtures):
    """(first message, inventory) bodies, zlib level 6, for `count` distinct machines per kind."""
    out = []
    for n in range(count):
        tag = f"{n:06d}"
        body = xml.replace("<DEVICEID>", "<DEVICEID>bench" + tag + "-")
        body = re.sub(r"<SSN>[^<]*</SSN>", f"<SSN>BENCH{tag}</SSN>", body)
        body = re.sub(r"<SERIALNUMBER>([^<]*)</SERIALNUMBER>", lambda m: f"<SERIALNUMBER>{m.group(1)}{tag}</SERIALNUMBER>", body)
        body = body.replace("<NAME>vm</NAME>", f"<NAME>vm-{tag}</NAME>", 1)
        device = re.search(r"<DEVICEID>([^<]*)</DEVICEID>", body).group(1)
        prolog = f'<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST>\n  <DEVICEID>{device}</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n  <TOKEN>12345678</TOKEN>\n</REQUEST>\n'
        out.append((zlib.compress(prolog.encode(), 6), zlib.compress(body.encode(), 6)))
        for name, document in fixtures.items():
            content = document["content"]
            text = json.dumps(document)
            for value in [content["hardware"]["uuid"], content["bios"]["ssn"]] + [s.get("serial", "") for s in content.get("storages", [])] \
                    + [i.get("mac", "") for i in content.get("networks", [])]:
                if len(value) > 6:
                    text = text.replace(value, value[:-6] + tag)
            text = text.replace(document["deviceid"], f"bench-{name}-{tag}")
            contact = json.dumps({"action": "contact", "deviceid": f"bench-{name}-{tag}", "enabled-tasks": ["inventory"], "name": "GLPI-Agent", "version": "1.11"})
            out.append((zlib.compress(contact.encode(), 6), zlib.compress(text.encode(), 6)))
    return out

def run_pass(host, port, path, bodies, clients):
    latencies, lock, errors = [], threading.Lock(), []
    queue = list(bodies)
    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                first, inventory = queue.pop()
            for body, timed in [(first, False), (inventory, True)]:
                began = time.monotonic()
                connection.request("POST", path, body=body, headers={"Content-Type": "application/x-compress-zlib"})
                reply = connection.getresponse()
                data = reply.read()
                if reply.status != 200 or data[:2] != b"\x78\x9c":
                    errors.append(f"{reply.status} {data[:200]!r}")
                if timed:
                    with lock:
                        latencies.append(time.monotonic() - began)
        connection.close()
    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. {errors[0]}")
    latencies.sort()
    return elapsed, latencies

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--collector", required=True)
    parser.add_argument("--machines", type=int, default=150, help="simulated machines of each kind (four kinds)")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    work = tempfile.mkdtemp()
    began = resource.getrusage(resource.RUSAGE_CHILDREN)
    xml = subprocess.run(["fusioninventory-inventory", "--no-category=process,environment"], capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peer_cpu = (after.ru_utime - began.ru_utime) + (after.ru_stime - began.ru_stime)
    fixtures = {name: json.load(open(os.path.join(ROOT, "Tests/Fixtures/interop/glpi", name + ".json"))) for name in ["windows10", "windows11", "macos"]}
    bodies = machines(args.machines, xml, fixtures)
    data, config = os.path.join(work, "data"), os.path.join(work, "collector.json")
    open(config, "w").write('{"intake": {"enabled": true}}')
    added = subprocess.run([args.collector, "intake", "add", "bench", "--data", data], capture_output=True, text=True, check=True).stdout
    path = re.search(r"URL path (\S+)", added).group(1)
    collector, host, port = start(args.collector, data, config)
    # The simulated agents are other machines in production: here they yield the CPU to the
    # collector when both want it (the collector keeps its priority, as a child started before).
    os.nice(10)
    clients_began = resource.getrusage(resource.RUSAGE_SELF)
    rows = []
    try:
        for label in ["first sight", "known machines"]:
            cpu = cpu_seconds(collector.pid)
            elapsed, latencies = run_pass(host, port, path, bodies, args.clients)
            cpu = cpu_seconds(collector.pid) - cpu
            rows.append((label, len(bodies), elapsed, cpu, latencies))
    finally:
        collector.send_signal(signal.SIGTERM)
        collector.wait(timeout=60)
    clients_ended = resource.getrusage(resource.RUSAGE_SELF)
    clients_cpu = (clients_ended.ru_utime - clients_began.ru_utime) + (clients_ended.ru_stime - clients_began.ru_stime)
    size = os.path.getsize(os.path.join(data, "deskside.sqlite"))
    sizes = sorted(len(inventory) for _, inventory in bodies)
    print(f"{len(bodies)} machines: {args.machines} each of this machine's FusionInventory XML ({xml.count('<SOFTWARES>')} packages) and GLPI Agent's"
          f" Windows 10, Windows 11 and macOS JSON; zlib bodies {sizes[0] / 1e3:.0f}-{sizes[-1] / 1e3:.0f} KB; {args.clients} clients,"
          f" release build, {os.cpu_count()} cores shared by the clients and the collector")
    print(f"{'pass':<16} {'inventories':>11} {'seconds':>8} {'inv/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms/inv':>11} {'x OCS (4.5/s)':>14}")
    for label, count, elapsed, cpu, latencies in rows:
        rate = count / elapsed
        print(f"{label:<16} {count:>11} {elapsed:8.1f} {rate:7.1f} {latencies[len(latencies) // 2] * 1e3:7.1f}"
              f" {latencies[int(len(latencies) * 0.99)] * 1e3:7.1f} {cpu / count * 1e3:11.1f} {rate / 4.5:14.1f}")
    print(f"peer, same run: fusioninventory-inventory took {peer_cpu:.2f} s of CPU to produce one inventory of this machine;"
          f" the collector's CPU per known machine's inventory is {rows[-1][3] / rows[-1][1] * 1e3:.1f} ms"
          f" ({peer_cpu / (rows[-1][3] / rows[-1][1]):.0f}x less)")
    total = sum(row[1] for row in rows)
    print(f"the simulated agents took {clients_cpu:.1f} s of CPU ({clients_cpu / total * 1e3:.1f} ms per inventory) on the same 2 cores, at nice 10;"
          f" the collector alone could take {2000 / (rows[-1][3] / rows[-1][1] * 1e3):.0f} known machines' inventories/s on 2 cores")
    print(f"issue's figures: OCS Inventory server 1.3-4.5 inventories/s, GLPI 3.6-5 s per inventory; database {size / 1e6:.0f} MB")
    subprocess.run(["rm", "-rf", work])

if __name__ == "__main__":
    main()
