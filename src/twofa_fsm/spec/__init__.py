"""The spec pipeline: safe YAML, the validated model, the allow-list catalogue, the loader, its checks and lints.

``twofa_fsm.spec.diagnostics`` is public: tools may import it to report errors in
their own files the way spec errors are reported (one line: file, line, place, value, fix).
"""
