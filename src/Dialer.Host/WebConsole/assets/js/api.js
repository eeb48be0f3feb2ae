// The JSON API is the console's only source of truth: every figure and form comes from /api.
import { session } from './session.js';

/** An HTTP error with its RFC 9457 problem details (title, detail, errors keyed by field). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.errors = problem?.errors ?? {};
  }
}

/**
 * @param {string} method
 * @param {string} path e.g. /api/phones?limit=25
 * @param {{body?: unknown, ifMatch?: string, token?: string}} options token overrides the session's (sign-in)
 * @returns {Promise<{data: any, etag: string|null, total: number, status: number}>}
 */
export async function api(method, path, { body, ifMatch, token } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = token ?? session.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { title: 'The dialer cannot be reached', detail: 'the admin API did not answer; is dialer serve running?' });
  }
  const type = response.headers.get('Content-Type') ?? '';
  let data = null;
  if (response.status !== 204 && response.status !== 304) {
    data = type.includes('json') ? await response.json() : await response.text();
  }
  if (!response.ok) {
    const problem = data && typeof data === 'object' ? data : { title: response.statusText, detail: String(data ?? '') };
    const error = new ApiError(response.status, problem);
    if (response.status === 401 && token === undefined) session.onExpired(error);
    throw error;
  }
  const total = Number.parseInt(response.headers.get('X-Total-Count') ?? '', 10);
  return { data, etag: response.headers.get('ETag'), total: Number.isNaN(total) ? null : total, status: response.status };
}

export const get = (path) => api('GET', path);

/** Encodes one path segment (names and extensions). */
export const seg = (value) => encodeURIComponent(value);
