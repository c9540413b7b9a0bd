import DesksideStaffCommands

@main enum Entry {
    static func main() async { await Deskside.main() }
}
