"""One module per command (or command group); ``govctl.cli.main`` registers them explicitly."""
