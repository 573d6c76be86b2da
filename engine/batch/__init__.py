"""`mtrs batch`: many pairs of rasters analysed with one command, resumable, on local processes or a Ray
cluster (docs/BATCH.md).

The batch layer only SCHEDULES calls of the one analysis entry point, `engine.pipeline.analyse`: it has no
pipeline of its own, so a batch output is byte-for-byte the output of a single `mtrs predict` of that pair.

Modules (each one idea):
    work         WorkItem / ItemOutcome, running one item, "is this output up to date?"
    keys         the resume key of an item (request, input fingerprints, model identity)
    manifest     CSV / JSON lines / YAML manifests → WorkItems
    local_pool   run items in this process or a pool of processes
    ray_backend  run items on a Ray cluster
    matching     pairs from two folders or two STAC ItemCollections
    report       the merged layer and the summary CSV
    estimate     the model-free estimate of a dry run (tiles, seconds)

Nothing here is imported by the QGIS plugin; this package imports torch only where a model is loaded.
"""
