"""The dock end to end in a real (offscreen) QGIS with the real worker and a tiny real checkpoint.

One plugin instance (and so one warm worker) serves the whole module: the cache test needs the worker of the
first run, and restarting the engine per test would dominate the suite's time on two cores.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsProject, QgsRasterLayer, QgsTask

pytestmark = [pytest.mark.qgis, pytest.mark.slow]

JOPLIN = Path(__file__).resolve().parents[2] / "tests" / "data" / "joplin"


@pytest.fixture(scope="module")
def dock_plugin(mtrs_package, qgis_iface, qgis_processing, engine_service):
    from mtrs.mtrs_qgis_plugin import settings

    settings.reset()
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    instance.ensure_dock()
    yield instance
    if instance.dock is not None:
        instance.unload()
    settings.reset()


@pytest.fixture(scope="module")
def pair_layers(joplin_pair, qgis_app):
    project = QgsProject.instance()
    pre = QgsRasterLayer(str(joplin_pair[0]), "Joplin before", "gdal")
    post = QgsRasterLayer(str(joplin_pair[1]), "Joplin after", "gdal")
    assert pre.isValid() and post.isValid()
    project.addMapLayers([pre, post])
    yield pre, post
    project.removeMapLayers([pre.id(), post.id()])


def configure(dock, earlier, later, checkpoint, prompt: str, output: str = "") -> None:
    dock.earlier.setLayer(earlier)
    dock.later.setLayer(later)
    dock.model_kind.setCurrentIndex(dock.model_kind.findData("folder"))
    dock.model_folder.setFilePath(str(checkpoint))
    dock.prompt_list.clear()
    dock.prompt.setEditText(prompt)
    dock.output.setFilePath(output)


def run_and_wait(dock, wait_for, timeout: float = 300):
    dock.last_outcome = None
    task = dock.run()
    assert task is not None, dock.status_label.text()
    assert wait_for(lambda: dock.task is None and dock.last_outcome is not None, timeout)
    return dock.last_outcome


def test_dock_run_adds_styled_grouped_layer(dock_plugin, pair_layers, tiny_checkpoint, wait_for, qgis_iface):
    dock = dock_plugin.dock
    pre, post = pair_layers
    configure(dock, pre, post, tiny_checkpoint, "buildings destroyed along the tornado track")
    # co-registration preview before running: the later image is on a sub-pixel shifted grid
    assert "warped" in dock.alignment_label.text()
    assert "tiles" in dock.estimate_label.text()
    qgis_iface.messageBar().clear_messages()
    outcome = run_and_wait(dock, wait_for)
    assert outcome.error is None and not outcome.cancelled, outcome.error
    ((_job, result),) = outcome.results
    assert result["n_polygons"] > 0
    layer = dock.last_layers[0]
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    assert layer.crs().authid() == "EPSG:32615"
    assert layer.featureCount() == result["n_polygons"]
    assert {f["prompt"] for f in layer.getFeatures()} == {"buildings destroyed along the tornado track"}
    # the pipeline's embedded style is the layer's style
    color = layer.renderer().symbol().color()
    assert (color.red(), color.green(), color.blue(), color.alpha()) == (255, 64, 32, 90)
    assert layer.attributeAlias(layer.fields().indexOf("area_m2")) == "Area (m²)"
    # grouped under the prompt, inside the MTRS group
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    assert node.parent().name() == "buildings destroyed along the tornado track"
    assert node.parent().parent().name() == "MTRS"
    # run record reachable from the layer
    from mtrs.mtrs_qgis_plugin.result_layers import run_record

    record = run_record(layer)
    assert record["request"]["prompts"] == ["buildings destroyed along the tornado track"]
    assert "Run record" in layer.metadata().abstract()
    # summary in the message bar, prompt remembered in the project
    assert any("polygons" in m for m in qgis_iface.messageBar().get_messages(Qgis.Success))
    from mtrs.mtrs_qgis_plugin import prompt_history

    assert prompt_history.load()[0] == "buildings destroyed along the tornado track"
    # temp output lives in the processing temp folder, not next to the inputs
    assert Path(result["output"]).is_file()


def test_second_prompt_reuses_feature_cache(
    dock_plugin, pair_layers, tiny_checkpoint, wait_for, engine_service
):
    dock = dock_plugin.dock
    before = engine_service.client().request("status")["cache"]
    configure(dock, *pair_layers, tiny_checkpoint, "new roofs")
    outcome = run_and_wait(dock, wait_for)
    assert outcome.error is None, outcome.error
    ((_job, result),) = outcome.results
    assert result["cache_hits"] >= 1
    after = engine_service.client().request("status")["cache"]
    assert after["hits"] > before["hits"]
    assert len(QgsProject.instance().layerTreeRoot().findGroup("MTRS").children()) == 2


def test_several_prompts_in_one_run(dock_plugin, pair_layers, tiny_checkpoint, wait_for, tmp_path):
    dock = dock_plugin.dock
    configure(dock, *pair_layers, tiny_checkpoint, "", output=str(tmp_path / "many.gpkg"))
    for text in ("collapsed roofs", "debris on the roads"):
        dock.prompt.setEditText(text)
        dock.add_prompt_to_list()
    assert dock.prompt_list.count() == 2
    outcome = run_and_wait(dock, wait_for)
    assert outcome.error is None, outcome.error
    assert [job.label for job, _ in outcome.results] == ["collapsed roofs", "debris on the roads"]
    assert (tmp_path / "many_1.gpkg").is_file() and (tmp_path / "many_2.gpkg").is_file()
    assert all(result["cache_hits"] >= 1 for _, result in outcome.results)


def test_cancel_mid_run_leaves_no_output(dock_plugin, tiny_checkpoint, wait_for, tmp_path, qgis_app):
    """The full 1024² pair at tile 128 needs many batches; Cancel after the first tile stops within one."""
    dock = dock_plugin.dock
    project = QgsProject.instance()
    pre = QgsRasterLayer(str(JOPLIN / "0_pre.tif"), "big before", "gdal")
    post = QgsRasterLayer(str(JOPLIN / "0_post.tif"), "big after", "gdal")
    project.addMapLayers([pre, post])
    try:
        out = tmp_path / "cancelled.gpkg"
        configure(dock, pre, post, tiny_checkpoint, "destroyed houses", output=str(out))
        dock.tile.setValue(128)
        dock.overlap.setValue(16)
        dock.last_outcome = None
        task = dock.run()
        assert task is not None
        statuses = []
        task.statusChanged.connect(statuses.append)
        assert wait_for(lambda: "tile" in dock.status_label.text() or dock.task is None, 300)
        assert dock.cancel_button.isEnabled()
        dock.cancel()
        assert wait_for(lambda: dock.task is None and dock.last_outcome is not None, 120)
        assert dock.last_outcome.cancelled
        assert not out.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith("cancelled")]
        assert "Cancelled" in dock.status_label.text()
        # a cancel is not a failure: QGIS must not show "Task failed"
        assert QgsTask.Terminated not in statuses and QgsTask.Complete in statuses, statuses
        # the worker is still usable
        dock.tile.setValue(0)
        dock.overlap.setValue(64)
    finally:
        project.removeMapLayers([pre.id(), post.id()])


def test_worker_usable_after_cancel_and_restarted_after_crash(
    dock_plugin, pair_layers, tiny_checkpoint, wait_for, qgis_iface, engine_service
):
    dock = dock_plugin.dock
    client = engine_service.client()
    assert client.request("status")["device"] == "cpu"
    old_pid = client.pid
    os.kill(old_pid, signal.SIGKILL)  # simulate an engine crash
    configure(dock, *pair_layers, tiny_checkpoint, "new roofs")
    qgis_iface.messageBar().clear_messages()
    outcome = run_and_wait(dock, wait_for)
    assert outcome.error is None, outcome.error
    assert outcome.restarted
    assert client.pid != old_pid
    assert any("restarted" in m for m in qgis_iface.messageBar().get_messages(Qgis.Warning))


def test_unload_stops_worker_and_reload_works(dock_plugin, mtrs_package, qgis_iface, engine_service):
    from mtrs.mtrs_qgis_plugin.worker_client import pid_alive

    client = engine_service.client()
    client.start()
    pid = client.pid
    assert pid_alive(pid)
    dock_plugin.unload()
    assert not pid_alive(pid)
    again = mtrs_package.classFactory(qgis_iface)
    again.initGui()
    try:
        assert again.ensure_dock() is not None
        new_client = engine_service.client()
        new_client.start()
        assert new_client.pid != pid and pid_alive(new_client.pid)
        new_pid = new_client.pid
    finally:
        again.unload()
    assert not pid_alive(new_pid)
