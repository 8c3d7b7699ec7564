"""The worker entry point: processes that lease and run ingestion jobs."""
