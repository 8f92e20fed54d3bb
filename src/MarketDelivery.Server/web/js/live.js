// The live connection to /hubs/market around @microsoft/signalr (loaded as the global `signalR` by lib/signalr.min.js).
// - The access token goes with accessTokenFactory (on the query string for WebSockets).
// - Reconnects for ever with growing pauses; after a reconnect (or a fresh start after a close) every joined group is
//   joined again and its snapshot handed to the page, so the page catches up with whatever it missed.
// - Versions: track(key, version) tells a page whether a pushed payload is older than what it has, the next one, or
//   comes after a gap (then the page re-reads).
// - State: 'connecting' | 'online' | 'reconnecting' | 'offline', shown by mountConnectionBanner.

const RETRY_MS = [0, 1000, 2000, 4000, 8000, 15000];

export class Live {
  constructor(api, { path = '/hubs/market' } = {}) {
    this.api = api;
    this.joins = new Map();
    this.handlers = [];
    this.state = 'connecting';
    this.stateListeners = new Set();
    this.versions = new Map();
    this.stopped = false;
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl(path, { accessTokenFactory: async () => (await api.accessToken()) ?? '' })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => RETRY_MS[Math.min(ctx.previousRetryCount, RETRY_MS.length - 1)] })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    this.connection.onreconnecting(() => this.setState(navigator.onLine ? 'reconnecting' : 'offline'));
    this.connection.onreconnected(() => this.rejoinAll());
    this.connection.onclose(() => {
      if (!this.stopped) this.startLoop(1);
    });
    // The device's own network state: show it at once, and when the network is back re-read every snapshot even if
    // the socket survived (a push may have been lost meanwhile).
    window.addEventListener('offline', () => this.setState('offline'));
    window.addEventListener('online', () => {
      if (this.connection.state === signalR.HubConnectionState.Connected) this.rejoinAll();
    });
  }

  /** Calls handler(payload) for every push of this event. */
  on(eventName, handler) {
    this.connection.on(eventName, handler);
  }

  /**
   * Joins a group now and after every reconnect: invoke(method, ...args), then onSnapshot(result). Resolves with the
   * first snapshot once connected.
   */
  async join(key, method, args, onSnapshot, onError) {
    this.joins.set(key, { method, args, onSnapshot, onError });
    if (this.connection.state === signalR.HubConnectionState.Connected) {
      await this.invokeJoin(key);
    }
  }

  async leave(key, method, args) {
    this.joins.delete(key);
    if (this.connection.state === signalR.HubConnectionState.Connected && method) {
      await this.connection.invoke(method, ...args).catch(() => {});
    }
  }

  /** Re-reads one group's snapshot (after a version gap). */
  resync(key) {
    if (this.connection.state === signalR.HubConnectionState.Connected && this.joins.has(key)) {
      return this.invokeJoin(key);
    }
    return Promise.resolve();
  }

  start() {
    return this.startLoop(0);
  }

  async stop() {
    this.stopped = true;
    await this.connection.stop();
  }

  /** 'stale' (older or same as seen: ignore), 'next', or 'gap' (newer by more than one: re-read). */
  track(key, version) {
    const seen = this.versions.get(key);
    if (seen !== undefined && version <= seen) return 'stale';
    this.versions.set(key, version);
    return seen === undefined || version === seen + 1 ? 'next' : 'gap';
  }

  /** Records a version read by a snapshot or a GET (no gap check). */
  saw(key, version) {
    const seen = this.versions.get(key);
    if (seen === undefined || version > seen) this.versions.set(key, version);
  }

  onState(listener) {
    this.stateListeners.add(listener);
    listener(this.state);
  }

  setState(state) {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  async startLoop(attempt) {
    this.setState(attempt === 0 ? 'connecting' : 'offline');
    for (;;) {
      if (this.stopped) return;
      try {
        await this.connection.start();
        await this.rejoinAll();
        return;
      } catch {
        this.setState(navigator.onLine ? 'reconnecting' : 'offline');
        await delay(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)] || 500);
      }
    }
  }

  async rejoinAll() {
    for (const key of [...this.joins.keys()]) {
      try {
        await this.invokeJoin(key);
      } catch (error) {
        // Dropped again while joining: the reconnect or the start loop comes back here. Otherwise the join was refused.
        if (this.connection.state !== signalR.HubConnectionState.Connected) return;
        this.joins.get(key)?.onError?.(error);
      }
    }
    this.setState('online');
  }

  async invokeJoin(key) {
    const join = this.joins.get(key);
    if (!join) return;
    const result = await this.connection.invoke(join.method, ...join.args);
    join.onSnapshot(result);
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
