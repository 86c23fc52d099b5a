// The charting library of the dashboard: ECharts with only what pipegen's
// charts use — bars on a grid, drawn on a canvas — bundled by
// scripts/build-charts into templates/echarts.min.js. The pages call
// echarts.init. Every chart is made of bars (a funnel is bars across in
// proportion, a waterfall floating bars), and legends and values are
// written as text, so neither the other chart types nor the tooltip and
// legend components are loaded by every page.
import { init, use } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, CanvasRenderer]);

export { init };
