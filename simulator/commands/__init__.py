"""One module per ``twofa-fsm`` subcommand, registered by ``twofa_fsm_tools.cli``; shared helpers in ``common``."""
