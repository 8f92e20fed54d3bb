// The market board for staff (tablet): the market's orders by slot and state, the dispatch waves, unassigned orders
// with their reasons, couriers and their routes on a map; plan now, requeue a returned order, cancel one still at the
// market; the day's courier roster, each courier's route line on the map, and the stops at risk of being late.
// Live from the market's group (marketOrder, dispatch, courier pushes).
import { initI18n, mountLanguageSwitch, onLanguageChange, t } from '/js/i18n.js';
import { won, time, slotRange } from '/js/format.js';
import { Api } from '/js/api.js';
import { Live } from '/js/live.js';
import { MarketMap } from '/js/map.js';
import { esc, $, mountConnectionBanner, say, describe, view } from '/js/ui.js';
import { mountSignIn } from '/js/signin.js';

const api = new Api('board');
const live = new Live(api);
const state = { marketId: null, market: null, markets: [], orders: new Map(), board: null, couriers: new Map() };
let boardMap;

const ROUTE_COLOURS = ['#1e40af', '#7c2d12', '#166534', '#6b21a8', '#9d174d', '#0f766e'];
const routeDrawn = new Map(); // courierId → what the line was (or is being) drawn from
const routeShown = new Set(); // couriers whose line is on the map

const CANCELLABLE = new Set(['placed', 'picking', 'readyForPickup']);

await initI18n();
mountLanguageSwitch($('#lang'));
mountConnectionBanner($('#conn'), live);
onLanguageChange(() => {
  render();
  renderAdvice();
});
const start = mountSignIn(api, live, { secret: '#password', role: 'staff', notInRole: 'board.notStaff', signedInOnly: ['#plan'], signedIn: openBoard });
// Staff register the couriers of their market (the courier app cannot: a courier's profile is the market's to set).
$('#register-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = $('#reg-id').value.trim();
  const market = state.market;
  try {
    await api.request('PUT', `/api/couriers/${encodeURIComponent(id)}`, {
      name: $('#reg-name').value.trim(),
      district: market?.district ?? '',
      mode: $('#reg-mode').value,
      capacityGrams: 20000,
      capacityBags: 6,
      marketIds: [state.marketId],
      skills: [],
    });
    say($('#register-message'), t('board.registered', { id }), 'ok');
    event.target.reset();
  } catch (error) {
    say($('#register-message'), describe(error), 'error');
  }
});

$('#plan').addEventListener('click', async () => {
  try {
    applyBoard(await api.post(`/api/markets/${encodeURIComponent(state.marketId)}/dispatch/plan`));
    say($('#message'), t('board.planned'));
  } catch (error) {
    say($('#message'), describe(error), 'error');
  }
});

live.on('marketOrder', (summary) => {
  if (summary.marketId !== state.marketId) return;
  const verdict = live.track(`order:${summary.orderId}`, summary.version);
  if (verdict === 'stale') return;
  if (verdict === 'gap') {
    live.resync('market');
    return;
  }
  state.orders.set(summary.orderId, summary);
  render();
});
live.on('dispatch', (board) => {
  if (board.marketId !== state.marketId) return;
  const verdict = live.track('dispatch', board.version);
  if (verdict === 'stale') return;
  applyBoard(board);
});
live.on('courier', (courier) => {
  const verdict = live.track(`courier:${courier.courierId}`, courier.version);
  if (verdict === 'stale') return;
  state.couriers.set(courier.courierId, courier);
  render();
});

$('#advice-form').addEventListener('submit', (event) => {
  event.preventDefault();
  loadAdvice($('#advice-date').value || null);
});

start();

/** The signed-in staff's market: its board, joined live. */
async function openBoard(marketId) {
  state.marketId = marketId;
  state.markets = await api.get('/api/markets');
  state.market = state.markets.find((m) => m.id === state.marketId);
  $('#market-name').removeAttribute('data-i18n');
  $('#market-name').textContent = state.market?.name ?? state.marketId;
  view('board');
  loadAdvice(null);
  await live.join('market', 'JoinMarket', [state.marketId], onSnapshot, (error) => say($('#message'), describe(error), 'error'));
  if (!live.started) {
    live.started = true;
    live.start();
  }
}

function onSnapshot(snapshot) {
  state.orders = new Map(snapshot.orders.map((o) => [o.orderId, o]));
  for (const o of snapshot.orders) live.saw(`order:${o.orderId}`, o.version);
  live.saw('dispatch', snapshot.board.version);
  applyBoard(snapshot.board);
}

function applyBoard(board) {
  if (state.board && state.board.version > board.version) return;
  state.board = board;
  for (const route of board.routes) {
    if (!state.couriers.has(route.courierId)) {
      api.get(`/api/couriers/${encodeURIComponent(route.courierId)}`).then((c) => {
        live.saw(`courier:${c.courierId}`, c.version);
        state.couriers.set(c.courierId, c);
        drawMap();
      }).catch(() => {});
    }
  }
  render();
}

// The fleet advice: tomorrow unless staff pick a day. The server answers 202 while it simulates the day; ask again
// after its Retry-After. A newer request (another day) replaces an older one still waiting.
let adviceRequest = 0;
let adviceTimer = null;

async function loadAdvice(date) {
  const request = ++adviceRequest;
  clearTimeout(adviceTimer);
  const query = date ? `?date=${encodeURIComponent(date)}` : '';
  try {
    const answer = await api.get(`/api/markets/${encodeURIComponent(state.marketId)}/fleet-advice${query}`);
    if (request !== adviceRequest) return;
    if (!answer?.hours) {
      if (answer?.date) $('#advice-date').value = answer.date;
      say($('#advice-status'), t('board.adviceComputing'));
      adviceTimer = setTimeout(() => loadAdvice(answer?.date ?? date), 1000 * (answer?.retryAfterSeconds ?? 2));
      return;
    }
    state.advice = answer;
    $('#advice-date').value = answer.date;
    say($('#advice-status'), '');
    renderAdvice();
  } catch (error) {
    if (request !== adviceRequest) return;
    state.advice = null;
    $('#advice').innerHTML = '';
    say($('#advice-status'), describe(error), 'error');
  }
}

function renderAdvice() {
  const a = state.advice;
  if (!a) return;
  const km = (value) => value.toFixed(1);
  // Markets sharing couriers get their district's advice: say so, naming the markets it covers.
  const shared = (a.marketIds?.length ?? 0) > 1
    ? a.marketIds.map((id) => state.markets?.find((m) => m.id === id)?.name ?? id).join(' · ')
    : '';
  $('#advice').innerHTML = `
    <p data-testid="advice-summary"><strong>${esc(t('board.adviceSummary', { fleet: a.fleet, peak: a.peakCouriers }))}</strong><br>
      <span class="muted">${esc(t('board.adviceTotals', { hours: a.courierHours, km: km(a.courierKm), onTime: a.onTimePct.toFixed(1) }))}</span></p>
    ${shared ? `<p data-testid="advice-district">${esc(t('board.adviceShared', { district: a.districtName, markets: shared }))}</p>` : ''}
    <p class="muted" data-testid="advice-basis" data-basis="${esc(a.basis)}">${esc(t(`board.adviceBasis.${a.basis}`))} · ${esc(t('board.adviceOrders', { orders: a.orders, booked: a.booked }))}</p>
    ${a.targetReached ? '' : `<p class="pill warn">${esc(t('board.adviceNotReached'))}</p>`}
    <table class="advice" data-testid="advice-hours">
      <caption class="sr-only">${esc(t('board.adviceCaption', { date: a.date }))}</caption>
      <thead><tr><th scope="col">${esc(t('board.adviceHour'))}</th><th scope="col">${esc(t('board.adviceCouriers'))}</th><th scope="col">${esc(t('board.adviceKm'))}</th></tr></thead>
      <tbody>${a.hours.map((h) => `<tr data-testid="advice-hour-${esc(h.hour.slice(0, 2))}"><th scope="row">${esc(h.hour)}</th>
        <td>${esc(t('board.adviceCourierCount', { count: h.couriers }))}</td><td>${esc(km(h.courierKm))}</td></tr>`).join('')}</tbody>
    </table>
    ${a.updating ? `<p class="muted">${esc(t('board.adviceUpdating'))}</p>` : ''}`;
}

function statusPill(status) {
  const cls = status === 'delivered' || status === 'readyForPickup' ? 'ok' : status === 'cancelled' || status === 'deliveryFailed' ? 'warn' : 'info';
  return `<span class="pill ${cls}">${esc(t(`status.${status}`))}</span>`;
}

function render() {
  if (!state.board) return;
  const orders = [...state.orders.values()].sort((a, b) => Date.parse(a.slotStart) - Date.parse(b.slotStart) || a.status.localeCompare(b.status));
  const bySlot = new Map();
  for (const o of orders) {
    if (!bySlot.has(o.slotId)) bySlot.set(o.slotId, []);
    bySlot.get(o.slotId).push(o);
  }
  $('#orders').innerHTML = orders.length ? [...bySlot].map(([slotId, list]) => `
    <h4>${esc(slotRange(list[0].slotStart, list[0].slotEnd))} <span class="muted">${esc(t('merchant.count', { count: list.length }))}</span></h4>
    <ul class="list">${list.map((o) => `<li class="row spread" data-testid="order-${esc(o.orderId)}" data-status="${esc(o.status)}">
      <span class="grow">${esc(t('merchant.orderNo', { id: o.orderId.slice(-6) }))} ${statusPill(o.status)}
        ${o.ticketsOpen ? `<span class="muted">${esc(t('board.ticketsOpen', { count: o.ticketsOpen }))}</span>` : ''}
        ${o.courierId ? `<span class="muted">· ${esc(o.courierId)}</span>` : ''}</span>
      <span class="price">${esc(won(o.chargedTotalWon))}</span>
      ${o.status === 'deliveryFailed' ? `<button type="button" data-requeue="${esc(o.orderId)}">${esc(t('board.requeue'))}</button>` : ''}
      ${CANCELLABLE.has(o.status) ? `<button type="button" data-cancel="${esc(o.orderId)}" aria-label="${esc(t('board.cancelNamed', { id: o.orderId.slice(-6) }))}">${esc(t('board.cancel'))}</button>` : ''}
    </li>`).join('')}</ul>`).join('') : `<p class="muted">${esc(t('customer.noOrders'))}</p>`;
  for (const b of $('#orders').querySelectorAll('button[data-requeue]')) b.addEventListener('click', () => orderAction(b.dataset.requeue, 'requeue'));
  for (const b of $('#orders').querySelectorAll('button[data-cancel]')) b.addEventListener('click', () => orderAction(b.dataset.cancel, 'cancel'));

  const board = state.board;
  $('#waves').innerHTML = board.waves.length ? board.waves.map((w) => `<li class="row spread"><span>${esc(slotRange(w.slotStart, w.slotEnd))} · ${esc(t('merchant.count', { count: w.orders }))}</span>
      <span class="muted">${esc(w.releasedAt ? t('board.released', { time: time(w.releasedAt) }) : t('board.releaseAt', { time: time(w.releaseAt) }))}</span></li>`).join('')
    : `<li class="muted">${esc(t('board.noWaves'))}</li>`;
  $('#plan-info').textContent = board.lastPlannedAt ? t('board.lastPlan', { time: time(board.lastPlannedAt), replans: board.replans }) : '';
  $('#unassigned').innerHTML = board.unassigned.length ? board.unassigned.map((u) => `<li data-testid="unassigned-${esc(u.orderId)}"><strong>${esc(t('merchant.orderNo', { id: u.orderId.slice(-6) }))}</strong> <span class="pill warn">${esc(u.reason)}</span><br><span class="muted">${esc(u.message)}</span></li>`).join('')
    : `<li class="muted">${esc(t('board.noUnassigned'))}</li>`;
  $('#routes').innerHTML = board.routes.length ? board.routes.map((r) => `<li class="row spread" data-testid="route-${esc(r.courierId)}"><span>
      <span aria-hidden="true" data-testid="route-line-${esc(r.courierId)}" data-drawn="${routeShown.has(r.courierId)}" style="display:inline-block;width:24px;height:4px;vertical-align:middle;background:${routeColour(r.courierId)}"></span>
      ${esc(r.courierId)}</span>
      <span class="muted">${esc(t('board.stops', { count: r.stops.length }))}${r.stops[0] ? ` · ${esc(t('courier.eta', { time: time(r.stops[0].eta) }))}` : ''}</span>
      ${routeStops(r)}</li>`).join('')
    : `<li class="muted">${esc(t('board.noRoutes'))}</li>`;
  renderRoster();
  renderLateRisks();
  drawMap();
}

function marketName(id) {
  return state.markets.find((m) => m.id === id)?.name ?? id;
}

/**
 * A route's stops, each pick-up with the market whose hand-over point it is at. A district courier's route also
 * carries orders of the district's other markets: those stops are marked, so staff see why the courier leaves.
 */
function routeStops(route) {
  if (!route.stops.length) return '';
  return `<ol class="route-stops" aria-label="${esc(t('board.routeStops', { courier: route.courierId }))}">${route.stops.map((s) => {
    const marketId = s.marketId ?? route.marketId;
    const other = marketId !== state.marketId;
    return `<li${other ? ' class="other-market"' : ''} data-testid="route-stop-${esc(s.kind)}-${esc(s.orderId)}" data-market="${esc(marketId)}" data-other-market="${other}">
      ${esc(t(`stop.${s.kind}`))} · ${esc(t('merchant.orderNo', { id: s.orderId.slice(-6) }))}
      ${other ? ` <span class="pill warn">${esc(t('board.otherMarket', { market: marketName(marketId) }))}</span>`
    : s.kind === 'pickup' ? ` · ${esc(t('courier.atMarket', { market: marketName(marketId) }))}` : ''}
      <span class="muted">· ${esc(time(s.eta))}</span></li>`;
  }).join('')}</ol>`;
}

/** The day's couriers: the dispatcher's roster, kept current by the couriers' own pushes. */
function renderRoster() {
  const ids = new Set([...(state.board.couriers ?? []).map((c) => c.courierId)]);
  for (const c of state.couriers.values()) {
    if (c.onShift) ids.add(c.courierId);
    else ids.delete(c.courierId);
  }
  const roster = [...ids].sort().map((id) => {
    const info = state.board.couriers?.find((c) => c.courierId === id);
    const live = state.couriers.get(id);
    return {
      id,
      mode: live?.profile?.mode ?? info?.mode,
      end: live?.shift?.end ?? info?.shiftEnd,
      onBoard: (live?.onBoardOrderIds ?? info?.onBoardOrderIds ?? []).length,
      stops: state.board.routes.find((r) => r.courierId === id)?.stops.length ?? 0,
    };
  });
  $('#roster').innerHTML = roster.length ? roster.map((c) => `<li class="row spread" data-testid="roster-${esc(c.id)}">
      <span><strong>${esc(c.id)}</strong> ${c.mode ? `<span class="muted">${esc(t(`mode.${c.mode}`))}</span>` : ''}</span>
      <span class="muted">${esc(t('courier.until', { time: time(c.end) }))} · ${esc(t('board.stops', { count: c.stops }))} · ${esc(t('courier.onBoard', { count: c.onBoard }))}</span></li>`).join('')
    : `<li class="muted">${esc(t('board.noCouriers'))}</li>`;
}

/** Stops whose plan is already late, or whose ETA falls after the order's slot. */
function renderLateRisks() {
  const risks = [];
  for (const route of state.board.routes) {
    for (const stop of route.stops) {
      if (stop.kind !== 'delivery') continue;
      const order = state.orders.get(stop.orderId);
      const pastWindow = order && Date.parse(stop.eta) > Date.parse(order.slotEnd);
      if (stop.latenessMinutes > 0 || pastWindow) risks.push({ route, stop, order });
    }
  }
  $('#late-risks').innerHTML = risks.length ? risks.map(({ route, stop, order }) => `<li class="late-risk" data-testid="late-${esc(stop.orderId)}">
      <strong>${esc(t('merchant.orderNo', { id: stop.orderId.slice(-6) }))}</strong> · ${esc(route.courierId)}
      <span class="pill warn">${esc(stop.latenessMinutes > 0 ? t('courier.late', { minutes: stop.latenessMinutes }) : t('board.pastWindow'))}</span><br>
      <span class="muted">${esc(t('courier.eta', { time: time(stop.eta) }))}${order ? ` · ${esc(slotRange(order.slotStart, order.slotEnd))}` : ''}</span></li>`).join('')
    : `<li class="muted">${esc(t('board.noLateRisks'))}</li>`;
  const late = new Set(risks.map((r) => r.stop.orderId));
  for (const li of $('#orders').querySelectorAll('li[data-testid^="order-"]')) li.classList.toggle('late-risk', late.has(li.dataset.testid.slice(6)));
}

function routeColour(courierId) {
  const ids = state.board.routes.map((r) => r.courierId).sort();
  return ROUTE_COLOURS[Math.max(0, ids.indexOf(courierId)) % ROUTE_COLOURS.length];
}

/** Each courier's route line (GeoJSON from the API), drawn again when their route or position changes. */
async function drawRoutes() {
  const current = new Set(state.board.routes.map((r) => r.courierId));
  for (const id of [...routeDrawn.keys()]) {
    if (!current.has(id)) {
      boardMap.setGeoJson(`route:${id}`, null);
      routeDrawn.delete(id);
      routeShown.delete(id);
    }
  }
  for (const route of state.board.routes) {
    const courier = state.couriers.get(route.courierId);
    const basis = `${route.plannedAt}|${route.stops.length}|${courier?.version ?? ''}`;
    if (routeDrawn.get(route.courierId) === basis) continue;
    routeDrawn.set(route.courierId, basis);
    const geo = await api.get(`/api/couriers/${encodeURIComponent(route.courierId)}/route.geojson`).catch(() => null);
    if (!geo) {
      routeDrawn.delete(route.courierId);
      continue;
    }
    const colour = routeColour(route.courierId);
    boardMap.setGeoJson(`route:${route.courierId}`, geo, {
      style: { color: colour, weight: 4, opacity: 0.8 },
      point: { color: colour, fillColor: '#ffffff', radius: 5 },
      tooltip: (f) => [route.courierId, f.properties?.kind, f.properties?.orderId?.slice(-6), f.properties?.eta ? time(f.properties.eta) : ''].filter(Boolean).join(' · '),
    });
    routeShown.add(route.courierId);
    const swatch = document.querySelector(`[data-testid="route-line-${CSS.escape(route.courierId)}"]`);
    if (swatch) swatch.dataset.drawn = 'true';
  }
}

async function orderAction(orderId, action) {
  try {
    await api.post(`/api/orders/${encodeURIComponent(orderId)}/${action}`, action === 'cancel' ? { reason: t('board.cancelReason') } : undefined);
  } catch (error) {
    say($('#message'), describe(error), 'error');
  }
}

async function drawMap() {
  if (!state.market || $('#view-board').hidden) return;
  boardMap ??= new MarketMap($('#board-map'), { label: t('board.map') });
  boardMap.refresh();
  if (!boardMap.layers.area) {
    boardMap.layers.area = L.layerGroup(); // placeholder while loading, so it loads once
    const area = await api.get(`/api/markets/${encodeURIComponent(state.market.id)}/area.geojson`).catch(() => null);
    boardMap.setGeoJson('area', area, { style: { color: '#b91c1c', weight: 2, fillOpacity: 0.06 } });
    boardMap.setPoint('market', state.market.location.lat, state.market.location.lon, { color: '#92400e', label: state.market.name });
    boardMap.fit('area');
  }
  const open = [...state.orders.values()].filter((o) => !['delivered', 'cancelled'].includes(o.status));
  boardMap.setGeoJson('orders', { type: 'FeatureCollection', features: open.map((o) => ({ type: 'Feature', properties: { label: `${o.orderId.slice(-6)} ${t(`status.${o.status}`)}` }, geometry: { type: 'Point', coordinates: [o.destination.lon, o.destination.lat] } })) },
    { point: { color: '#1d4ed8', fillColor: '#ffffff', radius: 6 }, tooltip: (f) => f.properties.label });
  const couriers = [...state.couriers.values()].filter((c) => c.position);
  boardMap.setGeoJson('couriers', { type: 'FeatureCollection', features: couriers.map((c) => ({ type: 'Feature', properties: { label: c.courierId }, geometry: { type: 'Point', coordinates: [c.position.lon, c.position.lat] } })) },
    { point: { color: '#166534', fillColor: '#166534', radius: 8 }, tooltip: (f) => f.properties.label });
  if (state.board) await drawRoutes();
}
