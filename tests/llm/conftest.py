"""The OpenAI-compatible adapter against a real scripted chat server (tests/llm_server.py); its fixtures
are registered in tests/conftest.py."""
