"""The public JSON shapes (msgspec Structs) shared by the HTTP API and the CLI's --json output."""
