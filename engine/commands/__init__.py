"""Sub-commands of `mtrs`. Each module: `configure(parser)` adds arguments (no heavy imports),
`run(args) -> int` does the work (imports torch etc. lazily)."""
