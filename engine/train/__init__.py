"""Training of MTRefSeg-R1: losses and Hungarian matching (reference §2.9), stage-1 / stage-2 loops."""
