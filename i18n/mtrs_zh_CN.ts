<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>@default</name>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/all_changes.py" line="16"/>
        <source>All changes</source>
        <translation>全部变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/all_changes.py" line="19"/>
        <source>Segments every change between an earlier and a later raster, without a prompt (the model&apos;s class-agnostic change head), and writes the polygons to a GeoPackage. Useful as an overview before asking for specific changes with &apos;Referring change segmentation&apos;.</source>
        <translation>无需提示词，分割早期与后期栅格之间的所有变化（模型的类别无关变化头），并将多边形写入 GeoPackage。适合在使用“指代变化分割”查询特定变化之前获得概览。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="62"/>
        <source>Change analysis</source>
        <translation>变化分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="86"/>
        <source>Earlier raster</source>
        <translation>早期栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="87"/>
        <source>Later raster</source>
        <translation>后期栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="117"/>
        <source>Bands of the earlier raster (R, G, B)</source>
        <translation>早期栅格的波段（R、G、B）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="117"/>
        <source>Bands of the later raster (R, G, B)</source>
        <translation>后期栅格的波段（R、G、B）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="122"/>
        <source>Three bands in red, green, blue order; empty: the first three bands.</source>
        <translation>按红、绿、蓝顺序指定三个波段；留空则使用前三个波段。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="128"/>
        <source>Model (empty: bundled; folder or hub id)</source>
        <translation>模型（留空：内置模型；或文件夹、Hub ID）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="131"/>
        <source>A checkpoint folder (config.json + model.safetensors) or a hub id; empty uses the bundled model.</source>
        <translation>检查点文件夹（config.json + model.safetensors）或 Hub ID；留空则使用内置模型。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="140"/>
        <source>Extent (empty: overlap of the rasters)</source>
        <translation>范围（留空：两幅栅格的重叠区域）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="147"/>
        <source>Tile size in pixels (0: the model&apos;s size)</source>
        <translation>瓦片大小（像素；0：模型自身尺寸）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="148"/>
        <source>Tile overlap in pixels</source>
        <translation>瓦片重叠（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="319"/>
        <source>Probability threshold</source>
        <translation>概率阈值</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="151"/>
        <source>Minimum polygon area (m²)</source>
        <translation>最小多边形面积（m²）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="155"/>
        <source>Simplification tolerance (map units)</source>
        <translation>简化容差（地图单位）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="170"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="162"/>
        <source>Change polygons</source>
        <translation>变化多边形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="167"/>
        <source>Change probability raster</source>
        <translation>变化概率栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="172"/>
        <source>Number of polygons</source>
        <translation>多边形数量</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="173"/>
        <source>Total area (m²)</source>
        <translation>总面积（m²）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="174"/>
        <source>Run record (JSON)</source>
        <translation>运行记录（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="190"/>
        <source>Give exactly three bands (R, G, B) for {name}, or none for the first three.</source>
        <translation>请为 {name} 指定恰好三个波段（R、G、B），或不指定以使用前三个波段。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="215"/>
        <source>The output must be a GeoPackage (.gpkg): {path}</source>
        <translation>输出必须是 GeoPackage（.gpkg）：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="233"/>
        <source>Engine request: {prompts}</source>
        <translation>引擎请求：{prompts}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="166"/>
        <source>all changes</source>
        <translation>全部变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="253"/>
        <source>Cancelled; no output was written.</source>
        <translation>已取消；未写入任何输出。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="28"/>
        <source>Referring change segmentation</source>
        <translation>指代变化分割</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="31"/>
        <source>Finds the change you describe in words between an earlier and a later raster and writes it as polygons (GeoPackage with style, areas in m², prompt and run record).

Give one prompt, or a table and a text field holding several prompts (one polygon layer with a 'prompt' attribute; the images are encoded only once). The rasters need not share a grid: the later one is warped onto the earlier one when needed. The model runs in the MTRS engine environment (see the MTRS dock for set-up).</source>
        <translation>在早期与后期栅格之间查找您用文字描述的变化，并将其写为多边形（带样式的 GeoPackage，含以 m² 计的面积、提示词和运行记录）。

可以给出一个提示词，或给出一个表格及其包含多个提示词的文本字段（生成一个带 “prompt” 属性的多边形图层；影像只编码一次）。两幅栅格无需位于同一网格：必要时后期影像会被重采样到早期影像的网格上。模型在 MTRS 引擎环境中运行（设置方法见 MTRS 停靠面板）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="45"/>
        <source>Prompt (what changed)</source>
        <translation>提示词（发生了什么变化）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="46"/>
        <source>For example: &apos;buildings destroyed along the tornado track&apos;.</source>
        <translation>例如：“龙卷风路径沿线被摧毁的建筑”。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="48"/>
        <source>Table of prompts</source>
        <translation>提示词表</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="53"/>
        <source>Prompt field</source>
        <translation>提示词字段</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="74"/>
        <source>Choose the field of the table that holds the prompts.</source>
        <translation>请选择表中包含提示词的字段。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/referring_change.py" line="80"/>
        <source>Give a prompt, or a table and field of prompts.</source>
        <translation>请给出一个提示词，或一个表格及其提示词字段。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="912"/>
        <source>Choose an earlier and a later raster layer.</source>
        <translation>请选择一个早期栅格图层和一个后期栅格图层。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="69"/>
        <source>Earlier and later are the same layer: there is nothing to compare.</source>
        <translation>早期与后期是同一个图层：没有可比较的内容。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="77"/>
        <source>The later layer&apos;s extent cannot be transformed to the earlier CRS.</source>
        <translation>后期图层的范围无法转换到早期图层的坐标参考系。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="758"/>
        <source>The layers do not overlap (in the chosen extent): there is nothing to analyse.</source>
        <translation>图层（在所选范围内）没有重叠：没有可分析的区域。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="109"/>
        <source>The resolutions differ by a factor of {ratio:.1f}: the later image will be resampled.</source>
        <translation>分辨率相差 {ratio:.1f} 倍：后期影像将被重采样。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="122"/>
        <source>Same grid: no resampling.</source>
        <translation>网格相同：无需重采样。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="124"/>
        <source>Different grid: the later image will be warped.</source>
        <translation>网格不同：后期影像将被重投影对齐。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="49"/>
        <source>MTRS: {prompt}</source>
        <translation>MTRS：{prompt}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="49"/>
        <source>{n} prompts</source>
        <translation>{n} 个提示词</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="77"/>
        <source>tile {done}/{total}</source>
        <translation>瓦片 {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="107"/>
        <source>MTRS: starting the engine</source>
        <translation>MTRS：正在启动引擎</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="55"/>
        <source>MTRS change analysis</source>
        <translation>MTRS 变化分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="139"/>
        <source>Engine: not started</source>
        <translation>引擎：未启动</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="156"/>
        <source>Images</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="183"/>
        <source>Earlier</source>
        <translation>早期</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="186"/>
        <source>Bands (R, G, B)</source>
        <translation>波段（R、G、B）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="185"/>
        <source>Later</source>
        <translation>后期</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="195"/>
        <source>Extent</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Overlap of the two layers</source>
        <translation>两个图层的重叠区域</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Current map view</source>
        <translation>当前地图视图</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Rectangle drawn on the map</source>
        <translation>在地图上绘制的矩形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="199"/>
        <source>Polygons of a layer (selection)</source>
        <translation>图层中的多边形（选择集）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="207"/>
        <source>Analyse</source>
        <translation>分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="208"/>
        <source>Draw rectangle</source>
        <translation>绘制矩形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="213"/>
        <source>Polygon layer</source>
        <translation>多边形图层</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="218"/>
        <source>What changed?</source>
        <translation>发生了什么变化？</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="225"/>
        <source>e.g. buildings destroyed along the tornado track</source>
        <translation>例如：龙卷风路径沿线被摧毁的建筑</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="232"/>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="241"/>
        <source>Add to list</source>
        <translation>添加到列表</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="273"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="252"/>
        <source>Several prompts run one after the other on the same images; the image features are computed once.</source>
        <translation>多个提示词会在同一对影像上依次运行；影像特征只计算一次。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="98"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="287"/>
        <source>Hub id</source>
        <translation>Hub ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="284"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="299"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="306"/>
        <source>model size</source>
        <translation>模型尺寸</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="308"/>
        <source>Tile size (px)</source>
        <translation>瓦片大小（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="312"/>
        <source>Tile overlap (px)</source>
        <translation>瓦片重叠（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="338"/>
        <source>Minimum area</source>
        <translation>最小面积</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="343"/>
        <source>Simplify (map units)</source>
        <translation>简化（地图单位）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="347"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage（*.gpkg）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="348"/>
        <source>[temporary GeoPackage]</source>
        <translation>[临时 GeoPackage]</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="355"/>
        <source>Output file</source>
        <translation>输出文件</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="365"/>
        <source>Load probability raster</source>
        <translation>加载概率栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="391"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="64"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="492"/>
        <source>Engine: not installed – see the set-up below.</source>
        <translation>引擎：未安装——请参阅下方的设置。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="494"/>
        <source>Engine: starting…</source>
        <translation>引擎：正在启动…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="511"/>
        <source>Engine failed to start: {message}</source>
        <translation>引擎启动失败：{message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="864"/>
        <source>Choose the folder of the model checkpoint.</source>
        <translation>请选择模型检查点所在的文件夹。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="869"/>
        <source>Enter the hub id of the model (owner/name).</source>
        <translation>请输入模型的 Hub ID（所有者/名称）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="915"/>
        <source>Type what changed, e.g. &apos;new buildings&apos;.</source>
        <translation>请输入发生了什么变化，例如“新建建筑”。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1010"/>
        <source>MTRS</source>
        <translation>MTRS</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="960"/>
        <source>Set up the engine first (see above).</source>
        <translation>请先设置引擎（见上方）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="969"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1016"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1029"/>
        <source>The engine had stopped unexpectedly and was restarted.</source>
        <translation>引擎意外停止，已重新启动。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1032"/>
        <source>Cancelled. No output was written.</source>
        <translation>已取消。未写入任何输出。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1033"/>
        <source>Analysis cancelled.</source>
        <translation>分析已取消。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1141"/>
        <source>Runs on GPU: {name}</source>
        <translation>在 GPU 上运行：{name}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1143"/>
        <source>Runs on Apple GPU (MPS)</source>
        <translation>在 Apple GPU（MPS）上运行</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1145"/>
        <source>Runs on CPU{name} – no GPU found; large areas will be slow.</source>
        <translation>在 CPU{name} 上运行——未找到 GPU；大范围区域会较慢。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1150"/>
        <source>Cached image features: {n}.</source>
        <translation>已缓存的影像特征：{n}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_env.py" line="250"/>
        <source>Create the virtual environment</source>
        <translation>创建虚拟环境</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_env.py" line="256"/>
        <source>Install the pinned engine requirements</source>
        <translation>安装锁定版本的引擎依赖</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_env.py" line="262"/>
        <source>Install the MTRS engine itself</source>
        <translation>安装 MTRS 引擎本身</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="46"/>
        <source>The engine environment is ready.</source>
        <translation>引擎环境已就绪。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="71"/>
        <source>Could not run: {cmd}</source>
        <translation>无法运行：{cmd}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="78"/>
        <source>Cancelled. Run the installation again to repair the environment.</source>
        <translation>已取消。请再次运行安装以修复环境。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_installer.py" line="80"/>
        <source>Step &apos;{title}&apos; failed (exit code {code}).</source>
        <translation>步骤“{title}”失败（退出码 {code}）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="32"/>
        <source>Engine set-up</source>
        <translation>引擎设置</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="41"/>
        <source>Use an existing engine interpreter:</source>
        <translation>使用已有的引擎解释器：</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="44"/>
        <source>Python interpreter of the engine environment</source>
        <translation>引擎环境的 Python 解释器</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="48"/>
        <source>Or let MTRS create a separate environment (QGIS&apos;s own Python is not touched):</source>
        <translation>或者让 MTRS 创建一个独立环境（不会改动 QGIS 自带的 Python）：</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="61"/>
        <source>Create / repair environment</source>
        <translation>创建/修复环境</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="67"/>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="83"/>
        <source>No engine environment found. MTRS runs its model in a separate Python environment.</source>
        <translation>未找到引擎环境。MTRS 在独立的 Python 环境中运行其模型。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="85"/>
        <source>The engine interpreter {python} does not work: {error}</source>
        <translation>引擎解释器 {python} 无法工作：{error}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="89"/>
        <source>The engine environment {python} lacks: {modules}.</source>
        <translation>引擎环境 {python} 缺少：{modules}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="93"/>
        <source>The engine is version {found}, the plugin needs {expected}: repair the environment.</source>
        <translation>引擎版本为 {found}，插件需要 {expected}：请修复环境。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="97"/>
        <source>The engine environment is ready: {python}</source>
        <translation>引擎环境已就绪：{python}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/extent.py" line="58"/>
        <source>Draw a rectangle on the map first.</source>
        <translation>请先在地图上绘制一个矩形。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/extent.py" line="67"/>
        <source>Choose a polygon layer for the extent.</source>
        <translation>请为范围选择一个多边形图层。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/extent.py" line="71"/>
        <source>The polygon layer &apos;{name}&apos; has no polygons.</source>
        <translation>多边形图层“{name}”中没有多边形。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="23"/>
        <source>Choose a valid raster layer.</source>
        <translation>请选择一个有效的栅格图层。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="25"/>
        <source>Layer '{name}' is not a local raster file. Save it as GeoTIFF first (Export ▸ Save As…).</source>
        <translation>图层“{name}”不是本地栅格文件。请先将其另存为 GeoTIFF（导出 ▸ 另存为…）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="32"/>
        <source>The file of layer &apos;{name}&apos; does not exist: {path}</source>
        <translation>图层“{name}”的文件不存在：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="58"/>
        <source>Find the changes you describe between two images</source>
        <translation>在两幅影像之间查找您描述的变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="96"/>
        <source>&amp;MTRS</source>
        <translation>&amp;MTRS</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="36"/>
        <source>buildings destroyed along the tornado track</source>
        <translation>龙卷风路径沿线被摧毁的建筑</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="37"/>
        <source>new buildings</source>
        <translation>新建建筑</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="38"/>
        <source>demolished buildings</source>
        <translation>被拆除的建筑</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="39"/>
        <source>roads built between the two dates</source>
        <translation>两个时间之间修建的道路</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="40"/>
        <source>vegetation cleared for construction</source>
        <translation>为施工而清除的植被</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/prompt_history.py" line="41"/>
        <source>the largest new warehouse</source>
        <translation>最大的新建仓库</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/provider.py" line="32"/>
        <source>MTRS – language-guided change analysis</source>
        <translation>MTRS——语言引导的变化分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="62"/>
        <source>The result file cannot be opened: {path}</source>
        <translation>无法打开结果文件：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="72"/>
        <source>{label} – probability</source>
        <translation>{label}——概率</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/adapt_base.py" line="30"/>
        <source>Adapt the model</source>
        <translation>调整模型</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/adapt_base.py" line="156"/>
        <source>The folder of your model &apos;{name}&apos; no longer exists: {path}</source>
        <translation>您的模型“{name}”的文件夹已不存在：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="54"/>
        <source>Assess change accuracy</source>
        <translation>评估变化精度</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="57"/>
        <source>Measures predicted changes against reference labels, in any CRS.

Predicted: change polygons (e.g. from &apos;Referring change segmentation&apos;) or a change probability raster with a threshold. Reference: change polygons (optionally with a class field, for counts per class) or a raster (0/1 or class codes). Both are compared on one grid over the given extent (empty: where both overlap).

Pixel level: IoU, precision, recall, F1, overall accuracy. Object level: predicted and reference objects are matched one-to-one when their IoU reaches the minimum (0.5): true positives, false positives, false negatives. The report (HTML or Markdown, with a figure) and a styled layer of false positive and false negative polygons are written; open the layer to inspect the errors.</source>
        <translation>在任意坐标参考系下，将预测的变化与参考标注进行比较。

预测：变化多边形（例如来自“指代变化分割”）或带阈值的变化概率栅格。参考：变化多边形（可选类别字段，用于按类别计数）或栅格（0/1 或类别代码）。两者在给定范围内的同一网格上比较（留空：两者重叠的区域）。

像素级：IoU、精确率、召回率、F1、总体精度。对象级：当预测对象与参考对象的 IoU 达到最小值（0.5）时进行一对一匹配：真阳性、假阳性、假阴性。将写出报告（HTML 或 Markdown，附图）以及一个已设置样式的假阳性和假阴性多边形图层；打开该图层即可检查错误。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="75"/>
        <source>Predicted change polygons</source>
        <translation>预测的变化多边形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="75"/>
        <source>A filter set on the layer in QGIS is honoured.</source>
        <translation>会遵循在 QGIS 中为该图层设置的过滤条件。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="81"/>
        <source>…or a predicted change probability raster</source>
        <translation>……或预测的变化概率栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="86"/>
        <source>Probability threshold (probability raster only)</source>
        <translation>概率阈值（仅用于概率栅格）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="97"/>
        <source>Reference change polygons</source>
        <translation>参考变化多边形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="97"/>
        <source>The true changes, e.g. labelled by hand; a filter set on the layer in QGIS is honoured.</source>
        <translation>真实的变化，例如人工标注；会遵循在 QGIS 中为该图层设置的过滤条件。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="103"/>
        <source>Class field of the reference</source>
        <translation>参考数据的类别字段</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="103"/>
        <source>Object counts are reported per class of this field.</source>
        <translation>对象计数按该字段的类别分别报告。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="114"/>
        <source>…or a reference raster (0/1 or class codes)</source>
        <translation>……或参考栅格（0/1 或类别代码）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="119"/>
        <source>Class table of the reference raster (code=name, …)</source>
        <translation>参考栅格的类别表（代码=名称，…）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="129"/>
        <source>For example: 1=destroyed building,2=damaged building.</source>
        <translation>例如：1=被摧毁的建筑,2=受损的建筑。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="125"/>
        <source>Background image of the figure (e.g. the later raster)</source>
        <translation>图的背景影像（例如后期栅格）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="130"/>
        <source>Extent (empty: where both overlap)</source>
        <translation>范围（留空：两者重叠的区域）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="143"/>
        <source>Minimum IoU for two objects to match</source>
        <translation>两个对象匹配所需的最小 IoU</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="154"/>
        <source>Accuracy report</source>
        <translation>精度报告</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="154"/>
        <source>HTML files (*.html);;Markdown files (*.md)</source>
        <translation>HTML 文件 (*.html);;Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="159"/>
        <source>False positives and false negatives</source>
        <translation>假阳性和假阴性</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="164"/>
        <source>Metrics (JSON)</source>
        <translation>指标（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="164"/>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="177"/>
        <source>All figures (JSON)</source>
        <translation>全部数值（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="178"/>
        <source>Figure (PNG)</source>
        <translation>图（PNG）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="183"/>
        <source>predicted changes</source>
        <translation>预测的变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="183"/>
        <source>reference</source>
        <translation>参考数据</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="190"/>
        <source>Give the {what} either as polygons or as a raster (exactly one of them).</source>
        <translation>请以多边形或栅格之一提供{what}（只能二选一）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="203"/>
        <source>The report must be an HTML (.html) or Markdown (.md) file: {path}</source>
        <translation>报告必须是 HTML（.html）或 Markdown（.md）文件：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="208"/>
        <source>The errors layer must be a GeoPackage (.gpkg): {path}</source>
        <translation>错误图层必须是 GeoPackage（.gpkg）：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="254"/>
        <source>IoU {iou}, precision {precision}, recall {recall}, F1 {f1}; objects: {tp} TP, {fp} FP, {fn} FN</source>
        <translation>IoU {iou}，精确率 {precision}，召回率 {recall}，F1 {f1}；对象：{tp} 个真阳性，{fp} 个假阳性，{fn} 个假阴性</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="131"/>
        <source>The name of one of your fine-tuned models works too.</source>
        <translation>也可以填写您某个微调模型的名称。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="60"/>
        <source>Export MTRS training data</source>
        <translation>导出 MTRS 训练数据</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="63"/>
        <source>Cuts training chips from an earlier and a later raster and your change labels, ready for &apos;Fine-tune MTRS model&apos;.

Labels are either change polygons (any vector layer and CRS; optionally a class field such as a damage class, a free-text description field used verbatim as an expression, and an OGR SQL filter) or a change raster (0/1, or class codes named by a class table such as &apos;1=destroyed building,2=damaged building&apos;).

The later raster is aligned onto the earlier one&apos;s grid and both are normalised together, exactly as for analysis, so the chips look like what the model sees. The output folder holds train/ and val/ (split by spatial blocks so overlapping chips never land on both sides), each with A/, B/, label/ (all changes, stage 1), masks/ and referring_expression/ (stage 2), and a manifest.json recording sources, CRS, chip bounds, class counts, the command and the seed. Expressions are generated from the labels (class, position, size rank, descriptions) including negatives: a class absent from a chip gets an empty mask, so the model learns to answer &apos;nothing&apos;.

Nothing is written when the input is unusable; an output folder that is not empty is only replaced with &apos;Replace an existing output folder&apos;.</source>
        <translation>从早期栅格、后期栅格以及您标注的变化中切出训练切片，供“微调 MTRS 模型”使用。

标注可以是变化多边形（任意矢量图层和坐标参考系；可选类别字段，例如损毁等级，可选自由文本描述字段（原样用作表达式），以及 OGR SQL 过滤条件），也可以是变化栅格（0/1，或由类别表命名的类别代码，例如“1=被摧毁的建筑,2=受损的建筑”）。

后期栅格会对齐到早期栅格的网格上，两者一起归一化，与分析时完全相同，因此切片与模型所见一致。输出文件夹包含 train/ 和 val/（按空间块划分，使相互重叠的切片不会同时出现在两侧），每个都含有 A/、B/、label/（全部变化，第 1 阶段）、masks/ 和 referring_expression/（第 2 阶段），以及记录数据源、坐标参考系、切片边界、类别计数、命令和随机种子的 manifest.json。表达式由标注生成（类别、位置、大小排序、描述），并包含负样本：切片中不存在的类别会得到空掩膜，使模型学会回答“没有”。

输入不可用时不会写出任何内容；非空的输出文件夹只有在勾选“替换已有的输出文件夹”时才会被替换。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="88"/>
        <source>Change polygons (labels)</source>
        <translation>变化多边形（标注）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="88"/>
        <source>Polygons of the changes you labelled; a filter set on the layer in QGIS is honoured.</source>
        <translation>您标注的变化多边形；会遵循在 QGIS 中为该图层设置的过滤条件。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="97"/>
        <source>Class field</source>
        <translation>类别字段</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="97"/>
        <source>The kind of change of each polygon, e.g. a damage class; empty: one kind (see below).</source>
        <translation>每个多边形的变化类型，例如损毁等级；留空：只有一种类型（见下文）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="108"/>
        <source>Description field</source>
        <translation>描述字段</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="108"/>
        <source>Free text describing each polygon&apos;s change; used verbatim as an expression.</source>
        <translation>描述每个多边形变化的自由文本；原样用作表达式。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="119"/>
        <source>Filter on the labels (OGR SQL)</source>
        <translation>标注过滤条件（OGR SQL）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="119"/>
        <source>For example: damage IN (&apos;destroyed&apos;, &apos;major-damage&apos;).</source>
        <translation>例如：damage IN ('destroyed', 'major-damage')。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="123"/>
        <source>…or a change raster (0/1 or class codes)</source>
        <translation>……或变化栅格（0/1 或类别代码）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="123"/>
        <source>Instead of polygons: a raster where 0 is no change and other values are change classes.</source>
        <translation>代替多边形：一个栅格，其中 0 表示无变化，其他值表示变化类别。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="129"/>
        <source>Class table of the change raster (code=name, …)</source>
        <translation>变化栅格的类别表（代码=名称，…）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="135"/>
        <source>Name of the change when labels carry no class</source>
        <translation>标注不含类别时变化的名称</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="135"/>
        <source>Used in the generated expressions, e.g. &apos;destroyed building&apos;.</source>
        <translation>用于生成的表达式，例如“被摧毁的建筑”。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="144"/>
        <source>Extent (empty: the overlap of the rasters)</source>
        <translation>范围（留空：栅格的重叠区域）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="144"/>
        <source>Export only this area, e.g. where you have labelled every change.</source>
        <translation>仅导出该区域，例如您已标注全部变化的区域。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="150"/>
        <source>Chip size (pixels)</source>
        <translation>切片大小（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="161"/>
        <source>Fraction of chips held out for validation</source>
        <translation>留作验证的切片比例</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="173"/>
        <source>Stride between chips (pixels; 0: the chip size, no overlap)</source>
        <translation>切片之间的步长（像素；0：等于切片大小，无重叠）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="184"/>
        <source>Minimum labelled fraction of a chip</source>
        <translation>切片中已标注部分的最小比例</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="184"/>
        <source>Chips with less labelled change are skipped (0 keeps chips without change as negatives).</source>
        <translation>已标注变化少于该比例的切片将被跳过（0 表示保留无变化的切片作为负样本）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="196"/>
        <source>Maximum nodata fraction of a chip</source>
        <translation>切片中无数据部分的最大比例</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="207"/>
        <source>&apos;No such change&apos; expressions per chip</source>
        <translation>每个切片的“无此变化”表达式数量</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="207"/>
        <source>Expressions for classes absent from a chip, answered with an empty mask.</source>
        <translation>针对切片中不存在的类别的表达式，以空掩膜作答。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="219"/>
        <source>Resampling of the later raster</source>
        <translation>后期栅格的重采样方法</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="224"/>
        <source>Size of the blocks of the train/val split (chips)</source>
        <translation>训练/验证划分的块大小（切片数）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="224"/>
        <source>Chips are split in square blocks of this many chips, so neighbours stay on one side.</source>
        <translation>切片按该边长的方形块划分，使相邻切片留在同一侧。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="236"/>
        <source>Expression templates (JSON)</source>
        <translation>表达式模板（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="236"/>
        <source>Your own copy of the engine&apos;s engine/export/templates.json; empty: the default templates.</source>
        <translation>您自己的引擎 engine/export/templates.json 副本；留空：使用默认模板。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="160"/>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="251"/>
        <source>Replace an existing output folder</source>
        <translation>替换已有的输出文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="76"/>
        <source>Training data folder</source>
        <translation>训练数据文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="255"/>
        <source>Manifest (JSON)</source>
        <translation>清单（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="256"/>
        <source>Training chips</source>
        <translation>训练切片</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="257"/>
        <source>Validation chips</source>
        <translation>验证切片</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="258"/>
        <source>Training expressions</source>
        <translation>训练表达式</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="259"/>
        <source>Validation expressions</source>
        <translation>验证表达式</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="268"/>
        <source>Give the change labels either as polygons or as a change raster (exactly one of them).</source>
        <translation>请以多边形或变化栅格之一提供变化标注（只能二选一）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/export_training.py" line="318"/>
        <source>{train} training and {val} validation chips in {path}</source>
        <translation>{train} 个训练切片和 {val} 个验证切片，位于 {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="55"/>
        <source>Fine-tune MTRS model</source>
        <translation>微调 MTRS 模型</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="76"/>
        <source>The output folder of &apos;Export MTRS training data&apos; (train/ and val/), or one split folder.</source>
        <translation>“导出 MTRS 训练数据”的输出文件夹（train/ 和 val/），或其中一个划分文件夹。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="82"/>
        <source>Starting model (empty: bundled; your model&apos;s name, a folder or hub id)</source>
        <translation>起始模型（留空：内置；您的模型名称、文件夹或 Hub ID）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="89"/>
        <source>What to train</source>
        <translation>训练内容</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="89"/>
        <source>Stage 2: changes described by prompts</source>
        <translation>第 2 阶段：由提示词描述的变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="89"/>
        <source>Stage 1: all changes (no prompts)</source>
        <translation>第 1 阶段：全部变化（无提示词）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="98"/>
        <source>Time budget (minutes; 0: no time limit)</source>
        <translation>时间预算（分钟；0：不限时）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="109"/>
        <source>Epochs (0: use the time budget)</source>
        <translation>轮数（0：使用时间预算）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="109"/>
        <source>When set, training runs this many passes over the chips instead of a time budget.</source>
        <translation>设置后，训练将按此轮数遍历切片，而不是按时间预算。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="121"/>
        <source>Name in your model list (empty: the folder name)</source>
        <translation>在您的模型列表中的名称（留空：文件夹名）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="126"/>
        <source>Learning rate (empty: engine default)</source>
        <translation>学习率（留空：引擎默认值）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="137"/>
        <source>Early stopping patience (validations without improvement; empty: engine default)</source>
        <translation>提前停止的耐心值（无提升的验证次数；留空：引擎默认值）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="148"/>
        <source>Maximum optimisation steps (empty: no limit)</source>
        <translation>最大优化步数（留空：不限）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="148"/>
        <source>A hard cap on training steps, e.g. for a quick trial run.</source>
        <translation>训练步数的硬性上限，例如用于快速试运行。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="165"/>
        <source>Hub revision of the starting model</source>
        <translation>起始模型的 Hub 版本</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="171"/>
        <source>Resume an interrupted fine-tuning in the output folder</source>
        <translation>在输出文件夹中继续被中断的微调</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="176"/>
        <source>Replace an existing model folder</source>
        <translation>替换已有的模型文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="177"/>
        <source>Fine-tuned model folder</source>
        <translation>微调模型文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="178"/>
        <source>Name in your model list</source>
        <translation>在您的模型列表中的名称</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="179"/>
        <source>Training steps</source>
        <translation>训练步数</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="180"/>
        <source>Training time (s)</source>
        <translation>训练时间（秒）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="181"/>
        <source>Validation figures (JSON)</source>
        <translation>验证数值（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="188"/>
        <source>The training data folder does not exist: {path}</source>
        <translation>训练数据文件夹不存在：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="227"/>
        <source>Cancelled; the best model so far was kept in {path} and added to your models as &apos;{name}&apos;.</source>
        <translation>已取消；迄今为止的最佳模型保存在 {path}，并以“{name}”加入您的模型。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="249"/>
        <source>Model &apos;{name}&apos; saved in {path} and added to your models.</source>
        <translation>模型“{name}”已保存到 {path} 并加入您的模型。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="274"/>
        <source>Forget this model in the list (its folder is not deleted).</source>
        <translation>从列表中移除此模型（不会删除其文件夹）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="609"/>
        <source>{name} (missing)</source>
        <translation>{name}（缺失）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="613"/>
        <source>Other folder…</source>
        <translation>其他文件夹…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="614"/>
        <source>Hub id…</source>
        <translation>Hub ID…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="664"/>
        <source>The folder of this model is missing: {path}. Choose another model, or Remove to forget it.</source>
        <translation>此模型的文件夹已缺失：{path}。请选择其他模型，或点击“移除”将其从列表中删除。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="668"/>
        <source>Your model, fine-tuned from {base}.</source>
        <translation>您的模型，基于 {base} 微调。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="667"/>
        <source>the bundled model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="671"/>
        <source>Validation: {figures}.</source>
        <translation>验证：{figures}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="855"/>
        <source>The folder of your model &apos;{name}&apos; no longer exists. Choose another model.</source>
        <translation>您的模型“{name}”的文件夹已不存在。请选择其他模型。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="79"/>
        <source>version mismatch</source>
        <translation>版本不匹配</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="80"/>
        <source>The MTRS engine environment is not usable ({message}). Open the MTRS dock and use &apos;Engine set-up&apos; to create or choose it.</source>
        <translation>MTRS 引擎环境不可用（{message}）。请打开 MTRS 停靠面板，在“引擎设置”中创建或选择引擎环境。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="195"/>
        <source>Cannot start the engine ({python}): {message}</source>
        <translation>无法启动引擎（{python}）：{message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="177"/>
        <source>Cancelling: asking the engine to stop…</source>
        <translation>正在取消：正在请求引擎停止…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="193"/>
        <source>Cancelled; the engine stopped and removed its unfinished output.</source>
        <translation>已取消；引擎已停止并删除了未完成的输出。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="251"/>
        <source>The engine command &apos;{name}&apos; failed (exit code {code}) without a message.</source>
        <translation>引擎命令“{name}”失败（退出代码 {code}），没有错误信息。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="83"/>
        <source>Choose a valid vector layer.</source>
        <translation>请选择一个有效的矢量图层。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/layers.py" line="116"/>
        <source>Layer &apos;{name}&apos; could not be copied for the engine: {message}</source>
        <translation>无法为引擎复制图层“{name}”：{message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/assess.py" line="133"/>
        <source>Pixel size of the comparison grid (map units; empty: from a raster, else 0.5 m)</source>
        <translation>比较网格的像素大小（地图单位；留空：取自栅格，否则为 0.5 米）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_command.py" line="183"/>
        <source>The engine is still busy: asking it to stop at once…</source>
        <translation>引擎仍在忙碌：正在请求其立即停止…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="686"/>
        <source>The earlier and the later raster are the same image: there is nothing to compare. Choose the image taken before the change as earlier and the one after it as later.</source>
        <translation>前期和后期栅格是同一幅影像：没有可比较的内容。请选择变化前的影像作为前期、变化后的影像作为后期。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="151"/>
        <source>Polygons smaller than this are dropped (0 keeps single-pixel specks).</source>
        <translation>小于此面积的多边形将被丢弃（0 保留单像素斑点）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="126"/>
        <source>Overlap: {area}.</source>
        <translation>重叠：{area}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="138"/>
        <source>MTRS: checking the images</source>
        <translation>MTRS：正在检查影像</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="145"/>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="146"/>
        <source>Open the user guide of the plugin.</source>
        <translation>打开插件的用户指南。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="175"/>
        <source>The image taken before the change.</source>
        <translation>变化前拍摄的影像。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="176"/>
        <source>The image taken after the change; it must overlap the earlier one.</source>
        <translation>变化后拍摄的影像；必须与前期影像重叠。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="181"/>
        <source>red</source>
        <translation>红</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="181"/>
        <source>green</source>
        <translation>绿</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="181"/>
        <source>blue</source>
        <translation>蓝</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="182"/>
        <source>Band shown to the model as {colour}.</source>
        <translation>作为{colour}色提供给模型的波段。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="227"/>
        <source>Describe the change to find, in plain words; earlier prompts of this project are listed.</source>
        <translation>用平实的语言描述要查找的变化；会列出本项目以前的提示。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="307"/>
        <source>Side of the square pieces the image is cut into; 0 uses the model&apos;s size.</source>
        <translation>影像切分成的正方形瓦片边长；0 表示使用模型的尺寸。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="311"/>
        <source>Pixels shared by neighbouring tiles, blended to hide tile seams.</source>
        <translation>相邻瓦片共享的像素，经融合以隐藏瓦片接缝。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="316"/>
        <source>A pixel counts as changed above this probability; lower finds more, with more false alarms.</source>
        <translation>概率高于此值的像素视为变化；值越低发现越多，误报也越多。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="335"/>
        <source>Polygons smaller than this are dropped: single-pixel specks are noise. 0 keeps everything.</source>
        <translation>小于此面积的多边形将被丢弃：单像素斑点是噪声。0 保留全部。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="342"/>
        <source>Smooth polygon outlines by this tolerance; 0 keeps the pixel edges.</source>
        <translation>按此容差平滑多边形轮廓；0 保留像素边缘。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="349"/>
        <source>Where the polygons are saved. An existing file is never overwritten: the next run writes a numbered file beside it. Empty: a temporary file, lost when QGIS closes.</source>
        <translation>多边形的保存位置。已有文件绝不会被覆盖：下一次运行会在旁边写入带编号的文件。留空：临时文件，QGIS 关闭后丢失。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="367"/>
        <source>Also add the per-pixel change probability as a raster layer (hidden at first).</source>
        <translation>同时将逐像素变化概率添加为栅格图层（初始隐藏）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="770"/>
        <source>Find the described change between the two images.</source>
        <translation>在两幅影像之间查找所描述的变化。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="702"/>
        <source>Counting tiles…</source>
        <translation>正在统计瓦片…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="779"/>
        <source>{tiles} tiles per prompt.</source>
        <translation>每个提示 {tiles} 个瓦片。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="782"/>
        <source>About {time} for {prompts} prompt(s), measured on this computer.</source>
        <translation>{prompts} 个提示约需 {time}（在本机测得）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="985"/>
        <source>Elapsed {time}</source>
        <translation>已用 {time}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="988"/>
        <source>about {time} left</source>
        <translation>约剩 {time}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="1026"/>
        <source>Took {time}</source>
        <translation>耗时 {time}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="86"/>
        <source>Feature id</source>
        <translation>要素 ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="87"/>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="88"/>
        <source>Area (m²)</source>
        <translation>面积（m²）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="89"/>
        <source>Area (pixels)</source>
        <translation>面积（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="90"/>
        <source>Perimeter (m)</source>
        <translation>周长（m）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="91"/>
        <source>Perimeter (pixels)</source>
        <translation>周长（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="92"/>
        <source>Mean probability</source>
        <translation>平均概率</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="93"/>
        <source>Highest probability</source>
        <translation>最高概率</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="94"/>
        <source>Centre X</source>
        <translation>中心 X</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="95"/>
        <source>Centre Y</source>
        <translation>中心 Y</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="96"/>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="97"/>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="99"/>
        <source>Model revision</source>
        <translation>模型版本</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="100"/>
        <source>Earlier image</source>
        <translation>前期影像</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="101"/>
        <source>Later image</source>
        <translation>后期影像</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="102"/>
        <source>Run at (UTC)</source>
        <translation>运行时间（UTC）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="166"/>
        <source>Change polygons from MTRS for: {prompts}.</source>
        <translation>MTRS 变化多边形：{prompts}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="169"/>
        <source>Model: {model}</source>
        <translation>模型：{model}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="169"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="171"/>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="172"/>
        <source>Run at (UTC): {when}</source>
        <translation>运行时间（UTC）：{when}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="173"/>
        <source>Polygons: {n}, total area: {area}</source>
        <translation>多边形：{n}，总面积：{area}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="177"/>
        <source>Images: {earlier} → {later}</source>
        <translation>影像：{earlier} → {later}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="180"/>
        <source>Threshold {threshold}, minimum area {min_area} m², tiles {tiles}</source>
        <translation>阈值 {threshold}，最小面积 {min_area} m²，瓦片 {tiles}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="197"/>
        <source>Note: {text}</source>
        <translation>注意：{text}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="198"/>
        <source>Run record: the complete JSON is kept in the layer property &apos;{key}&apos;.</source>
        <translation>运行记录：完整 JSON 保存在图层属性“{key}”中。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="228"/>
        <source>&apos;{label}&apos;: {n} polygons, {area} in {seconds} s on {device}.</source>
        <translation>“{label}”：{n} 个多边形，{area}，用时 {seconds} 秒，设备 {device}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="261"/>
        <source>{n} polygons, {area} in {seconds} s on {device}.</source>
        <translation>{n} 个多边形，{area}，用时 {seconds} 秒，设备 {device}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="356"/>
        <source>Save results next to the project</source>
        <translation>将结果保存在项目旁边</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="358"/>
        <source>With no output file chosen, write the results into a folder &apos;mtrs_results&apos; beside the saved project instead of temporary files that are lost when QGIS closes.</source>
        <translation>未选择输出文件时，将结果写入已保存项目旁的“mtrs_results”文件夹，而不是 QGIS 关闭后会丢失的临时文件。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="320"/>
        <source>Presence threshold (0: off)</source>
        <translation>存在阈值（0：关闭）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="322"/>
        <source>Models that judge whether the described change exists at all: below this confidence a prompt counts as not found in a tile, and in the area when no tile reaches it; its output has no polygons. 0 turns the check off. Models without this judgement ignore it.</source>
        <translation>适用于能判断所描述变化是否存在的模型：置信度低于此值时，该提示词在瓦片中视为未找到；若没有任何瓦片达到此值，则在整个区域中视为未找到，其输出不含多边形。0 表示关闭此检查。没有此判断能力的模型会忽略该值。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="324"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="325"/>
        <source>Models that judge whether the described change exists at all: below this confidence a prompt counts as not found and its layer stays empty. 0 turns the check off.</source>
        <translation>适用于能判断所描述变化是否存在的模型：置信度低于此值时，该提示词视为未找到，其图层保持为空。0 表示关闭此检查。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="331"/>
        <source>Presence threshold</source>
        <translation>存在阈值</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="539"/>
        <source>Pre-filled by acquisition dates in the metadata ({earlier} and {later}).</source>
        <translation>已按元数据中的采集日期预先选择（{earlier} 和 {later}）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="544"/>
        <source>Pre-filled by the dates in the layer names.</source>
        <translation>已按图层名称中的日期预先选择。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="546"/>
        <source>Pre-filled by words such as pre/post or before/after in the layer names.</source>
        <translation>已按图层名称中的 pre/post、before/after 等词预先选择。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="548"/>
        <source>Pre-filled in the order of the layer names: check which image is the earlier one.</source>
        <translation>已按图层名称顺序预先选择：请检查哪幅影像是早期影像。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="78"/>
        <source>polygonising &apos;{label}&apos;</source>
        <translation>正在生成多边形：“{label}”</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="79"/>
        <source>loading model</source>
        <translation>正在加载模型</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="80"/>
        <source>model loaded</source>
        <translation>模型已加载</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="81"/>
        <source>chip {done}/{total}</source>
        <translation>切片 {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="82"/>
        <source>scanning labels {done}/{total}</source>
        <translation>正在扫描标注 {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="83"/>
        <source>reading the inputs</source>
        <translation>正在读取输入</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="84"/>
        <source>writing the outputs</source>
        <translation>正在写入输出</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="86"/>
        <source>analysis cancelled</source>
        <translation>分析已取消</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="87"/>
        <source>cancelled while polygonising</source>
        <translation>在生成多边形时已取消</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="88"/>
        <source>cancelled before it started</source>
        <translation>在开始前已取消</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="90"/>
        <source>input raster not found: {path}</source>
        <translation>未找到输入栅格：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="91"/>
        <source>{path} is a folder, not a raster file</source>
        <translation>{path} 是文件夹，不是栅格文件</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="92"/>
        <source>give the raster file inside it</source>
        <translation>请指定其中的栅格文件</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="93"/>
        <source>not a raster GDAL can read: {path}</source>
        <translation>不是 GDAL 可读取的栅格：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="94"/>
        <source>{name} is not georeferenced (no coordinate reference system, no geotransform)</source>
        <translation>{name} 没有地理配准（无坐标参考系，无地理变换）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="98"/>
        <source>georeference it first (QGIS: Raster &gt; Georeferencer); `mtrs predict` also takes two plain images of the same size and works in pixel coordinates</source>
        <translation>请先进行地理配准（QGIS：栅格 &gt; 地理配准工具）；`mtrs predict` 也可以接受两幅尺寸相同的普通图像，并在像素坐标中处理</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="106"/>
        <source>{name} has no coordinate reference system</source>
        <translation>{name} 没有坐标参考系</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="107"/>
        <source>assign one (QGIS: Raster &gt; Projections &gt; Assign Projection; GDAL: gdal_edit -a_srs)</source>
        <translation>请为其指定一个（QGIS：栅格 &gt; 投影 &gt; 指定投影；GDAL：gdal_edit -a_srs）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="111"/>
        <source>{name} is truncated: {problem}</source>
        <translation>{name} 不完整：{problem}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="112"/>
        <source>copy or download the file again</source>
        <translation>请重新复制或下载该文件</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="113"/>
        <source>band {band} does not exist in {name} (it has {count} band(s))</source>
        <translation>{name} 中不存在波段 {band}（它有 {count} 个波段）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="117"/>
        <source>choose bands between 1 and {count}</source>
        <translation>请选择 1 到 {count} 之间的波段</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="118"/>
        <source>cannot read {name}: {detail}</source>
        <translation>无法读取 {name}：{detail}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="119"/>
        <source>the file is damaged or incomplete; copy or download it again</source>
        <translation>文件已损坏或不完整；请重新复制或下载</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="124"/>
        <source>the earlier and later rasters do not overlap</source>
        <translation>早期栅格与后期栅格不重叠</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="125"/>
        <source>earlier covers {bounds} in {crs}</source>
        <translation>早期栅格覆盖 {crs} 中的 {bounds}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="129"/>
        <source>there is no valid pixel where both rasters overlap: everything is nodata, masked or NaN</source>
        <translation>两个栅格的重叠区域中没有有效像元：全部为无数据值、被掩膜或为 NaN</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="133"/>
        <source>check the rasters&apos; nodata values, masks and bands (--bands-earlier, --bands-later)</source>
        <translation>请检查栅格的无数据值、掩膜和波段（--bands-earlier、--bands-later）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="137"/>
        <source>the requested extent does not overlap the area covered by both rasters</source>
        <translation>所请求的范围与两个栅格共同覆盖的区域不重叠</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="142"/>
        <source>no prompt given</source>
        <translation>未给出提示词</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="143"/>
        <source>empty prompt</source>
        <translation>提示词为空</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="144"/>
        <source>describe the change, e.g. &apos;buildings destroyed by the tornado&apos;</source>
        <translation>请描述变化，例如“被龙卷风摧毁的建筑物”</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="148"/>
        <source>describe the change in a sentence or two</source>
        <translation>请用一两句话描述变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="149"/>
        <source>CUDA was requested but no CUDA GPU is available</source>
        <translation>请求了 CUDA，但没有可用的 CUDA GPU</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="153"/>
        <source>use --device auto or cpu</source>
        <translation>请使用 --device auto 或 cpu</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="154"/>
        <source>out of memory on {device} even with a batch of one {tile}×{tile} tile</source>
        <translation>即使每批只有一个 {tile}×{tile} 瓦片，{device} 上的内存仍然不足</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="158"/>
        <source>use a smaller --tile, --device cpu, or close other programs using the GPU</source>
        <translation>请使用更小的 --tile、--device cpu，或关闭其他占用 GPU 的程序</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="163"/>
        <source>output already exists: {path}</source>
        <translation>输出已存在：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="164"/>
        <source>choose another name or pass --overwrite</source>
        <translation>请选择其他名称，或使用 --overwrite</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="165"/>
        <source>output folder does not exist: {path}</source>
        <translation>输出文件夹不存在：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="166"/>
        <source>output folder is not writable: {path}</source>
        <translation>输出文件夹不可写：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="168"/>
        <source>model not found: {model} is neither a folder nor a hub id (owner/name)</source>
        <translation>未找到模型：{model} 既不是文件夹，也不是 Hub ID（owner/name）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="172"/>
        <source>give a folder with config.json and model.safetensors, or a hub id like owner/name</source>
        <translation>请指定包含 config.json 和 model.safetensors 的文件夹，或形如 owner/name 的 Hub ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="176"/>
        <source>a model folder needs config.json and model.safetensors</source>
        <translation>模型文件夹需要 config.json 和 model.safetensors</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="180"/>
        <source>{path} is missing</source>
        <translation>缺少 {path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="182"/>
        <source>The engine exited while starting.</source>
        <translation>引擎在启动时退出。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="183"/>
        <source>The engine did not start in time.</source>
        <translation>引擎未能及时启动。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="184"/>
        <source>The engine was stopped.</source>
        <translation>引擎已停止。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="185"/>
        <source>The engine stopped unexpectedly.</source>
        <translation>引擎意外停止。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="186"/>
        <source>The engine is not running.</source>
        <translation>引擎未在运行。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="187"/>
        <source>The engine process ended unexpectedly (exit code {code}).</source>
        <translation>引擎进程意外结束（退出码 {code}）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/i18n.py" line="191"/>
        <source>The engine did not answer &apos;{cmd}&apos; in time.</source>
        <translation>引擎未及时响应“{cmd}”。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="41"/>
        <source>under 1 %</source>
        <translation>低于 1%</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="43"/>
        <source>over 99 %</source>
        <translation>高于 99%</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="49"/>
        <source>No &apos;{label}&apos; found in this area (model confidence {confidence}); its layer is empty.</source>
        <translation>在此区域未找到“{label}”（模型置信度 {confidence}）；其图层为空。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="56"/>
        <source>found in {k} of {n} tiles (model confidence {confidence})</source>
        <translation>在 {n} 个瓦片中的 {k} 个中找到（模型置信度 {confidence}）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/presence.py" line="66"/>
        <source>&apos;{label}&apos;: {found}.</source>
        <translation>“{label}”：{found}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="59"/>
        <source>{label} (not found)</source>
        <translation>{label}（未找到）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="188"/>
        <source>Presence threshold {threshold} (below it a prompt counts as not found).</source>
        <translation>存在阈值 {threshold}（低于此值时提示词视为未找到）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="225"/>
        <source>&apos;{label}&apos;: {n} polygons, {area} in {seconds} s on {device}; {found}.</source>
        <translation>“{label}”：{n} 个多边形，{area}，用时 {seconds} 秒，设备 {device}；{found}。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/finetune.py" line="58"/>
        <source>Adapts a model to your imagery with the chips made by &apos;Export MTRS training data&apos;.

Start from the bundled lite model, one of your models (by its name), a model folder or a hub id. Stage 2 (default) teaches the model your prompts; stage 1 only its sense of change. The defaults suit a few dozen chips on a CPU: the image encoder stays frozen, the model is checked on the validation chips and the best one is kept; training stops after the given minutes or epochs, or earlier when validation stops improving.

The engine runs in its own process; progress shows here. Cancel stops training and keeps the best model so far. The result is a normal model folder (config, weights, tokenizer and a model card with the validation figures) and is added to your models under the given name: the MTRS dock offers it in its model list, and the analysis algorithms accept that name as model.</source>
        <translation>使用“导出 MTRS 训练数据”生成的切片，使模型适应您的影像。

可以从内置轻量模型、您的某个模型（按名称）、模型文件夹或 Hub ID 开始。第 2 阶段（默认）让模型学习您的提示词；第 1 阶段只训练其对变化的感知。默认设置适合在 CPU 上使用几十个切片：影像编码器保持冻结，模型在验证切片上检验并保留最佳结果；训练在给定的分钟数或轮数后停止，若验证结果不再提升则提前停止。

引擎在独立进程中运行，进度显示在此处。取消会停止训练并保留迄今为止的最佳模型。结果是一个普通的模型文件夹（配置、权重、分词器以及包含验证数值的模型卡），并以给定名称加入您的模型：MTRS 停靠面板会在模型列表中提供它，分析算法也接受该名称作为模型。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="595"/>
        <source>Bundled lite model (small, general)</source>
        <translation>内置轻量模型（小型、通用）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="596"/>
        <source>A small model with pretrained image and sentence encoders, trained on a CPU on a few hundred sample image pairs; its model card lists what it gets right and wrong. Check its results.</source>
        <translation>带有预训练影像编码器和句子编码器的小模型，在 CPU 上用几百对样例影像训练；其模型卡列出了它的正确与错误之处。请核查其结果。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="654"/>
        <source>A small general model trained on sample data: check its results, and fine-tune it on your own labelled changes for real work (Processing ▸ MTRS ▸ Adapt the model).</source>
        <translation>在样例数据上训练的小型通用模型：请核查其结果；用于实际工作时，请用您自己标注的变化对其进行微调（处理 ▸ MTRS ▸ 调整模型）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="59"/>
        <source>Batch change analysis (manifest)</source>
        <translation>批量变化分析（清单）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="68"/>
        <source>Analyses many pairs of rasters in one run, listed in a manifest: a CSV, JSON lines or YAML file with one pair per row (columns earlier, later, prompts or all_changes, and optionally id, output and any analysis option such as model, tile or threshold).

Each pair gets its own GeoPackage in the output folder; all polygons are also merged into one layer with a pair_id field, and a summary table lists every pair and prompt with its polygons, area, time and status. A pair that fails (a missing or unreadable raster, no overlap) is reported in the log and in the summary; the others are still analysed.

Running it again resumes: pairs whose output is up to date are skipped unless &apos;Redo&apos; is ticked. The engine runs in its own processes (several pairs at once with more workers, or on a Ray cluster); cancel stops it and keeps the pairs finished so far.</source>
        <translation>在一次运行中分析清单中列出的多对栅格：清单是 CSV、JSON Lines 或 YAML 文件，每行一对（列 earlier、later、prompts 或 all_changes，可选 id、output 以及任意分析选项，例如 model、tile 或 threshold）。

每一对在输出文件夹中得到各自的 GeoPackage；所有多边形还会合并到一个带 pair_id 字段的图层中，汇总表列出每一对和每个提示词的多边形、面积、用时和状态。失败的影像对（栅格缺失或无法读取、没有重叠）会在日志和汇总中报告；其他影像对照常分析。

再次运行会继续上次的工作：输出已是最新的影像对会被跳过，除非勾选了“重新计算”。引擎在自己的进程中运行（工作进程越多，同时分析的影像对越多，也可在 Ray 集群上运行）；取消会停止引擎并保留已完成的影像对。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="85"/>
        <source>Manifest of pairs</source>
        <translation>影像对清单</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="85"/>
        <source>Batch manifests (*.csv *.jsonl *.json *.yaml *.yml)</source>
        <translation>批量清单 (*.csv *.jsonl *.json *.yaml *.yml)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="85"/>
        <source>Relative raster paths in the manifest are taken from the manifest&apos;s folder.</source>
        <translation>清单中的相对栅格路径以清单所在文件夹为基准。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="94"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="94"/>
        <source>One GeoPackage per pair (the pair&apos;s id as name) unless the manifest gives an output.</source>
        <translation>每对一个 GeoPackage（以影像对的 ID 命名），除非清单指定了输出。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="98"/>
        <source>Merged change polygons (empty: merged.gpkg in the output folder)</source>
        <translation>合并的变化多边形（留空：输出文件夹中的 merged.gpkg）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="106"/>
        <source>A GeoPackage (.gpkg) or FlatGeobuf (.fgb) file.</source>
        <translation>GeoPackage（.gpkg）或 FlatGeobuf（.fgb）文件。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="107"/>
        <source>Summary table (empty: summary.csv in the output folder)</source>
        <translation>汇总表（留空：输出文件夹中的 summary.csv）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="107"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="116"/>
        <source>Pairs analysed at once (empty: as many as the machine allows)</source>
        <translation>同时分析的影像对数（留空：按本机能力而定）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="116"/>
        <source>Each worker loads the model once; 1 analyses the pairs one after the other.</source>
        <translation>每个工作进程只加载一次模型；设为 1 时逐对依次分析。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="128"/>
        <source>Ray cluster address (empty: processes on this computer)</source>
        <translation>Ray 集群地址（留空：使用本机进程）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="128"/>
        <source>&apos;auto&apos; joins the Ray cluster running on this computer; or host:port of a cluster.</source>
        <translation>“auto”加入本机上运行的 Ray 集群；或填写集群的 host:port。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="134"/>
        <source>Redo pairs whose output is up to date</source>
        <translation>重新计算：包括输出已是最新的影像对</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs</source>
        <translation>影像对</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs analysed</source>
        <translation>已分析的影像对</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs up to date</source>
        <translation>已是最新的影像对（已跳过）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Pairs failed</source>
        <translation>失败的影像对</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="137"/>
        <source>Polygons</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="143"/>
        <source>Failed pairs and their errors (JSON)</source>
        <translation>失败的影像对及其错误（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="150"/>
        <source>The manifest does not exist: {path}</source>
        <translation>清单不存在：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="152"/>
        <source>The manifest must be a CSV, JSON lines or YAML file (.csv, .jsonl, .json, .yaml): {path}</source>
        <translation>清单必须是 CSV、JSON Lines 或 YAML 文件（.csv、.jsonl、.json、.yaml）：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="163"/>
        <source>The merged layer must be a GeoPackage (.gpkg) or FlatGeobuf (.fgb): {path}</source>
        <translation>合并图层必须是 GeoPackage（.gpkg）或 FlatGeobuf（.fgb）：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="175"/>
        <source>Give the number of workers or a Ray cluster address, not both: on Ray, the cluster decides.</source>
        <translation>请给出工作进程数或 Ray 集群地址，不要同时给出：在 Ray 上由集群决定。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="194"/>
        <source>Cancelled; the pairs finished so far are kept in {path}. Run it again to analyse the others: finished pairs are skipped.</source>
        <translation>已取消；已完成的影像对保留在 {path} 中。再次运行即可分析其余影像对：已完成的会被跳过。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="213"/>
        <source>{done} pairs analysed, {skipped} up to date, {failed} failed; summary: {path}</source>
        <translation>已分析 {done} 对，{skipped} 对已是最新，{failed} 对失败；汇总：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="220"/>
        <source>Batch changes</source>
        <translation>批量变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/batch.py" line="258"/>
        <source>{pair} failed: {error}</source>
        <translation>{pair} 失败：{error}</translation>
    </message>
</context>
</TS>
