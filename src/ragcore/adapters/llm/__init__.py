"""Language-model adapters: any OpenAI-compatible chat server, or none."""
