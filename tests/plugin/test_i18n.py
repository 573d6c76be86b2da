"""Translations: complete catalogues, compiled, and picked up from the QGIS locale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from qgis.core import QgsSettings

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("lang", ["de", "zh_CN"])
def test_catalogue_complete_and_compiled(lang):
    ts = REPO / "i18n" / f"mtrs_{lang}.ts"
    root = ET.parse(ts).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 100
    unfinished = [
        m.find("source").text for m in messages if m.find("translation").get("type") == "unfinished"
    ]
    assert unfinished == []
    for m in messages:  # placeholders survive translation (str.format would fail otherwise)
        src, dst = m.find("source").text, m.find("translation").text
        for token in ("{n}", "{name}", "{path}", "{python}", "{label}", "{tiles}", "{message}"):
            assert (token in src) == (token in dst), (lang, src, dst)
    qm = ts.with_suffix(".qm")
    assert qm.is_file() and qm.stat().st_mtime >= ts.stat().st_mtime - 1


@pytest.mark.parametrize(
    ("locale", "run_text", "cancel_text"), [("de", "Ausführen", "Abbrechen"), ("zh_CN", "运行", "取消")]
)
def test_dock_follows_qgis_locale(mtrs_package, qgis_iface, qgis_processing, locale, run_text, cancel_text):
    settings = QgsSettings()
    previous = settings.value("locale/userLocale", "")
    settings.setValue("locale/userLocale", locale)
    instance = mtrs_package.classFactory(qgis_iface)
    try:
        instance.initGui()
        dock = instance.ensure_dock()
        assert dock.run_button.text() == run_text
        assert dock.cancel_button.text() == cancel_text
        assert instance.action.text() != "MTRS change analysis"
        from mtrs.mtrs_qgis_plugin.i18n import tr

        assert tr("What changed?") != "What changed?"
    finally:
        instance.unload()
        settings.setValue("locale/userLocale", previous)
    # after unload the translator is gone: English again
    from mtrs.mtrs_qgis_plugin.i18n import tr

    assert tr("What changed?") == "What changed?"
