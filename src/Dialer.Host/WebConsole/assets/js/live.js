// The dashboard's live figures: GET /api/dashboard at most once a second (the next request starts a second
// after the previous one started, and never before it ended), while signed in. The one-hour channel history is
// what this tab sampled itself since it opened (the API keeps no such series); it survives reloads of the tab
// through sessionStorage.
import { get } from './api.js';

const HOUR = 60 * 60 * 1000;
const PERIOD = 1000;
const RATE_WINDOW = 5000;
const STORE = 'dialer.console.history';

const listeners = new Set();
/** trunk -> [[time ms, channels in use], ...], oldest first, at most an hour. */
export const history = new Map();
const recent = new Map();
let timer = null;
let running = false;
let latest = null;
let lastError = null;

function restore() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE) ?? '{}');
    const cutoff = Date.now() - HOUR;
    for (const [trunk, points] of Object.entries(saved)) {
      history.set(trunk, points.filter((p) => p[0] >= cutoff));
    }
  } catch {
    sessionStorage.removeItem(STORE);
  }
}

function save() {
  sessionStorage.setItem(STORE, JSON.stringify(Object.fromEntries(history)));
}

function record(data) {
  const now = Date.now();
  const cutoff = now - HOUR;
  for (const trunk of data.trunks) {
    const points = history.get(trunk.trunk) ?? [];
    points.push([now, trunk.inUse]);
    while (points.length && points[0][0] < cutoff) points.shift();
    history.set(trunk.trunk, points);
    const window = recent.get(trunk.trunk) ?? [];
    window.push({ t: now, admitted: trunk.admitted });
    while (window.length > 1 && window[0].t < now - RATE_WINDOW) window.shift();
    recent.set(trunk.trunk, window);
  }
}

/** Calls admitted per second on the trunk over the last few seconds of samples. */
export function callsPerSecond(trunk) {
  const window = recent.get(trunk);
  if (!window || window.length < 2) return 0;
  const first = window[0];
  const last = window[window.length - 1];
  const seconds = (last.t - first.t) / 1000;
  return seconds > 0 ? Math.max(0, (last.admitted - first.admitted) / seconds) : 0;
}

async function tick() {
  const started = Date.now();
  try {
    latest = (await get('/api/dashboard')).data;
    lastError = null;
    record(latest);
  } catch (error) {
    lastError = error;
  }
  for (const listener of listeners) listener(latest, lastError);
  if (running) timer = setTimeout(tick, Math.max(0, PERIOD - (Date.now() - started)));
}

export function startLive() {
  if (running) return;
  running = true;
  restore();
  window.addEventListener('pagehide', save);
  tick();
}

export function stopLive() {
  running = false;
  clearTimeout(timer);
  window.removeEventListener('pagehide', save);
  history.clear();
  recent.clear();
  sessionStorage.removeItem(STORE);
  latest = null;
}

/** Calls back with every new sample (and at once with the latest); returns the unsubscribe function. */
export function onLive(listener) {
  listeners.add(listener);
  if (latest || lastError) listener(latest, lastError);
  return () => listeners.delete(listener);
}
