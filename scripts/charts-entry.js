// The charting library of the dashboard: ECharts with only the chart types
// and components pipegen's charts use, bundled by scripts/build-charts into
// templates/echarts.min.js. The pages call echarts.init.
import { init, use } from 'echarts/core';
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, FunnelChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { init };
