// The management API, called from the same origin. Identity: the JWT cookie when the browser has one
// (behind Mender's gateway it does, and it is sent without any help), else a token the user pasted,
// kept in sessionStorage (this tab only) and sent as Authorization: Bearer.

export const BASE = '/api/management/v1/iot-manager';
const TOKEN_KEY = 'iot-webhooks.console.token';

export class ApiError extends Error {
  constructor(status, message, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.requestId = requestId;
  }

  get isAuth() {
    return this.status === 401 || this.status === 403;
  }
}

export function storedToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch (e) {
    return null;
  }
}

export function storeToken(token) {
  window.sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // nothing stored
  }
}

/** The JWT cookie's value when scripts may read it (an HttpOnly cookie is still sent, just not visible). */
export function cookieToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'JWT' && rest.length) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch (e) {
        return rest.join('=');
      }
    }
  }
  return null;
}

/** The claims of a JWT (decoded, not verified: only to show who is signed in), or null. */
export function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = part + '='.repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch (e) {
    return null;
  }
}

/** Calls the API; resolves {status, json, location} on 2xx, rejects with an ApiError otherwise. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = storedToken();
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'the service cannot be reached; check that it is running');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!response.ok) {
    const message = json && typeof json.error === 'string' ? json.error : `HTTP ${response.status}`;
    throw new ApiError(response.status, message, json ? json.request_id : undefined);
  }
  return { status: response.status, json, location: response.headers.get('Location') };
}

const FIELD_MESSAGE = /(?:^|:\s*)(url|secret|description):\s*(.+)$/;

/**
 * Which form field a 400 message is about: the API names it ("credentials: http: url: scheme must be
 * http or https"). Returns {field, message} or null when the message names none of {@code fields}.
 */
export function fieldError(message, fields) {
  const match = FIELD_MESSAGE.exec(message || '');
  if (!match || !fields.includes(match[1])) {
    return null;
  }
  return { field: match[1], message: match[2] };
}
