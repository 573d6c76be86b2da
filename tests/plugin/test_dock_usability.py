"""The dock as a newcomer meets it: refused same-image pairs, no silent overwrite, locale numbers, honest
estimates and the small things (width, wheel, pre-filled pair, replaced messages, colours, Help).

Real (offscreen) QGIS, real GeoTIFFs written here, the real worker with the tiny checkpoint for the runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsRasterLayer,
)
from qgis.PyQt.QtCore import QLocale, QPoint, QPointF, Qt
from qgis.PyQt.QtGui import QWheelEvent
from qgis.PyQt.QtWidgets import QCheckBox

from tests.conftest import write_geotiff

pytestmark = [pytest.mark.qgis]


def write_raster(path: Path, x0: float, y0: float, size: int = 64) -> Path:
    """A 3-band 0.5 m GeoTIFF in EPSG:32615 with its top-left corner at (x0, y0)."""
    import numpy as np
    from affine import Affine

    data = np.random.default_rng(int(x0) % 97).integers(0, 255, (3, size, size)).astype(np.uint8)
    return Path(write_geotiff(path, data, transform=Affine(0.5, 0.0, x0, 0.0, -0.5, y0)))


@pytest.fixture()
def project_layers(qgis_app):
    """Add layers to the project for one test and remove them afterwards."""
    added: list = []

    def add(path: Path, name: str) -> QgsRasterLayer:
        layer = QgsRasterLayer(str(path), name, "gdal")
        assert layer.isValid(), path
        QgsProject.instance().addMapLayer(layer)
        added.append(layer.id())
        return layer

    yield add
    QgsProject.instance().removeMapLayers(added)


@pytest.fixture(scope="module")
def dock(mtrs_package, qgis_iface, qgis_processing, engine_service):
    from mtrs.mtrs_qgis_plugin import settings

    settings.reset()
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    yield instance.ensure_dock()
    instance.unload()
    settings.reset()


# -- 1. same layer, pre-filled pair, no overlap ------------------------------------------------------------
def test_pair_guess_from_names_and_dates(mtrs_package):
    from mtrs.mtrs_qgis_plugin.pairing import guess_pair

    assert guess_pair(["joplin_post", "joplin_pre"]) == (1, 0)
    assert guess_pair(["after the storm", "before the storm"]) == (1, 0)
    assert guess_pair(["ortho_2021-06-01", "ortho_2019_05_01", "dem"]) == (1, 0)
    assert guess_pair(["S2_20230912", "S2_20220101"]) == (1, 0)
    assert guess_pair(["a", "b"]) == (0, 1)
    assert guess_pair(["post only", "other"]) == (1, 0)
    assert guess_pair(["one"]) is None
    for names in (["x_pre", "y_pre"], ["2020", "2020"], ["a", "b", "c"]):
        earlier, later = guess_pair(names)
        assert earlier != later


def test_same_layer_disables_run_and_a_new_dock_prefills_a_distinct_pair(
    dock, project_layers, tmp_path, qgis_iface
):
    from mtrs.mtrs_qgis_plugin.dock_widget import MtrsDockWidget

    post = project_layers(write_raster(tmp_path / "scene_2021.tif", 360000, 4105000), "scene 2021-07-01")
    pre = project_layers(write_raster(tmp_path / "scene_2019.tif", 360000, 4105000), "scene 2019-03-01")
    dock.prompt.setEditText("new buildings")
    dock.earlier.setLayer(post)
    dock.later.setLayer(post)
    assert not dock.run_button.isEnabled()
    assert "same image" in dock.alignment_label.text()
    assert "same image" in dock.run_button.toolTip()
    assert dock.run() is None and dock.task is None
    assert "same image" in dock.status_label.text()
    # the same file added twice under another name is the same image too
    twin = project_layers(tmp_path / "scene_2021.tif", "copy of 2021")
    dock.earlier.setLayer(post)
    dock.later.setLayer(twin)
    assert not dock.run_button.isEnabled()
    dock.later.setLayer(pre)
    assert dock.run_button.isEnabled(), dock.pair_problem
    # a new dock (a QGIS restart) never starts with one layer in both boxes; dates decide the order
    fresh = MtrsDockWidget(qgis_iface)
    try:
        assert fresh.earlier.currentLayer() is not None
        assert fresh.earlier.currentLayer().id() != fresh.later.currentLayer().id()
        fresh.earlier.setLayer(None)
        fresh.later.setLayer(None)
        assert fresh.prefill_layers()
        assert "2019" in fresh.earlier.currentLayer().name()
        assert "2021" in fresh.later.currentLayer().name()
    finally:
        fresh.shutdown()
        fresh.deleteLater()


def test_non_overlapping_layers_are_refused_before_run(dock, project_layers, tmp_path):
    a = project_layers(write_raster(tmp_path / "west_pre.tif", 360000, 4105000), "west pre")
    b = project_layers(write_raster(tmp_path / "east_post.tif", 370000, 4105000), "east post")
    dock.earlier.setLayer(a)
    dock.later.setLayer(b)
    dock.prompt.setEditText("new buildings")
    assert not dock.run_button.isEnabled()
    assert "do not overlap" in dock.alignment_label.text()
    assert "Traceback" not in dock.alignment_label.text()
    assert dock.run() is None


def test_processing_refuses_identical_inputs_and_defaults_to_a_pair(
    dock, project_layers, tmp_path, qgis_processing
):
    import processing

    path = write_raster(tmp_path / "same.tif", 360000, 4105000)
    with pytest.raises(QgsProcessingException, match="same image"):
        processing.run(
            "mtrs:referringchange",
            {"EARLIER": str(path), "LATER": str(path), "PROMPT": "x", "OUTPUT": str(tmp_path / "o.gpkg")},
        )
    assert not (tmp_path / "o.gpkg").exists()
    post = project_layers(write_raster(tmp_path / "b_post.tif", 360000, 4105000), "town post")
    pre = project_layers(write_raster(tmp_path / "a_pre.tif", 360000, 4105000), "town pre")
    alg = QgsApplication.processingRegistry().createAlgorithmById("mtrs:referringchange")
    assert alg.parameterDefinition("EARLIER").defaultValue() == pre.id()
    assert alg.parameterDefinition("LATER").defaultValue() == post.id()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    ok, message = alg.checkParameterValues({"EARLIER": pre.id(), "LATER": pre.id(), "PROMPT": "x"}, context)
    assert not ok and "same image" in message


# -- 2. no silent overwrite; 4. real tile count and timings; 5. names and colours ----------------------------
@pytest.mark.slow
def test_reruns_never_overwrite_and_layers_keep_their_prompt(
    dock, joplin_pair, tiny_checkpoint, wait_for, tmp_path, qgis_iface
):
    from mtrs.mtrs_qgis_plugin import dock_widget, result_layers, settings

    dock_widget.SESSION_SECONDS_PER_TILE.clear()
    project = QgsProject.instance()
    pre = QgsRasterLayer(str(joplin_pair[0]), "usability pre", "gdal")
    post = QgsRasterLayer(str(joplin_pair[1]), "usability post", "gdal")
    project.addMapLayers([pre, post])
    try:
        dock.earlier.setLayer(pre)
        dock.later.setLayer(post)
        dock.model_kind.setCurrentIndex(dock.model_kind.findData("folder"))
        dock.model_folder.setFilePath(str(tiny_checkpoint))
        dock.tile.setValue(128)
        dock.threshold.setValue(0.3)
        dock.min_area.setValue(0.0)
        dock.prompt_list.clear()
        # prompts no other test uses: a same-named layer already in the project would rename ours "(2)"
        # the tile count comes from the worker and no time is promised before a run of this session
        assert wait_for(lambda: "per prompt" in dock.estimate_label.text(), 120), dock.estimate_label.text()
        assert "About" not in dock.estimate_label.text()
        estimated = int(dock.worker_alignment["tiles_estimate"])
        out = tmp_path / "changes.gpkg"
        dock.output.setFilePath(str(out))

        def run(prompt: str):
            dock.prompt.setEditText(prompt)
            dock.last_outcome = None
            assert dock.run() is not None, dock.status_label.text()
            assert wait_for(lambda: dock.task is None and dock.last_outcome is not None, 300)
            assert dock.last_outcome.error is None, dock.last_outcome.error
            ((_job, result),) = dock.last_outcome.results
            return result, dock.last_layers[0]

        first, layer_a = run("fallen garages")
        assert first["tiles"] == estimated
        assert Path(first["output"]) == out
        assert "Took" in dock.time_label.text()
        assert "About" in dock.estimate_label.text()  # measured now, in this session
        second, layer_b = run("debris on driveways")
        assert Path(second["output"]) == tmp_path / "changes_2.gpkg"
        assert out.is_file()
        # the first layer still shows the first prompt's polygons, under its own name
        assert layer_a.name() == "fallen garages" and layer_b.name() == "debris on driveways"
        assert {f["prompt"] for f in layer_a.getFeatures()} <= {"fallen garages"}
        assert {f["prompt"] for f in layer_b.getFeatures()} <= {"debris on driveways"}
        # a rerun of a prompt gets a numbered name and the prompt's colour; another prompt another colour
        third, layer_c = run("debris on driveways")
        assert layer_c.name() == "debris on driveways (2)"
        assert Path(third["output"]) == tmp_path / "changes_3.gpkg"
        colour = lambda lyr: lyr.renderer().symbol().color().name()  # noqa: E731
        assert colour(layer_c) == colour(layer_b) != colour(layer_a)
        # friendly metadata: the model id of the run record, no raw dict
        abstract = layer_a.metadata().abstract()
        assert "Model: " in abstract and "Model: unknown" not in abstract and "{" not in abstract
        assert result_layers.run_record(layer_a)["model"]["id"] in abstract
        # every field has a readable name; the embedded style's aliases are kept
        fields = layer_a.fields()
        assert all(layer_a.attributeAlias(i) for i in range(fields.count())), fields.names()
        assert layer_a.attributeAlias(fields.indexOf("area_m2")) == "Area (m²)"
        assert layer_a.attributeAlias(fields.indexOf("prob_max")) == "Highest probability"
        # the message bar holds one message of the dock (the last), at success level
        assert any("debris on driveways" in m for m in qgis_iface.messageBar().get_messages(Qgis.Success))
        # the output path is not remembered for the next session
        dock.save_state()
        assert not hasattr(settings.load(), "output")
        from mtrs.mtrs_qgis_plugin.dock_widget import MtrsDockWidget

        fresh = MtrsDockWidget(qgis_iface)
        try:
            assert fresh.output.filePath() == ""
        finally:
            fresh.shutdown()
            fresh.deleteLater()
    finally:
        dock.tile.setValue(0)
        dock.output.setFilePath("")
        for lyr in list(dock.last_layers):
            project.removeMapLayer(lyr.id())
        project.removeMapLayers([pre.id(), post.id()])
        top = project.layerTreeRoot().findGroup(result_layers.ROOT_GROUP)
        if top is not None:
            project.layerTreeRoot().removeChildNode(top)


# -- 3. locale ----------------------------------------------------------------------------------------------
def test_numbers_follow_the_locale(mtrs_package):
    from mtrs.mtrs_qgis_plugin import result_layers, ui_helpers

    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.German, QLocale.Germany))
    try:
        text = result_layers.summary(
            {"n_polygons": 1234, "total_area_m2": 21927.0, "seconds": 68.25, "device": "cpu"}, "x"
        )
        assert "21.927 m²" in text and "1.234 polygons" in text and "68,3 s" in text
        assert ui_helpers.area(2_500_000) == "2,500 km²"
    finally:
        QLocale.setDefault(previous)
    assert "21,927 m²" in result_layers.summary({"total_area_m2": 21927.0}, "x")


# -- 4. estimates and elapsed time ------------------------------------------------------------------------
def test_estimate_and_time_texts(dock):
    from mtrs.mtrs_qgis_plugin import dock_widget

    dock_widget.SESSION_SECONDS_PER_TILE.clear()
    assert dock.estimate_text(225) == "225 tiles per prompt."
    assert dock.estimate_text(0) == ""
    dock_widget.SESSION_SECONDS_PER_TILE[dock.timing_key()] = 0.3
    assert "About 1:08" in dock.estimate_text(225)
    dock_widget.SESSION_SECONDS_PER_TILE.clear()
    assert dock.time_text(12, 25) == "Elapsed 0:12, about 0:36 left"
    assert dock.time_text(3, 0) == "Elapsed 0:03"


# -- 5. the minor list --------------------------------------------------------------------------------------
def test_width_wheel_layout_and_widgets(dock, qgis_app):
    from mtrs.mtrs_qgis_plugin import settings

    assert dock.minimumWidth() >= dock.body.minimumSizeHint().width()
    # a wheel over an unfocused combo or spin box does not change it
    dock.extent_mode.setCurrentIndex(0)
    dock.threshold.setValue(0.5)
    dock.show()
    for widget in (dock.extent_mode, dock.threshold):
        widget.clearFocus()
        event = QWheelEvent(
            QPointF(5, 5),
            QPointF(widget.mapToGlobal(QPoint(5, 5))),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.NoButton,
            Qt.NoModifier,
            Qt.NoScrollPhase,
            False,
        )
        QgsApplication.sendEvent(widget, event)
    assert dock.extent_mode.currentIndex() == 0 and dock.threshold.value() == 0.5
    # messages of different length do not move the layout
    dock.status_label.setText("")
    before = dock.body.sizeHint().height()
    dock.status_label.setText("one line\nand a second")
    assert dock.body.sizeHint().height() == before
    # a real checkbox, tooltips, Help to the user guide, a useful minimum area
    assert isinstance(dock.load_probabilities, QCheckBox)
    for widget in (dock.earlier, dock.later, dock.prompt, dock.threshold, dock.min_area, dock.output):
        assert widget.toolTip()
    assert dock.help_url().toLocalFile().endswith("docs/PLUGIN.md")
    assert Path(dock.help_url().toLocalFile()).is_file()
    assert settings.Options().min_area == 10.0


def test_results_can_be_saved_next_to_the_project(dock, tmp_path):
    from qgis.core import QgsProcessingUtils

    project = QgsProject.instance()
    previous = project.fileName()
    dock.output.setFilePath("")
    try:
        dock.save_next_to_project.setChecked(False)
        assert dock.output_paths(["a"])[0].startswith(QgsProcessingUtils.tempFolder())
        dock.save_next_to_project.setChecked(True)
        project.setFileName(str(tmp_path / "study.qgz"))
        (path,) = dock.output_paths(["new roofs"])
        assert Path(path).parent == tmp_path / "mtrs_results" and "new_roofs" in Path(path).name
        Path(path).touch()  # a second run in the same second never reuses the name
        assert dock.output_paths(["new roofs"])[0] != path
    finally:
        dock.save_next_to_project.setChecked(False)
        project.setFileName(previous)


def test_messages_replace_each_other(dock, qgis_iface, monkeypatch):
    from qgis.gui import QgsMessageBar

    bar = QgsMessageBar()
    monkeypatch.setattr(dock.iface, "messageBar", lambda: bar)
    dock._message_item = None
    dock.push_message("first", Qgis.Warning)
    dock.push_message("second", Qgis.Warning)
    dock.push_message("third", Qgis.Info)
    assert len(bar.items()) == 1
    assert bar.currentItem().text() == "third"
    dock._message_item = None


@pytest.mark.slow
def test_processing_output_loads_with_the_embedded_style(dock, joplin_pair, tiny_checkpoint, tmp_path):
    import processing

    out = tmp_path / "styled.gpkg"
    result = processing.runAndLoadResults(
        "mtrs:referringchange",
        {
            "EARLIER": str(joplin_pair[0]),
            "LATER": str(joplin_pair[1]),
            "PROMPT": "collapsed roofs",
            "MODEL": str(tiny_checkpoint),
            "THRESHOLD": 0.3,
            "OUTPUT": str(out),
        },
    )
    assert result["OUTPUT"] == str(out)
    loaded = [lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.source().startswith(str(out))]
    layer = loaded[0] if loaded else None
    try:
        assert layer is not None and layer.isValid()
        colour = layer.renderer().symbol().color()
        assert (colour.red(), colour.green(), colour.blue(), colour.alpha()) == (255, 64, 32, 90)
    finally:
        if layer is not None:
            QgsProject.instance().removeMapLayer(layer.id())
