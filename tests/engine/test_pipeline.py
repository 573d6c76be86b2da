"""The pipeline on generated GeoTIFFs with the NullModel (exact answers): geometry, CRSs, cache, errors."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import rasterio
import shapely
from osgeo import gdal, ogr
from pyproj import Geod
from rasterio.transform import from_origin
from shapely import wkb
from shapely.geometry import box

from engine.errors import Cancelled, InputError, ModelError, OutOfMemory, OutputError
from engine.pipeline import AnalysisRequest, FeatureCache, analyse
from engine.pipeline.null_model import NullModel
from tests.conftest import write_geotiff

gdal.UseExceptions()
ORIGIN = (366000.0, 4100000.0)


def read_layer(path):
    ds = ogr.Open(str(path))
    layer = ds.GetLayer(0)
    feats = []
    for f in layer:
        attrs = {k: f.GetField(k) for k in f.keys()}  # noqa: SIM118
        attrs["geom"] = wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))
        feats.append(attrs)
    epsg = layer.GetSpatialRef().GetAuthorityCode(None)
    return feats, epsg


@pytest.fixture
def pair(tmp_path):
    """300×400 px, 1 m: two bright rectangles appear in the later image, one crossing tile borders."""
    e = np.full((3, 300, 400), 90, np.uint8)
    l_ = e.copy()
    l_[:, 40:160, 50:170] = 220  # crosses the 64-px tiles (stride 48) many times
    l_[:, 250:260, 350:370] = 220  # small: 200 m²
    return write_geotiff(tmp_path / "e.tif", e), write_geotiff(tmp_path / "l.tif", l_)


def req(pair, tmp_path, **kw):
    base = {
        "earlier": pair[0],
        "later": pair[1],
        "prompts": ["new bright roofs"],
        "output": str(tmp_path / "o.gpkg"),
    }
    base.update(tile=64, overlap=16)
    base.update(kw)
    return AnalysisRequest(**base)


def test_polygons_line_up_with_pixels(pair, tmp_path) -> None:
    result = analyse(req(pair, tmp_path, probabilities=str(tmp_path / "p.tif")), model=NullModel())
    feats, epsg = read_layer(tmp_path / "o.gpkg")
    assert epsg == "32615" and result.n_polygons == 2 == len(feats)
    big = max(feats, key=lambda f: f["area_m2"])
    x0, y0 = ORIGIN
    assert big["geom"].equals(
        box(x0 + 50, y0 - 160, x0 + 170, y0 - 40)
    )  # one polygon across all tile borders
    assert big["area_m2"] == pytest.approx(120 * 120) and big["perimeter_m"] == pytest.approx(480)
    assert big["location"] == "west" and big["prompt"] == "new bright roofs"
    assert big["prob_mean"] > 0.99 and big["model"] == "null-brighter"
    assert result.total_area_m2 == pytest.approx(120 * 120 + 200)
    with rasterio.open(tmp_path / "p.tif") as p:
        prob = p.read(1)
        assert p.crs.to_epsg() == 32615 and p.transform == from_origin(*ORIGIN, 1, 1)
    assert (prob[40:160, 50:170] > 0.99).all() and (prob[:30] < 0.01).all()  # seamless: no ridges
    record = json.loads((tmp_path / "o.run.json").read_text())
    assert record["request"]["prompts"] == ["new bright roofs"] and record["tiling"]["tile"] == 64
    ds = ogr.Open(str(tmp_path / "o.gpkg"))
    assert ds.GetLayerByName("layer_styles").GetFeatureCount() == 1
    assert (
        json.loads(ds.GetLayerByName("mtrs_runs").GetNextFeature().GetField("record_json"))["n_polygons"] == 2
    )


def test_other_crs_gives_same_polygons(pair, tmp_path) -> None:
    warped = str(tmp_path / "l4326.tif")
    gdal.Warp(warped, pair[1], dstSRS="EPSG:4326", resampleAlg="near")
    analyse(req(pair, tmp_path), model=NullModel())
    analyse(
        req((pair[0], warped), tmp_path, output=str(tmp_path / "w.gpkg"), resampling="nearest"),
        model=NullModel(),
    )
    a, _ = read_layer(tmp_path / "o.gpkg")
    b, _ = read_layer(tmp_path / "w.gpkg")
    big_a = max(a, key=lambda f: f["area_m2"])["geom"]
    big_b = max(b, key=lambda f: f["area_m2"])["geom"]
    assert big_a.symmetric_difference(big_b).area <= big_a.length * 1.0  # within one pixel along the outline
    assert big_a.hausdorff_distance(big_b) <= 1.5


def test_geographic_crs_areas_in_square_metres(tmp_path) -> None:
    res = 1e-5
    t = from_origin(10.0, 45.01, res, res)
    e = np.full((3, 200, 200), 80, np.uint8)
    l_ = e.copy()
    l_[:, 50:150, 60:140] = 230
    pa = write_geotiff(tmp_path / "e.tif", e, crs="EPSG:4326", transform=t)
    pb = write_geotiff(tmp_path / "l.tif", l_, crs="EPSG:4326", transform=t)
    result = analyse(
        AnalysisRequest(
            earlier=pa, later=pb, prompts=["x"], output=str(tmp_path / "g.gpkg"), tile=128, overlap=32
        ),
        model=NullModel(),
    )
    expected = abs(Geod(ellps="WGS84").geometry_area_perimeter(box(10.0006, 45.0085, 10.0014, 45.0095))[0])
    assert result.n_polygons == 1
    assert result.total_area_m2 == pytest.approx(expected, rel=1e-4)
    assert 6500 < expected < 7500  # 80×100 px of ~0.79 m × 1.11 m


def test_nodata_and_single_band_uint16(tmp_path) -> None:
    e = np.full((1, 128, 128), 1000, np.uint16)
    l_ = e.copy()
    l_[0, 20:60, 20:60] = 4000
    l_[0, 80:120, 80:120] = 4000
    e[0, 70:128, 70:128] = 0  # nodata in the earlier image covers the second square
    pa = write_geotiff(tmp_path / "e.tif", e, nodata=0)
    pb = write_geotiff(tmp_path / "l.tif", l_)
    r = analyse(
        AnalysisRequest(
            earlier=pa,
            later=pb,
            prompts=["x"],
            output=str(tmp_path / "n.gpkg"),
            tile=64,
            overlap=16,
            probabilities=str(tmp_path / "p.tif"),
        ),
        model=NullModel(),
    )
    assert r.n_polygons == 1 and r.total_area_m2 == pytest.approx(1600)
    with rasterio.open(tmp_path / "p.tif") as p:
        assert p.nodata == -1 and (p.read(1)[70:, 70:] == -1).all()
    assert r.run_record["normalisation"]["mode"] == "joint-percentile"


def test_cache_second_prompt_reuses_features(pair, tmp_path) -> None:
    model, cache = NullModel(), FeatureCache()
    r1 = analyse(req(pair, tmp_path), model=model, cache=cache)
    calls = model.encode_calls
    r2 = analyse(
        req(pair, tmp_path, prompts=["another"], output=str(tmp_path / "o2.gpkg")), model=model, cache=cache
    )
    assert r1.cache_hits == 0 and r2.cache_hits == r2.tiles == r1.tiles > 1
    assert model.encode_calls == calls and r2.n_polygons == r1.n_polygons
    other_extent = req(
        pair, tmp_path, output=str(tmp_path / "o3.gpkg"), extent=[366000, 4099800, 366200, 4100000]
    )
    assert analyse(other_extent, model=model, cache=cache).cache_hits == 0  # other extent, other key


def test_several_prompts_one_layer_and_all_changes(pair, tmp_path) -> None:
    r = analyse(req(pair, tmp_path, prompts=["a", "b"]), model=NullModel())
    feats, _ = read_layer(tmp_path / "o.gpkg")
    assert r.n_polygons == 4 and sorted({f["prompt"] for f in feats}) == ["a", "b"]
    r = analyse(
        req(pair, tmp_path, prompts=[], all_changes=True, output=str(tmp_path / "all.gpkg")),
        model=NullModel(),
    )
    assert r.n_polygons == 2 and r.prompts == ["(all changes)"]


def test_output_crs_extent_and_formats(pair, tmp_path) -> None:
    r = analyse(
        req(pair, tmp_path, output_crs="EPSG:4326", output=str(tmp_path / "o.geojson")), model=NullModel()
    )
    feats, epsg = read_layer(tmp_path / "o.geojson")
    assert (
        epsg == "4326" and abs(feats[0]["centroid_x"] + 94.5) < 1 and r.total_area_m2 == pytest.approx(14600)
    )
    x0, y0 = ORIGIN
    wkt = box(x0 + 100, y0 - 200, x0 + 300, y0).wkt
    r = analyse(req(pair, tmp_path, extent_wkt=wkt, output=str(tmp_path / "c.shp")), model=NullModel())
    assert r.n_polygons == 1 and r.total_area_m2 == pytest.approx(70 * 120)  # clipped at x = 100 m
    assert os.path.exists(tmp_path / "c.dbf")


def test_out_of_memory_backs_off_then_fails_cleanly(pair, tmp_path) -> None:
    model = NullModel(oom_above_batch=1)
    r = analyse(req(pair, tmp_path, batch_size=4), model=model)
    assert r.run_record["batch_size"] == {"requested": 4, "final": 1, "oom_backoffs": 2} and r.n_polygons == 2
    with pytest.raises(OutOfMemory):
        analyse(req(pair, tmp_path, output=str(tmp_path / "x.gpkg")), model=NullModel(oom_above_batch=0))
    assert not (tmp_path / "x.gpkg").exists()


def test_cancel_leaves_nothing(pair, tmp_path) -> None:
    seen = []
    before = set(os.listdir(tmp_path))
    with pytest.raises(Cancelled):
        analyse(
            req(pair, tmp_path, probabilities=str(tmp_path / "p.tif")),
            model=NullModel(),
            progress=lambda d, t, m: seen.append(d),
            cancel=lambda: len(seen) >= 2,
        )
    assert set(os.listdir(tmp_path)) == before


def test_errors(pair, tmp_path) -> None:
    out = tmp_path / "o.gpkg"
    with pytest.raises(InputError, match="empty prompt"):
        analyse(req(pair, tmp_path, prompts=["  "]), model=NullModel())
    with pytest.raises(InputError, match="too long"):
        analyse(req(pair, tmp_path, prompts=["word " * 100]), model=NullModel())
    with pytest.raises(OutputError, match="does not exist"):
        analyse(req(pair, tmp_path, output=str(tmp_path / "nope" / "o.gpkg")), model=NullModel())
    analyse(req(pair, tmp_path), model=NullModel())
    mtime = out.stat().st_mtime_ns
    with pytest.raises(OutputError, match="already exists"):
        analyse(req(pair, tmp_path), model=NullModel())
    assert out.stat().st_mtime_ns == mtime
    analyse(req(pair, tmp_path, overwrite=True, prompts=["z"]), model=NullModel())
    assert read_layer(out)[0][0]["prompt"] == "z"
    with pytest.raises(ModelError):
        analyse(req(pair, tmp_path, model=str(tmp_path / "no-model"), output=str(tmp_path / "m.gpkg")))
    bad = tmp_path / "bad-model"
    bad.mkdir()
    (bad / "config.json").write_text("{not json")
    with pytest.raises(ModelError):
        analyse(req(pair, tmp_path, model=str(bad), output=str(tmp_path / "m.gpkg")))
    assert not (tmp_path / "m.gpkg").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder(pair, tmp_path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            analyse(req(pair, tmp_path, output=str(ro / "o.gpkg")), model=NullModel())
    finally:
        ro.chmod(0o700)


def test_unwritable_folder_reported_before_work(pair, tmp_path, monkeypatch) -> None:
    """Same check as above, also when running as root (os.access reports the folder as read-only)."""
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, m: False if str(p).endswith("ro") else real(p, m))
    (tmp_path / "ro").mkdir()
    model = NullModel()
    with pytest.raises(OutputError, match="not writable"):
        analyse(req(pair, tmp_path, output=str(tmp_path / "ro" / "o.gpkg")), model=model)
    assert model.encode_calls == 0


def test_fused_input_normalisation_matches_the_model_contract() -> None:
    """The pipeline's fused stretch + ImageNet map equals engine.model.preprocess.normalise(stretch.apply(x)),
    with invalid and padding pixels black (0 before normalisation) in both dates."""
    import torch

    from engine.geo.normalise import Stretch
    from engine.model import preprocess
    from engine.pipeline.inference import IMAGENET_MEAN_255, IMAGENET_STD_255, InputNormaliser

    assert (IMAGENET_MEAN_255, IMAGENET_STD_255) == (
        preprocess.IMAGENET_MEAN_255,
        preprocess.IMAGENET_STD_255,
    )
    rng = np.random.default_rng(0)
    src16 = rng.integers(0, 5000, (3, 40, 50)).astype(np.uint16)
    valid = rng.random((40, 50)) > 0.2
    for stretch, src in (
        (Stretch(), src16.astype(np.uint8)),
        (Stretch((100.0, 50.0, 0.0), (4000.0, 3000.0, 4900.0)), src16),
    ):
        out = np.full((3, 64, 64), np.nan, np.float32)
        InputNormaliser(stretch).fill(out, src, valid)
        ref = np.zeros((3, 64, 64), np.float32)
        ref[:, :40, :50] = stretch.apply(src) * valid
        expected = preprocess.normalise(torch.from_numpy(ref)).numpy()
        assert np.allclose(out, expected, atol=1e-4)


def test_requery_reads_no_pixels_and_caps_gdal_cache(pair, tmp_path, monkeypatch) -> None:
    """With every tile's features cached, a new prompt reads no raster window (and gets the same answer);
    every run happens under the capped GDAL block cache."""
    import rasterio.env

    from engine.geo.align import AlignedPair
    from engine.pipeline.analyse import GDAL_CACHE_BYTES

    reads = []
    real_read = AlignedPair.read
    monkeypatch.setattr(
        AlignedPair, "read", lambda self, *a, **k: reads.append(a) or real_read(self, *a, **k)
    )
    caps = []
    model, cache = NullModel(), FeatureCache()
    progress = lambda d, t, m: caps.append(rasterio.env.getenv().get("GDAL_CACHEMAX"))  # noqa: E731
    r1 = analyse(req(pair, tmp_path), model=model, cache=cache, progress=progress)
    assert len(reads) == len(_tile_rows(r1)) > 1  # one row-band read per row of tiles
    reads.clear()
    r2 = analyse(
        req(pair, tmp_path, prompts=["b"], output=str(tmp_path / "b.gpkg")), model=model, cache=cache
    )
    assert reads == [] and r2.cache_hits == r2.tiles and r2.total_area_m2 == r1.total_area_m2
    assert cache.stats()["hits"] == r2.tiles  # bookkeeping entries (masks, stretch) are not counted
    assert caps and set(caps) == {GDAL_CACHE_BYTES}


def _tile_rows(result):
    """Row starts of the run's tile grid (one row-band read per row of tiles)."""
    from engine.geo.tiling import TileGrid

    region = result.run_record["alignment"]["region"]
    tiling = result.run_record["tiling"]
    return TileGrid(region[2], region[3], tiling["tile"], tiling["overlap"]).row_starts


def test_cpu_threads_leave_a_core_for_the_helper_threads(monkeypatch) -> None:
    import torch

    from engine.pipeline.device import cpu_threads

    old = torch.get_num_threads()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    monkeypatch.delenv("MTRS_TORCH_THREADS", raising=False)
    torch.set_num_threads(3)
    try:
        with cpu_threads(torch.device("cpu")) as n:
            assert n == torch.get_num_threads() == 2
        assert torch.get_num_threads() == 3
        monkeypatch.setenv("MTRS_TORCH_THREADS", "1")
        with cpu_threads(torch.device("cpu")) as n:
            assert n == 1
    finally:
        torch.set_num_threads(old)


def test_polygons_are_streamed_to_the_output_in_batches(tmp_path, monkeypatch) -> None:
    """Finished polygons go to the temporary GeoPackage block by block (not all at the end), and the file
    read back holds every polygon exactly once, with ids 1..N, its style and its run record."""
    import engine.geo.vectorise as vec
    from engine.geo.writer import FeatureWriter

    e = np.full((3, 300, 200), 90, np.uint8)
    l_ = e.copy()
    squares = []
    for r in range(5, 290, 23):  # 13 × 8 squares of 9×9 m, many cut by tile and block seams
        for c in range(5, 190, 23):
            l_[:, r : r + 9, c : c + 9] = 220
            squares.append(box(ORIGIN[0] + c, ORIGIN[1] - r - 9, ORIGIN[0] + c + 9, ORIGIN[1] - r))
    l_[:, 100:200, 95:97] = 220  # a 2-m wide line joining 5 squares across several seams
    pair = (write_geotiff(tmp_path / "e.tif", e), write_geotiff(tmp_path / "l.tif", l_))
    monkeypatch.setattr(vec, "BLOCK", 64)  # blocks of 64²/200 = 20 rows: many open seams
    batches = []
    real_write = FeatureWriter.write
    monkeypatch.setattr(
        FeatureWriter, "write", lambda self, feats: batches.append(len(feats)) or real_write(self, feats)
    )
    r = analyse(req(pair, tmp_path), model=NullModel())
    feats, _ = read_layer(tmp_path / "o.gpkg")
    assert len(batches) > 5 and sum(batches) == len(feats) == r.n_polygons
    assert sorted(f["id"] for f in feats) == list(range(1, len(feats) + 1))
    line = box(ORIGIN[0] + 95, ORIGIN[1] - 200, ORIGIN[0] + 97, ORIGIN[1] - 100)
    joined = [s for s in squares if s.intersects(line)]
    assert len(joined) == 5 and len(feats) == len(squares) - len(joined) + 1
    geoms = [f["geom"] for f in feats]
    for s in squares:
        if s not in joined:
            assert sum(g.equals(s) for g in geoms) == 1
    big = max(feats, key=lambda f: f["area_m2"])
    assert big["geom"].equals(shapely.union_all([line, *joined])) and big["area_m2"] == pytest.approx(605)
    ds = ogr.Open(str(tmp_path / "o.gpkg"))
    assert ds.GetLayerByName("layer_styles").GetFeatureCount() == 1
    run = ds.GetLayerByName("mtrs_runs").GetNextFeature()
    assert json.loads(run.GetField("record_json"))["n_polygons"] == r.n_polygons
    assert sorted(os.listdir(tmp_path)) == ["e.tif", "l.tif", "o.gpkg", "o.run.json"]


def _disk_cache(tmp_path, ram_bytes=64 * 64 * 4, disk_bytes=10**8):
    """A feature cache whose RAM holds about one 64² null-model tile: the rest spills to disk."""
    return FeatureCache(ram_bytes, disk_bytes=disk_bytes, disk_dir=tmp_path / "feature-cache")


def test_requery_after_ram_eviction_reads_features_from_disk(pair, tmp_path, monkeypatch) -> None:
    from engine.geo.align import AlignedPair

    model, cache = NullModel(), _disk_cache(tmp_path)
    r1 = analyse(req(pair, tmp_path), model=model, cache=cache)
    calls = model.encode_calls
    stats = cache.stats()
    assert stats["entries"] <= 4 and stats["disk_spills"] >= r1.tiles - 1  # most features went to disk
    files = list(cache.disk.folder.glob("*.safetensors"))
    assert len(files) >= r1.tiles - 1 and stats["disk_bytes"] == sum(f.stat().st_size for f in files)
    reads = []
    real_read = AlignedPair.read
    monkeypatch.setattr(
        AlignedPair, "read", lambda self, *a, **k: reads.append(a) or real_read(self, *a, **k)
    )
    r2 = analyse(
        req(pair, tmp_path, prompts=["b"], output=str(tmp_path / "b.gpkg")), model=model, cache=cache
    )
    assert model.encode_calls == calls and reads == []  # no encoder pass, no pixel read
    assert r2.cache_hits == r2.tiles == r1.tiles and cache.stats()["disk_hits"] >= r1.tiles - 1
    a, b = read_layer(tmp_path / "o.gpkg")[0], read_layer(tmp_path / "b.gpkg")[0]
    assert [f["geom"].wkt for f in a] == [f["geom"].wkt for f in b] and r2.n_polygons == 2
    folder = cache.disk.folder
    cache.close()
    assert not folder.exists()


def test_damaged_or_missing_cache_files_are_recomputed(pair, tmp_path) -> None:
    with rasterio.open(pair[0]) as src:
        e = src.read()
    e[:, 250:, :40] = 0  # a nodata corner: its tiles have validity masks (spilled to files too)
    pair = (write_geotiff(tmp_path / "e0.tif", e, nodata=0), pair[1])
    model, cache = NullModel(), _disk_cache(tmp_path)
    r1 = analyse(req(pair, tmp_path), model=model, cache=cache)
    files = sorted(cache.disk.folder.glob("*.safetensors"), key=lambda f: int(f.stem))
    masks = [k for k, e in cache.disk._index.items() if k[-1] == "valid" and e[0] is not None]
    assert masks  # the nodata corner gives tiles with a validity mask, spilled too
    (cache.disk.folder / cache.disk._index[masks[0]][0]).unlink()  # a missing mask: that row is read again
    files[0].unlink()  # missing
    with open(files[1], "r+b") as fh:  # truncated
        fh.truncate(fh.seek(0, 2) // 2)
    data = bytearray(files[2].read_bytes())  # one bit flipped in the tensor data: still parses
    data[-5] ^= 0x10
    files[2].write_bytes(bytes(data))
    calls = model.encode_calls
    r2 = analyse(
        req(pair, tmp_path, prompts=["b"], output=str(tmp_path / "b.gpkg")), model=model, cache=cache
    )
    assert cache.stats()["disk_errors"] == 4 and model.encode_calls > calls  # recomputed, no error
    assert r2.tiles - 3 * 8 <= r2.cache_hits < r2.tiles  # the batches (rows of 8) holding them recomputed
    assert r2.n_polygons == r1.n_polygons and r2.total_area_m2 == pytest.approx(r1.total_area_m2)
    a, b = read_layer(tmp_path / "o.gpkg")[0], read_layer(tmp_path / "b.gpkg")[0]
    assert [f["geom"].wkt for f in a] == [f["geom"].wkt for f in b]
    r3 = analyse(
        req(pair, tmp_path, prompts=["c"], output=str(tmp_path / "c.gpkg")), model=model, cache=cache
    )
    assert r3.cache_hits == r3.tiles  # the recomputed tiles were cached again


def test_disk_cache_budget_lru_and_cleanup(tmp_path) -> None:
    """The disk tier stays within its byte budget (oldest files deleted first), removes only the session
    folders of dead processes, and removes its own folder when closed."""
    import subprocess
    import sys

    import torch

    from engine.pipeline.null_model import NullFeatures

    root = tmp_path / "feature-cache"
    root.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    stale = root / f"session-{int(dead.stdout)}-abc123"
    alive = root / f"session-{os.getpid()}-other1"
    for folder in (stale, alive):
        folder.mkdir()
        (folder / "0.safetensors").write_bytes(b"x")
    (root / "notes.txt").write_text("not ours")
    tile = 64 * 64 * 4
    cache = FeatureCache(0, disk_bytes=int(3.5 * (tile + 200)), disk_dir=root)  # no RAM: all to disk
    assert not stale.exists() and alive.exists() and (root / "notes.txt").exists()
    for i in range(6):
        cache.put(("k", i), NullFeatures(torch.full((1, 1, 64, 64), float(i))))
    stats = cache.stats()
    assert stats["entries"] == 0 and stats["disk_entries"] == 3 and stats["disk_bytes"] <= cache.disk.budget
    assert [cache.has(("k", i)) for i in range(6)] == [False] * 3 + [True] * 3  # oldest evicted first
    assert len(list(cache.disk.folder.iterdir())) == 3
    assert cache.get(("k", 4)).diff.mean().item() == 4.0
    cache.put(("k", 6), NullFeatures(torch.zeros(1, 1, 64, 64)))  # evicts 3 (4 was just used)
    assert not cache.has(("k", 3)) and cache.has(("k", 4))
    folder = cache.disk.folder
    cache.close()
    assert not folder.exists() and alive.exists() and (root / "notes.txt").exists()


def test_batches_are_strided_views_equal_to_per_tile_inputs() -> None:
    """Each batch is normalised once over its column span and handed over as overlapping strided views;
    every tile equals its own normalisation (masks and right/bottom padding included), and the last tile of
    a row (shifted back inside the region) starts a new batch because its spacing differs."""
    from engine.geo.normalise import Stretch
    from engine.pipeline.inference import InputNormaliser, _batch_inputs, _SpanBuffers, next_chunk

    rng = np.random.default_rng(2)
    cols = [0, 48, 96, 136]  # width 200, tile 64, overlap 16: the last one is shifted back
    assert [next_chunk(cols, i, 8) for i in (0, 3)] == [[0, 1, 2], [3]]
    assert next_chunk(cols, 0, 2) == [0, 1]
    norm = InputNormaliser(Stretch((10.0, 20.0, 30.0), (3000.0, 2000.0, 1000.0)))
    earlier = rng.integers(0, 4000, (3, 50, 200)).astype(np.uint16)  # 50 rows < tile: bottom padding
    later = rng.integers(0, 4000, (3, 50, 200)).astype(np.uint16)
    valid = rng.random((50, 200)) > 0.1
    valid[:, :48] = True  # tile 0 all valid → None
    valids = [None if valid[:, c : c + 64].all() else valid[:, c : c + 64].copy() for c in cols]
    spans = _SpanBuffers(64)
    for chunk in ([0, 1, 2], [3]):
        starts = [cols[i] for i in chunk]
        e, l_ = _batch_inputs(norm, lambda: (earlier, later), starts, [valids[i] for i in chunk], spans)()
        assert e.shape == (len(chunk), 3, 64, 64) and (len(chunk) == 1 or not e.is_contiguous())
        for k, c in enumerate(starts):
            for got, src in ((e, earlier), (l_, later)):
                want = np.full((3, 64, 64), np.nan, np.float32)
                norm.fill(want, src[:, :, c : c + 64], valid[:, c : c + 64])
                assert np.array_equal(got[k].numpy(), want)
