import DesksideCollectorCommands
DesksideCollector.main()
