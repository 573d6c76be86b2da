"""Shared fixtures: generated GeoTIFF pairs and a tiny random-weight checkpoint saved in the real format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
JOPLIN = DATA / "joplin"


def write_geotiff(path, array, crs="EPSG:32615", transform=None, nodata=None, **extra) -> str:
    """Write a bands×h×w array as a tiled GeoTIFF (default: UTM 15N, 1 m pixels)."""
    import rasterio
    from rasterio.transform import from_origin

    array = np.asarray(array)
    if array.ndim == 2:
        array = array[None]
    profile = {
        "driver": "GTiff",
        "width": array.shape[2],
        "height": array.shape[1],
        "count": array.shape[0],
        "dtype": array.dtype.name,
        "crs": crs,
        "transform": transform or from_origin(366000.0, 4100000.0, 1.0, 1.0),
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        **extra,
    }
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(array)
    return str(path)


@pytest.fixture(scope="module")
def base_weights_cache(tmp_path_factory):
    """A fresh base-weights cache folder (MTRS_BASE_WEIGHTS_DIR) for a whole module of lite-preset tests: the
    first use converts / extracts the pip packages' weights, later ones read them; the user's own cache is
    never touched. Modules opt in with `pytestmark = pytest.mark.usefixtures("base_weights_cache")`."""
    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("base-weights")
    mp.setenv("MTRS_BASE_WEIGHTS_DIR", str(folder))
    yield folder
    mp.undo()


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """A random-weight `mtrefseg-r1-tiny` checkpoint (config.json + model.safetensors + tokenizer files)."""
    from engine.model import ModelConfig, build_model

    directory = tmp_path_factory.mktemp("tiny-checkpoint")
    model = build_model(ModelConfig.from_preset("mtrefseg-r1-tiny"))
    model.save_pretrained(directory)
    return directory


def write_referring_split(
    root: Path, pairs: int, shape: tuple[int, int], rows: tuple[int, int], col_stride: int, grey_step: int
) -> Path:
    """A tiny MTRefSeg split: pairs p0.. of flat grey images (grey_step × i), two expressions each, "object i"
    (an 8 px wide box over `rows`, moved `col_stride` px right per pair) and "nothing i" (empty target)."""
    import json

    from PIL import Image

    h, w = shape
    for i in range(pairs):
        for folder in ("A", "B"):
            (root / folder).mkdir(exist_ok=True)
            Image.fromarray(np.full((h, w, 3), grey_step * i, np.uint8)).save(root / folder / f"p{i}.png")
        (root / "masks" / f"p{i}").mkdir(parents=True)
        m = np.zeros((h, w), np.uint8)
        m[rows[0] : rows[1], 4 + col_stride * i : 12 + col_stride * i] = 255
        Image.fromarray(m).save(root / "masks" / f"p{i}" / "0.png")
        Image.fromarray(np.zeros_like(m)).save(root / "masks" / f"p{i}" / "1.png")
        (root / "referring_expression").mkdir(exist_ok=True)
        record = {
            "img_A": f"p{i}.png",
            "img_B": f"p{i}.png",
            "referring_expressions": [f"object {i}", f"nothing {i}"],
        }
        (root / "referring_expression" / f"p{i}.json").write_text(json.dumps(record))
    return root
