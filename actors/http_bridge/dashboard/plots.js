// Line plots drawn as SVG, no library: plotLines(svg, series, labels) with series = arrays of
// [x, y] points sharing one y scale.
'use strict';
function plotLines(svg, series) {
  const width = 400, height = 140, left = 40, bottom = 16, top = 6;
  const points = series.flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const xMin = xs.length ? Math.min(...xs) : 0, xMax = xs.length ? Math.max(...xs) : 1;
  const yMax = Math.max(1e-9, ...ys, 0);
  const x = (v) => left + ((v - xMin) / Math.max(1, xMax - xMin)) * (width - left - 4);
  const y = (v) => top + (1 - v / yMax) * (height - top - bottom);
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const axis = document.createElementNS(ns, 'path');
  axis.setAttribute('class', 'axis');
  axis.setAttribute('d', `M${left},${top} V${height - bottom} H${width}`);
  svg.append(axis);
  for (const [value, at] of [[yMax, top + 8], [0, height - bottom]]) {
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', 2);
    label.setAttribute('y', at);
    label.textContent = value >= 100 ? Math.round(value) : Number(value.toFixed(2));
    svg.append(label);
  }
  const span = document.createElementNS(ns, 'text');
  span.setAttribute('x', width - 60);
  span.setAttribute('y', height - 3);
  span.textContent = xs.length ? `${Math.round(xMax - xMin)} s shown` : 'no data yet';
  svg.append(span);
  series.forEach((line, index) => {
    if (line.length === 0) return;
    const path = document.createElementNS(ns, 'polyline');
    path.setAttribute('class', `line${index}`);
    path.setAttribute('points', line.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' '));
    svg.append(path);
  });
}
