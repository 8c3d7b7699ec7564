"""Domain layer: models, errors, ports and services. Imports only the stdlib, msgspec and itself."""
