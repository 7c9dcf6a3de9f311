import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip, type ChartDataset, type Plugin } from 'chart.js';

// Only what these charts use (tree-shaken; chart.js stays in the analytics chunk).
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = "'Sarabun', 'Noto Sans Thai', system-ui, sans-serif";
Chart.defaults.color = '#1b1f24';

export type ChartKind = 'bar' | 'line' | 'stacked' | 'horizontal';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  suppressed: boolean[];
  /** A derived series (moving average, p90): drawn dashed. */
  secondary?: boolean;
}

/** Colours with at least 3:1 contrast on white; each series is also named in the legend and the table. */
export const PALETTE = ['#0b4f8a', '#c2571a', '#2a7d3b', '#7b3fa0', '#8a6d00', '#0f7c8c', '#a4161a', '#5a6470', '#b03a7a', '#3d5a1e', '#1f3f9e', '#7a4b00'];

let hatchPattern: CanvasPattern | null = null;
function hatch(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  if (hatchPattern) return hatchPattern;
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const g = tile.getContext('2d');
  if (!g) return '#c9d1d9';
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = '#4a5560';
  g.lineWidth = 1.5;
  g.beginPath();
  g.moveTo(-2, 10);
  g.lineTo(10, -2);
  g.moveTo(-2, 2);
  g.lineTo(2, -2);
  g.moveTo(6, 10);
  g.lineTo(10, 6);
  g.stroke();
  hatchPattern = ctx.createPattern(tile, 'repeat');
  return hatchPattern ?? '#c9d1d9';
}

/** Draws a suppressed cell as a short hatched block on the baseline: visibly "not shown", never a bar of 0. */
function suppressedCells(flags: boolean[][]): Plugin {
  return {
    id: 'suppressedCells',
    afterDatasetsDraw(chart) {
      const horizontal = chart.options.indexAxis === 'y';
      const valueScale = horizontal ? chart.scales.x : chart.scales.y;
      const indexScale = horizontal ? chart.scales.y : chart.scales.x;
      if (!valueScale || !indexScale) return;
      const { ctx } = chart;
      const base = valueScale.getPixelForValue(0);
      const visible = chart.data.datasets.map((_, index) => chart.isDatasetVisible(index));
      const shown = visible.filter(Boolean).length || 1;
      ctx.save();
      flags.forEach((cells, datasetIndex) => {
        if (!visible[datasetIndex]) return;
        const meta = chart.getDatasetMeta(datasetIndex);
        cells.forEach((suppressed, index) => {
          if (!suppressed) return;
          let center = indexScale.getPixelForValue(index);
          let thickness = Math.max(6, (Math.abs(indexScale.getPixelForValue(1) - indexScale.getPixelForValue(0)) || 40) * 0.6 / shown);
          const element = meta.data[index];
          if (meta.type === 'bar' && element) {
            const props = element.getProps(horizontal ? ['y', 'height'] : ['x', 'width'], true) as { x?: number; y?: number; width?: number; height?: number };
            const c = horizontal ? props.y : props.x;
            const size = horizontal ? props.height : props.width;
            if (typeof c === 'number' && Number.isFinite(c)) center = c;
            if (typeof size === 'number' && Number.isFinite(size) && size > 0) thickness = size;
          } else if (meta.type === 'line') {
            thickness = 12;
          }
          const depth = 12;
          ctx.fillStyle = hatch(ctx);
          ctx.strokeStyle = '#4a5560';
          ctx.lineWidth = 1;
          if (horizontal) {
            ctx.fillRect(base, center - thickness / 2, depth, thickness);
            ctx.strokeRect(base, center - thickness / 2, depth, thickness);
          } else {
            ctx.fillRect(center - thickness / 2, base - depth, thickness, depth);
            ctx.strokeRect(center - thickness / 2, base - depth, thickness, depth);
          }
        });
      });
      ctx.restore();
    },
  };
}

/**
 * One chart.js canvas. It is an image to assistive technology (role img, aria-label); the same numbers are
 * in the table the caller renders beside it.
 */
export function TrendChart({
  kind,
  labels,
  series,
  ariaLabel,
  format,
  suppressedLabel,
  valueTitle,
}: {
  kind: ChartKind;
  labels: string[];
  series: ChartSeries[];
  ariaLabel: string;
  format: (value: number) => string;
  suppressedLabel: string;
  valueTitle?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const horizontal = kind === 'horizontal';
    const stacked = kind === 'stacked';
    const datasets = series.map((s, index): ChartDataset<'bar' | 'line', (number | null)[]> => {
      const colour = PALETTE[index % PALETTE.length]!;
      const asLine = kind === 'line' || s.secondary === true;
      return asLine
        ? {
            type: 'line',
            label: s.label,
            data: s.values,
            borderColor: colour,
            backgroundColor: colour,
            borderWidth: 2,
            borderDash: s.secondary ? [6, 4] : [],
            pointRadius: 4,
            pointStyle: s.secondary ? 'rectRot' : 'circle',
            spanGaps: false,
          }
        : { type: 'bar', label: s.label, data: s.values, backgroundColor: colour, borderColor: colour, borderWidth: 1 };
    });
    const chart = new Chart(element, {
      type: kind === 'line' ? 'line' : 'bar',
      data: { labels, datasets: datasets as ChartDataset<'bar', (number | null)[]>[] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? 'y' : 'x',
        scales: {
          x: { stacked, beginAtZero: true, ...(horizontal ? { ticks: { callback: (value) => format(Number(value)) } } : {}) },
          y: { stacked, beginAtZero: true, ...(horizontal ? {} : { ticks: { callback: (value) => format(Number(value)) }, ...(valueTitle ? { title: { display: true, text: valueTitle } } : {}) }) },
        },
        plugins: {
          // Point styles tell the series apart without colour (circle = value, diamond = derived).
          legend: { display: series.length > 1, position: 'bottom', labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: (item) => {
                const s = series[item.datasetIndex];
                const text = s?.suppressed[item.dataIndex] ? suppressedLabel : item.raw === null || item.raw === undefined ? '' : format(Number(item.raw));
                return series.length > 1 ? `${item.dataset.label ?? ''}: ${text}` : text;
              },
            },
          },
        },
      },
      // Stacked segments that are suppressed are simply absent (a block on the baseline would misplace them).
      plugins: stacked ? [] : [suppressedCells(series.map((s) => s.suppressed))],
    });
    return () => chart.destroy();
  }, [kind, labels, series, format, suppressedLabel, valueTitle]);

  const height = kind === 'horizontal' ? Math.max(220, labels.length * 26 + 60) : 300;
  return (
    <div className="chart-box" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={ariaLabel}>
        {ariaLabel}
      </canvas>
    </div>
  );
}
