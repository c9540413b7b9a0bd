import DesksideAgentCommands
DesksideAgent.main()
