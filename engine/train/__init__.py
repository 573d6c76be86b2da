"""Training of MTRefSeg-R1: losses and Hungarian matching (docs/REFERENCE.md R2.9), stage-1 / stage-2
loops."""
