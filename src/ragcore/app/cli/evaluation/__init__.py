"""Retrieval evaluation on BEIR-format datasets through the real ingestion and search path."""
