"""One module per ``twofa-fsm`` subcommand (registered lazily in ``simulator.cli``)."""
