#!/usr/bin/env python3
"""Build every fixture tree under ../systems/ and its <name>.expected.json / <name>.statvfs.json.

    sudo python3 build_trees.py            # all trees (needs root for unshare -n and rpm --root)

Steps, per tree: text files of /etc, /proc and /sys written here; binary files by smbios.py and
utmp.py; /proc/net files captured from the real kernel by netns_capture.sh; dpkg/apt files by
debian_apt.py (laptop) and ubuntu_apt.py (ubuntu); the RPM database by rpmdb.sh (fedora); the
`broken` tree is a copy of `ubuntu` with damaged files. verify.sh then checks the results with
apt, rpm, dmidecode, utmpdump and who.
"""
import calendar
import copy
import json
import os
import random
import shutil
import subprocess
import sys

import debian_apt
import smbios
import ubuntu_apt
import utmp

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEMS = os.path.normpath(os.path.join(HERE, "..", "systems"))
PCI_IDS = "/usr/share/misc/pci.ids"


# ----------------------------------------------------------------------------- helpers

class Tree:
    def __init__(self, name):
        self.name = name
        self.root = os.path.join(SYSTEMS, name)
        if os.path.lexists(self.root):
            shutil.rmtree(self.root)
        os.makedirs(self.root)

    def path(self, rel):
        return os.path.join(self.root, rel.lstrip("/"))

    def write(self, rel, content, mode="w"):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, mode) as fh:
            fh.write(content)

    def attrs(self, rel_dir, **values):
        """sysfs attribute files: one value per file, followed by a newline as the kernel prints it."""
        for k, v in values.items():
            self.write(f"{rel_dir}/{k}", f"{v}\n")

    def link(self, rel, target):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if os.path.lexists(p):
            os.remove(p)
        os.symlink(target, p)

    def keep(self, rel_dir):
        """git does not track empty directories; a directory that must exist gets a .gitkeep."""
        self.write(f"{rel_dir}/.gitkeep", "")


def epoch(*t):
    return calendar.timegm(t)


def meminfo(values):
    out = []
    for name, val in values:
        if name.startswith("HugePages_"):
            out.append(f"{name + ':':<16}{val:>8}")
        else:
            out.append(f"{name + ':':<16}{val:>8} kB")
    return "\n".join(out) + "\n"


def meminfo_values(total_kb, kernel, seed):
    rnd = random.Random(seed)
    free = int(total_kb * rnd.uniform(0.35, 0.55))
    cached = int(total_kb * rnd.uniform(0.18, 0.30))
    buffers = int(total_kb * 0.012)
    available = free + cached + buffers - int(total_kb * 0.02)
    anon = int(total_kb * rnd.uniform(0.12, 0.2))
    swap = 2097148 if kernel != "6.5" else 8128508
    v = [("MemTotal", total_kb), ("MemFree", free), ("MemAvailable", available), ("Buffers", buffers),
         ("Cached", cached), ("SwapCached", 0 if kernel == "6.5" else 1284),
         ("Active", int(anon * 0.3 + cached * 0.4)), ("Inactive", int(anon * 0.7 + cached * 0.55)),
         ("Active(anon)", int(anon * 0.3)), ("Inactive(anon)", int(anon * 0.7)),
         ("Active(file)", int(cached * 0.4)), ("Inactive(file)", int(cached * 0.55)),
         ("Unevictable", 108912), ("Mlocked", 64), ("SwapTotal", swap), ("SwapFree", swap - (0 if kernel == "6.5" else 8448))]
    if kernel in ("6.1", "6.5"):
        v += [("Zswap", 0), ("Zswapped", 0)]
    v += [("Dirty", rnd.randint(80, 900)), ("Writeback", 0), ("AnonPages", anon), ("Mapped", int(total_kb * 0.045)),
          ("Shmem", int(total_kb * 0.02)), ("KReclaimable", int(total_kb * 0.018)), ("Slab", int(total_kb * 0.03)),
          ("SReclaimable", int(total_kb * 0.018)), ("SUnreclaim", int(total_kb * 0.012)), ("KernelStack", 21888),
          ("PageTables", int(total_kb * 0.0016))]
    if kernel == "6.5":
        v += [("SecPageTables", 0)]
    v += [("NFS_Unstable", 0), ("Bounce", 0), ("WritebackTmp", 0),
          ("CommitLimit", total_kb // 2 + swap), ("Committed_AS", int(total_kb * 0.42)),
          ("VmallocTotal", 34359738367), ("VmallocUsed", 88412), ("VmallocChunk", 0), ("Percpu", 15744),
          ("HardwareCorrupted", 0), ("AnonHugePages", 0), ("ShmemHugePages", 0), ("ShmemPmdMapped", 0),
          ("FileHugePages", 0), ("FilePmdMapped", 0), ("HugePages_Total", 0), ("HugePages_Free", 0),
          ("HugePages_Rsvd", 0), ("HugePages_Surp", 0), ("Hugepagesize", 2048), ("Hugetlb", 0),
          ("DirectMap4k", 612436), ("DirectMap2M", 14886912 if total_kb < 20000000 else 22427648),
          ("DirectMap1G", 1048576 * max(1, total_kb // 1048576 - 14))]
    return v


def proc_stat(ncpu, uptime, btime, seed):
    rnd = random.Random(seed)
    hz = 100
    rows = []
    for _ in range(ncpu):
        total = int(uptime * hz)
        user = int(total * rnd.uniform(0.04, 0.09))
        nice = int(total * rnd.uniform(0.0, 0.002))
        system = int(total * rnd.uniform(0.01, 0.03))
        iowait = int(total * rnd.uniform(0.001, 0.004))
        irq = 0
        softirq = int(total * rnd.uniform(0.0005, 0.002))
        idle = total - user - nice - system - iowait - softirq
        rows.append([user, nice, system, idle, iowait, irq, softirq, 0, 0, 0])
    agg = [sum(c) for c in zip(*rows)]
    lines = ["cpu  " + " ".join(map(str, agg))]
    lines += [f"cpu{i} " + " ".join(map(str, r)) for i, r in enumerate(rows)]
    irqs = [0] * 200
    for i in (0, 1, 8, 9, 12, 14, 16, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 140, 141, 142, 150, 151):
        irqs[i] = rnd.randint(10, 9000000)
    lines.append(f"intr {sum(irqs)} " + " ".join(map(str, irqs)))
    lines.append(f"ctxt {rnd.randint(10**8, 9 * 10**8)}")
    lines.append(f"btime {btime}")
    lines.append(f"processes {rnd.randint(100000, 900000)}")
    lines.append("procs_running 2")
    lines.append("procs_blocked 0")
    soft = [rnd.randint(10**5, 10**8) for _ in range(10)]
    soft[4] = 0
    lines.append(f"softirq {sum(soft)} " + " ".join(map(str, soft)))
    return "\n".join(lines) + "\n"


def cpuinfo(procs, common):
    """procs: list of dicts with per-processor values; common: dict of shared fields, in kernel order."""
    out = []
    for i, p in enumerate(procs):
        f = [("processor", i), ("vendor_id", common["vendor_id"]), ("cpu family", common["family"]),
             ("model", common["model"]), ("model name", common["model_name"]), ("stepping", common["stepping"]),
             ("microcode", common["microcode"]), ("cpu MHz", p["mhz"]), ("cache size", common["cache"]),
             ("physical id", p["physical_id"]), ("siblings", common["siblings"]), ("core id", p["core_id"]),
             ("cpu cores", common["cores"]), ("apicid", p["apicid"]), ("initial apicid", p["apicid"]),
             ("fpu", "yes"), ("fpu_exception", "yes"), ("cpuid level", common["cpuid_level"]), ("wp", "yes"),
             ("flags", common["flags"])]
        if common.get("vmx_flags"):
            f.append(("vmx flags", common["vmx_flags"]))
        f += [("bugs", common["bugs"]), ("bogomips", common["bogomips"])]
        if common.get("tlb"):
            f.append(("TLB size", common["tlb"]))
        f += [("clflush size", 64), ("cache_alignment", 64), ("address sizes", common["address_sizes"]),
              ("power management", common.get("power_management", ""))]
        out.append("\n".join(f"{k:<16}: {v}" if v != "" else f"{k:<16}:" for k, v in f) + "\n")
    return "\n".join(out) + "\n"


def cpu_topology(t, cpus):
    """cpus: list of (package, core_id, thread-sibling cpu list) per logical cpu, as in
    /sys/devices/system/cpu/cpuN/topology (Documentation/ABI/stable/sysfs-devices-system-cpu)."""
    def ranges(ids):
        ids = sorted(ids)
        out, start = [], ids[0]
        for a, b in zip(ids, ids[1:] + [None]):
            if b != a + 1:
                out.append(f"{start}-{a}" if a != start else f"{a}")
                start = b
        return ",".join(out)
    for n, (pkg, core, siblings) in enumerate(cpus):
        package_cpus = [i for i, c in enumerate(cpus) if c[0] == pkg]
        mask = sum(1 << i for i in siblings)
        pmask = sum(1 << i for i in package_cpus)
        t.attrs(f"sys/devices/system/cpu/cpu{n}/topology", physical_package_id=pkg, die_id=0, core_id=core,
                cluster_id=core if len(siblings) > 1 else 8 + (core - 8) // 4 * 4, thread_siblings_list=ranges(siblings),
                core_cpus_list=ranges(siblings), thread_siblings=f"{mask:03x}", core_cpus=f"{mask:03x}",
                core_siblings_list=ranges(package_cpus), package_cpus_list=ranges(package_cpus),
                core_siblings=f"{pmask:03x}", package_cpus=f"{pmask:03x}")


def proc_kernel(t, hostname, osrelease, version):
    t.write("proc/sys/kernel/hostname", hostname + "\n")
    t.write("proc/sys/kernel/osrelease", osrelease + "\n")
    t.write("proc/sys/kernel/version", version + "\n")
    t.write("proc/sys/kernel/ostype", "Linux\n")


def dmi_id(t, d):
    """/sys/class/dmi/id -> ../../devices/virtual/dmi/id, one file per field."""
    base = "sys/devices/virtual/dmi/id"
    t.link("sys/class/dmi/id", "../../devices/virtual/dmi/id")
    for k, v in d.items():
        if isinstance(v, bytes):
            t.write(f"{base}/{k}", v, "wb")
        else:
            t.write(f"{base}/{k}", f"{v}\n")
    t.write(f"{base}/uevent", f"MODALIAS={d.get('modalias', '')}\n")


def pci_ids_subset(devices):
    """The lines of the real pci.ids for the vendors, devices (and their subsystem lines)
    and classes in use, in the file's own order and format."""
    want_vendor = {v for v, _, _, _ in devices}
    want_device = {(v, d) for v, d, _, _ in devices}
    want_sub = {(v, d, s) for v, d, s, _ in devices if s}
    want_class = {c[:2] for _, _, _, c in devices}
    want_subclass = {c[:4] for _, _, _, c in devices}
    want_progif = {c for _, _, _, c in devices}
    lines = open(PCI_IDS, encoding="utf-8").read().split("\n")
    out = lines[:6] + ["#\tTrimmed for Deskside's test fixtures: only the lines for the devices of one tree.",
                       "#", ""]
    vendor = device = cls = sub = None
    section_classes = False
    for line in lines:
        if line.startswith("C "):
            section_classes = True
        if not line or line.startswith("#"):
            continue
        if not section_classes:
            if not line.startswith("\t"):
                vendor, device = line[:4], None
                if vendor in want_vendor:
                    out.append(line)
            elif line.startswith("\t\t"):
                if vendor in want_vendor and (vendor, device) in want_device:
                    sv, sd = line[2:6], line[7:11]
                    if (vendor, device, f"{sv}:{sd}") in want_sub:
                        out.append(line)
            else:
                device = line[1:5]
                if (vendor, device) in want_device:
                    out.append(line)
        else:
            if line.startswith("C "):
                cls, sub = line[2:4], None
                if cls in want_class:
                    out.append(line)
            elif line.startswith("\t\t"):
                if cls + sub + line[2:4] in want_progif:
                    out.append(line)
            elif line.startswith("\t"):
                sub = line[1:3]
                if cls + sub in want_subclass:
                    out.append(line)
    return "\n".join(out) + "\n"


def pci_names(ids_text, vendor, device):
    vname = dname = None
    cur = None
    for line in ids_text.split("\n"):
        if line.startswith("C "):
            break
        if line and not line.startswith(("\t", "#")):
            cur = line[:4]
            if cur == vendor:
                vname = line[6:]
        elif line.startswith("\t") and not line.startswith("\t\t") and cur == vendor and line[1:5] == device:
            dname = line[7:]
    return vname, dname


def pci_devices(t, devs):
    """devs: (slot, parent path under /sys/devices, vendor, device, class, subsys 'vvvv:dddd', driver, revision)."""
    for slot, parent, ven, dev, cls, subsys, driver, rev in devs:
        d = f"sys/devices/{parent}/{slot}"
        up = "../" * d.count("/")  # from sys/devices/.../<slot> back up to sys/
        sv, sd = subsys.split(":")
        t.attrs(d, vendor=f"0x{ven}", device=f"0x{dev}", subsystem_vendor=f"0x{sv}", subsystem_device=f"0x{sd}",
                revision=f"0x{rev}", **{"class": f"0x{cls}"})
        t.write(f"{d}/uevent", f"DRIVER={driver}\nPCI_CLASS={cls.upper().lstrip('0') or '0'}\n"
                               f"PCI_ID={ven.upper()}:{dev.upper()}\nPCI_SUBSYS_ID={sv.upper()}:{sd.upper()}\n"
                               f"PCI_SLOT_NAME={slot}\nMODALIAS=pci:v0000{ven.upper()}d0000{dev.upper()}"
                               f"sv0000{sv.upper()}sd0000{sd.upper()}bc{cls[:2].upper()}sc{cls[2:4].upper()}i{cls[4:].upper()}\n")
        t.link(f"{d}/driver", f"{up}bus/pci/drivers/{driver}")
        t.write(f"sys/bus/pci/drivers/{driver}/uevent", "")
        t.link(f"sys/bus/pci/devices/{slot}", f"../../../devices/{parent}/{slot}")


def net_if(t, name, devpath, index, mac, state, mtu, speed=None, wireless=False, device_link=None,
           type_=1, flags="0x1003", carrier=None):
    d = f"sys/devices/{devpath}/net/{name}" if not devpath.startswith("virtual") else f"sys/devices/{devpath}/{name}"
    rel = d[len("sys/"):]
    t.link(f"sys/class/net/{name}", f"../../{rel}")
    vals = dict(address=mac, operstate=state, mtu=mtu, ifindex=index, iflink=index, type=type_, flags=flags,
                addr_len=6, tx_queue_len=1000 if type_ == 1 else 1000)
    if speed is not None:
        vals["speed"] = speed
    if carrier is not None:
        vals["carrier"] = carrier
    t.attrs(d, **vals)
    t.write(f"{d}/uevent", f"INTERFACE={name}\nIFINDEX={index}\n" + ("DEVTYPE=wlan\n" if wireless else "")
            + ("DEVTYPE=bridge\n" if name == "docker0" else ""))
    if wireless:
        t.keep(f"{d}/wireless")
        t.link(f"{d}/phy80211", "../../ieee80211/phy0")
        t.write(f"sys/devices/{devpath}/ieee80211/phy0/name", "phy0\n")
    if device_link:
        t.link(f"{d}/device", device_link)
    return d


def block_common(t, d, size, dev, removable=0, rotational=0, ro=0, lbs=512):
    t.attrs(d, size=size, dev=dev, removable=removable, ro=ro, ext_range=256 if "nvme" in d else 16,
            hidden=0, capability="50" if "nvme" in d else "50")
    t.attrs(f"{d}/queue", rotational=rotational, logical_block_size=lbs, physical_block_size=max(lbs, 512),
            hw_sector_size=lbs, scheduler="[none] mq-deadline" if "nvme" in d else "[mq-deadline] none")
    t.write(f"{d}/uevent", f"MAJOR={dev.split(':')[0]}\nMINOR={dev.split(':')[1]}\nDEVNAME={d.rsplit('/', 1)[1]}\nDEVTYPE=disk\n")


def partition(t, d, name, number, start, size, dev):
    p = f"{d}/{name}"
    t.attrs(p, partition=number, start=start, size=size, dev=dev, ro=0, alignment_offset=0, discard_alignment=0)
    t.write(f"{p}/uevent", f"MAJOR={dev.split(':')[0]}\nMINOR={dev.split(':')[1]}\nDEVNAME={name}\n"
                           f"DEVTYPE=partition\nPARTN={number}\n")


def passwd_group(t, users, extra_groups):
    base_pw = [
        "root:x:0:0:root:/root:/bin/bash", "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
        "bin:x:2:2:bin:/bin:/usr/sbin/nologin", "sys:x:3:3:sys:/dev:/usr/sbin/nologin",
        "sync:x:4:65534:sync:/bin:/bin/sync", "games:x:5:60:games:/usr/games:/usr/sbin/nologin",
        "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin", "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin",
        "mail:x:8:8:mail:/var/mail:/usr/sbin/nologin", "news:x:9:9:news:/var/spool/news:/usr/sbin/nologin",
        "uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin", "proxy:x:13:13:proxy:/bin:/usr/sbin/nologin",
        "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
        "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin",
        "list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin", "irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin",
        "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin", "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
        "systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin",
        "messagebus:x:100:107::/nonexistent:/usr/sbin/nologin",
        "sshd:x:101:65534::/run/sshd:/usr/sbin/nologin",
    ]
    base_gr = ["root:x:0:", "daemon:x:1:", "bin:x:2:", "sys:x:3:", "adm:x:4:{adm}", "tty:x:5:", "disk:x:6:",
               "lp:x:7:", "mail:x:8:", "news:x:9:", "uucp:x:10:", "man:x:12:", "proxy:x:13:", "kmem:x:15:",
               "dialout:x:20:", "fax:x:21:", "voice:x:22:", "cdrom:x:24:{cdrom}", "floppy:x:25:", "tape:x:26:",
               "sudo:x:27:{sudo}", "audio:x:29:{audio}", "dip:x:30:", "www-data:x:33:", "backup:x:34:",
               "operator:x:37:", "list:x:38:", "irc:x:39:", "src:x:40:", "shadow:x:42:", "utmp:x:43:",
               "video:x:44:{video}", "sasl:x:45:", "plugdev:x:46:{plugdev}", "staff:x:50:", "games:x:60:",
               "users:x:100:{users}", "nogroup:x:65534:", "systemd-journal:x:999:", "systemd-network:x:998:",
               "messagebus:x:107:"]
    pw = list(base_pw)
    members = {}
    for login, uid, gecos, groups in users:
        pw.append(f"{login}:x:{uid}:{uid}:{gecos}:/home/{login}:/bin/bash")
        for g in groups:
            members.setdefault(g, []).append(login)
    gr = []
    for line in base_gr + extra_groups:
        name = line.split(":")[0]
        gr.append(line.split("{")[0] + ",".join(members.get(name, [])) if "{" in line else line)
    for login, uid, _g, _gr in users:
        gr.append(f"{login}:x:{uid}:")
    t.write("etc/passwd", "\n".join(pw) + "\n")
    t.write("etc/group", "\n".join(gr) + "\n")


def volumes_expected(statvfs, fstypes):
    vols = []
    for mp, fs in fstypes:
        s = statvfs[mp]
        bs = s["blockSize"]
        vols.append({"mountPoint": mp, "filesystem": fs, "sizeBytes": s["blocks"] * bs,
                     "freeBytes": s["blocksAvailable"] * bs, "usedBytes": (s["blocks"] - s["blocksFree"]) * bs})
    return vols


def write_json(path, obj):
    with open(path, "w") as fh:
        json.dump(obj, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def install_netns(t, profile):
    out = t.path("proc/net")
    subprocess.run([os.path.join(HERE, "netns_capture.sh"), profile, out], check=True)
    # what `ip -br addr` said inside the namespace, kept as evidence for the expected addresses
    os.makedirs(os.path.join(HERE, "verification"), exist_ok=True)
    shutil.move(os.path.join(out, ".ip-br-addr.txt"), os.path.join(HERE, "verification", f"{t.name}.ip-br-addr.txt"))


# ----------------------------------------------------------------------------- CPUs

INTEL_RPL_FLAGS = ("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr "
                   "sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good "
                   "nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx "
                   "smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes "
                   "xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb ssbd ibrs ibpb stibp ibrs_enhanced "
                   "tpr_shadow flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed "
                   "adx smap clflushopt clwb intel_pt sha_ni xsaveopt xsavec xgetbv1 xsaves split_lock_detect avx_vnni "
                   "dtherm ida arat pln pts hwp hwp_notify hwp_act_window hwp_epp hwp_pkg_req hfi vnmi umip pku ospke "
                   "waitpkg gfni vaes vpclmulqdq rdpid movdiri movdir64b fsrm md_clear serialize arch_lbr ibt flush_l1d "
                   "arch_capabilities")
INTEL_RPL_VMX = ("vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad ept_1gb flexpriority apicv tsc_offset "
                 "vtpr mtf vapic ept vpid unrestricted_guest vapic_reg vid ple shadow_vmcs ept_mode_based_exec "
                 "tsc_scaling usr_wait_pause")
INTEL_CML_FLAGS = ("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr "
                   "sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good "
                   "nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 "
                   "ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave "
                   "avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb invpcid_single ssbd ibrs ibpb stibp "
                   "ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust sgx bmi1 avx2 smep "
                   "bmi2 erms invpcid mpx rdseed adx smap clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm ida "
                   "arat pln pts hwp hwp_notify hwp_act_window hwp_epp pku ospke sgx_lc md_clear flush_l1d "
                   "arch_capabilities")
AMD_MILAN_VM_FLAGS = ("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 "
                      "syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm rep_good nopl cpuid extd_apicid tsc_known_freq pni "
                      "pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx "
                      "f16c rdrand hypervisor lahf_lm cmp_legacy svm cr8_legacy abm sse4a misalignsse 3dnowprefetch "
                      "osvw topoext perfctr_core invpcid_single ssbd ibrs ibpb stibp vmmcall fsgsbase tsc_adjust bmi1 "
                      "avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves "
                      "clzero xsaveerptr wbnoinvd arat npt lbrv nrip_save tsc_scale vmcb_clean pausefilter pfthreshold "
                      "v_vmsave_vmload vgif umip pku ospke vaes vpclmulqdq rdpid fsrm arch_capabilities")


def laptop_cpuinfo():
    # i7-1365U: 2 P-cores with HT (core ids 0, 4) + 8 E-cores (core ids 8..15) = 10 cores, 12 threads
    topo = [(0, 0), (0, 1), (4, 8), (4, 9)] + [(8 + i, 16 + 2 * i) for i in range(8)]
    mhz = ["400.000", "1285.352", "400.000", "2637.411", "1100.029", "400.000", "951.318", "400.000",
           "3392.746", "400.000", "400.000", "1817.935"]
    procs = [dict(mhz=mhz[i], physical_id=0, core_id=c, apicid=a) for i, (c, a) in enumerate(topo)]
    return cpuinfo(procs, dict(vendor_id="GenuineIntel", family=6, model=186,
                               model_name="13th Gen Intel(R) Core(TM) i7-1365U", stepping=3, microcode="0x4121",
                               cache="12288 KB", siblings=12, cores=10, cpuid_level=32, flags=INTEL_RPL_FLAGS,
                               vmx_flags=INTEL_RPL_VMX,
                               bugs="spectre_v1 spectre_v2 spec_store_bypass swapgs eibrs_pbrsb rfds bhi",
                               bogomips="5222.40", address_sizes="39 bits physical, 48 bits virtual"))


def ubuntu_cpuinfo():
    # i5-10505: 6 cores, 12 threads; the kernel lists thread 0 of every core first
    procs = []
    for i in range(12):
        core = i % 6
        procs.append(dict(mhz=["800.010", "4199.982", "800.000", "3210.447", "800.123", "2400.000"][core] if i < 6
                          else ["800.000", "1371.005", "800.000", "800.000", "4100.013", "800.000"][core],
                          physical_id=0, core_id=core, apicid=core * 2 + (i // 6)))
    return cpuinfo(procs, dict(vendor_id="GenuineIntel", family=6, model=165,
                               model_name="Intel(R) Core(TM) i5-10505 CPU @ 3.20GHz", stepping=3, microcode="0xf8",
                               cache="12288 KB", siblings=12, cores=6, cpuid_level=22, flags=INTEL_CML_FLAGS,
                               vmx_flags=INTEL_RPL_VMX.replace(" usr_wait_pause", "").replace(" tsc_scaling", "")
                               + " pml ept_mode_based_exec",
                               bugs="spectre_v1 spectre_v2 spec_store_bypass swapgs itlb_multihit srbds mmio_stale_data "
                                    "retbleed eibrs_pbrsb gds",
                               bogomips="6399.96", address_sizes="39 bits physical, 48 bits virtual"))


def fedora_cpuinfo():
    # QEMU/KVM guest started with -smp 4 (QEMU's default topology: 4 sockets x 1 core x 1 thread)
    procs = [dict(mhz="2445.406", physical_id=i, core_id=0, apicid=i) for i in range(4)]
    return cpuinfo(procs, dict(vendor_id="AuthenticAMD", family=25, model=1,
                               model_name="AMD EPYC 7763 64-Core Processor", stepping=1, microcode="0x1000065",
                               cache="512 KB", siblings=1, cores=1, cpuid_level=16, flags=AMD_MILAN_VM_FLAGS,
                               bugs="sysret_ss_attrs null_seg spectre_v1 spectre_v2 spec_store_bypass srso",
                               bogomips="4890.81", tlb="1024 4K pages", address_sizes="40 bits physical, 48 bits virtual"))


# ----------------------------------------------------------------------------- laptop

LAPTOP = dict(hostname="tp-jdupont", domain="corp.example.com", btime=epoch(2026, 11, 19, 7, 42, 13), uptime="273845.12",
              osrelease="6.1.0-37-amd64", kversion="#1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1 (2025-05-22)",
              memtotal_kb=49025668)

DEBIAN_OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"""


def build_laptop():
    c = LAPTOP
    t = Tree("laptop")
    # --- OS identity
    t.write("usr/lib/os-release", DEBIAN_OS_RELEASE)
    t.link("etc/os-release", "../usr/lib/os-release")
    t.write("etc/debian_version", "12.15\n")
    t.write("etc/hostname", c["hostname"] + "\n")
    t.write("etc/hosts", f"127.0.0.1\tlocalhost\n127.0.1.1\t{c['hostname']}.{c['domain']}\t{c['hostname']}\n\n"
                         "# The following lines are desirable for IPv6 capable hosts\n"
                         "::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n")
    t.write("etc/resolv.conf", f"# Generated by NetworkManager\nsearch {c['domain']}\nnameserver 192.168.1.1\n"
                               "nameserver 2001:db8:1234:5600::1\n")
    t.write("etc/timezone", "Europe/Paris\n")
    t.link("etc/localtime", "/usr/share/zoneinfo/Europe/Paris")
    proc_kernel(t, c["hostname"], c["osrelease"], c["kversion"])
    up = float(c["uptime"])
    t.write("proc/uptime", f"{c['uptime']} {up * 12 * 0.91:.2f}\n")
    t.write("proc/stat", proc_stat(12, up, c["btime"], "laptop"))
    b = c["btime"]
    records = [
        dict(type="BOOT_TIME", line="~", id="~~", user="reboot", host=c["osrelease"], sec=b, usec=412277),
        dict(type="RUN_LVL", pid=53, line="~", id="~~", user="runlevel", host=c["osrelease"], sec=b + 14, usec=9310),
        dict(type="USER_PROCESS", pid=1482, line="tty1", id="tty1", user="jdupont", host="", session=1482,
             sec=b + 95, usec=118342),
        dict(type="LOGIN_PROCESS", pid=1490, line="tty2", id="tty2", user="LOGIN", session=1490, sec=b + 96, usec=5),
        dict(type="DEAD_PROCESS", pid=19002, line="pts/1", id="ts/1", user="mmartin", host="10.8.0.22",
             sec=b + 180233, usec=77410, addr="10.8.0.22"),
        dict(type="USER_PROCESS", pid=20511, line="pts/0", id="ts/0", user="itadmin", host="10.8.0.14",
             session=20511, sec=b + 250017, usec=640021, addr="10.8.0.14"),
    ]
    os.makedirs(t.path("run"), exist_ok=True)
    utmp.write(t.path("run/utmp"), records)
    passwd_group(t, [("jdupont", 1000, "Jeanne Dupont,,,", ["adm", "cdrom", "sudo", "audio", "video", "plugdev", "users", "docker"]),
                     ("itadmin", 1001, "IT Support,,,", ["sudo", "users"]),
                     ("mmartin", 1002, "Marc Martin,,,", ["users"])],
                 ["docker:x:996:{docker}", "lpadmin:x:117:jdupont", "bluetooth:x:112:"])

    # --- DMI / SMBIOS
    dmi_id(t, dict(
        bios_date="01/15/2024", bios_release="1.17", bios_vendor="LENOVO", bios_version="R2BET38W (1.17 )",
        board_asset_tag="Not Available", board_name="21HDCTO1WW", board_serial="L1HF3AB0123",
        board_vendor="LENOVO", board_version="SDK0T76479 WIN", chassis_asset_tag="No Asset Information",
        chassis_serial="PF4ABCDE", chassis_type="10", chassis_vendor="LENOVO", chassis_version="None",
        ec_firmware_release="1.10", product_family="ThinkPad T14 Gen 4", product_name="21HDCTO1WW",
        product_serial="PF4ABCDE", product_sku="LENOVO_MT_21HD_BU_Think_FM_ThinkPad T14 Gen 4",
        product_uuid="5d0a8f2c-3b1e-11b2-a85c-9f3e51c2d4a7", product_version="ThinkPad T14 Gen 4",
        sys_vendor="LENOVO",
        modalias="dmi:bvnLENOVO:bvrR2BET38W(1.17):bd01/15/2024:br1.17:efr1.10:svnLENOVO:pn21HDCTO1WW:"
                 "pvrThinkPadT14Gen4:rvnLENOVO:rn21HDCTO1WW:rvrSDK0T76479WIN:cvnLENOVO:ct10:cvrNone:"
                 "skuLENOVO_MT_21HD_BU_Think_FM_ThinkPadT14Gen4:"))
    t.write("sys/firmware/dmi/tables/DMI", smbios.laptop(), "wb")

    # --- CPU / memory
    t.write("proc/cpuinfo", laptop_cpuinfo())
    for cpu in range(12):
        p_core = cpu < 4
        t.attrs(f"sys/devices/system/cpu/cpu{cpu}/cpufreq", cpuinfo_max_freq=5200000 if p_core else 3900000,
                cpuinfo_min_freq=400000, scaling_driver="intel_pstate", scaling_governor="powersave")
    t.attrs("sys/devices/system/cpu", present="0-11", online="0-11", possible="0-11")
    cpu_topology(t, [(0, 0, [0, 1]), (0, 0, [0, 1]), (0, 4, [2, 3]), (0, 4, [2, 3])]
                 + [(0, 8 + i, [4 + i]) for i in range(8)])
    t.write("proc/meminfo", meminfo(meminfo_values(c["memtotal_kb"], "6.1", "laptop")))

    # --- PCI
    pci = [
        ("0000:00:02.0", "pci0000:00", "8086", "a7a1", "030000", "17aa:2305", "i915", "04"),
        ("0000:00:14.3", "pci0000:00", "8086", "51f0", "028000", "8086:0094", "iwlwifi", "01"),
        ("0000:00:17.0", "pci0000:00", "8086", "51d3", "010601", "17aa:2305", "ahci", "01"),
        ("0000:00:1d.0", "pci0000:00", "8086", "51b1", "060400", "17aa:2305", "pcieport", "01"),
        ("0000:00:1f.6", "pci0000:00", "8086", "1a1e", "020000", "17aa:2305", "e1000e", "01"),
        ("0000:3d:00.0", "pci0000:00/0000:00:1d.0", "144d", "a80a", "010802", "144d:a801", "nvme", "00"),
    ]
    pci_devices(t, pci)
    ids = pci_ids_subset([(v, d, s, cl) for _, _, v, d, cl, s, _, _ in pci])
    t.write("usr/share/misc/pci.ids", ids)

    # --- disks
    nvme_ctrl = "sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0"
    t.attrs(nvme_ctrl, model="SAMSUNG MZVL2512HCJQ-00BL7".ljust(40), serial="S64KNX0T412345".ljust(20),
            firmware_rev="GXA7801Q", transport="pcie", state="live", cntlid=5, dev="238:0",
            subsysnqn="nqn.1994-11.com.samsung:nvme:PM9A1:M.2:S64KNX0T412345", address="0000:3d:00.0")
    t.link(f"{nvme_ctrl}/device", "../../../0000:3d:00.0")
    t.link("sys/class/nvme/nvme0", "../../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0")
    nvme_ns = f"{nvme_ctrl}/nvme0n1"
    block_common(t, nvme_ns, 1000215216, "259:0")
    t.attrs(nvme_ns, nsid=1, wwid="eui.002538b421b1e6f1")
    t.link(f"{nvme_ns}/device", "../../nvme0")
    partition(t, nvme_ns, "nvme0n1p1", 1, 2048, 2097152, "259:1")
    partition(t, nvme_ns, "nvme0n1p2", 2, 2099200, 998113280, "259:2")
    t.link("sys/block/nvme0n1", "../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1")

    scsi = "sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0"
    t.attrs(scsi, vendor="ATA     ", model="CT1000MX500SSD1 ", rev="043 ", type=0, state="running",
            queue_depth=32, scsi_level=6)
    sda = f"{scsi}/block/sda"
    block_common(t, sda, 1953525168, "8:0")
    t.link(f"{sda}/device", "../../../0:0:0:0")
    partition(t, sda, "sda1", 1, 2048, 1953521664, "8:1")
    t.link("sys/block/sda", "../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda")

    loop = "sys/devices/virtual/block/loop0"
    block_common(t, loop, 151960, "7:0", rotational=0, ro=1)
    t.attrs(f"{loop}/loop", backing_file="/var/lib/snapd/snaps/core22_1380.snap", offset=0, sizelimit=0,
            autoclear=1, partscan=0, dio=0)
    t.link("sys/block/loop0", "../devices/virtual/block/loop0")

    t.write("run/udev/data/b259:0", "\n".join([
        "S:disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00BL7_S64KNX0T412345", "S:disk/by-path/pci-0000:3d:00.0-nvme-1",
        "S:disk/by-id/nvme-eui.002538b421b1e6f1", "W:7", "I:3841207",
        "E:ID_SERIAL_SHORT=S64KNX0T412345", "E:ID_WWN=eui.002538b421b1e6f1",
        "E:ID_MODEL=SAMSUNG MZVL2512HCJQ-00BL7", "E:ID_REVISION=GXA7801Q",
        "E:ID_SERIAL=SAMSUNG_MZVL2512HCJQ-00BL7_S64KNX0T412345", "E:ID_PATH=pci-0000:3d:00.0-nvme-1",
        "E:ID_PATH_TAG=pci-0000_3d_00_0-nvme-1", "E:ID_PART_TABLE_UUID=9c2f1d0e-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
        "E:ID_PART_TABLE_TYPE=gpt", "G:systemd", "Q:systemd", "V:1"]) + "\n")
    t.write("run/udev/data/b8:0", "\n".join([
        "S:disk/by-id/ata-CT1000MX500SSD1_2117E59AB1C2", "S:disk/by-id/wwn-0x500a0751e59ab1c2",
        "S:disk/by-path/pci-0000:00:17.0-ata-1", "S:disk/by-path/pci-0000:00:17.0-ata-1.0", "W:5", "I:3840911",
        "E:ID_ATA=1", "E:ID_TYPE=disk", "E:ID_BUS=ata", "E:ID_MODEL=CT1000MX500SSD1",
        "E:ID_MODEL_ENC=CT1000MX500SSD1\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20"
        "\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20", "E:ID_REVISION=M3CR043",
        "E:ID_SERIAL=CT1000MX500SSD1_2117E59AB1C2", "E:ID_SERIAL_SHORT=2117E59AB1C2", "E:ID_ATA_WRITE_CACHE=1",
        "E:ID_ATA_WRITE_CACHE_ENABLED=1", "E:ID_ATA_FEATURE_SET_SMART=1", "E:ID_ATA_FEATURE_SET_SMART_ENABLED=1",
        "E:ID_ATA_DOWNLOAD_MICROCODE=1", "E:ID_ATA_SATA=1", "E:ID_ATA_SATA_SIGNAL_RATE_GEN2=1",
        "E:ID_ATA_SATA_SIGNAL_RATE_GEN1=1", "E:ID_ATA_ROTATION_RATE_RPM=0", "E:ID_WWN=0x500a0751e59ab1c2",
        "E:ID_WWN_WITH_EXTENSION=0x500a0751e59ab1c2", "E:ID_PATH=pci-0000:00:17.0-ata-1.0",
        "E:ID_PATH_TAG=pci-0000_00_17_0-ata-1_0", "E:ID_PATH_ATA_COMPAT=pci-0000:00:17.0-ata-1",
        "E:ID_PART_TABLE_UUID=3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", "E:ID_PART_TABLE_TYPE=gpt",
        "G:systemd", "Q:systemd", "V:1"]) + "\n")

    # --- mounts and df numbers
    overlay_id = "8f3c2a9e71d04b5f9a6e0c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4"
    t.write("proc/mounts", "\n".join([
        "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0",
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
        "udev /dev devtmpfs rw,nosuid,relatime,size=24479668k,nr_inodes=6119917,mode=755,inode64 0 0",
        "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0",
        "tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=4902568k,mode=755,inode64 0 0",
        "/dev/nvme0n1p2 / ext4 rw,relatime,errors=remount-ro 0 0",
        "securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0",
        "tmpfs /dev/shm tmpfs rw,nosuid,nodev,inode64 0 0",
        "tmpfs /run/lock tmpfs rw,nosuid,nodev,noexec,relatime,size=5120k,inode64 0 0",
        "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0",
        "pstore /sys/fs/pstore pstore rw,nosuid,nodev,noexec,relatime 0 0",
        "efivarfs /sys/firmware/efi/efivars efivarfs rw,nosuid,nodev,noexec,relatime 0 0",
        "bpf /sys/fs/bpf bpf rw,nosuid,nodev,noexec,relatime,mode=700 0 0",
        "systemd-1 /proc/sys/fs/binfmt_misc autofs rw,relatime,fd=30,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=19722 0 0",
        "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0",
        "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0",
        "debugfs /sys/kernel/debug debugfs rw,nosuid,nodev,noexec,relatime 0 0",
        "tracefs /sys/kernel/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0",
        "fusectl /sys/fs/fuse/connections fusectl rw,nosuid,nodev,noexec,relatime 0 0",
        "configfs /sys/kernel/config configfs rw,nosuid,nodev,noexec,relatime 0 0",
        "ramfs /run/credentials/systemd-sysctl.service ramfs ro,nosuid,nodev,noexec,relatime,mode=700 0 0",
        "ramfs /run/credentials/systemd-tmpfiles-setup-dev.service ramfs ro,nosuid,nodev,noexec,relatime,mode=700 0 0",
        "/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro 0 0",
        "/dev/sda1 /home ext4 rw,relatime 0 0",
        "ramfs /run/credentials/systemd-tmpfiles-setup.service ramfs ro,nosuid,nodev,noexec,relatime,mode=700 0 0",
        "binfmt_misc /proc/sys/fs/binfmt_misc binfmt_misc rw,nosuid,nodev,noexec,relatime 0 0",
        "/dev/loop0 /snap/core22/1380 squashfs ro,nodev,relatime,errors=continue,threads=single 0 0",
        f"overlay /var/lib/docker/overlay2/{overlay_id}/merged overlay rw,relatime,"
        "lowerdir=/var/lib/docker/overlay2/l/7QZ3RXKM4UJHDV6EGA2BNWTCYS:/var/lib/docker/overlay2/l/K2M5D7XJ3ABQW4NHEZ6RTUVFCL,"
        f"upperdir=/var/lib/docker/overlay2/{overlay_id}/diff,workdir=/var/lib/docker/overlay2/{overlay_id}/work,nouserxattr 0 0",
        "nsfs /run/docker/netns/3c1f0a2b9d8e nsfs rw 0 0",
        "tmpfs /run/user/1000 tmpfs rw,nosuid,nodev,relatime,size=4902564k,nr_inodes=1225641,mode=700,uid=1000,gid=1000,inode64 0 0",
        "portal /run/user/1000/doc fuse.portal rw,nosuid,nodev,relatime,user_id=1000,group_id=1000 0 0",
        "gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw,nosuid,nodev,relatime,user_id=1000,group_id=1000 0 0",
    ]) + "\n")
    statvfs = {
        "/": {"blockSize": 4096, "blocks": 122783165, "blocksFree": 83201559, "blocksAvailable": 76963351},
        "/boot/efi": {"blockSize": 4096, "blocks": 261628, "blocksFree": 246914, "blocksAvailable": 246914},
        "/home": {"blockSize": 4096, "blocks": 240345726, "blocksFree": 21822411, "blocksAvailable": 9612901},
    }
    write_json(os.path.join(SYSTEMS, "laptop.statvfs.json"), statvfs)

    # --- network
    net_if(t, "lo", "virtual/net", 1, "00:00:00:00:00:00", "unknown", 65536, type_=772, flags="0x9", carrier=1)
    net_if(t, "enp0s31f6", "pci0000:00/0000:00:1f.6", 2, "8c:8c:aa:12:34:56", "down", 1500, speed=-1,
           device_link="../../../0000:00:1f.6", flags="0x1003", carrier=0)
    net_if(t, "wlp0s20f3", "pci0000:00/0000:00:14.3", 3, "a0:b3:39:ab:cd:ef", "up", 1500, speed=-1, wireless=True,
           device_link="../../../0000:00:14.3", flags="0x1003", carrier=1)
    net_if(t, "docker0", "virtual/net", 4, "02:42:7f:3a:91:0c", "down", 1500, speed=-1, flags="0x1003", carrier=0)
    t.attrs("sys/devices/virtual/net/docker0/bridge", bridge_id="8000.02427f3a910c", stp_state=0,
            forward_delay=1500, ageing_time=30000, vlan_filtering=0)
    install_netns(t, "laptop")

    # --- power
    bat = "sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0A:00/power_supply/BAT0"
    bat_values = [("NAME", "BAT0"), ("TYPE", "Battery"), ("STATUS", "Discharging"), ("PRESENT", "1"),
                  ("TECHNOLOGY", "Li-poly"), ("CYCLE_COUNT", "612"), ("VOLTAGE_MIN_DESIGN", "15440000"),
                  ("VOLTAGE_NOW", "15880000"), ("POWER_NOW", "7414000"), ("ENERGY_FULL_DESIGN", "52500000"),
                  ("ENERGY_FULL", "28870000"), ("ENERGY_NOW", "19630000"), ("CAPACITY", "68"),
                  ("CAPACITY_LEVEL", "Normal"), ("MODEL_NAME", "5B10W51867"), ("MANUFACTURER", "SMP"),
                  ("SERIAL_NUMBER", " 4821")]
    t.write(f"{bat}/uevent", "".join(f"POWER_SUPPLY_{k}={v}\n" for k, v in bat_values))
    for k, v in bat_values:
        if k not in ("NAME",):
            t.write(f"{bat}/{k.lower()}", v + "\n")
    t.link("sys/class/power_supply/BAT0", "../../devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0A:00/power_supply/BAT0")
    ac = "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0003:00/power_supply/AC"
    t.attrs(ac, type="Mains", online=0)
    t.write(f"{ac}/uevent", "POWER_SUPPLY_NAME=AC\nPOWER_SUPPLY_TYPE=Mains\nPOWER_SUPPLY_ONLINE=0\n")
    t.link("sys/class/power_supply/AC", "../../devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0003:00/power_supply/AC")

    # --- software
    sw = debian_apt.build(t.root)

    pci_expected = []
    for slot, _, v, d, *_ in pci:
        vn, dn = pci_names(ids, v, d)
        pci_expected.append({"slot": slot, "vendorName": vn, "deviceName": dn})
    expected = {
        "os": {"id": "debian", "name": "Debian GNU/Linux", "version": "12", "codename": "bookworm",
               "hostname": c["hostname"], "fqdn": f"{c['hostname']}.{c['domain']}", "timezone": "Europe/Paris",
               "kernelRelease": c["osrelease"], "bootTimeEpoch": c["btime"], "uptimeSeconds": int(up),
               "loggedInUsers": ["jdupont", "itadmin"]},
        "hardware": {
            "vendor": "LENOVO", "model": "21HDCTO1WW", "serial": "PF4ABCDE",
            "uuid": "5d0a8f2c-3b1e-11b2-a85c-9f3e51c2d4a7", "chassisType": "Notebook", "biosVendor": "LENOVO",
            "biosVersion": "R2BET38W (1.17 )", "biosDate": "2024-01-15",
            "cpuModel": "13th Gen Intel(R) Core(TM) i7-1365U", "sockets": 1, "cores": 10, "threads": 12,
            "maxFrequencyMHz": 5200, "memoryTotalBytes": c["memtotal_kb"] * 1024,
            "memoryModules": [
                {"slot": "Controller0-ChannelA-DIMM0", "sizeBytes": 16 * 2**30, "type": "DDR5", "speedMTs": 5600,
                 "configuredSpeedMTs": 5200, "manufacturer": "Samsung", "serial": "4A3B2C1D",
                 "partNumber": "M425R2GA3BB0-CWMOD", "formFactor": "SODIMM"},
                {"slot": "Controller1-ChannelA-DIMM0", "sizeBytes": 32 * 2**30, "type": "DDR5", "speedMTs": 5600,
                 "configuredSpeedMTs": 5200, "manufacturer": "Samsung", "serial": "4A3B9F27",
                 "partNumber": "M425R4GA3BB0-CWMOD", "formFactor": "SODIMM"}],
            "disks": [
                {"name": "nvme0n1", "model": "SAMSUNG MZVL2512HCJQ-00BL7", "serial": "S64KNX0T412345",
                 "sizeBytes": 1000215216 * 512, "rotational": False, "transport": "nvme"},
                {"name": "sda", "model": "CT1000MX500SSD1", "serial": "2117E59AB1C2",
                 "sizeBytes": 1953525168 * 512, "rotational": False, "transport": "sata"}],
            "volumes": volumes_expected(statvfs, [("/", "ext4"), ("/boot/efi", "vfat"), ("/home", "ext4")]),
            "interfaces": [
                {"name": "docker0", "mac": "02:42:7f:3a:91:0c", "ipv4": ["172.17.0.1"], "ipv6": [], "state": "down",
                 "wireless": False, "virtual": True, "speedMbps": None},
                {"name": "enp0s31f6", "mac": "8c:8c:aa:12:34:56", "ipv4": [], "ipv6": [], "state": "down",
                 "wireless": False, "virtual": False, "speedMbps": None},
                {"name": "lo", "mac": "00:00:00:00:00:00", "ipv4": ["127.0.0.1"], "ipv6": ["::1"], "state": "unknown",
                 "wireless": False, "virtual": True, "speedMbps": None},
                {"name": "wlp0s20f3", "mac": "a0:b3:39:ab:cd:ef", "ipv4": ["192.168.1.23"],
                 "ipv6": ["2001:db8:1234:5600:a2b3:39ff:feab:cdef", "fe80::a2b3:39ff:feab:cdef"], "state": "up",
                 "wireless": True, "virtual": False, "speedMbps": None}],
            "battery": {"designCapacity": 52500, "fullCapacity": 28870, "chargePercent": 68, "cycleCount": 612},
            "pci": pci_expected,
        },
        "software": {"count": len(sw["packages"]), "packages": sw["packages"]},
        "updates": {"pending": sw["pending"], "aptCommand": APT_COMMAND.format(tree="laptop", sources="laptop")},
        "health": {"rebootRequired": False, "rebootRequiredPackages": []},
    }
    write_json(os.path.join(SYSTEMS, "laptop.expected.json"), expected)


APT_COMMAND = ("Tests/Fixtures/generators/aptrun.sh Tests/Fixtures/systems/{tree} "
               "Tests/Fixtures/generators/sources/{sources}.list apt list --upgradable")


# ----------------------------------------------------------------------------- fedora

FEDORA = dict(hostname="fedora-vm-03", btime=epoch(2023, 11, 20, 8, 14, 2), uptime="5231.48",
              osrelease="6.5.6-300.fc39.x86_64", kversion="#1 SMP PREEMPT_DYNAMIC Fri Oct  6 19:57:21 UTC 2023",
              memtotal_kb=8128616)

FEDORA_OS_RELEASE = """NAME="Fedora Linux"
VERSION="39 (Workstation Edition)"
ID=fedora
VERSION_ID=39
VERSION_CODENAME=""
PLATFORM_ID="platform:f39"
PRETTY_NAME="Fedora Linux 39 (Workstation Edition)"
ANSI_COLOR="0;38;2;60;110;180"
LOGO=fedora-logo-icon
CPE_NAME="cpe:/o:fedoraproject:fedora:39"
DEFAULT_HOSTNAME="fedora"
HOME_URL="https://fedoraproject.org/"
DOCUMENTATION_URL="https://docs.fedoraproject.org/en-US/fedora/f39/system-administrators-guide/"
SUPPORT_URL="https://ask.fedoraproject.org/"
BUG_REPORT_URL="https://bugzilla.redhat.com/"
REDHAT_BUGZILLA_PRODUCT="Fedora"
REDHAT_BUGZILLA_PRODUCT_VERSION=39
REDHAT_SUPPORT_PRODUCT="Fedora"
REDHAT_SUPPORT_PRODUCT_VERSION=39
SUPPORT_END=2024-11-12
VARIANT="Workstation Edition"
VARIANT_ID=workstation
"""


def build_fedora():
    c = FEDORA
    t = Tree("fedora")
    t.write("usr/lib/os-release", FEDORA_OS_RELEASE)
    t.link("etc/os-release", "../usr/lib/os-release")
    t.write("etc/hostname", c["hostname"] + "\n")
    t.write("etc/hosts", "# Loopback entries; do not change.\n# For historical reasons, localhost precedes "
                         "localhost.localdomain:\n127.0.0.1   localhost localhost.localdomain localhost4 "
                         "localhost4.localdomain4\n::1         localhost localhost.localdomain localhost6 "
                         "localhost6.localdomain6\n# See hosts(5) for proper format and other examples:\n"
                         "# 192.168.1.10 foo.example.org foo\n# 192.168.1.13 bar.example.org bar\n")
    t.write("run/systemd/resolve/stub-resolv.conf",
            "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n"
            "# Do not edit.\n#\n# This file might be symlinked as /etc/resolv.conf. If you're looking at\n"
            "# /etc/resolv.conf and seeing this text, you have followed the symlink.\n#\n"
            "# This is a dynamic resolv.conf file for connecting local clients to the\n"
            "# internal DNS stub resolver of systemd-resolved. This file lists all\n# configured search domains.\n#\n"
            "# Run \"resolvectl status\" to see details about the uplink DNS servers\n"
            "# currently in use.\n#\n# Third party programs should typically not access this file directly, but only\n"
            "# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n"
            "# different way, replace this symlink by a static file or a different symlink.\n#\n"
            "# See man:systemd-resolved.service(8) for details about the supported modes of\n"
            "# operation for /etc/resolv.conf.\n\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n")
    t.link("etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf")
    t.link("etc/localtime", "../usr/share/zoneinfo/Europe/Berlin")
    proc_kernel(t, c["hostname"], c["osrelease"], c["kversion"])
    up = float(c["uptime"])
    t.write("proc/uptime", f"{c['uptime']} {up * 4 * 0.97:.2f}\n")
    t.write("proc/stat", proc_stat(4, up, c["btime"], "fedora"))
    t.write("proc/cpuinfo", fedora_cpuinfo())
    t.attrs("sys/devices/system/cpu", present="0-3", online="0-3", possible="0-3")
    cpu_topology(t, [(i, 0, [i]) for i in range(4)])
    t.write("proc/meminfo", meminfo(meminfo_values(c["memtotal_kb"], "6.5", "fedora")))
    passwd_group(t, [("dev", 1000, "Developer", ["wheel"])], ["wheel:x:10:{wheel}"])
    t.write("proc/mounts", "\n".join([
        "/dev/vda3 / btrfs rw,seclabel,relatime,compress=zstd:1,space_cache=v2,subvolid=257,subvol=/root 0 0",
        "devtmpfs /dev devtmpfs rw,seclabel,nosuid,size=4096k,nr_inodes=1013870,mode=755,inode64 0 0",
        "tmpfs /dev/shm tmpfs rw,seclabel,nosuid,nodev,inode64 0 0",
        "devpts /dev/pts devpts rw,seclabel,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0",
        "sysfs /sys sysfs rw,seclabel,nosuid,nodev,noexec,relatime 0 0",
        "securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0",
        "cgroup2 /sys/fs/cgroup cgroup2 rw,seclabel,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0",
        "pstore /sys/fs/pstore pstore rw,seclabel,nosuid,nodev,noexec,relatime 0 0",
        "bpf /sys/fs/bpf bpf rw,nosuid,nodev,noexec,relatime,mode=700 0 0",
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
        "tmpfs /run tmpfs rw,seclabel,nosuid,nodev,size=1625724k,nr_inodes=819200,mode=755,inode64 0 0",
        "selinuxfs /sys/fs/selinux selinuxfs rw,nosuid,noexec,relatime 0 0",
        "systemd-1 /proc/sys/fs/binfmt_misc autofs rw,relatime,fd=34,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=16645 0 0",
        "mqueue /dev/mqueue mqueue rw,seclabel,nosuid,nodev,noexec,relatime 0 0",
        "hugetlbfs /dev/hugepages hugetlbfs rw,seclabel,relatime,pagesize=2M 0 0",
        "debugfs /sys/kernel/debug debugfs rw,seclabel,nosuid,nodev,noexec,relatime 0 0",
        "tracefs /sys/kernel/tracing tracefs rw,seclabel,nosuid,nodev,noexec,relatime 0 0",
        "fusectl /sys/fs/fuse/connections fusectl rw,nosuid,nodev,noexec,relatime 0 0",
        "configfs /sys/kernel/config configfs rw,nosuid,nodev,noexec,relatime 0 0",
        "tmpfs /tmp tmpfs rw,seclabel,nosuid,nodev,size=4064308k,nr_inodes=1048576,inode64 0 0",
        "/dev/vda3 /home btrfs rw,seclabel,relatime,compress=zstd:1,space_cache=v2,subvolid=256,subvol=/home 0 0",
        "/dev/vda2 /boot ext4 rw,seclabel,relatime 0 0",
        "/dev/vda1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=winnt,errors=remount-ro 0 0",
        "sunrpc /var/lib/nfs/rpc_pipefs rpc_pipefs rw,relatime 0 0",
        "tmpfs /run/user/1000 tmpfs rw,seclabel,nosuid,nodev,relatime,size=812860k,nr_inodes=203215,mode=700,uid=1000,gid=1000,inode64 0 0",
        "gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw,nosuid,nodev,relatime,user_id=1000,group_id=1000 0 0",
    ]) + "\n")
    statvfs = {
        "/": {"blockSize": 4096, "blocks": 30932992, "blocksFree": 24105210, "blocksAvailable": 23960042},
        "/home": {"blockSize": 4096, "blocks": 30932992, "blocksFree": 24105210, "blocksAvailable": 23960042},
        "/boot": {"blockSize": 4096, "blocks": 249830, "blocksFree": 187403, "blocksAvailable": 174296},
        "/boot/efi": {"blockSize": 4096, "blocks": 153326, "blocksFree": 149568, "blocksAvailable": 149568},
    }
    write_json(os.path.join(SYSTEMS, "fedora.statvfs.json"), statvfs)

    # RPM database: real rpm tools; the script prints `rpm -qa` in JSON for expected.json
    res = subprocess.run(["bash", os.path.join(HERE, "rpmdb.sh"), t.root], check=True, capture_output=True, text=True)
    packages = json.loads(res.stdout)
    expected = {
        "os": {"id": "fedora", "name": "Fedora Linux", "version": "39", "codename": None,
               "hostname": c["hostname"], "timezone": "Europe/Berlin", "kernelRelease": c["osrelease"],
               "bootTimeEpoch": c["btime"], "uptimeSeconds": int(up)},
        "hardware": {
            "cpuModel": "AMD EPYC 7763 64-Core Processor", "sockets": 4, "cores": 4, "threads": 4,
            "memoryTotalBytes": c["memtotal_kb"] * 1024,
            "volumes": volumes_expected(statvfs, [("/", "btrfs"), ("/home", "btrfs"), ("/boot", "ext4"),
                                                  ("/boot/efi", "vfat")]),
            "battery": None,
        },
        "software": {"count": len(packages),
                     "packages": [{k: p[k] for k in ("name", "version", "architecture", "source")} for p in packages]},
    }
    write_json(os.path.join(SYSTEMS, "fedora.expected.json"), expected)


# ----------------------------------------------------------------------------- ubuntu

UBUNTU = dict(hostname="acc-ws07", domain="ad.example.org", btime=epoch(2023, 12, 8, 13, 5, 51), uptime="346502.77",
              osrelease="5.15.0-89-generic", kversion="#99-Ubuntu SMP Mon Oct 30 20:42:41 UTC 2023",
              memtotal_kb=16154124)

UBUNTU_OS_RELEASE = """PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
"""

UBUNTU_DMI = dict(
    bios_date="09/13/2023", bios_release="1.21", bios_vendor="Dell Inc.", bios_version="1.21.0",
    board_asset_tag="", board_name="0K2D9V", board_serial="/7XK2M34/CNFCW0033A00UR/", board_vendor="Dell Inc.",
    board_version="A00", chassis_asset_tag="", chassis_serial="7XK2M34", chassis_type="3",
    chassis_vendor="Dell Inc.", chassis_version="", product_family="OptiPlex", product_name="OptiPlex 7090",
    product_serial="7XK2M34", product_sku="0A55", product_uuid="4c4c4544-0058-4b10-8032-b7c04f4d3334",
    product_version="", sys_vendor="Dell Inc.",
    modalias="dmi:bvnDellInc.:bvr1.21.0:bd09/13/2023:br1.21:svnDellInc.:pnOptiPlex7090:pvr:rvnDellInc.:rn0K2D9V:"
             "rvrA00:cvnDellInc.:ct3:cvr:sku0A55:")


def build_ubuntu():
    c = UBUNTU
    t = Tree("ubuntu")
    t.write("usr/lib/os-release", UBUNTU_OS_RELEASE)
    t.link("etc/os-release", "../usr/lib/os-release")
    t.write("etc/debian_version", "bookworm/sid\n")
    t.write("etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\n"
                               "DISTRIB_DESCRIPTION=\"Ubuntu 22.04.3 LTS\"\n")
    t.write("etc/hostname", c["hostname"] + "\n")
    t.write("etc/hosts", f"127.0.0.1\tlocalhost\n127.0.1.1\t{c['hostname']}.{c['domain']}\t{c['hostname']}\n\n"
                         "# The following lines are desirable for IPv6 capable hosts\n"
                         "::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\n"
                         "ff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n")
    t.write("run/systemd/resolve/stub-resolv.conf",
            "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n# Do not edit.\n"
            "#\n# This file might be symlinked as /etc/resolv.conf. If you're looking at\n"
            "# /etc/resolv.conf and seeing this text, you have followed the symlink.\n#\n"
            "# This is a dynamic resolv.conf file for connecting local clients to the\n"
            "# internal DNS stub resolver of systemd-resolved. This file lists all\n"
            "# configured search domains.\n#\n# Run \"resolvectl status\" to see details about the uplink DNS servers\n"
            "# currently in use.\n#\n"
            "# Third party programs should typically not access this file directly, but only\n"
            "# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n"
            "# different way, replace this symlink by a static file or a different symlink.\n#\n"
            "# See man:systemd-resolved.service(8) for details about the supported modes of\n"
            "# operation for /etc/resolv.conf.\n\nnameserver 127.0.0.53\noptions edns0 trust-ad\n"
            f"search {c['domain']}\n")
    t.link("etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf")
    t.link("etc/localtime", "/usr/share/zoneinfo/America/New_York")
    proc_kernel(t, c["hostname"], c["osrelease"], c["kversion"])
    up = float(c["uptime"])
    t.write("proc/uptime", f"{c['uptime']} {up * 12 * 0.95:.2f}\n")
    t.write("proc/stat", proc_stat(12, up, c["btime"], "ubuntu"))
    b = c["btime"]
    os.makedirs(t.path("run"), exist_ok=True)
    utmp.write(t.path("run/utmp"), [
        dict(type="BOOT_TIME", line="~", id="~~", user="reboot", host=c["osrelease"], sec=b, usec=501912),
        dict(type="RUN_LVL", pid=53, line="~", id="~~", user="runlevel", host=c["osrelease"], sec=b + 21, usec=70120),
        dict(type="LOGIN_PROCESS", pid=1203, line="tty1", id="tty1", user="LOGIN", session=1203, sec=b + 22, usec=3),
        dict(type="USER_PROCESS", pid=2231, line="tty2", id="tty2", user="alex", host="", session=2231,
             sec=b + 61, usec=290118),
        dict(type="DEAD_PROCESS", pid=88121, line="pts/0", id="ts/0", user="", host="", sec=b + 201733, usec=22),
    ])
    passwd_group(t, [("alex", 1000, "Alex Morgan,,,", ["adm", "cdrom", "sudo", "dip", "plugdev", "users"])],
                 ["lpadmin:x:122:alex", "sambashare:x:135:alex"])
    dmi_id(t, UBUNTU_DMI)
    t.write("sys/firmware/dmi/tables/DMI", smbios.ubuntu(), "wb")
    t.write("proc/cpuinfo", ubuntu_cpuinfo())
    for cpu in range(12):
        t.attrs(f"sys/devices/system/cpu/cpu{cpu}/cpufreq", cpuinfo_max_freq=4600000, cpuinfo_min_freq=800000,
                scaling_driver="intel_pstate", scaling_governor="powersave")
    t.attrs("sys/devices/system/cpu", present="0-11", online="0-11", possible="0-11")
    cpu_topology(t, [(0, i % 6, [i % 6, i % 6 + 6]) for i in range(12)])
    t.write("proc/meminfo", meminfo(meminfo_values(c["memtotal_kb"], "5.15", "ubuntu")))

    pci = [
        ("0000:00:02.0", "pci0000:00", "8086", "9bc8", "030000", "1028:0a55", "i915", "03"),
        ("0000:00:14.0", "pci0000:00", "8086", "06ed", "0c0330", "1028:0a55", "xhci_hcd", "00"),
        ("0000:00:1b.4", "pci0000:00", "8086", "06ac", "060400", "1028:0a55", "pcieport", "f0"),
        ("0000:00:1f.6", "pci0000:00", "8086", "15f9", "020000", "1028:0a55", "e1000e", "00"),
        ("0000:02:00.0", "pci0000:00/0000:00:1b.4", "15b7", "500b", "010802", "15b7:500b", "nvme", "00"),
    ]
    pci_devices(t, pci)
    ids = pci_ids_subset([(v, d, s, cl) for _, _, v, d, cl, s, _, _ in pci])
    t.write("usr/share/misc/pci.ids", ids)

    nvme_ctrl = "sys/devices/pci0000:00/0000:00:1b.4/0000:02:00.0/nvme/nvme0"
    t.attrs(nvme_ctrl, model="PC SN530 NVMe WDC 512GB".ljust(40), serial="21134N801234".ljust(20),
            firmware_rev="21160001", transport="pcie", state="live", cntlid=0, dev="240:0",
            subsysnqn="nqn.2018-01.com.wdc:nguid:E8238FA6BF53-0001-001B448B4A1F2C0D", address="0000:02:00.0")
    t.link(f"{nvme_ctrl}/device", "../../../0000:02:00.0")
    nvme_ns = f"{nvme_ctrl}/nvme0n1"
    block_common(t, nvme_ns, 1000215216, "259:0")
    t.attrs(nvme_ns, nsid=1, wwid="eui.e8238fa6bf530001001b448b4a1f2c0d")
    t.link(f"{nvme_ns}/device", "../../nvme0")
    partition(t, nvme_ns, "nvme0n1p1", 1, 2048, 1050624, "259:1")
    partition(t, nvme_ns, "nvme0n1p2", 2, 1052672, 999161856, "259:2")
    t.link("sys/block/nvme0n1", "../devices/pci0000:00/0000:00:1b.4/0000:02:00.0/nvme/nvme0/nvme0n1")
    usb = "sys/devices/pci0000:00/0000:00:14.0/usb2/2-3/2-3:1.0/host2/target2:0:0/2:0:0:0"
    t.attrs(usb, vendor="SanDisk ", model="Ultra           ", rev="1.00", type=0, state="running", scsi_level=7)
    sda = f"{usb}/block/sda"
    block_common(t, sda, 60063744, "8:0", removable=1, rotational=1)
    t.link(f"{sda}/device", "../../../2:0:0:0")
    partition(t, sda, "sda1", 1, 32, 60063712, "8:1")
    t.link("sys/block/sda", "../devices/pci0000:00/0000:00:14.0/usb2/2-3/2-3:1.0/host2/target2:0:0/2:0:0:0/block/sda")
    for i, (snap, size) in enumerate([("bare/5", 8), ("core22/1033", 151848), ("firefox/3504", 496712),
                                      ("gnome-42-2204/141", 1019856), ("snapd/20290", 83272)]):
        loop = f"sys/devices/virtual/block/loop{i}"
        block_common(t, loop, size, f"7:{i}", ro=1)
        t.attrs(f"{loop}/loop", backing_file=f"/var/lib/snapd/snaps/{snap.replace('/', '_')}.snap", offset=0,
                sizelimit=0, autoclear=1, partscan=0, dio=0)
        t.link(f"sys/block/loop{i}", f"../devices/virtual/block/loop{i}")
    t.write("run/udev/data/b259:0", "\n".join([
        "S:disk/by-id/nvme-PC_SN530_NVMe_WDC_512GB_21134N801234", "S:disk/by-path/pci-0000:02:00.0-nvme-1",
        "S:disk/by-id/nvme-eui.e8238fa6bf530001001b448b4a1f2c0d", "W:3", "I:4112093",
        "E:ID_SERIAL_SHORT=21134N801234", "E:ID_WWN=eui.e8238fa6bf530001001b448b4a1f2c0d",
        "E:ID_MODEL=PC SN530 NVMe WDC 512GB", "E:ID_REVISION=21160001",
        "E:ID_SERIAL=PC_SN530_NVMe_WDC_512GB_21134N801234", "E:ID_PATH=pci-0000:02:00.0-nvme-1",
        "E:ID_PATH_TAG=pci-0000_02_00_0-nvme-1", "E:ID_PART_TABLE_TYPE=gpt", "G:systemd", "Q:systemd", "V:1"]) + "\n")
    t.write("run/udev/data/b8:0", "\n".join([
        "S:disk/by-id/usb-SanDisk_Ultra_4C530001230516113542-0:0",
        "S:disk/by-path/pci-0000:00:14.0-usb-0:3:1.0-scsi-0:0:0:0", "W:2", "I:301788110",
        "E:ID_VENDOR=SanDisk", "E:ID_VENDOR_ENC=SanDisk\\x20", "E:ID_VENDOR_ID=0781", "E:ID_MODEL=Ultra",
        "E:ID_MODEL_ENC=Ultra\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20\\x20", "E:ID_MODEL_ID=5581",
        "E:ID_REVISION=1.00", "E:ID_SERIAL=SanDisk_Ultra_4C530001230516113542-0:0",
        "E:ID_SERIAL_SHORT=4C530001230516113542", "E:ID_TYPE=disk", "E:ID_INSTANCE=0:0", "E:ID_BUS=usb",
        "E:ID_USB_INTERFACES=:080650:", "E:ID_USB_INTERFACE_NUM=00", "E:ID_USB_DRIVER=usb-storage",
        "E:ID_PATH=pci-0000:00:14.0-usb-0:3:1.0-scsi-0:0:0:0", "E:ID_PATH_TAG=pci-0000_00_14_0-usb-0_3_1_0-scsi-0_0_0_0",
        "E:ID_PART_TABLE_TYPE=dos", "G:systemd", "Q:systemd", "V:1"]) + "\n")

    t.write("proc/mounts", "\n".join([
        "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0",
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
        "udev /dev devtmpfs rw,nosuid,relatime,size=8030732k,nr_inodes=2007683,mode=755,inode64 0 0",
        "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0",
        "tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1615416k,mode=755,inode64 0 0",
        "/dev/nvme0n1p2 / ext4 rw,relatime,errors=remount-ro 0 0",
        "securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0",
        "tmpfs /dev/shm tmpfs rw,nosuid,nodev,inode64 0 0",
        "tmpfs /run/lock tmpfs rw,nosuid,nodev,noexec,relatime,size=5120k,inode64 0 0",
        "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0",
        "pstore /sys/fs/pstore pstore rw,nosuid,nodev,noexec,relatime 0 0",
        "efivarfs /sys/firmware/efi/efivars efivarfs rw,nosuid,nodev,noexec,relatime 0 0",
        "bpf /sys/fs/bpf bpf rw,nosuid,nodev,noexec,relatime,mode=700 0 0",
        "systemd-1 /proc/sys/fs/binfmt_misc autofs rw,relatime,fd=29,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=17795 0 0",
        "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0",
        "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0",
        "debugfs /sys/kernel/debug debugfs rw,nosuid,nodev,noexec,relatime 0 0",
        "tracefs /sys/kernel/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0",
        "fusectl /sys/fs/fuse/connections fusectl rw,nosuid,nodev,noexec,relatime 0 0",
        "configfs /sys/kernel/config configfs rw,nosuid,nodev,noexec,relatime 0 0",
        "/dev/loop0 /snap/bare/5 squashfs ro,nodev,relatime 0 0",
        "/dev/loop1 /snap/core22/1033 squashfs ro,nodev,relatime 0 0",
        "/dev/loop2 /snap/firefox/3504 squashfs ro,nodev,relatime 0 0",
        "/dev/loop3 /snap/gnome-42-2204/141 squashfs ro,nodev,relatime 0 0",
        "/dev/loop4 /snap/snapd/20290 squashfs ro,nodev,relatime 0 0",
        "/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=iso8859-1,shortname=mixed,errors=remount-ro 0 0",
        "binfmt_misc /proc/sys/fs/binfmt_misc binfmt_misc rw,nosuid,nodev,noexec,relatime 0 0",
        "tmpfs /run/snapd/ns tmpfs rw,nosuid,nodev,noexec,relatime,size=1615416k,mode=755,inode64 0 0",
        "nsfs /run/snapd/ns/firefox.mnt nsfs rw 0 0",
        "tmpfs /run/user/1000 tmpfs rw,nosuid,nodev,relatime,size=1615412k,nr_inodes=403853,mode=700,uid=1000,gid=1000,inode64 0 0",
        "gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw,nosuid,nodev,relatime,user_id=1000,group_id=1000 0 0",
        "/dev/sda1 /media/alex/USB\\040STICK vfat rw,nosuid,nodev,relatime,uid=1000,gid=1000,fmask=0022,dmask=0022,codepage=437,iocharset=iso8859-1,shortname=mixed,showexec,utf8,flush,errors=remount-ro 0 0",
    ]) + "\n")
    statvfs = {
        "/": {"blockSize": 4096, "blocks": 122909946, "blocksFree": 98716327, "blocksAvailable": 92446431},
        "/boot/efi": {"blockSize": 4096, "blocks": 130812, "blocksFree": 129245, "blocksAvailable": 129245},
        "/media/alex/USB STICK": {"blockSize": 16384, "blocks": 1876580, "blocksFree": 1403310,
                                  "blocksAvailable": 1403310},
    }
    write_json(os.path.join(SYSTEMS, "ubuntu.statvfs.json"), statvfs)

    net_if(t, "lo", "virtual/net", 1, "00:00:00:00:00:00", "unknown", 65536, type_=772, flags="0x9", carrier=1)
    net_if(t, "eno1", "pci0000:00/0000:00:1f.6", 2, "b0:7b:25:1a:2c:3d", "up", 1500, speed=1000,
           device_link="../../../0000:00:1f.6", carrier=1)
    install_netns(t, "ubuntu")

    t.write("run/reboot-required", "*** System restart required ***\n")
    t.write("run/reboot-required.pkgs", "linux-image-5.15.0-91-generic\nlinux-base\n")
    sw = ubuntu_apt.build(t.root)

    pci_expected = []
    for slot, _, v, d, *_ in pci:
        vn, dn = pci_names(ids, v, d)
        pci_expected.append({"slot": slot, "vendorName": vn, "deviceName": dn})
    expected = {
        "os": {"id": "ubuntu", "name": "Ubuntu", "version": "22.04", "codename": "jammy",
               "hostname": c["hostname"], "fqdn": f"{c['hostname']}.{c['domain']}", "timezone": "America/New_York",
               "kernelRelease": c["osrelease"], "bootTimeEpoch": c["btime"], "uptimeSeconds": int(up),
               "loggedInUsers": ["alex"]},
        "hardware": {
            "vendor": "Dell Inc.", "model": "OptiPlex 7090", "serial": "7XK2M34",
            "uuid": "4c4c4544-0058-4b10-8032-b7c04f4d3334", "chassisType": "Desktop", "biosVendor": "Dell Inc.",
            "biosVersion": "1.21.0", "biosDate": "2023-09-13",
            "cpuModel": "Intel(R) Core(TM) i5-10505 CPU @ 3.20GHz", "sockets": 1, "cores": 6, "threads": 12,
            "maxFrequencyMHz": 4600, "memoryTotalBytes": c["memtotal_kb"] * 1024,
            "memoryModules": [
                {"slot": "DIMM1", "sizeBytes": 8 * 2**30, "type": "DDR4", "speedMTs": 3200, "configuredSpeedMTs": 2666,
                 "manufacturer": "SK Hynix", "serial": "82D1A3F4", "partNumber": "HMA81GU6DJR8N-XN",
                 "formFactor": "DIMM"},
                {"slot": "DIMM3", "sizeBytes": 8 * 2**30, "type": "DDR4", "speedMTs": 3200, "configuredSpeedMTs": 2666,
                 "manufacturer": "SK Hynix", "serial": "82D1A40B", "partNumber": "HMA81GU6DJR8N-XN",
                 "formFactor": "DIMM"}],
            "disks": [
                {"name": "nvme0n1", "model": "PC SN530 NVMe WDC 512GB", "serial": "21134N801234",
                 "sizeBytes": 1000215216 * 512, "rotational": False, "transport": "nvme"},
                {"name": "sda", "model": "Ultra", "serial": "4C530001230516113542", "sizeBytes": 60063744 * 512,
                 "rotational": True, "transport": "usb"}],
            "volumes": volumes_expected(statvfs, [("/", "ext4"), ("/boot/efi", "vfat"),
                                                  ("/media/alex/USB STICK", "vfat")]),
            "interfaces": [
                {"name": "eno1", "mac": "b0:7b:25:1a:2c:3d", "ipv4": ["192.168.10.57"],
                 "ipv6": ["fe80::b27b:25ff:fe1a:2c3d"], "state": "up", "wireless": False, "virtual": False,
                 "speedMbps": 1000},
                {"name": "lo", "mac": "00:00:00:00:00:00", "ipv4": ["127.0.0.1"], "ipv6": ["::1"], "state": "unknown",
                 "wireless": False, "virtual": True, "speedMbps": None}],
            "battery": None,
            "pci": pci_expected,
        },
        "software": {"count": len(sw["packages"]), "packages": sw["packages"]},
        "updates": {"pending": sw["pending"], "aptCommand": APT_COMMAND.format(tree="ubuntu", sources="ubuntu")},
        "health": {"rebootRequired": True,
                   "rebootRequiredPackages": ["linux-image-5.15.0-91-generic", "linux-base"]},
    }
    write_json(os.path.join(SYSTEMS, "ubuntu.expected.json"), expected)
    return expected


# ----------------------------------------------------------------------------- broken

BROKEN_OS_RELEASE = """PRETTY_NAME="Ubuntu 22.04.3 LTS
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)
this line is not an assignment
VERSION_CODENAME
ID=ubuntu
ID_LIKE=debian
=orphan value without a key
HOME_URL="https://www.ubuntu.com/
SUPPORT_URL='https://help.ubuntu.com/
"""

# The status file is cut inside this stanza's Maintainer line (before its Version field).
BROKEN_CUT_PACKAGE = "linux-image-5.15.0-91-generic"


def build_broken(ubuntu_expected):
    src = os.path.join(SYSTEMS, "ubuntu")
    t = Tree("broken")
    shutil.rmtree(t.root)
    shutil.copytree(src, t.root, symlinks=True)
    shutil.copy(os.path.join(SYSTEMS, "ubuntu.statvfs.json"), os.path.join(SYSTEMS, "broken.statvfs.json"))

    # 1. dpkg status truncated mid-line, inside a stanza
    status = open(t.path("var/lib/dpkg/status")).read()
    start = status.index(f"Package: {BROKEN_CUT_PACKAGE}\n")
    cut = status.index("Maintainer: ", start) + len("Maintainer: Canonical Ker")
    with open(t.path("var/lib/dpkg/status"), "w") as fh:
        fh.write(status[:cut])
    # 2. product_name: binary junk (NUL, invalid UTF-8, control bytes)
    with open(t.path("sys/devices/virtual/dmi/id/product_name"), "wb") as fh:
        fh.write(b"Opti\x00\xff\xfePlex\x80\xc3\x28 \x1b[31m\xed\xa0\x80\xf8\x88\x80\x80\x80\n")
    # 3. no /proc/meminfo
    os.remove(t.path("proc/meminfo"))
    # 4. os-release garbled
    with open(t.path("usr/lib/os-release"), "w") as fh:
        fh.write(BROKEN_OS_RELEASE)
    # 5. empty /proc/cpuinfo (and no topology in sysfs either: only cpufreq is left)
    open(t.path("proc/cpuinfo"), "w").close()
    for n in range(12):
        shutil.rmtree(t.path(f"sys/devices/system/cpu/cpu{n}/topology"))
    for f in ("present", "online", "possible"):
        os.remove(t.path(f"sys/devices/system/cpu/{f}"))
    # 6. truncated SMBIOS table
    with open(t.path("sys/firmware/dmi/tables/DMI"), "wb") as fh:
        fh.write(smbios.broken())
    # 7. one Packages list: a .gz with a valid gzip header followed by garbage
    lists = t.path("var/lib/apt/lists")
    plain = os.path.join(lists, "us.archive.ubuntu.com_ubuntu_dists_jammy_universe_binary-amd64_Packages")
    os.remove(plain)
    rnd = random.Random("broken")
    with open(plain + ".gz", "wb") as fh:
        fh.write(bytes([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03]))
        fh.write(bytes(rnd.getrandbits(8) for _ in range(600)))

    e = copy.deepcopy(ubuntu_expected)
    del e["os"]["codename"]  # VERSION_CODENAME has no '=' (etc/lsb-release still says jammy): not asserted
    e["hardware"]["model"] = None
    for k in ("cpuModel", "sockets", "cores", "memoryTotalBytes"):
        e["hardware"][k] = None
    del e["hardware"]["threads"]  # not asserted: cpuN directories (cpufreq) still exist
    e["hardware"]["memoryModules"] = []
    # packages: the stanzas before the cut; the cut one has no Version and must be dropped
    names_before = sorted(p for p in ubuntu_apt.PKGS if p < BROKEN_CUT_PACKAGE)
    e["software"]["packages"] = [p for p in e["software"]["packages"] if p["name"] in names_before]
    e["software"]["count"] = len(e["software"]["packages"])
    # updates: git-lfs's candidate was only in the corrupt jammy/universe list; packages after the cut are unknown
    e["updates"]["pending"] = [p for p in e["updates"]["pending"]
                               if p["name"] in names_before and p["name"] != "git-lfs"]
    e["updates"]["aptCommand"] = APT_COMMAND.format(tree="broken", sources="ubuntu") + \
        "  (run by verify.sh on a copy with the partial stanza and the corrupt list removed)"
    write_json(os.path.join(SYSTEMS, "broken.expected.json"), e)


def main():
    if os.geteuid() != 0:
        sys.exit("run as root (unshare -n, rpm --root)")
    os.makedirs(SYSTEMS, exist_ok=True)
    build_laptop()
    build_fedora()
    ue = build_ubuntu()
    build_broken(ue)


if __name__ == "__main__":
    main()
