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
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="55"/>
        <source>Change analysis</source>
        <translation>Veränderungsanalyse</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="65"/>
        <source>Earlier raster</source>
        <translation>Früheres Raster</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="66"/>
        <source>Later raster</source>
        <translation>Späteres Raster</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="67"/>
        <source>Bands of the earlier raster (R, G, B)</source>
        <translation>Kanäle des früheren Rasters (R, G, B)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="67"/>
        <source>Bands of the later raster (R, G, B)</source>
        <translation>Kanäle des späteren Rasters (R, G, B)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="72"/>
        <source>Three bands in red, green, blue order; empty: the first three bands.</source>
        <translation>Drei Kanäle in der Reihenfolge Rot, Grün, Blau; leer: die ersten drei Kanäle.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="76"/>
        <source>Model (empty: bundled; folder or hub id)</source>
        <translation>Modell (leer: mitgeliefert; Ordner oder Hub-ID)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="79"/>
        <source>A checkpoint folder (config.json + model.safetensors) or a hub id; empty uses the bundled model.</source>
        <translation>Ein Checkpoint-Ordner (config.json + model.safetensors) oder eine Hub-ID; leer verwendet das mitgelieferte Modell.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="86"/>
        <source>Extent (empty: overlap of the rasters)</source>
        <translation>Ausdehnung (leer: Überlappung der Raster)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="92"/>
        <source>Tile size in pixels (0: the model&apos;s size)</source>
        <translation>Kachelgröße in Pixeln (0: Größe des Modells)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="101"/>
        <source>Tile overlap in pixels</source>
        <translation>Kachelüberlappung in Pixeln</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="238"/>
        <source>Probability threshold</source>
        <translation>Wahrscheinlichkeitsschwelle</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="119"/>
        <source>Minimum polygon area (m²)</source>
        <translation>Minimale Polygonfläche (m²)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="127"/>
        <source>Simplification tolerance (map units)</source>
        <translation>Vereinfachungstoleranz (Karteneinheiten)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="135"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="140"/>
        <source>Change polygons</source>
        <translation>Veränderungspolygone</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="145"/>
        <source>Change probability raster</source>
        <translation>Raster der Veränderungswahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="150"/>
        <source>Number of polygons</source>
        <translation>Anzahl der Polygone</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="151"/>
        <source>Total area (m²)</source>
        <translation>Gesamtfläche (m²)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="152"/>
        <source>Run record (JSON)</source>
        <translation>Laufprotokoll (JSON)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="166"/>
        <source>Give exactly three bands (R, G, B) for {name}, or none for the first three.</source>
        <translation>Geben Sie für {name} genau drei Kanäle (R, G, B) an, oder keinen für die ersten drei.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="187"/>
        <source>The output must be a GeoPackage (.gpkg): {path}</source>
        <translation>Die Ausgabe muss ein GeoPackage (.gpkg) sein: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="202"/>
        <source>Engine request: {prompts}</source>
        <translation>Anfrage an die Engine: {prompts}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="202"/>
        <source>all changes</source>
        <translation>alle Veränderungen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="218"/>
        <source>Cancelled; no output was written.</source>
        <translation>Abgebrochen; es wurde keine Ausgabe geschrieben.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="225"/>
        <source>{n} polygons, {area:.1f} m² in {seconds:.1f} s on {device}.</source>
        <translation>{n} Polygone, {area:.1f} m² in {seconds:.1f} s auf {device}.</translation>
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
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="521"/>
        <source>Choose an earlier and a later raster layer.</source>
        <translation>Wählen Sie einen früheren und einen späteren Rasterlayer.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="81"/>
        <source>Earlier and later are the same layer: there is nothing to compare.</source>
        <translation>Früher und später sind derselbe Layer: Es gibt nichts zu vergleichen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="89"/>
        <source>The later layer&apos;s extent cannot be transformed to the earlier CRS.</source>
        <translation>Die Ausdehnung des späteren Layers lässt sich nicht in das KBS des früheren transformieren.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="113"/>
        <source>The layers do not overlap (in the chosen extent): there is nothing to analyse.</source>
        <translation>Die Layer überlappen sich (in der gewählten Ausdehnung) nicht: Es gibt nichts zu analysieren.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="121"/>
        <source>The resolutions differ by a factor of {ratio:.1f}: the later image will be resampled.</source>
        <translation>Die Auflösungen unterscheiden sich um den Faktor {ratio:.1f}: Das spätere Bild wird neu abgetastet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="136"/>
        <source>Same grid: no resampling.</source>
        <translation>Gleiches Gitter: keine Neuabtastung.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="138"/>
        <source>Different grid: the later image will be warped.</source>
        <translation>Anderes Gitter: Das spätere Bild wird umprojiziert.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="141"/>
        <source>Overlap: {area} km².</source>
        <translation>Überlappung: {area} km².</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="48"/>
        <source>MTRS: {prompt}</source>
        <translation>MTRS: {prompt}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="48"/>
        <source>{n} prompts</source>
        <translation>{n} Eingabetexte</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="73"/>
        <source>tile {done}/{total}</source>
        <translation>Kachel {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="106"/>
        <source>MTRS: starting the engine</source>
        <translation>MTRS: Engine wird gestartet</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="55"/>
        <source>MTRS change analysis</source>
        <translation>MTRS-Veränderungsanalyse</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="99"/>
        <source>Engine: not started</source>
        <translation>Engine: nicht gestartet</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="109"/>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="123"/>
        <source>Earlier</source>
        <translation>Früher</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="126"/>
        <source>Bands (R, G, B)</source>
        <translation>Kanäle (R, G, B)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="125"/>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="134"/>
        <source>Extent</source>
        <translation>Ausdehnung</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Overlap of the two layers</source>
        <translation>Überlappung der beiden Layer</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Current map view</source>
        <translation>Aktuelle Kartenansicht</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Rectangle drawn on the map</source>
        <translation>Auf der Karte gezeichnetes Rechteck</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Polygons of a layer (selection)</source>
        <translation>Polygone eines Layers (Auswahl)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="146"/>
        <source>Analyse</source>
        <translation>Analysieren</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="147"/>
        <source>Draw rectangle</source>
        <translation>Rechteck zeichnen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="152"/>
        <source>Polygon layer</source>
        <translation>Polygonlayer</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="157"/>
        <source>What changed?</source>
        <translation>Was hat sich verändert?</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="164"/>
        <source>e.g. buildings destroyed along the tornado track</source>
        <translation>z. B. entlang der Tornadospur zerstörte Gebäude</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="168"/>
        <source>Examples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="177"/>
        <source>Add to list</source>
        <translation>Zur Liste hinzufügen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="179"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="188"/>
        <source>Several prompts run one after the other on the same images; the image features are computed once.</source>
        <translation>Mehrere Eingabetexte laufen nacheinander auf denselben Bildern; die Bildmerkmale werden nur einmal berechnet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="198"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="202"/>
        <source>Bundled model</source>
        <translation>Mitgeliefertes Modell</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="202"/>
        <source>Local folder</source>
        <translation>Lokaler Ordner</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="215"/>
        <source>Hub id</source>
        <translation>Hub-ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="209"/>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="212"/>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="224"/>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="230"/>
        <source>model size</source>
        <translation>Modellgröße</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="231"/>
        <source>Tile size (px)</source>
        <translation>Kachelgröße (px)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="234"/>
        <source>Tile overlap (px)</source>
        <translation>Kachelüberlappung (px)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="242"/>
        <source>Minimum area</source>
        <translation>Minimale Fläche</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="246"/>
        <source>Simplify (map units)</source>
        <translation>Vereinfachen (Karteneinheiten)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="250"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="251"/>
        <source>[temporary GeoPackage]</source>
        <translation>[temporäres GeoPackage]</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="252"/>
        <source>Output file</source>
        <translation>Ausgabedatei</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="253"/>
        <source>Load probability raster</source>
        <translation>Wahrscheinlichkeitsraster laden</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="271"/>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="64"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="346"/>
        <source>Engine: not installed – see the set-up below.</source>
        <translation>Engine: nicht installiert – siehe Einrichtung unten.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="348"/>
        <source>Engine: starting…</source>
        <translation>Engine: wird gestartet …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="364"/>
        <source>Engine failed to start: {message}</source>
        <translation>Die Engine konnte nicht starten: {message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="426"/>
        <source>About {tiles} tiles, roughly {seconds:.0f} s for {prompts} prompt(s).</source>
        <translation>Etwa {tiles} Kacheln, ungefähr {seconds:.0f} s für {prompts} Eingabetext(e).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="429"/>
        <source>About {tiles} tiles.</source>
        <translation>Etwa {tiles} Kacheln.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="485"/>
        <source>Choose the folder of the model checkpoint.</source>
        <translation>Wählen Sie den Ordner des Modell-Checkpoints.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="490"/>
        <source>Enter the hub id of the model (owner/name).</source>
        <translation>Geben Sie die Hub-ID des Modells ein (Besitzer/Name).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="524"/>
        <source>Type what changed, e.g. &apos;new buildings&apos;.</source>
        <translation>Geben Sie ein, was sich verändert hat, z. B. „neue Gebäude“.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="621"/>
        <source>MTRS</source>
        <translation>MTRS</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="566"/>
        <source>Set up the engine first (see above).</source>
        <translation>Richten Sie zuerst die Engine ein (siehe oben).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="572"/>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="580"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen …</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="590"/>
        <source>The engine had stopped unexpectedly and was restarted.</source>
        <translation>Die Engine war unerwartet beendet worden und wurde neu gestartet.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="593"/>
        <source>Cancelled. No output was written.</source>
        <translation>Abgebrochen. Es wurde keine Ausgabe geschrieben.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="594"/>
        <source>Analysis cancelled.</source>
        <translation>Analyse abgebrochen.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="648"/>
        <source>Runs on GPU: {name}</source>
        <translation>Läuft auf der GPU: {name}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="650"/>
        <source>Runs on Apple GPU (MPS)</source>
        <translation>Läuft auf der Apple-GPU (MPS)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="652"/>
        <source>Runs on CPU{name} – no GPU found; large areas will be slow.</source>
        <translation>Läuft auf der CPU{name} – keine GPU gefunden; große Gebiete dauern lange.</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="657"/>
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
        <location filename="../mtrs_qgis_plugin/provider.py" line="27"/>
        <source>MTRS – language-guided change analysis</source>
        <translation>MTRS – sprachgesteuerte Veränderungsanalyse</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="46"/>
        <source>The result file cannot be opened: {path}</source>
        <translation>Die Ergebnisdatei kann nicht geöffnet werden: {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="55"/>
        <source>{label} – probability</source>
        <translation>{label} – Wahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="72"/>
        <source>Change polygons from MTRS (model {model}, device {device}).</source>
        <translation>Veränderungspolygone von MTRS (Modell {model}, Gerät {device}).</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="72"/>
        <source>Run record:</source>
        <translation>Laufprotokoll:</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="98"/>
        <source>&apos;{label}&apos;: {n} polygons, {area} in {seconds:.1f} s on {device}.</source>
        <translation>„{label}“: {n} Polygone, {area} in {seconds:.1f} s auf {device}.</translation>
    </message>
</context>
</TS>
