import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

/** The part of ECharts the console draws with (bars, as SVG), loaded only when a chart is shown. */
echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);
export const init = echarts.init;
