// 20×20 stroke icons drawn from path data (no icon font, no inline markup).
const PATHS = {
  overview: 'M3 10h5V3H3zm0 7h5v-4H3zm9 0h5v-7h-5zm0-14v4h5V3z',
  clusters: 'M10 2l7 4v8l-7 4-7-4V6zm0 0v16M3 6l7 4 7-4',
  schedulers: 'M3 4h14v4H3zm0 8h14v4H3zm3-6h.01M6 14h.01',
  seeds: 'M10 17V9m0 0c0-4 3-6 7-6 0 4-3 6-7 6zm0 0C10 5 7 3 3 3c0 4 3 6 7 6',
  applications: 'M3 3h6v6H3zm8 0h6v6h-6zM3 11h6v6H3zm8 0h6v6h-6z',
  jobs: 'M10 3v10m0 0l-4-4m4 4l4-4M3 17h14',
  tokens: 'M12 8a4 4 0 1 1-1.2-2.8L17 11v3h-3v-2h-2',
  users: 'M7 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-5 8c0-3 2-5 5-5s5 2 5 5m2-8a3 3 0 0 0 0-6m2 14c0-2.5-1-4.2-3-4.8',
  signout: 'M8 3H4v14h4m4-11l4 4-4 4m4-4H8',
  menu: 'M3 5h14M3 10h14M3 15h14',
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', PATHS[name]);
  svg.appendChild(path);
  return svg;
}
