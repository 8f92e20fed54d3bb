// The courier's phone: sign in (market staff register couriers on the board), start and end the shift, the route with the next stop first and big,
// a map of the route (GeoJSON, no tiles), and the actions at each stop: arrived, picked up, delivered with the
// customer's code or a photo, or failed with a reason. Live from the courier's own group.
// A dropped connection loses no action: arrived, picked up, delivered, failed and positions wait in a queue in
// localStorage (an id each) and are replayed in order once the phone is back online; the screen shows them as done
// meanwhile and counts what is still to send. While on shift the phone shares its position (throttled).
import { initI18n, mountLanguageSwitch, onLanguageChange, t } from '/js/i18n.js';
import { time } from '/js/format.js';
import { Api, ApiError, newKey, readJson, writeJson } from '/js/api.js';
import { Live } from '/js/live.js';
import { MarketMap } from '/js/map.js';
import { esc, $, mountConnectionBanner, say, describe, view } from '/js/ui.js';
import { mountSignIn } from '/js/signin.js';

const api = new Api('courier');
const live = new Live(api);
const state = { courierId: null, courier: null, markets: [], changed: new Set() };
/** Actions that wait in the queue when the connection drops. */
const QUEUED = new Set(['arrived', 'pickup', 'delivered', 'failed', 'position']);
const POSITION_EVERY_MS = 15_000;
const POSITION_MIN_METRES = 25;
let routeMap;

await initI18n();
mountLanguageSwitch($('#lang'));
mountConnectionBanner($('#conn'), live);
onLanguageChange(() => render());
const start = mountSignIn(api, live, { secret: '#pin', role: 'courier', notInRole: 'courier.notCourier', signedIn: openWork });
$('#check-registration').addEventListener('click', () => start());

live.on('courier', (view) => {
  if (view.courierId !== state.courierId) return;
  const verdict = live.track(`courier:${view.courierId}`, view.version);
  if (verdict === 'stale') return;
  if (verdict === 'gap') {
    live.resync('courier');
    return;
  }
  show(view);
});

window.addEventListener('online', () => flush());
setInterval(() => navigator.onLine && pendingActions().length && flush(), 5000);

start();

/** The signed-in courier's work: their profile and route once staff have registered them. */
async function openWork(courierId) {
  state.courierId = courierId;
  state.markets = await api.get('/api/markets');
  let courier = null;
  try {
    courier = await api.get(`/api/couriers/${encodeURIComponent(state.courierId)}`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  if (!courier) {
    // Only market staff register couriers (on the board): until then there is nothing to work on.
    view('unregistered');
    return;
  }
  await follow(courier);
}

async function follow(courier) {
  view('work');
  renderPending();
  flush();
  live.saw(`courier:${courier.courierId}`, courier.version);
  show(courier);
  await live.join('courier', 'JoinCourier', [state.courierId], (snapshot) => {
    live.saw(`courier:${snapshot.courierId}`, snapshot.version);
    show(snapshot);
  }, (error) => say($('#message'), describe(error), 'error'));
  if (!live.started) {
    live.started = true;
    live.start();
  }
}

function show(courier) {
  if (state.courier && state.courier.version > courier.version) return;
  noteReplan(state.courier, courier);
  state.courier = courier;
  watchPosition(courier.onShift);
  render();
  drawRoute();
}

function marketName(id) {
  return state.markets.find((m) => m.id === id)?.name ?? id;
}

/** The market whose hand-over point a stop is at: the order's market (a district courier serves several), else the route's home market. */
function stopMarket(c, stop) {
  return stop.marketId ?? c.route?.marketId;
}

function render() {
  if (!state.courier) return;
  const c = projected(state.courier);
  $('#shift').innerHTML = c.onShift
    ? `<div class="row spread"><span><strong>${esc(t('courier.onShift'))}</strong> <span class="muted">${esc(t('courier.until', { time: time(c.shift?.end) }))}</span></span>
        <button type="button" id="end-shift" data-testid="end-shift">${esc(t('courier.endShift'))}</button></div>
        ${c.onBoardOrderIds.length ? `<p class="muted">${esc(t('courier.onBoard', { count: c.onBoardOrderIds.length }))}</p>` : ''}`
    : `<label for="shift-hours">${esc(t('courier.shiftLength'))}</label>
       <select id="shift-hours" data-testid="shift-hours">${[2, 4, 6, 8].map((h) => `<option value="${h}" ${h === 4 ? 'selected' : ''}>${esc(t('courier.hours', { hours: h }))}</option>`).join('')}</select>
       <p><button type="button" class="primary" id="start-shift" style="width:100%" data-testid="start-shift">${esc(t('courier.startShift'))}</button></p>`;
  $('#start-shift')?.addEventListener('click', () => act('shift/start', { plannedEnd: new Date(Date.now() + Number($('#shift-hours').value) * 3600_000).toISOString() }));
  $('#end-shift')?.addEventListener('click', () => act('shift/end', {}));

  const stops = c.route?.stops ?? [];
  const next = stops[0];
  $('#next').innerHTML = next ? nextStop(c, next, stops) : `<h3>${esc(t('courier.next'))}</h3><p class="muted">${esc(c.onShift ? t('courier.noStops') : t('courier.offShift'))}</p>`;
  wireNext(c, next, stops);
  $('#stops').innerHTML = stops.length
    ? stops.map((s, i) => {
      const changed = state.changed.has(stopKey(s));
      const market = s.kind === 'pickup' ? stopMarket(c, s) : null;
      return `<li class="row spread${changed ? ' changed' : ''}" ${i === 0 ? 'aria-current="step"' : ''} data-testid="stop-${esc(s.kind)}-${esc(s.orderId)}" data-changed="${changed}"${market ? ` data-market="${esc(market)}"` : ''}>
        <span class="grow">${esc(t(`stop.${s.kind}`))} · ${esc(t('merchant.orderNo', { id: s.orderId.slice(-6) }))}${changed ? ` <span class="pill info">${esc(t('courier.changed'))}</span>` : ''}
          ${market ? `<br><span class="stop-market" data-testid="stop-market">${esc(t('courier.atMarket', { market: marketName(market) }))}</span>` : ''}</span>
        <span>${esc(time(s.eta))}${s.latenessMinutes > 0 ? ` <span class="pill warn">${esc(t('courier.late', { minutes: s.latenessMinutes }))}</span>` : ''}</span></li>`;
    }).join('')
    : `<li class="muted">${esc(t('courier.noStops'))}</li>`;
}

function nextStop(c, next, stops) {
  if (next.kind === 'pickup') {
    const marketId = stopMarket(c, next);
    const pickups = leadingPickups(c, stops);
    return `<h3>${esc(t('courier.next'))}: ${esc(t('stop.pickup'))}</h3>
      <p class="total" data-testid="next-market" data-market="${esc(marketId)}">${esc(marketName(marketId))}</p>
      <p>${esc(t('courier.eta', { time: time(next.eta) }))} · ${esc(t('courier.bags', { count: pickups.length }))}</p>
      <div class="pick-actions">
        <button type="button" id="arrived" data-testid="arrived" ${c.atMarketId === marketId ? 'aria-pressed="true"' : ''}>${esc(t('courier.arrived'))}</button>
        <button type="button" id="picked-up" class="primary" data-testid="picked-up">${esc(t('courier.pickedUp'))}</button>
      </div>`;
  }
  return `<h3>${esc(t('courier.next'))}: ${esc(t('stop.delivery'))}</h3>
    <p class="total">${esc(t('merchant.orderNo', { id: next.orderId.slice(-6) }))}</p>
    <p>${esc(t('courier.eta', { time: time(next.eta) }))}</p>
    <label for="delivery-code">${esc(t('customer.deliveryCode'))}</label>
    <input id="delivery-code" inputmode="numeric" maxlength="4" pattern="[0-9]{4}" data-testid="delivery-code">
    <div class="pick-actions">
      <button type="button" id="delivered" class="ok" data-testid="delivered">${esc(t('courier.delivered'))}</button>
    </div>
    <label for="delivery-photo" class="button">${esc(t('courier.photoDelivered'))}</label>
    <input id="delivery-photo" class="sr-only" type="file" accept="image/*" capture="environment" data-testid="delivery-photo">
    <label for="fail-reason">${esc(t('courier.failReason'))}</label>
    <select id="fail-reason" data-testid="fail-reason">
      <option value="${esc(t('courier.reasonAbsent'))}">${esc(t('courier.reasonAbsent'))}</option>
      <option value="${esc(t('courier.reasonAddress'))}">${esc(t('courier.reasonAddress'))}</option>
      <option value="${esc(t('courier.reasonRefused'))}">${esc(t('courier.reasonRefused'))}</option>
    </select>
    <div class="pick-actions"><button type="button" id="failed" data-testid="failed">${esc(t('courier.failed'))}</button></div>`;
}

/** The pick-ups at the next stop's market, collected together: the server refuses bags waiting at another market than the one arrived at. */
function leadingPickups(c, stops) {
  const out = [];
  for (const s of stops) {
    if (s.kind !== 'pickup' || stopMarket(c, s) !== stopMarket(c, stops[0])) break;
    out.push(s.orderId);
  }
  return out;
}

function wireNext(c, next, stops) {
  if (!next) return;
  $('#arrived')?.addEventListener('click', () => act('arrived', { marketId: stopMarket(c, next) }));
  $('#picked-up')?.addEventListener('click', () => act('pickup', { orderIds: leadingPickups(c, stops) }));
  $('#delivered')?.addEventListener('click', () => {
    const code = $('#delivery-code').value.trim();
    if (!/^[0-9]{4}$/.test(code)) {
      $('#delivery-code').focus();
      return say($('#message'), t('courier.needCode'), 'error');
    }
    act('delivered', { orderId: next.orderId, deliveryCode: code });
  });
  $('#delivery-photo')?.addEventListener('change', (event) => deliverWithPhoto(next.orderId, event.target));
  $('#failed')?.addEventListener('click', () => act('failed', { orderId: next.orderId, reason: $('#fail-reason').value }));
}

async function act(path, body) {
  say($('#message'), '');
  if (QUEUED.has(path)) {
    enqueue(path, body);
    render();
    await flush();
    return;
  }
  try {
    const result = await api.post(`/api/couriers/${encodeURIComponent(state.courierId)}/${path}`, body);
    if (result?.courierId === state.courierId && typeof result.version === 'number') {
      live.saw(`courier:${result.courierId}`, result.version);
      show(result);
    } else {
      await live.resync('courier');
    }
  } catch (error) {
    say($('#message'), describe(error), 'error');
  }
}

async function drawRoute() {
  routeMap ??= new MarketMap($('#route-map'), { label: t('courier.map') });
  routeMap.refresh();
  const c = state.courier;
  const marketId = c.route?.marketId ?? c.profile.marketIds[0];
  const market = state.markets.find((m) => m.id === marketId);
  if (market && !routeMap.layers.area) {
    const area = await api.get(`/api/markets/${encodeURIComponent(market.id)}/area.geojson`).catch(() => null);
    routeMap.setGeoJson('area', area, { style: { color: '#b91c1c', weight: 2, fillOpacity: 0.06 } });
    routeMap.setPoint('market', market.location.lat, market.location.lon, { color: '#92400e', label: market.name });
    // A district courier collects at every market they serve: each of the others gets its point too.
    for (const other of state.markets.filter((m) => m.id !== market.id && c.profile.marketIds?.includes(m.id))) {
      routeMap.setPoint(`market:${other.id}`, other.location.lat, other.location.lon, { color: '#92400e', label: other.name });
    }
    routeMap.fit('area');
  }
  const route = await api.get(`/api/couriers/${encodeURIComponent(state.courierId)}/route.geojson`).catch(() => null);
  routeMap.setGeoJson('route', route, {
    style: { color: '#1e40af', weight: 4 },
    point: { color: '#1e40af', fillColor: '#ffffff' },
    tooltip: (f) => [f.properties?.kind, f.properties?.orderId?.slice(-6), f.properties?.eta ? time(f.properties.eta) : ''].filter(Boolean).join(' · '),
  });
  routeMap.setPoint('me', c.position?.lat, c.position?.lon, { color: '#166534', label: t('courier.me') });
}

// ----- The queue of actions: kept in localStorage, replayed in order when online -----
function queueKey() {
  return `md.courier.queue.${state.courierId}`;
}

function pendingActions() {
  return state.courierId ? readJson(queueKey()) ?? [] : [];
}

function saveActions(actions) {
  writeJson(queueKey(), actions);
  renderPending();
}

function enqueue(path, body) {
  // Only the newest position is worth sending.
  const actions = pendingActions().filter((a) => !(path === 'position' && a.path === 'position'));
  actions.push({ id: newKey(), path, body, at: new Date().toISOString() });
  saveActions(actions);
}

function renderPending() {
  const count = pendingActions().filter((a) => a.path !== 'position').length;
  const el = $('#pending');
  el.dataset.count = String(count);
  el.dataset.state = count ? 'offline' : 'online';
  el.textContent = count ? t('courier.pending', { count }) : '';
  el.hidden = !count;
}

let flushing = null;

/** Sends the queued actions one after another; stops at the first that cannot reach the server (tried again later). */
function flush() {
  flushing ??= drain().finally(() => (flushing = null));
  return flushing;
}

async function drain() {
  for (;;) {
    const action = pendingActions()[0];
    if (!action || !navigator.onLine) return;
    let result = null;
    try {
      result = await api.post(`/api/couriers/${encodeURIComponent(state.courierId)}/${action.path}`, action.body, { 'Idempotency-Key': action.id });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 0 || error.status === 429 || error.status >= 500) return; // still unreachable: later
      if (!(error.status === 409 && (await alreadyDone(action)))) {
        say($('#message'), describe(error), 'error');
      }
    }
    saveActions(pendingActions().filter((a) => a.id !== action.id));
    if (result?.courierId === state.courierId && typeof result.version === 'number') {
      live.saw(`courier:${result.courierId}`, result.version);
      show(result);
    } else {
      await live.resync('courier');
      render();
    }
  }
}

/** A 409 for something the server already shows as done (a replay after an answer that never arrived) is a success. */
async function alreadyDone(action) {
  const courier = await api.get(`/api/couriers/${encodeURIComponent(state.courierId)}`).catch(() => null);
  if (!courier) return false;
  const onBoard = courier.onBoardOrderIds ?? [];
  const inRoute = (kind, orderId) => (courier.route?.stops ?? []).some((s) => s.kind === kind && s.orderId === orderId);
  switch (action.path) {
    case 'pickup':
      return action.body.orderIds.every((id) => onBoard.includes(id) || !inRoute('pickup', id));
    case 'delivered':
    case 'failed':
      return !onBoard.includes(action.body.orderId) && !inRoute('delivery', action.body.orderId);
    default:
      return true;
  }
}

/** The courier as the server has it, with the queued actions applied (what the courier has already done). */
function projected(courier) {
  const actions = pendingActions();
  if (!actions.length) return courier;
  let stops = courier.route?.stops ?? [];
  let onBoard = [...(courier.onBoardOrderIds ?? [])];
  let atMarketId = courier.atMarketId;
  for (const a of actions) {
    if (a.path === 'arrived') atMarketId = a.body.marketId;
    if (a.path === 'pickup') {
      stops = stops.filter((s) => !(s.kind === 'pickup' && a.body.orderIds.includes(s.orderId)));
      onBoard = [...new Set([...onBoard, ...a.body.orderIds])];
      atMarketId = null;
    }
    if (a.path === 'delivered' || a.path === 'failed') {
      stops = stops.filter((s) => !(s.kind === 'delivery' && s.orderId === a.body.orderId));
      onBoard = onBoard.filter((id) => id !== a.body.orderId);
    }
  }
  return { ...courier, route: courier.route ? { ...courier.route, stops } : courier.route, onBoardOrderIds: onBoard, atMarketId };
}

// ----- A re-plan arriving live: which stops are new or moved -----
function stopKey(stop) {
  return `${stop.kind}:${stop.orderId}`;
}

function noteReplan(before, after) {
  const old = before?.route;
  const now = after.route;
  if (!old || !now || old.plannedAt === now.plannedAt) {
    if (!now) state.changed = new Set();
    return;
  }
  // A stop is marked when it is new, its ETA moved, or it changed place among the stops both plans share.
  const nowKeys = new Set(now.stops.map(stopKey));
  const oldOrder = old.stops.map(stopKey).filter((k) => nowKeys.has(k));
  const oldEta = new Map(old.stops.map((s) => [stopKey(s), s.eta]));
  const newOrder = now.stops.map(stopKey).filter((k) => oldEta.has(k));
  state.changed = new Set(now.stops.map(stopKey).filter((k) =>
    !oldEta.has(k) || oldEta.get(k) !== now.stops.find((s) => stopKey(s) === k).eta || oldOrder.indexOf(k) !== newOrder.indexOf(k)));
}

// ----- Sharing the position while on shift: at most every 15 s, and only after moving more than 25 m -----
let watchId = null;
let lastSent = null;

function watchPosition(onShift) {
  if (!('geolocation' in navigator)) return;
  if (onShift && watchId === null) {
    watchId = navigator.geolocation.watchPosition(onPosition, () => {}, { enableHighAccuracy: true, maximumAge: 10_000 });
  } else if (!onShift && watchId !== null) {
    navigator.geolocation.clearWatch(watchId);
    watchId = null;
    lastSent = null;
  }
}

function onPosition(position) {
  const here = { lat: position.coords.latitude, lon: position.coords.longitude };
  const now = Date.now();
  if (lastSent && (now - lastSent.at < POSITION_EVERY_MS || metres(lastSent, here) <= POSITION_MIN_METRES)) return;
  lastSent = { ...here, at: now };
  act('position', here);
}

function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

// ----- Delivered with a photo: upload (multipart field "photo"), then deliver with the photo's id as proof -----
async function deliverWithPhoto(orderId, input) {
  const file = input.files?.[0];
  if (!file) return;
  say($('#message'), t('courier.uploading'), 'info');
  try {
    const form = new FormData();
    form.append('photo', file, file.name || 'delivery.jpg');
    const data = await api.request('POST', `/api/couriers/${encodeURIComponent(state.courierId)}/orders/${encodeURIComponent(orderId)}/photo`, form);
    await act('delivered', { orderId, photoRef: data.photoId });
  } catch (error) {
    say($('#message'), describe(error), 'error');
  } finally {
    input.value = '';
  }
}
