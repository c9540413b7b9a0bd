#!/usr/bin/env python3
"""Check the fixture trees with the real tools and keep their answers in verification/:

  apt list --upgradable   (via aptrun.sh) must list exactly expected.json's updates.pending
  dpkg-query --admindir   must list exactly expected.json's software.packages (state ii),
                          with ${source:Package} equal to the expected source
  rpm -qa                 (fedora) must list exactly expected.json's software.packages
  dmidecode --from-dump   must decode the memory modules of expected.json from sys/firmware/dmi/tables/DMI
  utmpdump, who           must show exactly expected.json's os.loggedInUsers

    python3 verify.py        (root not needed; needs apt, dpkg, rpm, dmidecode, util-linux, coreutils)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import smbios

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEMS = os.path.normpath(os.path.join(HERE, "..", "systems"))
OUT = os.path.join(HERE, "verification")
FAILURES = []


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return r.stdout, r.stderr, r.returncode


def save(name, text):
    with open(os.path.join(OUT, name), "w") as fh:
        fh.write(text)


def check(what, got, want):
    if got != want:
        FAILURES.append(what)
        print(f"FAIL {what}\n  got:  {got}\n  want: {want}")
    else:
        print(f"ok   {what}")


def expected(name):
    return json.load(open(os.path.join(SYSTEMS, f"{name}.expected.json")))


def apt_pending(tree_dir, sources, label, shown=None):
    cmd = [os.path.join(HERE, "aptrun.sh"), tree_dir, os.path.join(HERE, "sources", f"{sources}.list"),
           "apt", "list", "--upgradable"]
    out, err, rc = run(cmd)
    save(f"{label}.apt-list-upgradable.txt", "$ aptrun.sh %s sources/%s.list apt list --upgradable\n%s%s"
         % (shown or f"systems/{label}", sources, out, "".join(l + "\n" for l in err.splitlines() if "stable CLI" not in l and l.strip())))
    pending = []
    for line in out.splitlines():
        m = re.match(r"^(\S+?)/(\S+) (\S+) (\S+) \[upgradable from: (\S+)\]$", line)
        if m:
            name, suites, cand, _arch, inst = m.groups()
            pending.append({"name": name, "installedVersion": inst, "candidateVersion": cand,
                            "security": any(s.endswith("-security") for s in suites.split(","))})
    return sorted(pending, key=lambda p: p["name"])


def dpkg_installed(tree_dir, label, shown=None):
    out, err, rc = run(["dpkg-query", f"--admindir={tree_dir}/var/lib/dpkg", "-W", "-f",
                        "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\n"])
    save(f"{label}.dpkg-query.txt", f"$ dpkg-query --admindir={shown or 'systems/' + label}/var/lib/dpkg -W -f "
         "'${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\n'\n" + out + err
         + (f"(exit status {rc})\n" if rc else ""))
    pk = []
    for line in out.splitlines():
        st, name, ver, arch, src = line.split("\t")
        if st.strip() == "ii":
            pk.append({"name": name, "version": ver, "architecture": arch, "source": src})
    return sorted(pk, key=lambda p: (p["name"], p["architecture"])), rc, err


def dmidecode_modules(tree_dir, label):
    table = open(os.path.join(tree_dir, "sys/firmware/dmi/tables/DMI"), "rb").read()
    with tempfile.NamedTemporaryFile(suffix=".bin") as tmp:
        tmp.write(smbios.entry_point_sm3(len(table), 4) + table)
        tmp.flush()
        out, err, rc = run(["dmidecode", "--from-dump", tmp.name])
    save(f"{label}.dmidecode.txt", f"$ dmidecode --from-dump <_SM3_ entry point + systems/{label}/sys/firmware/dmi/tables/DMI>\n"
         + out.replace(tmp.name, "DMI.dump") + err)
    mods = []
    for block in out.split("\n\n"):
        if "Memory Device" not in block:
            continue
        f = dict(re.findall(r"^\t([^:\t]+): (.*)$", block, re.M))
        if f.get("Size", "").startswith("No Module"):
            continue
        size, unit = f["Size"].split()
        mods.append({"slot": f["Locator"], "sizeBytes": int(size) * {"MB": 2**20, "GB": 2**30}[unit],
                     "type": f["Type"], "speedMTs": int(f["Speed"].split()[0]),
                     "configuredSpeedMTs": int(f["Configured Memory Speed"].split()[0]),
                     "manufacturer": f["Manufacturer"], "serial": f["Serial Number"],
                     "partNumber": f["Part Number"].strip(), "formFactor": f["Form Factor"]})
    sysinfo = dict(re.findall(r"^\t([^:\t]+): (.*)$", out.split("System Information")[1].split("\n\n")[0], re.M))
    return mods, sysinfo


def utmp_users(tree_dir, label):
    dump, _, _ = run(["utmpdump", os.path.join(tree_dir, "run/utmp")])
    who, _, _ = run(["who", os.path.join(tree_dir, "run/utmp")])
    save(f"{label}.utmp.txt", f"$ utmpdump systems/{label}/run/utmp\n{dump}\n$ who systems/{label}/run/utmp\n{who}")
    return [l.split()[0] for l in who.splitlines()]


def verify_dpkg_tree(label, sources, tree_dir=None):
    e = expected(label)
    tree_dir = tree_dir or os.path.join(SYSTEMS, label)
    check(f"{label}: apt list --upgradable == updates.pending", apt_pending(tree_dir, sources, label),
          e["updates"]["pending"])
    pk, rc, _ = dpkg_installed(os.path.join(SYSTEMS, label), label)
    if rc == 0:
        check(f"{label}: dpkg-query installed == software.packages", pk, e["software"]["packages"])
    return e


def main():
    os.makedirs(OUT, exist_ok=True)
    for label, sources in (("laptop", "laptop"), ("ubuntu", "ubuntu")):
        e = verify_dpkg_tree(label, sources)
        mods, sysinfo = dmidecode_modules(os.path.join(SYSTEMS, label), label)
        check(f"{label}: dmidecode memory devices == hardware.memoryModules", mods, e["hardware"]["memoryModules"])
        check(f"{label}: dmidecode system uuid/serial", (sysinfo["UUID"], sysinfo["Serial Number"]),
              (e["hardware"]["uuid"], e["hardware"]["serial"]))
        check(f"{label}: who == os.loggedInUsers", utmp_users(os.path.join(SYSTEMS, label), label),
              e["os"]["loggedInUsers"])

    for label in ("laptop", "ubuntu", "fedora"):
        e = expected(label)
        out, err, rc = run(["lscpu", "--sysroot", os.path.join(SYSTEMS, label)])
        save(f"{label}.lscpu.txt", f"$ lscpu --sysroot systems/{label}\n" + out + err)
        f = dict(re.findall(r"^([^:]+):\s+(.*)$", out, re.M))
        threads = int(f["CPU(s)"])
        sockets = int(f["Socket(s)"])
        check(f"{label}: lscpu model/sockets/threads", (f["Model name"], sockets, threads),
              (e["hardware"]["cpuModel"], e["hardware"]["sockets"], e["hardware"]["threads"]))
        if "CPU max MHz" in f:
            check(f"{label}: lscpu max MHz", int(float(f["CPU max MHz"])), e["hardware"]["maxFrequencyMHz"])

    # broken: dpkg itself refuses the truncated status (transcript kept); apt is asked about a copy with
    # the partial stanza and the corrupt list removed, which is what a tolerant reader should end up with.
    e = expected("broken")
    pk, rc, err = dpkg_installed(os.path.join(SYSTEMS, "broken"), "broken")
    check("broken: dpkg-query rejects the truncated status", rc != 0 and "end of file" in err, True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "broken")
        shutil.copytree(os.path.join(SYSTEMS, "broken", "var"), os.path.join(copy, "var"), symlinks=True)
        st = os.path.join(copy, "var/lib/dpkg/status")
        text = open(st).read()
        text = text[:text.rindex("\nPackage: ") + 1]
        open(st, "w").write(text)
        lists = os.path.join(copy, "var/lib/apt/lists")
        for f in os.listdir(lists):
            if f.endswith(".gz"):
                os.remove(os.path.join(lists, f))
        check("broken (sanitized copy): apt list --upgradable == updates.pending",
              apt_pending(copy, "ubuntu", "broken", shown="<copy of systems/broken without the partial stanza "
                          "and the corrupt .gz list>"), e["updates"]["pending"])
        pk, rc, err = dpkg_installed(copy, "broken-sanitized", shown="<copy of systems/broken without the partial stanza>")
        check("broken (sanitized copy): dpkg-query installed == software.packages", pk, e["software"]["packages"])
    out, err, rc = run(["gzip", "-t", os.path.join(SYSTEMS, "broken/var/lib/apt/lists/"
                                                   "us.archive.ubuntu.com_ubuntu_dists_jammy_universe_binary-amd64_Packages.gz")])
    check("broken: the .gz list is corrupt for gzip too", rc != 0, True)
    check("broken: who == os.loggedInUsers", utmp_users(os.path.join(SYSTEMS, "broken"), "broken"),
          e["os"]["loggedInUsers"])

    # fedora: rpm reads its sqlite database through the var/lib/rpm symlink
    e = expected("fedora")
    root = os.path.join(SYSTEMS, "fedora")
    qf = "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{INSTALLTIME}\\n"
    out, err, rc = run(["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qa", "--qf", qf])
    save("fedora.rpm-qa.txt", f"$ rpm --root systems/fedora --dbpath /var/lib/rpm -qa --qf '{qf}'\n" + out + err)
    pk = []
    for line in sorted(out.splitlines()):
        n, ep, v, r, a, srpm, _t = line.split("\t")
        pk.append({"name": n, "version": (f"{ep}:" if ep != "0" else "") + f"{v}-{r}", "architecture": a,
                   "source": re.sub(r"-[^-]+-[^-]+\.src\.rpm$", "", srpm)})
    check("fedora: rpm -qa == software.packages", pk, e["software"]["packages"])
    for side in ("-wal", "-shm"):
        check(f"fedora: no rpmdb.sqlite{side}", os.path.exists(os.path.join(
            root, "usr/lib/sysimage/rpm/rpmdb.sqlite" + side)), False)

    print(f"{len(FAILURES)} failed" if FAILURES else "all checks passed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
