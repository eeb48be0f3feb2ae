// A small SVG line chart drawn by hand (no chart library): channels in use over the last hour.
// Colours come from CSS classes (series-0 ... series-7), so the chart needs no inline style.
import { h, svg } from './dom.js';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

/** A round step (1, 2 or 5 times a power of ten) that splits 0..max into at most five intervals. */
function niceStep(max) {
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const step of [1, 2, 5, 10]) {
    if (rough <= step * power) return Math.max(1, step * power);
  }
  return 10 * power;
}

/**
 * @param {{name: string, points: [number, number][]}[]} series
 * @param {{from: number, to: number, title: string, yMin?: number}} options times in ms
 */
export function lineChart(series, { from, to, title, yMin = 0 }) {
  const highest = Math.max(yMin, ...series.flatMap((s) => s.points.map((p) => p[1])), 1);
  const step = niceStep(highest);
  const top = Math.ceil(highest / step) * step;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t) => PAD.left + ((t - from) / (to - from)) * plotW;
  const y = (v) => PAD.top + plotH - (v / top) * plotH;
  const grid = [];
  for (let value = 0; value <= top; value += step) {
    grid.push(svg('line', { class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }));
    grid.push(svg('text', { class: 'tick', x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end', text: value }));
  }
  const minutes = Math.round((to - from) / 60000);
  for (let i = 0; i <= 4; i += 1) {
    const t = from + ((to - from) / 4) * i;
    const ago = Math.round(minutes - (minutes / 4) * i);
    grid.push(svg('text', { class: 'tick', x: x(t), y: HEIGHT - 8, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle', text: ago === 0 ? 'now' : `−${ago} min` }));
  }
  const lines = series.map((s, index) => {
    const points = s.points.filter((p) => p[0] >= from).map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    return svg('polyline', { class: `line series-${index % 8}`, points, 'data-series': s.name });
  });
  const described = series.map((s) => `${s.name}: ${s.points.length ? s.points[s.points.length - 1][1] : 0} now, at most ${Math.max(0, ...s.points.map((p) => p[1]))}`).join('; ');
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': `${title}. ${described || 'no samples yet'}` },
    svg('title', { text: title }), ...grid, ...lines);
  const legend = h('ul', { class: 'legend' }, series.map((s, index) => h('li', {}, h('span', { class: `swatch series-${index % 8}`, 'aria-hidden': 'true' }), s.name)));
  return h('figure', { class: 'chart-figure' }, chart, legend);
}

/**
 * A horizontal stacked bar: segments (e.g. campaigns' reservations) against a total (the trunk's cap).
 * @param {{name: string, value: number}[]} segments
 */
export function stackBar(segments, total, label) {
  const width = 400;
  const used = segments.reduce((sum, s) => sum + s.value, 0);
  const scale = Math.max(total, used, 1);
  let offset = 0;
  const rects = segments.map((s, index) => {
    const w = (s.value / scale) * width;
    const rect = svg('rect', { x: offset, y: 0, width: Math.max(0, w), height: 18, class: `series-fill-${index % 8}` },
      svg('title', { text: `${s.name}: ${s.value}` }));
    offset += w;
    return rect;
  });
  const over = used > total;
  return svg('svg', { viewBox: `0 0 ${width} 18`, class: `stack${over ? ' over' : ''}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'none' },
    svg('rect', { x: 0, y: 0, width: (total / scale) * width, height: 18, class: 'stack-free' }), ...rects);
}
