"""The OpenAI-compatible adapter against a real scripted chat server (tests/llm_server.py); its fixtures
are registered in tests/conftest.py."""

# The adapter takes every option from the settings (no defaults of its own); these tests' values.
OPTIONS = {"model": None, "api_key": None, "timeout_seconds": 5, "max_retries": 0, "context_tokens": 4096,
           "chars_per_token": 3.0, "temperature": 0.2}
