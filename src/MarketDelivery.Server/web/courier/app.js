// The courier's phone: sign in, register once, start and end the shift, the route with the next stop first and big,
// a map of the route (GeoJSON, no tiles), and the actions at each stop: arrived, picked up, delivered with the
// customer's code, or failed with a reason. Live from the courier's own group.
import { initI18n, mountLanguageSwitch, onLanguageChange, t } from '/js/i18n.js';
import { time } from '/js/format.js';
import { Api, ApiError } from '/js/api.js';
import { Live } from '/js/live.js';
import { MarketMap } from '/js/map.js';
import { esc, $, mountConnectionBanner, say } from '/js/ui.js';

const api = new Api('courier');
const live = new Live(api);
const state = { courierId: null, courier: null, markets: [] };
let routeMap;

await initI18n();
mountLanguageSwitch($('#lang'));
mountConnectionBanner($('#conn'), live);
api.onSignedOut = () => start();
onLanguageChange(() => render());
$('#sign-out').addEventListener('click', async () => {
  await live.stop();
  await api.signOut();
  location.reload();
});
$('#signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api.signIn($('#account').value.trim(), $('#pin').value);
    $('#pin').value = '';
    start();
  } catch (error) {
    say($('#message'), error instanceof ApiError && error.status === 401 ? t('merchant.signInFailed') : describe(error), 'error');
  }
});
$('#register-form').addEventListener('submit', register);

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

start();

function describe(error) {
  if (error instanceof ApiError) {
    if (error.status >= 500) return t('common.tryAgain');
    const fields = error.problem?.errors ? Object.values(error.problem.errors).flat().join(' ') : '';
    return `${error.message}${fields ? ` ${fields}` : ''}`;
  }
  return navigator.onLine ? String(error?.message ?? error) : t('live.offline');
}

function view(name) {
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== `view-${name}`;
}

async function start() {
  const signedIn = api.signedIn;
  $('#sign-out').hidden = !signedIn;
  $('#conn').hidden = !signedIn;
  if (!signedIn) {
    view('signin');
    return;
  }
  try {
    const me = await api.me();
    state.courierId = me.roles.find((r) => r.role === 'courier')?.scopeId ?? null;
    if (!state.courierId) {
      say($('#message'), t('courier.notCourier'), 'error');
      view('signin');
      return;
    }
    state.markets = await api.get('/api/markets');
    let courier = null;
    try {
      courier = await api.get(`/api/couriers/${encodeURIComponent(state.courierId)}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    if (!courier) {
      $('#reg-market').innerHTML = state.markets.map((m) => `<option value="${esc(m.id)}">${esc(m.name)}</option>`).join('');
      view('register');
      return;
    }
    await follow(courier);
  } catch (error) {
    say($('#message'), describe(error), 'error');
  }
}

async function register(event) {
  event.preventDefault();
  const market = state.markets.find((m) => m.id === $('#reg-market').value);
  try {
    const courier = await api.request('PUT', `/api/couriers/${encodeURIComponent(state.courierId)}`, {
      name: api.account?.name ?? state.courierId,
      district: market?.district ?? '',
      mode: $('#reg-mode').value,
      capacityGrams: 20000,
      capacityBags: 6,
      marketIds: [market.id],
      skills: [],
    });
    await follow(courier);
  } catch (error) {
    say($('#message'), describe(error), 'error');
  }
}

async function follow(courier) {
  view('work');
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
  state.courier = courier;
  render();
  drawRoute();
}

function marketName(id) {
  return state.markets.find((m) => m.id === id)?.name ?? id;
}

function render() {
  const c = state.courier;
  if (!c) return;
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
    ? stops.map((s, i) => `<li class="row spread" ${i === 0 ? 'aria-current="step"' : ''}><span>${esc(t(`stop.${s.kind}`))} · ${esc(t('merchant.orderNo', { id: s.orderId.slice(-6) }))}</span>
        <span>${esc(time(s.eta))}${s.latenessMinutes > 0 ? ` <span class="pill warn">${esc(t('courier.late', { minutes: s.latenessMinutes }))}</span>` : ''}</span></li>`).join('')
    : `<li class="muted">${esc(t('courier.noStops'))}</li>`;
}

function nextStop(c, next, stops) {
  if (next.kind === 'pickup') {
    const marketId = c.route.marketId;
    const pickups = leadingPickups(stops);
    return `<h3>${esc(t('courier.next'))}: ${esc(t('stop.pickup'))}</h3>
      <p class="total">${esc(marketName(marketId))}</p>
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
    <label for="fail-reason">${esc(t('courier.failReason'))}</label>
    <select id="fail-reason" data-testid="fail-reason">
      <option value="${esc(t('courier.reasonAbsent'))}">${esc(t('courier.reasonAbsent'))}</option>
      <option value="${esc(t('courier.reasonAddress'))}">${esc(t('courier.reasonAddress'))}</option>
      <option value="${esc(t('courier.reasonRefused'))}">${esc(t('courier.reasonRefused'))}</option>
    </select>
    <div class="pick-actions"><button type="button" id="failed" data-testid="failed">${esc(t('courier.failed'))}</button></div>`;
}

function leadingPickups(stops) {
  const out = [];
  for (const s of stops) {
    if (s.kind !== 'pickup') break;
    out.push(s.orderId);
  }
  return out;
}

function wireNext(c, next, stops) {
  if (!next) return;
  $('#arrived')?.addEventListener('click', () => act('arrived', { marketId: c.route.marketId }));
  $('#picked-up')?.addEventListener('click', () => act('pickup', { orderIds: leadingPickups(stops) }));
  $('#delivered')?.addEventListener('click', () => {
    const code = $('#delivery-code').value.trim();
    if (!/^[0-9]{4}$/.test(code)) {
      $('#delivery-code').focus();
      return say($('#message'), t('courier.needCode'), 'error');
    }
    act('delivered', { orderId: next.orderId, deliveryCode: code });
  });
  $('#failed')?.addEventListener('click', () => act('failed', { orderId: next.orderId, reason: $('#fail-reason').value }));
}

async function act(path, body) {
  say($('#message'), '');
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
