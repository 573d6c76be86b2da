"""Reading dataset images and masks from disk as plain numpy arrays.

PNG/JPEG go through Pillow; TIFFs that Pillow cannot decode (multi-band, 16-bit, GeoTIFF tiling) fall back to
rasterio. Images become H×W×3 uint8 RGB, masks H×W bool (value > 127, the reference binarisation).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from engine.errors import InputError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff")


def _read_with_rasterio(path: Path) -> np.ndarray:
    import rasterio

    with rasterio.open(path) as src:
        data = src.read()
    if data.dtype != np.uint8:
        data = np.clip(data, 0, 255).astype(np.uint8)
    return np.transpose(data, (1, 2, 0))


def _read_array(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as im:
            if im.mode in ("RGB", "RGBA", "L", "P", "1", "LA", "CMYK", "YCbCr", "I;16"):
                return np.array(im.convert("RGB") if im.mode not in ("L", "1", "I;16") else im)
    except Exception:
        pass
    try:
        return _read_with_rasterio(path)
    except Exception as exc:
        raise InputError(f"cannot read image {path}: {exc}") from exc


def read_rgb(path: str | Path) -> np.ndarray:
    """H×W×3 uint8 RGB (grey images are repeated over three channels, extra bands dropped)."""
    arr = _read_array(Path(path))
    if arr.ndim == 2:
        arr = np.repeat(arr[..., None], 3, axis=2)
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr[..., :3])


def read_mask(path: str | Path) -> np.ndarray:
    """H×W bool: first channel > 127 (reference: masks are 0/255 PNGs)."""
    arr = _read_array(Path(path))
    if arr.ndim == 3:
        arr = arr[..., 0]
    return arr > 127


def rasterise_polygons(polygons: list[list[float]], height: int, width: int) -> np.ndarray:
    """Flat [x1, y1, x2, y2, …] pixel polygons -> H×W bool (the GSVA/LISA loaders' fillPoly fallback)."""
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    for poly in polygons:
        coords = [float(v) for v in poly]
        if len(coords) >= 6:
            draw.polygon(list(zip(coords[0::2], coords[1::2], strict=False)), fill=255, outline=255)
    return np.asarray(canvas) > 127


def image_size(path: str | Path) -> tuple[int, int]:
    """(H, W) without decoding the pixels where possible."""
    try:
        with Image.open(path) as im:
            return im.height, im.width
    except Exception:
        import rasterio

        with rasterio.open(path) as src:
            return src.height, src.width


def resolve_image(folder: Path, name: str) -> Path | None:
    """The file for `name` in `folder`: the exact name first, then its stem with each known extension
    (the reference strips the extension and re-resolves, because JSONs say .jpg where files are .png)."""
    exact = folder / name
    if exact.is_file():
        return exact
    stem = Path(name).stem if Path(name).suffix.lower() in IMAGE_EXTENSIONS else Path(name).name
    for ext in IMAGE_EXTENSIONS:
        for candidate in (folder / f"{stem}{ext}", folder / f"{stem}{ext.upper()}"):
            if candidate.is_file():
                return candidate
    return None
