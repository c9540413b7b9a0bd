/// Detects a hypervisor or container the way systemd-detect-virt does, from files: container markers
/// (/.dockerenv, /run/.containerenv, /run/systemd/container), DMI vendor strings, the CPU's
/// `hypervisor` flag, and /proc/xen.
public enum VirtualizationProbe {
    public static func detect(root: SystemRoot, systemVendor: String?, systemModel: String?) -> String? {
        if root.exists("/.dockerenv") { return "docker" }
        if root.exists("/run/.containerenv") { return "podman" }
        if let container = root.attribute("/run/systemd/container") { return container }
        let dmi = [systemVendor, systemModel].compactMap { $0?.lowercased() }.joined(separator: " ")
        let known = [("vmware", "vmware"), ("virtualbox", "virtualbox"), ("qemu", "qemu"), ("kvm", "kvm"),
                     ("microsoft corporation virtual", "microsoft"), ("xen", "xen"), ("parallels", "parallels"),
                     ("amazon ec2", "amazon"), ("google compute engine", "google"), ("bochs", "bochs")]
        if let match = known.first(where: { dmi.contains($0.0) }) { return match.1 }
        if root.exists("/proc/xen") { return "xen" }
        if let cpuinfo = try? root.readText("/proc/cpuinfo"), cpuinfo.contains(" hypervisor") { return "vm" }
        return nil
    }
}
