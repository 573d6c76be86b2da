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
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="55"/>
        <source>Change analysis</source>
        <translation>变化分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="65"/>
        <source>Earlier raster</source>
        <translation>早期栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="66"/>
        <source>Later raster</source>
        <translation>后期栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="67"/>
        <source>Bands of the earlier raster (R, G, B)</source>
        <translation>早期栅格的波段（R、G、B）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="67"/>
        <source>Bands of the later raster (R, G, B)</source>
        <translation>后期栅格的波段（R、G、B）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="72"/>
        <source>Three bands in red, green, blue order; empty: the first three bands.</source>
        <translation>按红、绿、蓝顺序指定三个波段；留空则使用前三个波段。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="76"/>
        <source>Model (empty: bundled; folder or hub id)</source>
        <translation>模型（留空：内置模型；或文件夹、Hub ID）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="79"/>
        <source>A checkpoint folder (config.json + model.safetensors) or a hub id; empty uses the bundled model.</source>
        <translation>检查点文件夹（config.json + model.safetensors）或 Hub ID；留空则使用内置模型。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="86"/>
        <source>Extent (empty: overlap of the rasters)</source>
        <translation>范围（留空：两幅栅格的重叠区域）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="92"/>
        <source>Tile size in pixels (0: the model&apos;s size)</source>
        <translation>瓦片大小（像素；0：模型自身尺寸）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="101"/>
        <source>Tile overlap in pixels</source>
        <translation>瓦片重叠（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="238"/>
        <source>Probability threshold</source>
        <translation>概率阈值</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="119"/>
        <source>Minimum polygon area (m²)</source>
        <translation>最小多边形面积（m²）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="127"/>
        <source>Simplification tolerance (map units)</source>
        <translation>简化容差（地图单位）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="135"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="140"/>
        <source>Change polygons</source>
        <translation>变化多边形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="145"/>
        <source>Change probability raster</source>
        <translation>变化概率栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="150"/>
        <source>Number of polygons</source>
        <translation>多边形数量</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="151"/>
        <source>Total area (m²)</source>
        <translation>总面积（m²）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="152"/>
        <source>Run record (JSON)</source>
        <translation>运行记录（JSON）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="166"/>
        <source>Give exactly three bands (R, G, B) for {name}, or none for the first three.</source>
        <translation>请为 {name} 指定恰好三个波段（R、G、B），或不指定以使用前三个波段。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="187"/>
        <source>The output must be a GeoPackage (.gpkg): {path}</source>
        <translation>输出必须是 GeoPackage（.gpkg）：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="202"/>
        <source>Engine request: {prompts}</source>
        <translation>引擎请求：{prompts}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="202"/>
        <source>all changes</source>
        <translation>全部变化</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="218"/>
        <source>Cancelled; no output was written.</source>
        <translation>已取消；未写入任何输出。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/algorithms/base.py" line="225"/>
        <source>{n} polygons, {area:.1f} m² in {seconds:.1f} s on {device}.</source>
        <translation>{n} 个多边形，{area:.1f} m²，用时 {seconds:.1f} 秒，设备 {device}。</translation>
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
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="521"/>
        <source>Choose an earlier and a later raster layer.</source>
        <translation>请选择一个早期栅格图层和一个后期栅格图层。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="81"/>
        <source>Earlier and later are the same layer: there is nothing to compare.</source>
        <translation>早期与后期是同一个图层：没有可比较的内容。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="89"/>
        <source>The later layer&apos;s extent cannot be transformed to the earlier CRS.</source>
        <translation>后期图层的范围无法转换到早期图层的坐标参考系。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="113"/>
        <source>The layers do not overlap (in the chosen extent): there is nothing to analyse.</source>
        <translation>图层（在所选范围内）没有重叠：没有可分析的区域。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="121"/>
        <source>The resolutions differ by a factor of {ratio:.1f}: the later image will be resampled.</source>
        <translation>分辨率相差 {ratio:.1f} 倍：后期影像将被重采样。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="136"/>
        <source>Same grid: no resampling.</source>
        <translation>网格相同：无需重采样。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="138"/>
        <source>Different grid: the later image will be warped.</source>
        <translation>网格不同：后期影像将被重投影对齐。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/alignment.py" line="141"/>
        <source>Overlap: {area} km².</source>
        <translation>重叠面积：{area} km²。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="48"/>
        <source>MTRS: {prompt}</source>
        <translation>MTRS：{prompt}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="48"/>
        <source>{n} prompts</source>
        <translation>{n} 个提示词</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="73"/>
        <source>tile {done}/{total}</source>
        <translation>瓦片 {done}/{total}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/analysis_task.py" line="106"/>
        <source>MTRS: starting the engine</source>
        <translation>MTRS：正在启动引擎</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/plugin.py" line="55"/>
        <source>MTRS change analysis</source>
        <translation>MTRS 变化分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="99"/>
        <source>Engine: not started</source>
        <translation>引擎：未启动</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="109"/>
        <source>Images</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="123"/>
        <source>Earlier</source>
        <translation>早期</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="126"/>
        <source>Bands (R, G, B)</source>
        <translation>波段（R、G、B）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="125"/>
        <source>Later</source>
        <translation>后期</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="134"/>
        <source>Extent</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Overlap of the two layers</source>
        <translation>两个图层的重叠区域</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Current map view</source>
        <translation>当前地图视图</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Rectangle drawn on the map</source>
        <translation>在地图上绘制的矩形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="138"/>
        <source>Polygons of a layer (selection)</source>
        <translation>图层中的多边形（选择集）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="146"/>
        <source>Analyse</source>
        <translation>分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="147"/>
        <source>Draw rectangle</source>
        <translation>绘制矩形</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="152"/>
        <source>Polygon layer</source>
        <translation>多边形图层</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="157"/>
        <source>What changed?</source>
        <translation>发生了什么变化？</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="164"/>
        <source>e.g. buildings destroyed along the tornado track</source>
        <translation>例如：龙卷风路径沿线被摧毁的建筑</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="168"/>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="177"/>
        <source>Add to list</source>
        <translation>添加到列表</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="179"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="188"/>
        <source>Several prompts run one after the other on the same images; the image features are computed once.</source>
        <translation>多个提示词会在同一对影像上依次运行；影像特征只计算一次。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="198"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="202"/>
        <source>Bundled model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="202"/>
        <source>Local folder</source>
        <translation>本地文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="215"/>
        <source>Hub id</source>
        <translation>Hub ID</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="209"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="212"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="224"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="230"/>
        <source>model size</source>
        <translation>模型尺寸</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="231"/>
        <source>Tile size (px)</source>
        <translation>瓦片大小（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="234"/>
        <source>Tile overlap (px)</source>
        <translation>瓦片重叠（像素）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="242"/>
        <source>Minimum area</source>
        <translation>最小面积</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="246"/>
        <source>Simplify (map units)</source>
        <translation>简化（地图单位）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="250"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage（*.gpkg）</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="251"/>
        <source>[temporary GeoPackage]</source>
        <translation>[临时 GeoPackage]</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="252"/>
        <source>Output file</source>
        <translation>输出文件</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="253"/>
        <source>Load probability raster</source>
        <translation>加载概率栅格</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="271"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/engine_panel.py" line="64"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="346"/>
        <source>Engine: not installed – see the set-up below.</source>
        <translation>引擎：未安装——请参阅下方的设置。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="348"/>
        <source>Engine: starting…</source>
        <translation>引擎：正在启动…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="364"/>
        <source>Engine failed to start: {message}</source>
        <translation>引擎启动失败：{message}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="426"/>
        <source>About {tiles} tiles, roughly {seconds:.0f} s for {prompts} prompt(s).</source>
        <translation>约 {tiles} 个瓦片，{prompts} 个提示词大约需要 {seconds:.0f} 秒。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="429"/>
        <source>About {tiles} tiles.</source>
        <translation>约 {tiles} 个瓦片。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="485"/>
        <source>Choose the folder of the model checkpoint.</source>
        <translation>请选择模型检查点所在的文件夹。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="490"/>
        <source>Enter the hub id of the model (owner/name).</source>
        <translation>请输入模型的 Hub ID（所有者/名称）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="524"/>
        <source>Type what changed, e.g. &apos;new buildings&apos;.</source>
        <translation>请输入发生了什么变化，例如“新建建筑”。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="621"/>
        <source>MTRS</source>
        <translation>MTRS</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="566"/>
        <source>Set up the engine first (see above).</source>
        <translation>请先设置引擎（见上方）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="572"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="580"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="590"/>
        <source>The engine had stopped unexpectedly and was restarted.</source>
        <translation>引擎意外停止，已重新启动。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="593"/>
        <source>Cancelled. No output was written.</source>
        <translation>已取消。未写入任何输出。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="594"/>
        <source>Analysis cancelled.</source>
        <translation>分析已取消。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="648"/>
        <source>Runs on GPU: {name}</source>
        <translation>在 GPU 上运行：{name}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="650"/>
        <source>Runs on Apple GPU (MPS)</source>
        <translation>在 Apple GPU（MPS）上运行</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="652"/>
        <source>Runs on CPU{name} – no GPU found; large areas will be slow.</source>
        <translation>在 CPU{name} 上运行——未找到 GPU；大范围区域会较慢。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/dock_widget.py" line="657"/>
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
        <location filename="../mtrs_qgis_plugin/provider.py" line="27"/>
        <source>MTRS – language-guided change analysis</source>
        <translation>MTRS——语言引导的变化分析</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="46"/>
        <source>The result file cannot be opened: {path}</source>
        <translation>无法打开结果文件：{path}</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="55"/>
        <source>{label} – probability</source>
        <translation>{label}——概率</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="72"/>
        <source>Change polygons from MTRS (model {model}, device {device}).</source>
        <translation>MTRS 生成的变化多边形（模型 {model}，设备 {device}）。</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="72"/>
        <source>Run record:</source>
        <translation>运行记录：</translation>
    </message>
    <message>
        <location filename="../mtrs_qgis_plugin/result_layers.py" line="98"/>
        <source>&apos;{label}&apos;: {n} polygons, {area} in {seconds:.1f} s on {device}.</source>
        <translation>“{label}”：{n} 个多边形，{area}，用时 {seconds:.1f} 秒，设备 {device}。</translation>
    </message>
</context>
</TS>
