/**
 * Charts as inline SVG, drawn here (no chart library, nothing from a CDN): vertical bars for the
 * aged balance and the weekly cash-in forecast, a line for the DSO trend. Each function is pure and
 * returns a `{tag, attrs, children}` tree that dom.js renders, so the geometry is unit-tested.
 * Every chart carries role="img" and an aria-label; values are also printed, not only drawn.
 */
const PAD = { top: 24, right: 12, bottom: 36, left: 12 };

function node(tag, attrs, ...children) {
  return { tag, attrs, children };
}

/** A maximum a little above `max`, at 1, 2 or 5 × a power of ten, so the tallest bar is not the frame. */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/**
 * Bars: `bars` = [{ label, value (number, for geometry), display (the text shown) }].
 * Negative values are drawn as zero-height bars (a credit balance has no height in an aging).
 */
export function barChart({ bars, width = 560, height = 220, title, color = '#1f4e79' }) {
  const innerW = width - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const top = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const slot = bars.length ? innerW / bars.length : innerW;
  const barW = Math.max(4, slot * 0.62);
  const children = [node('title', {}, title)];
  children.push(node('line', { x1: PAD.left, y1: PAD.top + innerH, x2: PAD.left + innerW, y2: PAD.top + innerH, class: 'axis' }));
  bars.forEach((bar, i) => {
    const h = Math.max(0, (bar.value / top) * innerH);
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const y = PAD.top + innerH - h;
    const cx = PAD.left + i * slot + slot / 2;
    children.push(
      node('rect', { x: round(x), y: round(y), width: round(barW), height: round(h), fill: bar.color ?? color, class: 'bar' }, node('title', {}, `${bar.label}: ${bar.display}`)),
      node('text', { x: round(cx), y: round(y - 6), 'text-anchor': 'middle', class: 'value' }, bar.display),
      node('text', { x: round(cx), y: PAD.top + innerH + 18, 'text-anchor': 'middle', class: 'label' }, bar.label),
    );
  });
  return node('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title, class: 'chart' }, ...children);
}

/** Runs of consecutive indexes whose value is not null: [[0, 1, 2], [4, 5]]. */
function runs(points) {
  const out = [];
  let run = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push(i);
  });
  if (run.length) out.push(run);
  return out;
}

/**
 * A line through `points` = [{ label, value, display }], with a dot and its value at each point.
 * A point whose value is null (no figure that day) keeps its label but has no dot, and the line
 * breaks there rather than pretend a zero.
 */
export function lineChart({ points, width = 560, height = 220, title, color = '#1f4e79' }) {
  const innerW = width - PAD.left - PAD.right - 24;
  const innerH = height - PAD.top - PAD.bottom;
  const values = points.map((p) => p.value).filter((v) => v !== null);
  const top = niceMax(Math.max(0, ...values));
  const step = points.length > 1 ? innerW / (points.length - 1) : 0;
  const xy = points.map((p, i) => [PAD.left + 12 + i * step, PAD.top + innerH - (Math.max(0, p.value ?? 0) / top) * innerH]);
  const children = [node('title', {}, title)];
  children.push(node('line', { x1: PAD.left, y1: PAD.top + innerH, x2: PAD.left + innerW + 24, y2: PAD.top + innerH, class: 'axis' }));
  for (const run of runs(points).filter((r) => r.length > 1)) {
    children.push(node('polyline', { points: run.map((i) => `${round(xy[i][0])},${round(xy[i][1])}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2, class: 'line' }));
  }
  points.forEach((p, i) => {
    const [x, y] = xy[i];
    if (p.value !== null) {
      children.push(
        node('circle', { cx: round(x), cy: round(y), r: 3.5, fill: color, class: 'point' }, node('title', {}, `${p.label}: ${p.display}`)),
        node('text', { x: round(x), y: round(y - 8), 'text-anchor': 'middle', class: 'value' }, p.display),
      );
    }
    children.push(node('text', { x: round(x), y: PAD.top + innerH + 18, 'text-anchor': 'middle', class: 'label' }, p.label));
  });
  return node('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title, class: 'chart' }, ...children);
}

function round(n) {
  return Math.round(n * 10) / 10;
}
