"""The scenario pipeline: model, loading, world, credentials, runner, records, expectations, terminal report, coverage."""
