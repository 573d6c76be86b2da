<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>@default</name>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/all_changes.py" line="16"/>
        <source>All changes</source>
        <translation>Alle Veränderungen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/all_changes.py" line="19"/>
        <source>Segments every change between an earlier and a later raster, without a prompt (the model&apos;s class-agnostic change head), and writes the polygons to a GeoPackage. Useful as an overview before asking for specific changes with &apos;Referring change segmentation&apos;.</source>
        <translation>Segmentiert jede Veränderung zwischen einem früheren und einem späteren Raster ohne Eingabetext (der klassenunabhängige Veränderungskopf des Modells) und schreibt die Polygone in ein GeoPackage. Nützlich als Überblick, bevor Sie mit „Referenzierende Veränderungssegmentierung“ nach bestimmten Veränderungen fragen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="62"/>
        <source>Change analysis</source>
        <translation>Veränderungsanalyse</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="86"/>
        <source>Earlier raster</source>
        <translation>Früheres Raster</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="87"/>
        <source>Later raster</source>
        <translation>Späteres Raster</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="117"/>
        <source>Bands of the earlier raster (R, G, B)</source>
        <translation>Kanäle des früheren Rasters (R, G, B)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="117"/>
        <source>Bands of the later raster (R, G, B)</source>
        <translation>Kanäle des späteren Rasters (R, G, B)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="122"/>
        <source>Three bands in red, green, blue order; empty: the first three bands.</source>
        <translation>Drei Kanäle in der Reihenfolge Rot, Grün, Blau; leer: die ersten drei Kanäle.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="128"/>
        <source>Model (empty: bundled; folder or hub id)</source>
        <translation>Modell (leer: mitgeliefert; Ordner oder Hub-ID)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="131"/>
        <source>A checkpoint folder (config.json + model.safetensors) or a hub id; empty uses the bundled model.</source>
        <translation>Ein Checkpoint-Ordner (config.json + model.safetensors) oder eine Hub-ID; leer verwendet das mitgelieferte Modell.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="140"/>
        <source>Extent (empty: overlap of the rasters)</source>
        <translation>Ausdehnung (leer: Überlappung der Raster)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="147"/>
        <source>Tile size in pixels (0: the model&apos;s size)</source>
        <translation>Kachelgröße in Pixeln (0: Größe des Modells)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="148"/>
        <source>Tile overlap in pixels</source>
        <translation>Kachelüberlappung in Pixeln</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="319"/>
        <source>Probability threshold</source>
        <translation>Wahrscheinlichkeitsschwelle</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="151"/>
        <source>Minimum polygon area (m²)</source>
        <translation>Minimale Polygonfläche (m²)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="155"/>
        <source>Simplification tolerance (map units)</source>
        <translation>Vereinfachungstoleranz (Karteneinheiten)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="170"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="162"/>
        <source>Change polygons</source>
        <translation>Veränderungspolygone</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="167"/>
        <source>Change probability raster</source>
        <translation>Raster der Veränderungswahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="172"/>
        <source>Number of polygons</source>
        <translation>Anzahl der Polygone</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="173"/>
        <source>Total area (m²)</source>
        <translation>Gesamtfläche (m²)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="174"/>
        <source>Run record (JSON)</source>
        <translation>Laufprotokoll (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="190"/>
        <source>Give exactly three bands (R, G, B) for {name}, or none for the first three.</source>
        <translation>Geben Sie für {name} genau drei Kanäle (R, G, B) an, oder keinen für die ersten drei.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="215"/>
        <source>The output must be a GeoPackage (.gpkg): {path}</source>
        <translation>Die Ausgabe muss ein GeoPackage (.gpkg) sein: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="233"/>
        <source>Engine request: {prompts}</source>
        <translation>Anfrage an die Engine: {prompts}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="166"/>
        <source>all changes</source>
        <translation>alle Veränderungen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="253"/>
        <source>Cancelled; no output was written.</source>
        <translation>Abgebrochen; es wurde keine Ausgabe geschrieben.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="28"/>
        <source>Referring change segmentation</source>
        <translation>Referenzierende Veränderungssegmentierung</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="31"/>
        <source>Finds the change you describe in words between an earlier and a later raster and writes it as polygons (GeoPackage with style, areas in m², prompt and run record).

Give one prompt, or a table and a text field holding several prompts (one polygon layer with a 'prompt' attribute; the images are encoded only once). The rasters need not share a grid: the later one is warped onto the earlier one when needed. The model runs in the MTRS engine environment (see the MTRS dock for set-up).</source>
        <translation>Findet die Veränderung, die Sie in Worten beschreiben, zwischen einem früheren und einem späteren Raster und schreibt sie als Polygone (GeoPackage mit Stil, Flächen in m², Eingabetext und Laufprotokoll).

Geben Sie einen Eingabetext an, oder eine Tabelle und ein Textfeld mit mehreren Eingabetexten (ein Polygonlayer mit dem Attribut „prompt“; die Bilder werden nur einmal kodiert). Die Raster müssen nicht auf demselben Gitter liegen: Das spätere wird bei Bedarf auf das frühere umprojiziert. Das Modell läuft in der MTRS-Engine-Umgebung (Einrichtung im MTRS-Dock).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="45"/>
        <source>Prompt (what changed)</source>
        <translation>Eingabetext (was hat sich verändert)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="46"/>
        <source>For example: &apos;buildings destroyed along the tornado track&apos;.</source>
        <translation>Zum Beispiel: „entlang der Tornadospur zerstörte Gebäude“.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="48"/>
        <source>Table of prompts</source>
        <translation>Tabelle mit Eingabetexten</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="53"/>
        <source>Prompt field</source>
        <translation>Feld mit Eingabetext</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="74"/>
        <source>Choose the field of the table that holds the prompts.</source>
        <translation>Wählen Sie das Tabellenfeld, das die Eingabetexte enthält.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="80"/>
        <source>Give a prompt, or a table and field of prompts.</source>
        <translation>Geben Sie einen Eingabetext an, oder eine Tabelle und ein Feld mit Eingabetexten.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="912"/>
        <source>Choose an earlier and a later raster layer.</source>
        <translation>Wählen Sie einen früheren und einen späteren Rasterlayer.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="69"/>
        <source>Earlier and later are the same layer: there is nothing to compare.</source>
        <translation>Früher und später sind derselbe Layer: Es gibt nichts zu vergleichen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="77"/>
        <source>The later layer&apos;s extent cannot be transformed to the earlier CRS.</source>
        <translation>Die Ausdehnung des späteren Layers lässt sich nicht in das KBS des früheren transformieren.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="758"/>
        <source>The layers do not overlap (in the chosen extent): there is nothing to analyse.</source>
        <translation>Die Layer überlappen sich (in der gewählten Ausdehnung) nicht: Es gibt nichts zu analysieren.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="109"/>
        <source>The resolutions differ by a factor of {ratio:.1f}: the later image will be resampled.</source>
        <translation>Die Auflösungen unterscheiden sich um den Faktor {ratio:.1f}: Das spätere Bild wird neu abgetastet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="122"/>
        <source>Same grid: no resampling.</source>
        <translation>Gleiches Gitter: keine Neuabtastung.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="124"/>
        <source>Different grid: the later image will be warped.</source>
        <translation>Anderes Gitter: Das spätere Bild wird umprojiziert.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="49"/>
        <source>MTRS: {prompt}</source>
        <translation>MTRS: {prompt}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="49"/>
        <source>{n} prompts</source>
        <translation>{n} Eingabetexte</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="77"/>
        <source>tile {done}/{total}</source>
        <translation>Kachel {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="107"/>
        <source>MTRS: starting the engine</source>
        <translation>MTRS: Engine wird gestartet</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="55"/>
        <source>MTRS change analysis</source>
        <translation>MTRS-Veränderungsanalyse</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="139"/>
        <source>Engine: not started</source>
        <translation>Engine: nicht gestartet</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="156"/>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="183"/>
        <source>Earlier</source>
        <translation>Früher</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="186"/>
        <source>Bands (R, G, B)</source>
        <translation>Kanäle (R, G, B)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="185"/>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="195"/>
        <source>Extent</source>
        <translation>Ausdehnung</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Overlap of the two layers</source>
        <translation>Überlappung der beiden Layer</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Current map view</source>
        <translation>Aktuelle Kartenansicht</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Rectangle drawn on the map</source>
        <translation>Auf der Karte gezeichnetes Rechteck</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Polygons of a layer (selection)</source>
        <translation>Polygone eines Layers (Auswahl)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="207"/>
        <source>Analyse</source>
        <translation>Analysieren</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="208"/>
        <source>Draw rectangle</source>
        <translation>Rechteck zeichnen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="213"/>
        <source>Polygon layer</source>
        <translation>Polygonlayer</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="218"/>
        <source>What changed?</source>
        <translation>Was hat sich verändert?</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="225"/>
        <source>e.g. buildings destroyed along the tornado track</source>
        <translation>z. B. entlang der Tornadospur zerstörte Gebäude</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="232"/>
        <source>Examples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="241"/>
        <source>Add to list</source>
        <translation>Zur Liste hinzufügen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="273"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="252"/>
        <source>Several prompts run one after the other on the same images; the image features are computed once.</source>
        <translation>Mehrere Eingabetexte laufen nacheinander auf denselben Bildern; die Bildmerkmale werden nur einmal berechnet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="98"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="287"/>
        <source>Hub id</source>
        <translation>Hub-ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="284"/>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="299"/>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="306"/>
        <source>model size</source>
        <translation>Modellgröße</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="308"/>
        <source>Tile size (px)</source>
        <translation>Kachelgröße (px)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="312"/>
        <source>Tile overlap (px)</source>
        <translation>Kachelüberlappung (px)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="338"/>
        <source>Minimum area</source>
        <translation>Minimale Fläche</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="343"/>
        <source>Simplify (map units)</source>
        <translation>Vereinfachen (Karteneinheiten)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="347"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="348"/>
        <source>[temporary GeoPackage]</source>
        <translation>[temporäres GeoPackage]</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="355"/>
        <source>Output file</source>
        <translation>Ausgabedatei</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="365"/>
        <source>Load probability raster</source>
        <translation>Wahrscheinlichkeitsraster laden</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="391"/>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="64"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="492"/>
        <source>Engine: not installed – see the set-up below.</source>
        <translation>Engine: nicht installiert – siehe Einrichtung unten.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="494"/>
        <source>Engine: starting…</source>
        <translation>Engine: wird gestartet …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="511"/>
        <source>Engine failed to start: {message}</source>
        <translation>Die Engine konnte nicht starten: {message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="864"/>
        <source>Choose the folder of the model checkpoint.</source>
        <translation>Wählen Sie den Ordner des Modell-Checkpoints.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="869"/>
        <source>Enter the hub id of the model (owner/name).</source>
        <translation>Geben Sie die Hub-ID des Modells ein (Besitzer/Name).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="915"/>
        <source>Type what changed, e.g. &apos;new buildings&apos;.</source>
        <translation>Geben Sie ein, was sich verändert hat, z. B. „neue Gebäude“.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1010"/>
        <source>MTRS</source>
        <translation>MTRS</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="960"/>
        <source>Set up the engine first (see above).</source>
        <translation>Richten Sie zuerst die Engine ein (siehe oben).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="969"/>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1016"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1029"/>
        <source>The engine had stopped unexpectedly and was restarted.</source>
        <translation>Die Engine war unerwartet beendet worden und wurde neu gestartet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1032"/>
        <source>Cancelled. No output was written.</source>
        <translation>Abgebrochen. Es wurde keine Ausgabe geschrieben.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1033"/>
        <source>Analysis cancelled.</source>
        <translation>Analyse abgebrochen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1141"/>
        <source>Runs on GPU: {name}</source>
        <translation>Läuft auf der GPU: {name}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1143"/>
        <source>Runs on Apple GPU (MPS)</source>
        <translation>Läuft auf der Apple-GPU (MPS)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1145"/>
        <source>Runs on CPU{name} – no GPU found; large areas will be slow.</source>
        <translation>Läuft auf der CPU{name} – keine GPU gefunden; große Gebiete dauern lange.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1150"/>
        <source>Cached image features: {n}.</source>
        <translation>Zwischengespeicherte Bildmerkmale: {n}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_env.py" line="250"/>
        <source>Create the virtual environment</source>
        <translation>Virtuelle Umgebung erstellen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_env.py" line="256"/>
        <source>Install the pinned engine requirements</source>
        <translation>Die festgelegten Engine-Abhängigkeiten installieren</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_env.py" line="262"/>
        <source>Install the MTRS engine itself</source>
        <translation>Die MTRS-Engine selbst installieren</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="46"/>
        <source>The engine environment is ready.</source>
        <translation>Die Engine-Umgebung ist bereit.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="71"/>
        <source>Could not run: {cmd}</source>
        <translation>Konnte nicht ausgeführt werden: {cmd}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="78"/>
        <source>Cancelled. Run the installation again to repair the environment.</source>
        <translation>Abgebrochen. Führen Sie die Installation erneut aus, um die Umgebung zu reparieren.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="80"/>
        <source>Step &apos;{title}&apos; failed (exit code {code}).</source>
        <translation>Schritt „{title}“ ist fehlgeschlagen (Exit-Code {code}).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="32"/>
        <source>Engine set-up</source>
        <translation>Engine-Einrichtung</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="41"/>
        <source>Use an existing engine interpreter:</source>
        <translation>Einen vorhandenen Engine-Interpreter verwenden:</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="44"/>
        <source>Python interpreter of the engine environment</source>
        <translation>Python-Interpreter der Engine-Umgebung</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="48"/>
        <source>Or let MTRS create a separate environment (QGIS&apos;s own Python is not touched):</source>
        <translation>Oder lassen Sie MTRS eine eigene Umgebung erstellen (das Python von QGIS bleibt unverändert):</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="61"/>
        <source>Create / repair environment</source>
        <translation>Umgebung erstellen / reparieren</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="67"/>
        <source>Check again</source>
        <translation>Erneut prüfen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="83"/>
        <source>No engine environment found. MTRS runs its model in a separate Python environment.</source>
        <translation>Keine Engine-Umgebung gefunden. MTRS führt sein Modell in einer eigenen Python-Umgebung aus.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="85"/>
        <source>The engine interpreter {python} does not work: {error}</source>
        <translation>Der Engine-Interpreter {python} funktioniert nicht: {error}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="89"/>
        <source>The engine environment {python} lacks: {modules}.</source>
        <translation>Der Engine-Umgebung {python} fehlt: {modules}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="93"/>
        <source>The engine is version {found}, the plugin needs {expected}: repair the environment.</source>
        <translation>Die Engine hat Version {found}, das Plugin benötigt {expected}: Reparieren Sie die Umgebung.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="97"/>
        <source>The engine environment is ready: {python}</source>
        <translation>Die Engine-Umgebung ist bereit: {python}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/extent.py" line="58"/>
        <source>Draw a rectangle on the map first.</source>
        <translation>Zeichnen Sie zuerst ein Rechteck auf der Karte.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/extent.py" line="67"/>
        <source>Choose a polygon layer for the extent.</source>
        <translation>Wählen Sie einen Polygonlayer für die Ausdehnung.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/extent.py" line="71"/>
        <source>The polygon layer &apos;{name}&apos; has no polygons.</source>
        <translation>Der Polygonlayer „{name}“ enthält keine Polygone.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="23"/>
        <source>Choose a valid raster layer.</source>
        <translation>Wählen Sie einen gültigen Rasterlayer.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="25"/>
        <source>Layer '{name}' is not a local raster file. Save it as GeoTIFF first (Export ▸ Save As…).</source>
        <translation>Layer „{name}“ ist keine lokale Rasterdatei. Speichern Sie ihn zuerst als GeoTIFF (Exportieren ▸ Speichern als …).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="32"/>
        <source>The file of layer &apos;{name}&apos; does not exist: {path}</source>
        <translation>Die Datei des Layers „{name}“ existiert nicht: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="58"/>
        <source>Find the changes you describe between two images</source>
        <translation>Die beschriebenen Veränderungen zwischen zwei Bildern finden</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="96"/>
        <source>&amp;MTRS</source>
        <translation>&amp;MTRS</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="36"/>
        <source>buildings destroyed along the tornado track</source>
        <translation>entlang der Tornadospur zerstörte Gebäude</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="37"/>
        <source>new buildings</source>
        <translation>neue Gebäude</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="38"/>
        <source>demolished buildings</source>
        <translation>abgerissene Gebäude</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="39"/>
        <source>roads built between the two dates</source>
        <translation>zwischen den beiden Zeitpunkten gebaute Straßen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="40"/>
        <source>vegetation cleared for construction</source>
        <translation>für Bauarbeiten gerodete Vegetation</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="41"/>
        <source>the largest new warehouse</source>
        <translation>die größte neue Lagerhalle</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/provider.py" line="32"/>
        <source>MTRS – language-guided change analysis</source>
        <translation>MTRS – sprachgesteuerte Veränderungsanalyse</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="62"/>
        <source>The result file cannot be opened: {path}</source>
        <translation>Die Ergebnisdatei kann nicht geöffnet werden: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="72"/>
        <source>{label} – probability</source>
        <translation>{label} – Wahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/adapt_base.py" line="30"/>
        <source>Adapt the model</source>
        <translation>Modell anpassen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/adapt_base.py" line="156"/>
        <source>The folder of your model &apos;{name}&apos; no longer exists: {path}</source>
        <translation>Der Ordner Ihres Modells „{name}“ existiert nicht mehr: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="54"/>
        <source>Assess change accuracy</source>
        <translation>Genauigkeit der Veränderungen bewerten</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="57"/>
        <source>Measures predicted changes against reference labels, in any CRS.

Predicted: change polygons (e.g. from &apos;Referring change segmentation&apos;) or a change probability raster with a threshold. Reference: change polygons (optionally with a class field, for counts per class) or a raster (0/1 or class codes). Both are compared on one grid over the given extent (empty: where both overlap).

Pixel level: IoU, precision, recall, F1, overall accuracy. Object level: predicted and reference objects are matched one-to-one when their IoU reaches the minimum (0.5): true positives, false positives, false negatives. The report (HTML or Markdown, with a figure) and a styled layer of false positive and false negative polygons are written; open the layer to inspect the errors.</source>
        <translation>Misst vorhergesagte Veränderungen an Referenzdaten, in beliebigem KBS.

Vorhersage: Veränderungspolygone (z. B. aus „Referenzierende Veränderungssegmentierung“) oder ein Raster der Veränderungswahrscheinlichkeit mit Schwellenwert. Referenz: Veränderungspolygone (optional mit Klassenfeld für Zählungen je Klasse) oder ein Raster (0/1 oder Klassencodes). Beide werden auf einem Gitter über die angegebene Ausdehnung verglichen (leer: wo sich beide überlappen).

Pixelebene: IoU, Präzision, Trefferquote, F1, Gesamtgenauigkeit. Objektebene: Vorhergesagte und Referenzobjekte werden eins zu eins zugeordnet, wenn ihre IoU das Minimum (0,5) erreicht: richtig Positive, falsch Positive, falsch Negative. Geschrieben werden der Bericht (HTML oder Markdown, mit Abbildung) und ein gestalteter Layer der falsch positiven und falsch negativen Polygone; öffnen Sie den Layer, um die Fehler zu prüfen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="75"/>
        <source>Predicted change polygons</source>
        <translation>Vorhergesagte Veränderungspolygone</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="75"/>
        <source>A filter set on the layer in QGIS is honoured.</source>
        <translation>Ein in QGIS auf dem Layer gesetzter Filter wird berücksichtigt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="81"/>
        <source>…or a predicted change probability raster</source>
        <translation>… oder ein vorhergesagtes Raster der Veränderungswahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="86"/>
        <source>Probability threshold (probability raster only)</source>
        <translation>Wahrscheinlichkeitsschwelle (nur Wahrscheinlichkeitsraster)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="97"/>
        <source>Reference change polygons</source>
        <translation>Referenz-Veränderungspolygone</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="97"/>
        <source>The true changes, e.g. labelled by hand; a filter set on the layer in QGIS is honoured.</source>
        <translation>Die tatsächlichen Veränderungen, z. B. von Hand erfasst; ein in QGIS auf dem Layer gesetzter Filter wird berücksichtigt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="103"/>
        <source>Class field of the reference</source>
        <translation>Klassenfeld der Referenz</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="103"/>
        <source>Object counts are reported per class of this field.</source>
        <translation>Objektzählungen werden je Klasse dieses Felds ausgegeben.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="114"/>
        <source>…or a reference raster (0/1 or class codes)</source>
        <translation>… oder ein Referenzraster (0/1 oder Klassencodes)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="119"/>
        <source>Class table of the reference raster (code=name, …)</source>
        <translation>Klassentabelle des Referenzrasters (Code=Name, …)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="129"/>
        <source>For example: 1=destroyed building,2=damaged building.</source>
        <translation>Zum Beispiel: 1=zerstörtes Gebäude,2=beschädigtes Gebäude.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="125"/>
        <source>Background image of the figure (e.g. the later raster)</source>
        <translation>Hintergrundbild der Abbildung (z. B. das spätere Raster)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="130"/>
        <source>Extent (empty: where both overlap)</source>
        <translation>Ausdehnung (leer: wo sich beide überlappen)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="143"/>
        <source>Minimum IoU for two objects to match</source>
        <translation>Minimale IoU, damit zwei Objekte übereinstimmen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="154"/>
        <source>Accuracy report</source>
        <translation>Genauigkeitsbericht</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="154"/>
        <source>HTML files (*.html);;Markdown files (*.md)</source>
        <translation>HTML-Dateien (*.html);;Markdown-Dateien (*.md)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="159"/>
        <source>False positives and false negatives</source>
        <translation>Falsch Positive und falsch Negative</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="164"/>
        <source>Metrics (JSON)</source>
        <translation>Kennzahlen (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="164"/>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="177"/>
        <source>All figures (JSON)</source>
        <translation>Alle Kennzahlen (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="178"/>
        <source>Figure (PNG)</source>
        <translation>Abbildung (PNG)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="183"/>
        <source>predicted changes</source>
        <translation>vorhergesagten Veränderungen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="183"/>
        <source>reference</source>
        <translation>Referenz</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="190"/>
        <source>Give the {what} either as polygons or as a raster (exactly one of them).</source>
        <translation>Geben Sie die {what} entweder als Polygone oder als Raster an (genau eines davon).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="203"/>
        <source>The report must be an HTML (.html) or Markdown (.md) file: {path}</source>
        <translation>Der Bericht muss eine HTML- (.html) oder Markdown-Datei (.md) sein: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="208"/>
        <source>The errors layer must be a GeoPackage (.gpkg): {path}</source>
        <translation>Der Fehlerlayer muss ein GeoPackage (.gpkg) sein: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="254"/>
        <source>IoU {iou}, precision {precision}, recall {recall}, F1 {f1}; objects: {tp} TP, {fp} FP, {fn} FN</source>
        <translation>IoU {iou}, Präzision {precision}, Trefferquote {recall}, F1 {f1}; Objekte: {tp} RP, {fp} FP, {fn} FN</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="131"/>
        <source>The name of one of your fine-tuned models works too.</source>
        <translation>Auch der Name eines Ihrer feinabgestimmten Modelle ist möglich.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="60"/>
        <source>Export MTRS training data</source>
        <translation>MTRS-Trainingsdaten exportieren</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="63"/>
        <source>Cuts training chips from an earlier and a later raster and your change labels, ready for &apos;Fine-tune MTRS model&apos;.

Labels are either change polygons (any vector layer and CRS; optionally a class field such as a damage class, a free-text description field used verbatim as an expression, and an OGR SQL filter) or a change raster (0/1, or class codes named by a class table such as &apos;1=destroyed building,2=damaged building&apos;).

The later raster is aligned onto the earlier one&apos;s grid and both are normalised together, exactly as for analysis, so the chips look like what the model sees. The output folder holds train/ and val/ (split by spatial blocks so overlapping chips never land on both sides), each with A/, B/, label/ (all changes, stage 1), masks/ and referring_expression/ (stage 2), and a manifest.json recording sources, CRS, chip bounds, class counts, the command and the seed. Expressions are generated from the labels (class, position, size rank, descriptions) including negatives: a class absent from a chip gets an empty mask, so the model learns to answer &apos;nothing&apos;.

Nothing is written when the input is unusable; an output folder that is not empty is only replaced with &apos;Replace an existing output folder&apos;.</source>
        <translation>Schneidet Trainingskacheln aus einem früheren und einem späteren Raster und Ihren erfassten Veränderungen, bereit für „MTRS-Modell feinabstimmen“.

Die Referenzdaten sind entweder Veränderungspolygone (beliebiger Vektorlayer und KBS; optional ein Klassenfeld wie eine Schadensklasse, ein Beschreibungsfeld mit freiem Text, der wörtlich als Ausdruck dient, und ein OGR-SQL-Filter) oder ein Veränderungsraster (0/1 oder Klassencodes, benannt durch eine Klassentabelle wie „1=zerstörtes Gebäude,2=beschädigtes Gebäude“).

Das spätere Raster wird auf das Gitter des früheren ausgerichtet, und beide werden gemeinsam normalisiert, genau wie bei der Analyse, damit die Kacheln so aussehen, wie das Modell sie sieht. Der Ausgabeordner enthält train/ und val/ (nach räumlichen Blöcken getrennt, damit überlappende Kacheln nie auf beiden Seiten landen), jeweils mit A/, B/, label/ (alle Veränderungen, Stufe 1), masks/ und referring_expression/ (Stufe 2), sowie eine manifest.json mit Quellen, KBS, Kachelgrenzen, Klassenzählungen, dem Befehl und dem Startwert. Die Ausdrücke werden aus den Referenzdaten erzeugt (Klasse, Lage, Größenrang, Beschreibungen), einschließlich Negativbeispielen: Eine in einer Kachel fehlende Klasse erhält eine leere Maske, damit das Modell lernt, „nichts“ zu antworten.

Bei unbrauchbaren Eingaben wird nichts geschrieben; ein nicht leerer Ausgabeordner wird nur mit „Vorhandenen Ausgabeordner ersetzen“ ersetzt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="88"/>
        <source>Change polygons (labels)</source>
        <translation>Veränderungspolygone (Referenzdaten)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="88"/>
        <source>Polygons of the changes you labelled; a filter set on the layer in QGIS is honoured.</source>
        <translation>Polygone der von Ihnen erfassten Veränderungen; ein in QGIS auf dem Layer gesetzter Filter wird berücksichtigt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="97"/>
        <source>Class field</source>
        <translation>Klassenfeld</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="97"/>
        <source>The kind of change of each polygon, e.g. a damage class; empty: one kind (see below).</source>
        <translation>Die Art der Veränderung jedes Polygons, z. B. eine Schadensklasse; leer: eine einzige Art (siehe unten).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="108"/>
        <source>Description field</source>
        <translation>Beschreibungsfeld</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="108"/>
        <source>Free text describing each polygon&apos;s change; used verbatim as an expression.</source>
        <translation>Freier Text, der die Veränderung jedes Polygons beschreibt; wird wörtlich als Ausdruck verwendet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="119"/>
        <source>Filter on the labels (OGR SQL)</source>
        <translation>Filter auf den Referenzdaten (OGR SQL)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="119"/>
        <source>For example: damage IN (&apos;destroyed&apos;, &apos;major-damage&apos;).</source>
        <translation>Zum Beispiel: damage IN ('destroyed', 'major-damage').</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="123"/>
        <source>…or a change raster (0/1 or class codes)</source>
        <translation>… oder ein Veränderungsraster (0/1 oder Klassencodes)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="123"/>
        <source>Instead of polygons: a raster where 0 is no change and other values are change classes.</source>
        <translation>Statt Polygonen: ein Raster, in dem 0 keine Veränderung bedeutet und andere Werte Veränderungsklassen sind.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="129"/>
        <source>Class table of the change raster (code=name, …)</source>
        <translation>Klassentabelle des Veränderungsrasters (Code=Name, …)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="135"/>
        <source>Name of the change when labels carry no class</source>
        <translation>Name der Veränderung, wenn die Referenzdaten keine Klasse haben</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="135"/>
        <source>Used in the generated expressions, e.g. &apos;destroyed building&apos;.</source>
        <translation>Wird in den erzeugten Ausdrücken verwendet, z. B. „zerstörtes Gebäude“.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="144"/>
        <source>Extent (empty: the overlap of the rasters)</source>
        <translation>Ausdehnung (leer: Überlappung der Raster)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="144"/>
        <source>Export only this area, e.g. where you have labelled every change.</source>
        <translation>Nur dieses Gebiet exportieren, z. B. dort, wo Sie jede Veränderung erfasst haben.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="150"/>
        <source>Chip size (pixels)</source>
        <translation>Kachelgröße (Pixel)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="161"/>
        <source>Fraction of chips held out for validation</source>
        <translation>Anteil der Kacheln, der zur Validierung zurückgehalten wird</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="173"/>
        <source>Stride between chips (pixels; 0: the chip size, no overlap)</source>
        <translation>Schrittweite zwischen Kacheln (Pixel; 0: Kachelgröße, keine Überlappung)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="184"/>
        <source>Minimum labelled fraction of a chip</source>
        <translation>Minimaler erfasster Anteil einer Kachel</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="184"/>
        <source>Chips with less labelled change are skipped (0 keeps chips without change as negatives).</source>
        <translation>Kacheln mit weniger erfasster Veränderung werden übersprungen (0 behält Kacheln ohne Veränderung als Negativbeispiele).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="196"/>
        <source>Maximum nodata fraction of a chip</source>
        <translation>Maximaler NoData-Anteil einer Kachel</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="207"/>
        <source>&apos;No such change&apos; expressions per chip</source>
        <translation>„Keine solche Veränderung“-Ausdrücke je Kachel</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="207"/>
        <source>Expressions for classes absent from a chip, answered with an empty mask.</source>
        <translation>Ausdrücke für Klassen, die in einer Kachel fehlen, beantwortet mit einer leeren Maske.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="219"/>
        <source>Resampling of the later raster</source>
        <translation>Resampling des späteren Rasters</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="224"/>
        <source>Size of the blocks of the train/val split (chips)</source>
        <translation>Blockgröße der Trainings-/Validierungsaufteilung (Kacheln)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="224"/>
        <source>Chips are split in square blocks of this many chips, so neighbours stay on one side.</source>
        <translation>Die Kacheln werden in quadratischen Blöcken dieser Größe aufgeteilt, damit Nachbarn auf derselben Seite bleiben.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="236"/>
        <source>Expression templates (JSON)</source>
        <translation>Ausdrucksvorlagen (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="236"/>
        <source>Your own copy of the engine&apos;s engine/export/templates.json; empty: the default templates.</source>
        <translation>Ihre eigene Kopie von engine/export/templates.json der Engine; leer: die Standardvorlagen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="160"/>
        <source>Random seed</source>
        <translation>Zufalls-Startwert</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="251"/>
        <source>Replace an existing output folder</source>
        <translation>Vorhandenen Ausgabeordner ersetzen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="76"/>
        <source>Training data folder</source>
        <translation>Ordner der Trainingsdaten</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="255"/>
        <source>Manifest (JSON)</source>
        <translation>Manifest (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="256"/>
        <source>Training chips</source>
        <translation>Trainingskacheln</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="257"/>
        <source>Validation chips</source>
        <translation>Validierungskacheln</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="258"/>
        <source>Training expressions</source>
        <translation>Trainingsausdrücke</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="259"/>
        <source>Validation expressions</source>
        <translation>Validierungsausdrücke</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="268"/>
        <source>Give the change labels either as polygons or as a change raster (exactly one of them).</source>
        <translation>Geben Sie die Veränderungen entweder als Polygone oder als Veränderungsraster an (genau eines davon).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="318"/>
        <source>{train} training and {val} validation chips in {path}</source>
        <translation>{train} Trainings- und {val} Validierungskacheln in {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="55"/>
        <source>Fine-tune MTRS model</source>
        <translation>MTRS-Modell feinabstimmen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="76"/>
        <source>The output folder of &apos;Export MTRS training data&apos; (train/ and val/), or one split folder.</source>
        <translation>Der Ausgabeordner von „MTRS-Trainingsdaten exportieren“ (train/ und val/) oder ein einzelner Teilordner.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="82"/>
        <source>Starting model (empty: bundled; your model&apos;s name, a folder or hub id)</source>
        <translation>Ausgangsmodell (leer: mitgeliefert; Name Ihres Modells, Ordner oder Hub-ID)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="89"/>
        <source>What to train</source>
        <translation>Was trainiert wird</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="89"/>
        <source>Stage 2: changes described by prompts</source>
        <translation>Stufe 2: durch Eingabetexte beschriebene Veränderungen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="89"/>
        <source>Stage 1: all changes (no prompts)</source>
        <translation>Stufe 1: alle Veränderungen (ohne Eingabetexte)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="98"/>
        <source>Time budget (minutes; 0: no time limit)</source>
        <translation>Zeitbudget (Minuten; 0: ohne Zeitlimit)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="109"/>
        <source>Epochs (0: use the time budget)</source>
        <translation>Epochen (0: Zeitbudget verwenden)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="109"/>
        <source>When set, training runs this many passes over the chips instead of a time budget.</source>
        <translation>Wenn gesetzt, durchläuft das Training die Kacheln so oft statt nach Zeitbudget.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="121"/>
        <source>Name in your model list (empty: the folder name)</source>
        <translation>Name in Ihrer Modellliste (leer: Ordnername)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="126"/>
        <source>Learning rate (empty: engine default)</source>
        <translation>Lernrate (leer: Standard der Engine)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="137"/>
        <source>Early stopping patience (validations without improvement; empty: engine default)</source>
        <translation>Geduld für frühes Beenden (Validierungen ohne Verbesserung; leer: Standard der Engine)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="148"/>
        <source>Maximum optimisation steps (empty: no limit)</source>
        <translation>Maximale Optimierungsschritte (leer: ohne Grenze)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="148"/>
        <source>A hard cap on training steps, e.g. for a quick trial run.</source>
        <translation>Eine feste Obergrenze für Trainingsschritte, z. B. für einen schnellen Probelauf.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="165"/>
        <source>Hub revision of the starting model</source>
        <translation>Hub-Revision des Ausgangsmodells</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="171"/>
        <source>Resume an interrupted fine-tuning in the output folder</source>
        <translation>Unterbrochene Feinabstimmung im Ausgabeordner fortsetzen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="176"/>
        <source>Replace an existing model folder</source>
        <translation>Vorhandenen Modellordner ersetzen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="177"/>
        <source>Fine-tuned model folder</source>
        <translation>Ordner des feinabgestimmten Modells</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="178"/>
        <source>Name in your model list</source>
        <translation>Name in Ihrer Modellliste</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="179"/>
        <source>Training steps</source>
        <translation>Trainingsschritte</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="180"/>
        <source>Training time (s)</source>
        <translation>Trainingszeit (s)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="181"/>
        <source>Validation figures (JSON)</source>
        <translation>Validierungswerte (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="188"/>
        <source>The training data folder does not exist: {path}</source>
        <translation>Der Ordner der Trainingsdaten existiert nicht: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="227"/>
        <source>Cancelled; the best model so far was kept in {path} and added to your models as &apos;{name}&apos;.</source>
        <translation>Abgebrochen; das bisher beste Modell wurde in {path} behalten und als „{name}“ zu Ihren Modellen hinzugefügt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="249"/>
        <source>Model &apos;{name}&apos; saved in {path} and added to your models.</source>
        <translation>Modell „{name}“ in {path} gespeichert und zu Ihren Modellen hinzugefügt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="274"/>
        <source>Forget this model in the list (its folder is not deleted).</source>
        <translation>Dieses Modell aus der Liste entfernen (sein Ordner wird nicht gelöscht).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="609"/>
        <source>{name} (missing)</source>
        <translation>{name} (fehlt)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="613"/>
        <source>Other folder…</source>
        <translation>Anderer Ordner …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="614"/>
        <source>Hub id…</source>
        <translation>Hub-ID …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="664"/>
        <source>The folder of this model is missing: {path}. Choose another model, or Remove to forget it.</source>
        <translation>Der Ordner dieses Modells fehlt: {path}. Wählen Sie ein anderes Modell oder entfernen Sie es mit „Entfernen“ aus der Liste.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="668"/>
        <source>Your model, fine-tuned from {base}.</source>
        <translation>Ihr Modell, feinabgestimmt aus {base}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="667"/>
        <source>the bundled model</source>
        <translation>dem mitgelieferten Modell</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="671"/>
        <source>Validation: {figures}.</source>
        <translation>Validierung: {figures}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="855"/>
        <source>The folder of your model &apos;{name}&apos; no longer exists. Choose another model.</source>
        <translation>Der Ordner Ihres Modells „{name}“ existiert nicht mehr. Wählen Sie ein anderes Modell.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="79"/>
        <source>version mismatch</source>
        <translation>Versionskonflikt</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="80"/>
        <source>The MTRS engine environment is not usable ({message}). Open the MTRS dock and use &apos;Engine set-up&apos; to create or choose it.</source>
        <translation>Die MTRS-Engine-Umgebung ist nicht nutzbar ({message}). Öffnen Sie das MTRS-Dock und erstellen oder wählen Sie sie unter „Engine-Einrichtung“.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="195"/>
        <source>Cannot start the engine ({python}): {message}</source>
        <translation>Die Engine kann nicht gestartet werden ({python}): {message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="177"/>
        <source>Cancelling: asking the engine to stop…</source>
        <translation>Wird abgebrochen: Die Engine wird zum Anhalten aufgefordert …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="193"/>
        <source>Cancelled; the engine stopped and removed its unfinished output.</source>
        <translation>Abgebrochen; die Engine hat angehalten und ihre unfertige Ausgabe entfernt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="251"/>
        <source>The engine command &apos;{name}&apos; failed (exit code {code}) without a message.</source>
        <translation>Der Engine-Befehl „{name}“ ist ohne Meldung fehlgeschlagen (Exit-Code {code}).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="83"/>
        <source>Choose a valid vector layer.</source>
        <translation>Wählen Sie einen gültigen Vektorlayer.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="116"/>
        <source>Layer &apos;{name}&apos; could not be copied for the engine: {message}</source>
        <translation>Layer „{name}“ konnte nicht für die Engine kopiert werden: {message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="133"/>
        <source>Pixel size of the comparison grid (map units; empty: from a raster, else 0.5 m)</source>
        <translation>Pixelgröße des Vergleichsgitters (Karteneinheiten; leer: aus einem Raster, sonst 0,5 m)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="183"/>
        <source>The engine is still busy: asking it to stop at once…</source>
        <translation>Die Engine ist noch beschäftigt: Sie wird aufgefordert, sofort anzuhalten …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="686"/>
        <source>The earlier and the later raster are the same image: there is nothing to compare. Choose the image taken before the change as earlier and the one after it as later.</source>
        <translation>Das frühere und das spätere Raster sind dasselbe Bild: Es gibt nichts zu vergleichen. Wählen Sie das Bild von vor der Änderung als früheres und das danach als späteres.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="151"/>
        <source>Polygons smaller than this are dropped (0 keeps single-pixel specks).</source>
        <translation>Kleinere Polygone werden verworfen (0 behält auch einzelne Pixel).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="126"/>
        <source>Overlap: {area}.</source>
        <translation>Überlappung: {area}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="138"/>
        <source>MTRS: checking the images</source>
        <translation>MTRS: Bilder werden geprüft</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="145"/>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="146"/>
        <source>Open the user guide of the plugin.</source>
        <translation>Das Benutzerhandbuch des Plugins öffnen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="175"/>
        <source>The image taken before the change.</source>
        <translation>Das Bild von vor der Änderung.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="176"/>
        <source>The image taken after the change; it must overlap the earlier one.</source>
        <translation>Das Bild von nach der Änderung; es muss das frühere überlappen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="181"/>
        <source>red</source>
        <translation>Rot</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="181"/>
        <source>green</source>
        <translation>Grün</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="181"/>
        <source>blue</source>
        <translation>Blau</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="182"/>
        <source>Band shown to the model as {colour}.</source>
        <translation>Band, das dem Modell als {colour} gezeigt wird.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="227"/>
        <source>Describe the change to find, in plain words; earlier prompts of this project are listed.</source>
        <translation>Beschreiben Sie die gesuchte Änderung in einfachen Worten; frühere Eingaben dieses Projekts werden aufgelistet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="307"/>
        <source>Side of the square pieces the image is cut into; 0 uses the model&apos;s size.</source>
        <translation>Seitenlänge der quadratischen Kacheln, in die das Bild geteilt wird; 0 verwendet die Größe des Modells.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="311"/>
        <source>Pixels shared by neighbouring tiles, blended to hide tile seams.</source>
        <translation>Pixel, die benachbarte Kacheln teilen; sie werden überblendet, damit keine Kachelkanten sichtbar sind.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="316"/>
        <source>A pixel counts as changed above this probability; lower finds more, with more false alarms.</source>
        <translation>Ein Pixel gilt oberhalb dieser Wahrscheinlichkeit als verändert; niedriger findet mehr, mit mehr Fehlalarmen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="335"/>
        <source>Polygons smaller than this are dropped: single-pixel specks are noise. 0 keeps everything.</source>
        <translation>Kleinere Polygone werden verworfen: einzelne Pixel sind Rauschen. 0 behält alles.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="342"/>
        <source>Smooth polygon outlines by this tolerance; 0 keeps the pixel edges.</source>
        <translation>Polygonumrisse mit dieser Toleranz glätten; 0 behält die Pixelkanten.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="349"/>
        <source>Where the polygons are saved. An existing file is never overwritten: the next run writes a numbered file beside it. Empty: a temporary file, lost when QGIS closes.</source>
        <translation>Wohin die Polygone gespeichert werden. Eine vorhandene Datei wird nie überschrieben: Der nächste Lauf schreibt eine nummerierte Datei daneben. Leer: eine temporäre Datei, die beim Schließen von QGIS verloren geht.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="367"/>
        <source>Also add the per-pixel change probability as a raster layer (hidden at first).</source>
        <translation>Zusätzlich die Änderungswahrscheinlichkeit je Pixel als Rasterlayer hinzufügen (zunächst ausgeblendet).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="770"/>
        <source>Find the described change between the two images.</source>
        <translation>Die beschriebene Änderung zwischen den beiden Bildern finden.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="702"/>
        <source>Counting tiles…</source>
        <translation>Kacheln werden gezählt…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="779"/>
        <source>{tiles} tiles per prompt.</source>
        <translation>{tiles} Kacheln je Eingabe.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="782"/>
        <source>About {time} for {prompts} prompt(s), measured on this computer.</source>
        <translation>Etwa {time} für {prompts} Eingabe(n), auf diesem Rechner gemessen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="985"/>
        <source>Elapsed {time}</source>
        <translation>Vergangen {time}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="988"/>
        <source>about {time} left</source>
        <translation>noch etwa {time}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1026"/>
        <source>Took {time}</source>
        <translation>Dauer {time}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="86"/>
        <source>Feature id</source>
        <translation>Objekt-ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="87"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="88"/>
        <source>Area (m²)</source>
        <translation>Fläche (m²)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="89"/>
        <source>Area (pixels)</source>
        <translation>Fläche (Pixel)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="90"/>
        <source>Perimeter (m)</source>
        <translation>Umfang (m)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="91"/>
        <source>Perimeter (pixels)</source>
        <translation>Umfang (Pixel)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="92"/>
        <source>Mean probability</source>
        <translation>Mittlere Wahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="93"/>
        <source>Highest probability</source>
        <translation>Höchste Wahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="94"/>
        <source>Centre X</source>
        <translation>Mittelpunkt X</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="95"/>
        <source>Centre Y</source>
        <translation>Mittelpunkt Y</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="96"/>
        <source>Location</source>
        <translation>Lage</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="97"/>
        <source>Prompt</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="99"/>
        <source>Model revision</source>
        <translation>Modellrevision</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="100"/>
        <source>Earlier image</source>
        <translation>Früheres Bild</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="101"/>
        <source>Later image</source>
        <translation>Späteres Bild</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="102"/>
        <source>Run at (UTC)</source>
        <translation>Ausgeführt (UTC)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="166"/>
        <source>Change polygons from MTRS for: {prompts}.</source>
        <translation>Änderungspolygone von MTRS für: {prompts}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="169"/>
        <source>Model: {model}</source>
        <translation>Modell: {model}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="169"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="171"/>
        <source>Device: {device}</source>
        <translation>Gerät: {device}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="172"/>
        <source>Run at (UTC): {when}</source>
        <translation>Ausgeführt (UTC): {when}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="173"/>
        <source>Polygons: {n}, total area: {area}</source>
        <translation>Polygone: {n}, Gesamtfläche: {area}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="177"/>
        <source>Images: {earlier} → {later}</source>
        <translation>Bilder: {earlier} → {later}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="180"/>
        <source>Threshold {threshold}, minimum area {min_area} m², tiles {tiles}</source>
        <translation>Schwellenwert {threshold}, Mindestfläche {min_area} m², Kacheln {tiles}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="197"/>
        <source>Note: {text}</source>
        <translation>Hinweis: {text}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="198"/>
        <source>Run record: the complete JSON is kept in the layer property &apos;{key}&apos;.</source>
        <translation>Laufprotokoll: Das vollständige JSON steht in der Layereigenschaft '{key}'.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="228"/>
        <source>&apos;{label}&apos;: {n} polygons, {area} in {seconds} s on {device}.</source>
        <translation>'{label}': {n} Polygone, {area} in {seconds} s auf {device}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="261"/>
        <source>{n} polygons, {area} in {seconds} s on {device}.</source>
        <translation>{n} Polygone, {area} in {seconds} s auf {device}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="356"/>
        <source>Save results next to the project</source>
        <translation>Ergebnisse neben dem Projekt speichern</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="358"/>
        <source>With no output file chosen, write the results into a folder &apos;mtrs_results&apos; beside the saved project instead of temporary files that are lost when QGIS closes.</source>
        <translation>Ohne gewählte Ausgabedatei die Ergebnisse in einen Ordner 'mtrs_results' neben dem gespeicherten Projekt schreiben statt in temporäre Dateien, die beim Schließen von QGIS verloren gehen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="320"/>
        <source>Presence threshold (0: off)</source>
        <translation>Präsenzschwelle (0: aus)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="322"/>
        <source>Models that judge whether the described change exists at all: below this confidence a prompt counts as not found in a tile, and in the area when no tile reaches it; its output has no polygons. 0 turns the check off. Models without this judgement ignore it.</source>
        <translation>Für Modelle, die beurteilen, ob die beschriebene Veränderung überhaupt vorkommt: Unter dieser Konfidenz gilt ein Eingabetext in einer Kachel als nicht gefunden, und im Gebiet, wenn keine Kachel sie erreicht; seine Ausgabe hat dann keine Polygone. 0 schaltet die Prüfung aus. Modelle ohne diese Beurteilung ignorieren den Wert.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="324"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="325"/>
        <source>Models that judge whether the described change exists at all: below this confidence a prompt counts as not found and its layer stays empty. 0 turns the check off.</source>
        <translation>Für Modelle, die beurteilen, ob die beschriebene Veränderung überhaupt vorkommt: Unter dieser Konfidenz gilt ein Eingabetext als nicht gefunden, und sein Layer bleibt leer. 0 schaltet die Prüfung aus.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="331"/>
        <source>Presence threshold</source>
        <translation>Präsenzschwelle</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="539"/>
        <source>Pre-filled by acquisition dates in the metadata ({earlier} and {later}).</source>
        <translation>Vorbelegt nach den Aufnahmedaten in den Metadaten ({earlier} und {later}).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="544"/>
        <source>Pre-filled by the dates in the layer names.</source>
        <translation>Vorbelegt nach den Daten in den Layernamen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="546"/>
        <source>Pre-filled by words such as pre/post or before/after in the layer names.</source>
        <translation>Vorbelegt nach Wörtern wie pre/post oder before/after in den Layernamen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="548"/>
        <source>Pre-filled in the order of the layer names: check which image is the earlier one.</source>
        <translation>Vorbelegt in der Reihenfolge der Layernamen: Prüfen Sie, welches Bild das frühere ist.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="78"/>
        <source>polygonising &apos;{label}&apos;</source>
        <translation>Polygonisierung von „{label}“</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="79"/>
        <source>loading model</source>
        <translation>Modell wird geladen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="80"/>
        <source>model loaded</source>
        <translation>Modell geladen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="81"/>
        <source>chip {done}/{total}</source>
        <translation>Ausschnitt {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="82"/>
        <source>scanning labels {done}/{total}</source>
        <translation>Labels werden durchsucht {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="83"/>
        <source>reading the inputs</source>
        <translation>Eingaben werden gelesen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="84"/>
        <source>writing the outputs</source>
        <translation>Ausgaben werden geschrieben</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="86"/>
        <source>analysis cancelled</source>
        <translation>Analyse abgebrochen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="87"/>
        <source>cancelled while polygonising</source>
        <translation>während der Polygonisierung abgebrochen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="88"/>
        <source>cancelled before it started</source>
        <translation>vor dem Start abgebrochen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="90"/>
        <source>input raster not found: {path}</source>
        <translation>Eingaberaster nicht gefunden: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="91"/>
        <source>{path} is a folder, not a raster file</source>
        <translation>{path} ist ein Ordner, keine Rasterdatei</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="92"/>
        <source>give the raster file inside it</source>
        <translation>geben Sie die Rasterdatei darin an</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="93"/>
        <source>not a raster GDAL can read: {path}</source>
        <translation>kein Raster, das GDAL lesen kann: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="94"/>
        <source>{name} is not georeferenced (no coordinate reference system, no geotransform)</source>
        <translation>{name} ist nicht georeferenziert (kein Koordinatenbezugssystem, keine Geotransformation)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="98"/>
        <source>georeference it first (QGIS: Raster &gt; Georeferencer); `mtrs predict` also takes two plain images of the same size and works in pixel coordinates</source>
        <translation>georeferenzieren Sie es zuerst (QGIS: Raster &gt; Georeferenzierung); `mtrs predict` nimmt auch zwei einfache Bilder gleicher Größe und arbeitet in Pixelkoordinaten</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="106"/>
        <source>{name} has no coordinate reference system</source>
        <translation>{name} hat kein Koordinatenbezugssystem</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="107"/>
        <source>assign one (QGIS: Raster &gt; Projections &gt; Assign Projection; GDAL: gdal_edit -a_srs)</source>
        <translation>weisen Sie eines zu (QGIS: Raster &gt; Projektionen &gt; Projektion zuweisen; GDAL: gdal_edit -a_srs)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="111"/>
        <source>{name} is truncated: {problem}</source>
        <translation>{name} ist unvollständig: {problem}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="112"/>
        <source>copy or download the file again</source>
        <translation>kopieren oder laden Sie die Datei erneut herunter</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="113"/>
        <source>band {band} does not exist in {name} (it has {count} band(s))</source>
        <translation>Band {band} gibt es in {name} nicht (es hat {count} Band/Bänder)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="117"/>
        <source>choose bands between 1 and {count}</source>
        <translation>wählen Sie Bänder zwischen 1 und {count}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="118"/>
        <source>cannot read {name}: {detail}</source>
        <translation>{name} kann nicht gelesen werden: {detail}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="119"/>
        <source>the file is damaged or incomplete; copy or download it again</source>
        <translation>die Datei ist beschädigt oder unvollständig; kopieren oder laden Sie sie erneut herunter</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="124"/>
        <source>the earlier and later rasters do not overlap</source>
        <translation>das frühere und das spätere Raster überlappen sich nicht</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="125"/>
        <source>earlier covers {bounds} in {crs}</source>
        <translation>das frühere deckt {bounds} in {crs} ab</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="129"/>
        <source>there is no valid pixel where both rasters overlap: everything is nodata, masked or NaN</source>
        <translation>wo sich beide Raster überlappen, gibt es kein gültiges Pixel: alles ist NoData, maskiert oder NaN</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="133"/>
        <source>check the rasters&apos; nodata values, masks and bands (--bands-earlier, --bands-later)</source>
        <translation>prüfen Sie die NoData-Werte, Masken und Bänder der Raster (--bands-earlier, --bands-later)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="137"/>
        <source>the requested extent does not overlap the area covered by both rasters</source>
        <translation>die gewünschte Ausdehnung überlappt nicht das von beiden Rastern abgedeckte Gebiet</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="142"/>
        <source>no prompt given</source>
        <translation>kein Eingabetext angegeben</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="143"/>
        <source>empty prompt</source>
        <translation>leerer Eingabetext</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="144"/>
        <source>describe the change, e.g. &apos;buildings destroyed by the tornado&apos;</source>
        <translation>beschreiben Sie die Veränderung, z. B. „vom Tornado zerstörte Gebäude“</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="148"/>
        <source>describe the change in a sentence or two</source>
        <translation>beschreiben Sie die Veränderung in ein bis zwei Sätzen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="149"/>
        <source>CUDA was requested but no CUDA GPU is available</source>
        <translation>CUDA wurde angefordert, aber es ist keine CUDA-GPU verfügbar</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="153"/>
        <source>use --device auto or cpu</source>
        <translation>verwenden Sie --device auto oder cpu</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="154"/>
        <source>out of memory on {device} even with a batch of one {tile}×{tile} tile</source>
        <translation>nicht genug Speicher auf {device}, selbst mit einem Stapel aus einer {tile}×{tile}-Kachel</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="158"/>
        <source>use a smaller --tile, --device cpu, or close other programs using the GPU</source>
        <translation>verwenden Sie eine kleinere --tile, --device cpu, oder schließen Sie andere Programme, die die GPU nutzen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="163"/>
        <source>output already exists: {path}</source>
        <translation>Ausgabe existiert bereits: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="164"/>
        <source>choose another name or pass --overwrite</source>
        <translation>wählen Sie einen anderen Namen oder geben Sie --overwrite an</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="165"/>
        <source>output folder does not exist: {path}</source>
        <translation>Ausgabeordner existiert nicht: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="166"/>
        <source>output folder is not writable: {path}</source>
        <translation>Ausgabeordner ist nicht beschreibbar: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="168"/>
        <source>model not found: {model} is neither a folder nor a hub id (owner/name)</source>
        <translation>Modell nicht gefunden: {model} ist weder ein Ordner noch eine Hub-ID (owner/name)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="172"/>
        <source>give a folder with config.json and model.safetensors, or a hub id like owner/name</source>
        <translation>geben Sie einen Ordner mit config.json und model.safetensors an, oder eine Hub-ID wie owner/name</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="176"/>
        <source>a model folder needs config.json and model.safetensors</source>
        <translation>ein Modellordner braucht config.json und model.safetensors</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="180"/>
        <source>{path} is missing</source>
        <translation>{path} fehlt</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="182"/>
        <source>The engine exited while starting.</source>
        <translation>Die Engine wurde beim Starten beendet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="183"/>
        <source>The engine did not start in time.</source>
        <translation>Die Engine ist nicht rechtzeitig gestartet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="184"/>
        <source>The engine was stopped.</source>
        <translation>Die Engine wurde angehalten.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="185"/>
        <source>The engine stopped unexpectedly.</source>
        <translation>Die Engine wurde unerwartet beendet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="186"/>
        <source>The engine is not running.</source>
        <translation>Die Engine läuft nicht.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="187"/>
        <source>The engine process ended unexpectedly (exit code {code}).</source>
        <translation>Der Engine-Prozess wurde unerwartet beendet (Exit-Code {code}).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="191"/>
        <source>The engine did not answer &apos;{cmd}&apos; in time.</source>
        <translation>Die Engine hat auf „{cmd}“ nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="41"/>
        <source>under 1 %</source>
        <translation>unter 1 %</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="43"/>
        <source>over 99 %</source>
        <translation>über 99 %</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="49"/>
        <source>No &apos;{label}&apos; found in this area (model confidence {confidence}); its layer is empty.</source>
        <translation>Kein(e) „{label}“ in diesem Gebiet gefunden (Modellkonfidenz {confidence}); der Layer ist leer.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="56"/>
        <source>found in {k} of {n} tiles (model confidence {confidence})</source>
        <translation>in {k} von {n} Kacheln gefunden (Modellkonfidenz {confidence})</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="66"/>
        <source>&apos;{label}&apos;: {found}.</source>
        <translation>„{label}“: {found}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="59"/>
        <source>{label} (not found)</source>
        <translation>{label} (nicht gefunden)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="188"/>
        <source>Presence threshold {threshold} (below it a prompt counts as not found).</source>
        <translation>Präsenzschwelle {threshold} (darunter gilt ein Eingabetext als nicht gefunden).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="225"/>
        <source>&apos;{label}&apos;: {n} polygons, {area} in {seconds} s on {device}; {found}.</source>
        <translation>„{label}“: {n} Polygone, {area} in {seconds} s auf {device}; {found}.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="58"/>
        <source>Adapts a model to your imagery with the chips made by &apos;Export MTRS training data&apos;.

Start from the bundled lite model, one of your models (by its name), a model folder or a hub id. Stage 2 (default) teaches the model your prompts; stage 1 only its sense of change. The defaults suit a few dozen chips on a CPU: the image encoder stays frozen, the model is checked on the validation chips and the best one is kept; training stops after the given minutes or epochs, or earlier when validation stops improving.

The engine runs in its own process; progress shows here. Cancel stops training and keeps the best model so far. The result is a normal model folder (config, weights, tokenizer and a model card with the validation figures) and is added to your models under the given name: the MTRS dock offers it in its model list, and the analysis algorithms accept that name as model.</source>
        <translation>Passt ein Modell mit den von „MTRS-Trainingsdaten exportieren“ erzeugten Kacheln an Ihre Bilddaten an.

Ausgangspunkt ist das mitgelieferte Lite-Modell, eines Ihrer Modelle (über seinen Namen), ein Modellordner oder eine Hub-ID. Stufe 2 (Standard) bringt dem Modell Ihre Eingabetexte bei, Stufe 1 nur sein Gespür für Veränderungen. Die Standardwerte passen für einige Dutzend Kacheln auf einer CPU: Der Bildencoder bleibt eingefroren, das Modell wird an den Validierungskacheln geprüft und das beste behalten; das Training endet nach den angegebenen Minuten oder Epochen oder früher, wenn sich die Validierung nicht mehr verbessert.

Die Engine läuft in einem eigenen Prozess; der Fortschritt wird hier angezeigt. Abbrechen beendet das Training und behält das bisher beste Modell. Das Ergebnis ist ein normaler Modellordner (Konfiguration, Gewichte, Tokenizer und eine Modellkarte mit den Validierungswerten) und wird unter dem angegebenen Namen zu Ihren Modellen hinzugefügt: Das MTRS-Dock bietet es in seiner Modellliste an, und die Analysealgorithmen akzeptieren diesen Namen als Modell.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="595"/>
        <source>Bundled lite model (small, general)</source>
        <translation>Mitgeliefertes Lite-Modell (klein, allgemein)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="596"/>
        <source>A small model with pretrained image and sentence encoders, trained on a CPU on a few hundred sample image pairs; its model card lists what it gets right and wrong. Check its results.</source>
        <translation>Ein kleines Modell mit vortrainierten Bild- und Satzencodern, auf einer CPU mit einigen hundert Beispiel-Bildpaaren trainiert; seine Modellkarte nennt, was es richtig und falsch macht. Prüfen Sie seine Ergebnisse.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="654"/>
        <source>A small general model trained on sample data: check its results, and fine-tune it on your own labelled changes for real work (Processing ▸ MTRS ▸ Adapt the model).</source>
        <translation>Ein kleines allgemeines Modell, auf Beispieldaten trainiert: Prüfen Sie seine Ergebnisse und stimmen Sie es für echte Arbeit mit Ihren eigenen erfassten Veränderungen fein ab (Verarbeitung ▸ MTRS ▸ Modell anpassen).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="59"/>
        <source>Batch change analysis (manifest)</source>
        <translation>Stapel-Veränderungsanalyse (Manifest)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="68"/>
        <source>Analyses many pairs of rasters in one run, listed in a manifest: a CSV, JSON lines or YAML file with one pair per row (columns earlier, later, prompts or all_changes, and optionally id, output and any analysis option such as model, tile or threshold).

Each pair gets its own GeoPackage in the output folder; all polygons are also merged into one layer with a pair_id field, and a summary table lists every pair and prompt with its polygons, area, time and status. A pair that fails (a missing or unreadable raster, no overlap) is reported in the log and in the summary; the others are still analysed.

Running it again resumes: pairs whose output is up to date are skipped unless &apos;Redo&apos; is ticked. The engine runs in its own processes (several pairs at once with more workers, or on a Ray cluster); cancel stops it and keeps the pairs finished so far.</source>
        <translation>Analysiert viele Rasterpaare in einem Lauf, aufgelistet in einem Manifest: einer CSV-, JSON-Lines- oder YAML-Datei mit einem Paar pro Zeile (Spalten earlier, later, prompts oder all_changes, optional id, output und jede Analyseoption wie model, tile oder threshold).

Jedes Paar erhält ein eigenes GeoPackage im Ausgabeordner; alle Polygone werden außerdem in einem Layer mit dem Feld pair_id zusammengeführt, und eine Übersichtstabelle führt jedes Paar und jeden Eingabetext mit Polygonen, Fläche, Zeit und Status auf. Ein Paar, das scheitert (ein fehlendes oder unlesbares Raster, keine Überlappung), wird im Protokoll und in der Übersicht gemeldet; die anderen werden trotzdem analysiert.

Ein erneuter Lauf setzt fort: Paare, deren Ausgabe aktuell ist, werden übersprungen, außer „Neu berechnen“ ist angehakt. Die Engine läuft in eigenen Prozessen (mit mehr Workern mehrere Paare gleichzeitig, oder auf einem Ray-Cluster); Abbrechen hält sie an und behält die bis dahin fertigen Paare.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="85"/>
        <source>Manifest of pairs</source>
        <translation>Manifest der Paare</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="85"/>
        <source>Batch manifests (*.csv *.jsonl *.json *.yaml *.yml)</source>
        <translation>Stapel-Manifeste (*.csv *.jsonl *.json *.yaml *.yml)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="85"/>
        <source>Relative raster paths in the manifest are taken from the manifest&apos;s folder.</source>
        <translation>Relative Rasterpfade im Manifest gelten ab dem Ordner des Manifests.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="94"/>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="94"/>
        <source>One GeoPackage per pair (the pair&apos;s id as name) unless the manifest gives an output.</source>
        <translation>Ein GeoPackage je Paar (mit der ID des Paars als Name), sofern das Manifest keine Ausgabe angibt.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="98"/>
        <source>Merged change polygons (empty: merged.gpkg in the output folder)</source>
        <translation>Zusammengeführte Veränderungspolygone (leer: merged.gpkg im Ausgabeordner)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="106"/>
        <source>A GeoPackage (.gpkg) or FlatGeobuf (.fgb) file.</source>
        <translation>Eine GeoPackage- (.gpkg) oder FlatGeobuf-Datei (.fgb).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="107"/>
        <source>Summary table (empty: summary.csv in the output folder)</source>
        <translation>Übersichtstabelle (leer: summary.csv im Ausgabeordner)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="107"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="116"/>
        <source>Pairs analysed at once (empty: as many as the machine allows)</source>
        <translation>Gleichzeitig analysierte Paare (leer: so viele, wie der Rechner erlaubt)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="116"/>
        <source>Each worker loads the model once; 1 analyses the pairs one after the other.</source>
        <translation>Jeder Worker lädt das Modell einmal; mit 1 werden die Paare nacheinander analysiert.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="128"/>
        <source>Ray cluster address (empty: processes on this computer)</source>
        <translation>Adresse des Ray-Clusters (leer: Prozesse auf diesem Rechner)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="128"/>
        <source>&apos;auto&apos; joins the Ray cluster running on this computer; or host:port of a cluster.</source>
        <translation>„auto“ verbindet sich mit dem Ray-Cluster auf diesem Rechner; oder host:port eines Clusters.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="134"/>
        <source>Redo pairs whose output is up to date</source>
        <translation>Neu berechnen: auch Paare, deren Ausgabe aktuell ist</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs</source>
        <translation>Paare</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs analysed</source>
        <translation>Analysierte Paare</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs up to date</source>
        <translation>Aktuelle Paare (übersprungen)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs failed</source>
        <translation>Fehlgeschlagene Paare</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Polygons</source>
        <translation>Polygone</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="143"/>
        <source>Failed pairs and their errors (JSON)</source>
        <translation>Fehlgeschlagene Paare und ihre Fehler (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="150"/>
        <source>The manifest does not exist: {path}</source>
        <translation>Das Manifest existiert nicht: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="152"/>
        <source>The manifest must be a CSV, JSON lines or YAML file (.csv, .jsonl, .json, .yaml): {path}</source>
        <translation>Das Manifest muss eine CSV-, JSON-Lines- oder YAML-Datei sein (.csv, .jsonl, .json, .yaml): {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="163"/>
        <source>The merged layer must be a GeoPackage (.gpkg) or FlatGeobuf (.fgb): {path}</source>
        <translation>Der zusammengeführte Layer muss ein GeoPackage (.gpkg) oder FlatGeobuf (.fgb) sein: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="175"/>
        <source>Give the number of workers or a Ray cluster address, not both: on Ray, the cluster decides.</source>
        <translation>Geben Sie die Anzahl der Worker oder eine Ray-Cluster-Adresse an, nicht beides: Auf Ray entscheidet der Cluster.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="194"/>
        <source>Cancelled; the pairs finished so far are kept in {path}. Run it again to analyse the others: finished pairs are skipped.</source>
        <translation>Abgebrochen; die bis dahin fertigen Paare bleiben in {path}. Starten Sie den Lauf erneut, um die übrigen zu analysieren: fertige Paare werden übersprungen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="213"/>
        <source>{done} pairs analysed, {skipped} up to date, {failed} failed; summary: {path}</source>
        <translation>{done} Paare analysiert, {skipped} aktuell, {failed} fehlgeschlagen; Übersicht: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="220"/>
        <source>Batch changes</source>
        <translation>Stapel-Veränderungen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="258"/>
        <source>{pair} failed: {error}</source>
        <translation>{pair} fehlgeschlagen: {error}</translation>
    </message>
</context>
</TS>
