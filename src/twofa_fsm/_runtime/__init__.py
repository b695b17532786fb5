"""The private runtime: the event context, guard and effect implementations, the shared transitions machine.

Only ``twofa_fsm.engine`` imports it.
"""
