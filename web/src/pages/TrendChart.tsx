import { useEffect, useRef } from 'react';

/**
 * Bars month by month, drawn by ECharts (loaded only when a trend is opened) as SVG, resized with its box so it
 * fits a phone. The numbers are also in the table beside it, which is what a screen reader reads.
 */
export function TrendChart({ label, months, values }: { label: string; months: string[]; values: Array<number | null> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    let dispose = () => undefined as void;
    void import('../echarts').then(({ init }) => {
      if (!live || !box.current) return;
      const chart = init(box.current, null, { renderer: 'svg' });
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: months.map((m) => m.slice(2)), axisLabel: { fontSize: 11 } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: values, itemStyle: { color: '#1f6fb2' }, label: { show: true, position: 'top', fontSize: 11 } }],
      });
      const resize = new ResizeObserver(() => chart.resize());
      resize.observe(box.current);
      dispose = () => {
        resize.disconnect();
        chart.dispose();
      };
    });
    return () => {
      live = false;
      dispose();
    };
  }, [months, values]);
  return <div ref={box} role="img" aria-label={label} data-testid="trend-chart" style={{ width: '100%', height: 260, margin: '12px 0' }} />;
}
