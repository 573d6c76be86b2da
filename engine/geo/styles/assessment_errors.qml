<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology|Labeling|Fields" labelsEnabled="0">
  <renderer-v2 type="categorizedSymbol" attr="kind" symbollevels="0" forceraster="0" enableorderby="0">
    <categories>
      <category render="true" symbol="0" value="fp" label="false positive: predicted, not in the reference"/>
      <category render="true" symbol="1" value="fn" label="false negative: reference change that was missed"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" pass="0" locked="0">
          <Option type="Map">
            <Option type="QString" name="color" value="255,140,0,80"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="230,100,0,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.7"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="miter"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" pass="0" locked="0">
          <Option type="Map">
            <Option type="QString" name="color" value="30,110,255,80"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="20,70,220,255"/>
            <Option type="QString" name="outline_style" value="dash"/>
            <Option type="QString" name="outline_width" value="0.7"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="miter"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
    <source-symbol>
      <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" pass="0" locked="0">
          <Option type="Map">
            <Option type="QString" name="color" value="160,160,160,80"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="90,90,90,255"/>
            <Option type="QString" name="outline_width" value="0.5"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
          </Option>
        </layer>
      </symbol>
    </source-symbol>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <aliases>
    <alias field="kind" index="1" name="Error kind (fp / fn)"/>
    <alias field="area_m2" index="4" name="Area (m²)"/>
    <alias field="best_iou" index="5" name="Best IoU with the other side"/>
  </aliases>
  <previewExpression>upper("kind") || ' ' || coalesce("class", "prompt", '') || ' (' || round("area_m2") || ' m², IoU ' || round("best_iou", 2) || ')'</previewExpression>
  <layerGeometryType>2</layerGeometryType>
</qgis>
