import DesksideCollectorCommands

@main
extension DesksideCollector {}
