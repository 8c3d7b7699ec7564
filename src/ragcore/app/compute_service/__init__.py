"""The stateless compute service: parse, chunk, embed and extract over HTTP."""
