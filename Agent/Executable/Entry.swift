import DesksideAgentCommands

@main
extension DesksideAgent {}
