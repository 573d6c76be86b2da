"""Geospatial building blocks of the pipeline: raster opening and alignment, joint normalisation, tiling and
blending, polygonising, measuring in metres, and writing vector outputs. No torch here."""
