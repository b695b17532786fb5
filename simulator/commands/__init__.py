"""One module per ``twofa-fsm`` subcommand, registered by ``simulator.cli``; shared helpers in ``common``."""
