import type { TFunction } from 'i18next';
import type { trend } from './service';

type Trend = Awaited<ReturnType<typeof trend>> & { name?: string | null };

/** Fonts tried in order: a CJK font on the host when there is one (the SVG names them for the reader's browser). */
const FONTS = "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif";

/**
 * The bulletin's chart: employment scale (bars) and average monthly income in yuan (line) month by month,
 * drawn by ECharts on the server as SVG; PNG is the same SVG rasterised by resvg.
 */
export async function trendSvg(t: TFunction, data: Trend, size = { width: 960, height: 480 }): Promise<string> {
  // ECharts is loaded on the first chart, not with the service: few requests draw one.
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  const employed = t('market:chart.employed');
  const income = t('market:chart.income');
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONTS },
    title: { text: t('market:chart.title', { region: data.name ?? data.regionCode }), left: 'center', textStyle: { fontSize: 18 } },
    legend: { bottom: 0, data: [employed, income] },
    grid: { left: 70, right: 80, top: 60, bottom: 60 },
    xAxis: { type: 'category', data: data.points.map((p) => p.month) },
    yAxis: [
      { type: 'value', name: t('market:chart.people'), minInterval: 1 },
      { type: 'value', name: t('market:chart.yuan'), splitLine: { show: false } },
    ],
    series: [
      { name: employed, type: 'bar', data: data.points.map((p) => p.employed), itemStyle: { color: '#1f6fb2' }, label: { show: data.points.length <= 13, position: 'top', fontSize: 11 } },
      { name: income, type: 'line', yAxisIndex: 1, data: data.points.map((p) => (p.incomeAvgFen === null ? null : Math.round(p.incomeAvgFen / 100))), itemStyle: { color: '#d9534f' }, connectNulls: false },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export async function trendPng(t: TFunction, data: Trend): Promise<Buffer> {
  const svg = await trendSvg(t, data);
  const { Resvg } = await import('@resvg/resvg-js');
  return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' }, fitTo: { mode: 'width', value: 1440 } }).render().asPng());
}
