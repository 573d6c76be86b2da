"""Earlier/later pre-filled from the acquisition dates in the rasters' metadata, not only from their names.

The date rules are pure Python (dict inputs, no QGIS); the glue reads real GeoTIFFs written here with GDAL's
TIFFTAG_DATETIME, and a QGIS layer metadata temporal extent, in real (offscreen) QGIS.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from affine import Affine

from mtrs_qgis_plugin import pairing
from tests.conftest import write_geotiff


# -- the pure rules ------------------------------------------------------------------------------------------
def test_parse_date_reads_tiff_iso_stac_and_compact_forms():
    assert pairing.parse_date("2019:05:01 10:20:30") == datetime(2019, 5, 1, 10, 20, 30)
    assert pairing.parse_date("2019-05-01T10:20:30.123456Z") == datetime(2019, 5, 1, 10, 20, 30)
    assert pairing.parse_date("2019-05-01T10:20:30+02:00") == datetime(2019, 5, 1, 8, 20, 30)
    assert pairing.parse_date("2019-05-01") == datetime(2019, 5, 1)
    assert pairing.parse_date("20190501") == datetime(2019, 5, 1)
    for bad in ("", "0000:00:00 00:00:00", "2019-13-01", "yesterday", "0001-01-01", None):
        assert pairing.parse_date(bad) is None, bad


def test_metadata_date_prefers_acquisition_keys_over_the_tiff_datetime():
    tiff_only = {"TIFFTAG_DATETIME": "2021:07:01 12:00:00", "AREA_OR_POINT": "Area"}
    assert pairing.metadata_date(tiff_only) == datetime(2021, 7, 1, 12)
    both = {"TIFFTAG_DATETIME": "2024:01:01 00:00:00", "IMAGERY:ACQUISITIONDATETIME": "2019-05-01T10:00:00Z"}
    assert pairing.metadata_date(both) == datetime(2019, 5, 1, 10)  # the processing time loses
    stac = {"properties.datetime": "2020-02-03T04:05:06Z"}
    assert pairing.metadata_date(stac) == datetime(2020, 2, 3, 4, 5, 6)
    assert pairing.metadata_date({"DATE_ACQUIRED": "2018-08-09", "SENSING_TIME": "x"}) == datetime(2018, 8, 9)
    assert pairing.metadata_date({"sensing_time": "2017-01-02T03:04:05.6Z"}) == datetime(2017, 1, 2, 3, 4, 5)
    assert pairing.metadata_date({"TIFFTAG_DATETIME": "0000:00:00 00:00:00"}) is None
    assert pairing.metadata_date({"DESCRIPTION": "2019-05-01"}) is None  # not a date key


def test_metadata_dates_decide_before_the_names():
    old, new = datetime(2019, 5, 1), datetime(2021, 7, 1)
    # the names say the opposite; differing metadata dates win
    choice = pairing.choose_pair(["scene_pre_2018", "scene_post_2022"], [new, old])
    assert (choice.earlier, choice.later, choice.reason) == (1, 0, "metadata")
    # equal metadata dates, or only one layer with a date: the name rules decide
    assert pairing.choose_pair(["b_post", "a_pre"], [old, old]).reason == "name words"
    assert pairing.choose_pair(["b_post", "a_pre"], [old, None]) == pairing.PairChoice(1, 0, "name words")
    assert pairing.choose_pair(["x_2021", "x_2019"], None).reason == "name dates"
    assert pairing.choose_pair(["a", "b"], [None, None]) == pairing.PairChoice(0, 1, "order")
    # several layers: the oldest and the newest dated ones
    choice = pairing.choose_pair(["a", "b", "c", "d"], [None, new, old, datetime(2020, 1, 1)])
    assert (choice.earlier, choice.later) == (2, 1)
    assert pairing.choose_pair(["one"], [old]) is None
    assert pairing.guess_pair(["joplin_post", "joplin_pre"]) == (1, 0)  # the name-only entry point stays


# -- real files in real QGIS ---------------------------------------------------------------------------------
def write_dated(path: Path, when: str | None) -> Path:
    """A 3-band GeoTIFF whose TIFF DateTime tag is `when` (written by GDAL from the default metadata)."""
    data = np.random.default_rng(len(path.name)).integers(0, 255, (3, 32, 32)).astype(np.uint8)
    write_geotiff(path, data, transform=Affine(0.5, 0.0, 360000.0, 0.0, -0.5, 4105000.0))
    if when is not None:
        import rasterio

        with rasterio.open(path, "r+") as ds:
            ds.update_tags(TIFFTAG_DATETIME=when)
    return path


@pytest.mark.qgis
def test_layer_date_reads_gdal_metadata_and_the_qgis_temporal_extent(qgis_app, tmp_path):
    from qgis.core import QgsDateTimeRange, QgsLayerMetadata, QgsRasterLayer
    from qgis.PyQt.QtCore import QDateTime, Qt

    dated = QgsRasterLayer(str(write_dated(tmp_path / "a.tif", "2019:05:01 10:20:30")), "a", "gdal")
    plain = QgsRasterLayer(str(write_dated(tmp_path / "b.tif", None)), "b", "gdal")
    assert dated.isValid() and plain.isValid()
    from osgeo import gdal

    assert gdal.Open(str(tmp_path / "a.tif")).GetMetadataItem("TIFFTAG_DATETIME") == "2019:05:01 10:20:30"
    assert pairing.layer_date(dated) == datetime(2019, 5, 1, 10, 20, 30)
    assert pairing.layer_date(plain) is None
    # what an analyst sets in QGIS (Layer Properties > Metadata > Extent) comes first
    meta = QgsLayerMetadata()
    extent = meta.extent()
    start = QDateTime.fromString("2018-03-04T05:06:07Z", Qt.ISODate)
    extent.setTemporalExtents([QgsDateTimeRange(start, start)])
    meta.setExtent(extent)
    plain.setMetadata(meta)
    assert pairing.layer_date(plain) == datetime(2018, 3, 4, 5, 6, 7)


@pytest.mark.qgis
def test_dock_prefills_the_older_image_as_earlier_from_metadata(
    mtrs_package, qgis_iface, qgis_processing, engine_service, tmp_path
):
    from mtrs.mtrs_qgis_plugin.dock_widget import MtrsDockWidget
    from qgis.core import QgsProject, QgsRasterLayer

    # names give no hint (and sort the wrong way round); added newest first
    newer = QgsRasterLayer(str(write_dated(tmp_path / "x.tif", "2022:08:15 09:30:00")), "alpha scene", "gdal")
    older = QgsRasterLayer(str(write_dated(tmp_path / "y.tif", "2020:04:02 11:00:00")), "beta scene", "gdal")
    assert newer.isValid() and older.isValid()
    project = QgsProject.instance()
    project.addMapLayer(newer)
    project.addMapLayer(older)
    dock = MtrsDockWidget(qgis_iface)
    try:
        dock.earlier.setLayer(None)
        dock.later.setLayer(None)
        assert dock.prefill_layers()
        assert dock.earlier.currentLayer().id() == older.id()
        assert dock.later.currentLayer().id() == newer.id()
        for combo in (dock.earlier, dock.later):
            assert "acquisition dates in the metadata" in combo.toolTip()
            assert "2020-04-02 11:00" in combo.toolTip() and "2022-08-15 09:30" in combo.toolTip()
        # once the analyst picks another pair, the reason no longer applies
        dock.earlier.setLayer(newer)
        dock.later.setLayer(older)
        assert "metadata" not in dock.earlier.toolTip() and "metadata" not in dock.later.toolTip()
    finally:
        dock.shutdown()
        dock.deleteLater()
        project.removeMapLayers([newer.id(), older.id()])
