"""The spec pipeline: safe YAML, the validated model, the allow-list catalogue, the loader and its checks."""
