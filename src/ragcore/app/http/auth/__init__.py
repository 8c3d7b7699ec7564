"""Authentication (one bearer-key middleware), guards, collection access and rate limits of the HTTP API."""
