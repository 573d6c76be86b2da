"""The plugin side of engine.contract, in a real (offscreen) QGIS: the Processing analysis algorithms offer
exactly the contract's fields, defaults, ranges and choices (mps included), the dock's widgets and requests
follow it, and the dock's alignment preview judges with the engine's thresholds (real GeoTIFF layers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProcessingParameterEnum, QgsProcessingParameterNumber, QgsRasterLayer

from engine import contract
from engine.geo import align
from tests.conftest import write_geotiff

pytestmark = [pytest.mark.qgis]

ANALYSIS_ALGORITHMS = ("mtrs:referringchange", "mtrs:allchanges")
PROMPT_PARAMETERS = {"PROMPT", "PROMPT_TABLE", "PROMPT_FIELD"}  # together: the `prompts` field


@pytest.mark.parametrize("alg_id", ANALYSIS_ALGORITHMS)
def test_processing_parameters_are_the_contracts(plugin, alg_id) -> None:
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    params = {p.name(): p for p in alg.parameterDefinitions()}
    for name, param in params.items():
        if name in PROMPT_PARAMETERS:
            continue
        field = name.lower()
        assert field in contract.REQUEST, f"{alg_id}: {name} is no request field"
        spec = contract.REQUEST[field]
        if isinstance(param, QgsProcessingParameterNumber):
            low, high = contract.ui_range(field)
            assert param.defaultValue() == pytest.approx(spec.interface_default), name
            assert (param.minimum(), param.maximum()) == pytest.approx((low, high)), name
            integer = param.dataType() == QgsProcessingParameterNumber.Integer
            assert integer == (spec.kind == "int"), name
        elif isinstance(param, QgsProcessingParameterEnum):
            assert tuple(param.options()) == spec.choices, name
            assert param.options()[param.defaultValue()] == spec.default, name
    assert tuple(params["DEVICE"].options()) == contract.DEVICES
    assert "mps" in params["DEVICE"].options()
    assert tuple(params["RESAMPLING"].options()) == contract.RESAMPLING_METHODS
    assert ("PRESENCE_THRESHOLD" in params) == (alg_id == "mtrs:referringchange")


def test_finetune_offers_the_training_devices(plugin) -> None:
    alg = QgsApplication.processingRegistry().algorithmById("mtrs:finetune")
    assert tuple(alg.parameterDefinition("DEVICE").options()) == contract.TRAINING_DEVICES


def _layer(path: Path, pixel: float, name: str) -> QgsRasterLayer:
    import numpy as np
    from affine import Affine

    size = int(32 / pixel)
    data = np.random.default_rng(size).integers(0, 255, (3, size, size)).astype(np.uint8)
    write_geotiff(path, data, transform=Affine(pixel, 0.0, 500000.0, 0.0, -pixel, 4100000.0))
    layer = QgsRasterLayer(str(path), name, "gdal")
    assert layer.isValid()
    return layer


def test_alignment_preview_uses_the_engines_thresholds(mtrs_package, tmp_path) -> None:
    from mtrs.mtrs_qgis_plugin import alignment

    assert alignment.RESOLUTION_NOTE_RATIO == align.RESOLUTION_NOTE_RATIO == contract.RESOLUTION_NOTE_RATIO
    assert alignment.GRID_TOLERANCE_PX == align.GRID_TOLERANCE_PX
    earlier = _layer(tmp_path / "e.tif", 0.5, "earlier")
    # 0.5 m against 0.9 m: a gap of 1.8, above the engine's 1.5 (the plugin once waited for 2.0)
    report = alignment.check_layers(earlier, _layer(tmp_path / "l.tif", 0.9, "later"))
    assert report.resolution_ratio == pytest.approx(1.8, rel=0.02)
    assert report.will_warp and any("resolutions differ" in w for w in report.warnings)
    near = alignment.check_layers(earlier, _layer(tmp_path / "n.tif", 0.625, "near"))
    assert near.will_warp and not any("resolutions differ" in w for w in near.warnings)
    assert tuple(f for f in alignment.AlignmentReport.__dataclass_fields__ if f != "overlap") == (
        contract.ALIGNMENT_RESULT_FIELDS
    )


@pytest.fixture()
def quiet_dock(mtrs_package, qgis_iface, qgis_processing, engine_service, monkeypatch):
    """A dock with the stored options reset and no worker warm-up (nothing here needs the engine)."""
    from mtrs.mtrs_qgis_plugin import dock_widget, settings

    monkeypatch.setattr(dock_widget, "AUTO_START_ENGINE", False)
    settings.reset()
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    yield instance.ensure_dock()
    instance.unload()
    settings.reset()


def test_dock_widgets_and_request_follow_the_contract(quiet_dock, tmp_path) -> None:
    from qgis.core import QgsProject

    dock = quiet_dock
    for name, widget in (
        ("tile", dock.tile),
        ("overlap", dock.overlap),
        ("threshold", dock.threshold),
        ("presence_threshold", dock.presence_threshold),
        ("min_area", dock.min_area),
        ("simplify", dock.simplify),
    ):
        spec = contract.REQUEST[name]
        assert (widget.minimum(), widget.maximum()) == pytest.approx(contract.ui_range(name)), name
        assert widget.value() == pytest.approx(spec.interface_default), name
    layers = [_layer(tmp_path / "a.tif", 0.5, "before"), _layer(tmp_path / "b.tif", 0.5, "after")]
    QgsProject.instance().addMapLayers(layers)
    try:
        dock.earlier.setLayer(layers[0])
        dock.later.setLayer(layers[1])
        dock.prompt.setEditText("new buildings")
        (job,) = dock.build_jobs()
        params = dock.alignment_params()
    finally:
        QgsProject.instance().removeMapLayers([lyr.id() for lyr in layers])
    assert set(job.request) <= set(contract.REQUEST_NAMES)
    assert set(params) <= set(contract.ALIGNMENT_PARAMS)
    for name in ("overlap", "threshold", "presence_threshold", "min_area", "simplify", "device"):
        assert job.request[name] == contract.REQUEST[name].interface_default, name
    assert job.request["tile"] is None  # the widget's 0 is the contract's null
