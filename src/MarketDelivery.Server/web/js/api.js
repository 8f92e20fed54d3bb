// The HTTP API client: sign-in, token storage per app, refresh via /api/auth/refresh (one at a time), sign-out,
// and requests (JSON, or multipart for a FormData body) that always carry the bearer token. Errors are ApiError with the RFC 9457 problem details.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

const REFRESH_MARGIN_MS = 30_000;

export class Api {
  /** @param app a short name (customer, merchant…): each app keeps its own session in this browser. */
  constructor(app) {
    this.storageKey = `md.session.${app}`;
    this.session = readJson(this.storageKey);
    this.refreshing = null;
    this.onSignedOut = () => {};
  }

  get signedIn() {
    return !!this.session?.refreshToken;
  }

  get account() {
    return this.session?.account ?? null;
  }

  /** The scope id of the first role of this name (customer id, stall id, courier id, market id), or null. */
  scopeOf(role) {
    return this.account?.roles?.find((r) => r.role === role)?.scopeId ?? null;
  }

  async signIn(id, password) {
    this.store(await this.request('POST', '/api/auth/sign-in', { id, password }, { auth: false }));
  }

  /** Customers: asks for a one-time code; in Development the answer carries it (devCode). */
  requestCode(phone) {
    return this.request('POST', '/api/auth/code', { phone }, { auth: false });
  }

  async verifyCode(phone, code) {
    this.store(await this.request('POST', '/api/auth/code/verify', { phone, code }, { auth: false }));
  }

  async signOut() {
    const refreshToken = this.session?.refreshToken;
    this.clear();
    if (refreshToken) {
      try {
        await this.request('POST', '/api/auth/sign-out', { refreshToken }, { auth: false });
      } catch {
        // The access token lapses within minutes anyway.
      }
    }
  }

  /** Who the token belongs to, as the server sees it (roles and scope ids). */
  async me() {
    const me = await this.request('GET', '/api/auth/me');
    if (this.session) {
      this.session.account = me;
      writeJson(this.storageKey, this.session);
    }
    return me;
  }

  /** A valid access token, refreshed first when it expires within half a minute; null when signed out. */
  async accessToken() {
    if (!this.session) return null;
    if (Date.parse(this.session.accessTokenExpires) - Date.now() < REFRESH_MARGIN_MS) await this.refresh();
    return this.session?.accessToken ?? null;
  }

  refresh() {
    if (!this.refreshing) {
      this.refreshing = (async () => {
        try {
          const refreshToken = this.session?.refreshToken;
          if (!refreshToken) throw new ApiError(401, { title: 'Not signed in.' });
          this.store(await this.request('POST', '/api/auth/refresh', { refreshToken }, { auth: false }));
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) this.clear();
          throw error;
        } finally {
          this.refreshing = null;
        }
      })();
    }
    return this.refreshing;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body, headers) {
    return this.request('POST', path, body, { headers });
  }

  async request(method, path, body, { auth = true, headers = {}, retried = false } = {}) {
    const init = { method, headers: { Accept: 'application/json', ...headers } };
    if (body instanceof FormData) {
      init.body = body; // the browser sets the multipart Content-Type with its boundary
    } else if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (auth) {
      const token = await this.accessToken();
      if (token) init.headers.Authorization = `Bearer ${token}`;
    }
    const response = await fetch(path, init);
    if (response.status === 401 && auth && !retried && this.session) {
      await this.refresh();
      return this.request(method, path, body, { auth, headers, retried: true });
    }
    const text = await response.text();
    const data = text ? safeJson(text) : null;
    if (!response.ok) {
      if (response.status === 401 && auth) this.clear();
      throw new ApiError(response.status, data);
    }
    return data;
  }

  store(tokens) {
    this.session = tokens;
    writeJson(this.storageKey, tokens);
  }

  clear() {
    const was = this.session;
    this.session = null;
    localStorage.removeItem(this.storageKey);
    if (was) this.onSignedOut();
  }
}

/** A new random key (an Idempotency-Key, say). */
export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function readJson(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

export function writeJson(key, value) {
  localStorage.setItem(key, JSON.stringify(value));
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}
