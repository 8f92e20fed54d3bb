// The customer app (phone first): sign in by phone, choose a market, browse and search stalls, a basket across
// stalls with a substitution preference per line, a bookable slot, place the order once (Idempotency-Key per basket),
// then follow it live.
import { initI18n, mountLanguageSwitch, onLanguageChange, t } from '/js/i18n.js';
import { won, time, day, slotRange } from '/js/format.js';
import { Api, newKey, readJson, writeJson } from '/js/api.js';
import { Live } from '/js/live.js';
import { MarketMap } from '/js/map.js';
import { esc, $, mountConnectionBanner, say, describe } from '/js/ui.js';
import { mountSignOut } from '/js/signin.js';

const api = new Api('customer');
const live = new Live(api);
const BASKET_KEY = 'md.customer.basket';

const state = {
  markets: [],
  catalog: null, // { marketId, stalls }
  order: null,
  followed: null,
  query: '',
};

// ----- Hooks for endpoints another engineer is adding; wired after their merge. -----
export const hooks = {
  /** A page of the signed-in customer's orders, newest first; pass the page's `next` as `before` for older ones. */
  async orderHistory(customerId, before = null, limit = 10) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before) query.set('before', before);
    return api.get(`/api/customers/${encodeURIComponent(customerId)}/orders?${query}`);
  },
  /** The customer's answer to a substitute the merchant picked: POST …/substitutions/{lineNo}/approve|reject. */
  substitutionDecision: (orderId, lineNo, approve) =>
    api.post(`/api/orders/${encodeURIComponent(orderId)}/substitutions/${encodeURIComponent(lineNo)}/${approve ? 'approve' : 'reject'}`),
};

// ----- Start -----
await initI18n();
mountLanguageSwitch($('#lang'));
mountConnectionBanner($('#conn'), live);
api.onSignedOut = () => route();
mountSignOut(api, { then: () => (location.hash = '#/') });
$('#orders-link').addEventListener('click', () => (location.hash = '#/orders'));
$('#orders-more').addEventListener('click', moreOrders);
onLanguageChange(() => render());
window.addEventListener('hashchange', route);

live.on('order', (view) => {
  if (!state.order || view.orderId !== state.order.orderId) return;
  const verdict = live.track(`order:${view.orderId}`, view.version);
  if (verdict === 'stale') return;
  if (verdict === 'gap') {
    live.resync(`order:${view.orderId}`);
    return;
  }
  showOrder(view);
});

setupForms();
route();

// ----- Routing -----
function show(view) {
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== `view-${view}`;
  state.view = view;
}

async function route() {
  say($('#message'), '');
  const signedIn = api.signedIn;
  $('#sign-out').hidden = !signedIn;
  $('#orders-link').hidden = !signedIn;
  $('#conn').hidden = !signedIn;
  if (!signedIn) {
    show('signin');
    return;
  }
  if (live.state === 'connecting' && !live.started) {
    live.started = true;
    live.start();
  }
  const [, page, id] = (location.hash || '#/').split('/');
  if (page !== 'order' && state.followed) {
    live.leave(`order:${state.followed}`, 'UnfollowOrder', [state.followed]);
    state.followed = null;
    state.order = null;
  }
  try {
    if (page === 'm' && id) await openShop(decodeURIComponent(id));
    else if (page === 'basket') await openBasket();
    else if (page === 'order' && id) await openOrder(decodeURIComponent(id));
    else if (page === 'orders') await openOrders();
    else await openMarkets();
  } catch (error) {
    say($('#message'), describe(error), 'error');
  }
  updateBar();
}

function render() {
  if (state.view === 'markets') renderMarkets();
  if (state.view === 'shop') renderShop();
  if (state.view === 'basket') renderBasket();
  if (state.view === 'order' && state.order) showOrder(state.order);
  if (state.view === 'orders') renderOrders();
  updateBar();
}

// ----- Sign-in -----
function setupForms() {
  $('#phone-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const sent = await api.requestCode($('#phone').value);
      $('#code-form').hidden = false;
      if (sent?.devCode) {
        $('#code').value = sent.devCode;
        $('#dev-code').hidden = false;
        $('#dev-code').textContent = t('customer.devCode', { code: sent.devCode });
      }
      $('#code').focus();
    } catch (error) {
      say($('#message'), describe(error), 'error');
    }
  });
  $('#code-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.verifyCode($('#phone').value, $('#code').value);
      $('#code-form').hidden = true;
      route();
    } catch (error) {
      say($('#message'), describe(error), 'error');
    }
  });
  $('#search').addEventListener('input', (event) => {
    state.query = event.target.value.trim();
    renderShop();
  });
  $('#place').addEventListener('click', placeOrder);
}

function customerId() {
  return api.scopeOf('customer') ?? api.account?.subject;
}

// ----- Markets -----
async function loadMarkets() {
  state.markets = await api.get('/api/markets');
}

async function openMarkets() {
  show('markets');
  await loadMarkets();
  renderMarkets();
}

function renderMarkets() {
  $('#markets').innerHTML = state.markets.map((m) => `
    <li><a class="button" style="width:100%;justify-content:space-between" href="#/m/${encodeURIComponent(m.id)}" data-testid="market-${esc(m.id)}">
      <span><strong>${esc(m.name)}</strong> <span class="muted">${esc(m.district)}</span></span>
      <span class="muted">${m.slots.length ? esc(t('customer.nextSlot', { slot: slotRange(m.slots[0].start, m.slots[0].end) })) : esc(t('customer.noSlot'))}</span>
    </a></li>`).join('');
}

// ----- Shop -----
async function openShop(marketId) {
  show('shop');
  if (!state.markets.length) await loadMarkets();
  // Read again on every visit: merchants mark products sold out and back (a customer is in no stall's push group).
  await loadCatalog(marketId);
  const basket = getBasket();
  if (basket.marketId !== marketId && basket.lines.length === 0) saveBasket({ ...emptyBasket(), marketId });
  renderShop();
}

function renderShop() {
  if (!state.catalog) return;
  const market = state.markets.find((m) => m.id === state.catalog.marketId);
  $('#shop-heading').textContent = market?.name ?? state.catalog.marketName;
  const basket = getBasket();
  const otherMarket = basket.lines.length > 0 && basket.marketId !== state.catalog.marketId;
  const q = state.query.toLowerCase();
  const stalls = state.catalog.stalls
    .map((s) => ({ ...s, products: s.products.filter((p) => !q || p.name.toLowerCase().includes(q) || p.sku.includes(q) || s.name.toLowerCase().includes(q)) }))
    .filter((s) => s.products.length);
  $('#stalls').innerHTML = (otherMarket ? `<p class="message">${esc(t('customer.otherMarket'))}</p>` : '') +
    (stalls.length ? '' : `<p class="muted">${esc(t('customer.noResults'))}</p>`) +
    stalls.map((s) => `
    <section class="card" aria-labelledby="stall-${esc(s.id)}">
      <h3 id="stall-${esc(s.id)}">${esc(s.name)} <span class="pill">${esc(s.category)}</span></h3>
      <ul class="list">${s.products.map((p) => productRow(s, p, basket, otherMarket)).join('')}</ul>
    </section>`).join('');
  for (const button of $('#stalls').querySelectorAll('button[data-add]')) {
    button.addEventListener('click', () => changeQuantity(button.dataset.stall, button.dataset.add, Number(button.dataset.delta)));
  }
}

function productRow(stall, p, basket, disabled) {
  const line = basket.lines.find((l) => l.stallId === stall.id && l.sku === p.sku);
  const qty = line?.quantity ?? 0;
  const available = isAvailable(p);
  const name = esc(p.name);
  return `<li class="row" data-testid="product-${esc(p.sku)}">
    <span class="grow"><strong>${name}</strong> <span class="muted">${esc(p.unit)}</span><br>
      <span class="price">${esc(won(p.priceWon))}</span>
      ${available ? '' : `<span class="pill warn">${esc(t('customer.soldOut'))}</span>`}</span>
    ${qty > 0
      ? `<span class="qty"><button type="button" data-add="${esc(p.sku)}" data-stall="${esc(stall.id)}" data-delta="-1" aria-label="${esc(t('customer.less', { name: p.name }))}">−</button>
         <output aria-label="${esc(t('customer.quantityOf', { name: p.name }))}">${qty}</output>
         <button type="button" data-add="${esc(p.sku)}" data-stall="${esc(stall.id)}" data-delta="1" aria-label="${esc(t('customer.more', { name: p.name }))}" ${available && !disabled ? '' : 'disabled'}>+</button></span>`
      : `<button type="button" data-add="${esc(p.sku)}" data-stall="${esc(stall.id)}" data-delta="1" data-testid="add-${esc(p.sku)}" aria-label="${esc(t('customer.addNamed', { name: p.name }))}" ${available && !disabled ? '' : 'disabled'}>${esc(t('customer.add'))}</button>`}
  </li>`;
}

// ----- Basket (one market; an Idempotency-Key per basket, kept until the order is placed) -----
async function loadCatalog(marketId) {
  state.catalog = await api.get(`/api/markets/${encodeURIComponent(marketId)}/catalog`);
}

function isAvailable(p) {
  return !!p && p.available && (p.stock == null || p.stock > 0);
}

function emptyBasket() {
  return { marketId: null, lines: [], key: newKey(), slotId: null, address: '', lat: null, lon: null };
}

function getBasket() {
  return readJson(BASKET_KEY) ?? emptyBasket();
}

function saveBasket(basket) {
  writeJson(BASKET_KEY, basket);
  updateBar();
}

function changeQuantity(stallId, sku, delta) {
  const basket = getBasket();
  if (basket.lines.length === 0) basket.marketId = state.catalog?.marketId ?? basket.marketId;
  let line = basket.lines.find((l) => l.stallId === stallId && l.sku === sku);
  if (!line && delta > 0) {
    line = { stallId, sku, quantity: 0, substitution: { kind: 'bestMatch', sku: null } };
    basket.lines.push(line);
  }
  if (!line) return;
  line.quantity = Math.max(0, line.quantity + delta);
  basket.lines = basket.lines.filter((l) => l.quantity > 0);
  saveBasket(basket);
  if (state.view === 'shop') renderShop();
  if (state.view === 'basket') renderBasket();
}

function product(stallId, sku) {
  const stall = state.catalog?.stalls.find((s) => s.id === stallId);
  return { stall, product: stall?.products.find((p) => p.sku === sku) };
}

function basketTotal(basket) {
  return basket.lines.reduce((sum, l) => sum + (product(l.stallId, l.sku).product?.priceWon ?? 0) * l.quantity, 0);
}

function updateBar() {
  const basket = getBasket();
  const count = basket.lines.reduce((n, l) => n + l.quantity, 0);
  $('#basket-bar').hidden = !(api.signedIn && count > 0 && state.view === 'shop' && state.catalog?.marketId === basket.marketId);
  $('#bar-count').textContent = t('customer.items', { count });
  $('#bar-total').textContent = won(basketTotal(basket));
}

let addressMap;

async function openBasket() {
  show('basket');
  const basket = getBasket();
  if (!state.markets.length) await loadMarkets();
  if (basket.marketId) await loadCatalog(basket.marketId); // availability as the merchants set it now
  const market = state.markets.find((m) => m.id === basket.marketId);
  if (market && basket.lat == null) {
    // A starting point for the delivery location: near the market (the customer taps the map to move it).
    basket.lat = market.location.lat + 0.002;
    basket.lon = market.location.lon + 0.002;
    saveBasket(basket);
  }
  renderBasket();
  if (market) {
    addressMap ??= new MarketMap($('#address-map'), { label: t('customer.addressMap') });
    addressMap.refresh();
    const area = await api.get(`/api/markets/${encodeURIComponent(market.id)}/area.geojson`).catch(() => null);
    addressMap.setGeoJson('area', area, { style: { color: '#b91c1c', weight: 2, fillOpacity: 0.06 } });
    addressMap.fit('area');
    addressMap.setPoint('market', market.location.lat, market.location.lon, { color: '#92400e', label: market.name });
    drawDestination();
    addressMap.map.off('click');
    addressMap.map.on('click', (event) => {
      const b = getBasket();
      b.lat = event.latlng.lat;
      b.lon = event.latlng.lng;
      saveBasket(b);
      drawDestination();
    });
  }
}

function drawDestination() {
  const b = getBasket();
  addressMap?.setPoint('destination', b.lat, b.lon, { color: '#1d4ed8', label: t('customer.destination') });
}

function renderBasket() {
  const basket = getBasket();
  const market = state.markets.find((m) => m.id === basket.marketId);
  if (!basket.lines.length) {
    $('#basket-lines').innerHTML = `<p class="card">${esc(t('customer.emptyBasket'))} <a href="#/">${esc(t('customer.chooseMarket'))}</a></p>`;
  } else {
    const byStall = Map.groupBy ? Map.groupBy(basket.lines, (l) => l.stallId) : groupBy(basket.lines, (l) => l.stallId);
    $('#basket-lines').innerHTML = [...byStall].map(([stallId, lines]) => {
      const { stall } = product(stallId, lines[0].sku);
      return `<section class="card" aria-label="${esc(stall?.name ?? stallId)}"><h3>${esc(stall?.name ?? stallId)}</h3><ul class="list">${lines.map((l) => basketLine(stall, l)).join('')}</ul></section>`;
    }).join('');
  }
  for (const button of $('#basket-lines').querySelectorAll('button[data-add]')) {
    button.addEventListener('click', () => changeQuantity(button.dataset.stall, button.dataset.add, Number(button.dataset.delta)));
  }
  for (const select of $('#basket-lines').querySelectorAll('select[data-sub]')) {
    select.addEventListener('change', () => {
      const b = getBasket();
      const line = b.lines.find((l) => l.stallId === select.dataset.stall && l.sku === select.dataset.sub);
      const value = select.value;
      line.substitution = value === 'none' || value === 'bestMatch' ? { kind: value, sku: null } : { kind: 'specific', sku: value };
      saveBasket(b);
    });
  }
  const slots = market?.slots ?? [];
  if (basket.slotId && !slots.some((s) => s.slotId === basket.slotId)) basket.slotId = null;
  $('#slots').innerHTML = slots.length
    ? slots.map((s) => `<label class="row" style="font-weight:400;min-height:44px;flex-wrap:nowrap"><input type="radio" name="slot" value="${esc(s.slotId)}" style="width:24px;min-height:24px" data-testid="slot-${esc(s.slotId)}" ${basket.slotId === s.slotId ? 'checked' : ''}>
        <span class="grow">${esc(slotRange(s.start, s.end))} <span class="muted">${esc(t('customer.cutoff', { time: time(s.cutoff) }))}</span></span></label>`).join('')
    : `<p class="muted">${esc(t('customer.noSlot'))}</p>`;
  for (const radio of $('#slots').querySelectorAll('input')) {
    radio.addEventListener('change', () => {
      const b = getBasket();
      b.slotId = radio.value;
      saveBasket(b);
    });
  }
  const address = $('#address');
  address.value = basket.address ?? '';
  address.oninput = () => {
    const b = getBasket();
    b.address = address.value;
    saveBasket(b);
  };
  $('#basket-total').textContent = won(basketTotal(basket));
  $('#place').disabled = basket.lines.length === 0;
}

function basketLine(stall, line) {
  const p = stall?.products.find((x) => x.sku === line.sku);
  const alternatives = (stall?.products ?? []).filter((x) => x.sku !== line.sku);
  const sub = line.substitution ?? { kind: 'none' };
  const selected = sub.kind === 'specific' ? sub.sku : sub.kind;
  const selectId = `sub-${line.stallId}-${line.sku}`;
  const available = isAvailable(p);
  return `<li data-testid="basket-line-${esc(line.sku)}" data-available="${available}">
    <div class="row"><span class="grow"><strong>${esc(p?.name ?? line.sku)}</strong> <span class="muted">${esc(p?.unit ?? '')}</span>
      ${available ? '' : `<span class="pill warn" data-testid="sold-out-${esc(line.sku)}">${esc(t('customer.soldOut'))}</span>`}</span>
      <span class="qty"><button type="button" data-add="${esc(line.sku)}" data-stall="${esc(line.stallId)}" data-delta="-1" aria-label="${esc(t('customer.less', { name: p?.name ?? line.sku }))}">−</button>
      <output>${line.quantity}</output>
      <button type="button" data-add="${esc(line.sku)}" data-stall="${esc(line.stallId)}" data-delta="1" aria-label="${esc(t('customer.more', { name: p?.name ?? line.sku }))}" ${available ? '' : 'disabled'}>+</button></span>
      <span class="price">${esc(won((p?.priceWon ?? 0) * line.quantity))}</span></div>
    <label for="${esc(selectId)}">${esc(t('customer.substitution'))}</label>
    <select id="${esc(selectId)}" data-sub="${esc(line.sku)}" data-stall="${esc(line.stallId)}" data-testid="substitution-${esc(line.sku)}">
      <option value="none" ${selected === 'none' ? 'selected' : ''}>${esc(t('sub.none'))}</option>
      <option value="bestMatch" ${selected === 'bestMatch' ? 'selected' : ''}>${esc(t('sub.bestMatch'))}</option>
      ${alternatives.map((a) => `<option value="${esc(a.sku)}" ${selected === a.sku ? 'selected' : ''}>${esc(t('sub.specific', { name: a.name }))}</option>`).join('')}
    </select>
  </li>`;
}

function groupBy(items, keyOf) {
  const map = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(item);
  }
  return map;
}

let placing = false;

async function placeOrder() {
  if (placing) return; // a double tap sends nothing more; a retry would send the same Idempotency-Key anyway
  const basket = getBasket();
  if (!basket.slotId) return say($('#message'), t('customer.needSlot'), 'error');
  if (!basket.address?.trim()) {
    $('#address').focus();
    return say($('#message'), t('customer.needAddress'), 'error');
  }
  placing = true;
  $('#place').disabled = true;
  say($('#message'), t('customer.placing'));
  try {
    // The catalogue as it is now: a product sold out since the basket was filled is named, not ordered.
    await loadCatalog(basket.marketId);
    const soldOut = basket.lines.filter((l) => !isAvailable(product(l.stallId, l.sku).product));
    if (soldOut.length) {
      renderBasket();
      say($('#message'), t('customer.soldOutInBasket', { names: soldOut.map((l) => product(l.stallId, l.sku).product?.name ?? l.sku).join(', ') }), 'error');
      return;
    }
    const order = await api.post('/api/orders', {
      customerId: customerId(),
      marketId: basket.marketId,
      slotId: basket.slotId,
      deliveryAddress: { lat: basket.lat, lon: basket.lon, text: basket.address.trim() },
      lines: basket.lines.map((l) => ({ stallId: l.stallId, sku: l.sku, quantity: l.quantity, substitution: { kind: l.substitution.kind, sku: l.substitution.sku ?? null } })),
    }, { 'Idempotency-Key': basket.key });
    saveBasket({ ...emptyBasket(), marketId: basket.marketId });
    location.hash = `#/order/${encodeURIComponent(order.orderId)}`;
  } catch (error) {
    // The basket keeps its key: tapping again retries the same order, never a second one.
    say($('#message'), describe(error), 'error');
  } finally {
    placing = false;
    $('#place').disabled = false;
  }
}

// ----- Following an order live -----
let orderMap;

async function openOrder(orderId) {
  show('order');
  if (!state.markets.length) await loadMarkets();
  state.followed = orderId;
  const key = `order:${orderId}`;
  await live.join(key, 'FollowOrder', [orderId], (view) => {
    live.saw(key, view.version);
    showOrder(view);
  }, (error) => say($('#message'), describe(error), 'error'));
  if (!state.order || state.order.orderId !== orderId) {
    // Not connected yet: read it over HTTP meanwhile (the join's snapshot follows once connected).
    const view = await api.get(`/api/orders/${encodeURIComponent(orderId)}`);
    live.saw(key, view.version);
    showOrder(view);
  }
}

const STEPS = ['placed', 'picking', 'readyForPickup', 'outForDelivery', 'delivered'];

function showOrder(view) {
  if (state.followed !== view.orderId) return;
  if (state.order && state.order.orderId === view.orderId && state.order.version > view.version) return;
  state.order = view;
  const market = state.markets.find((m) => m.id === view.marketId);
  const statusClass = view.status === 'delivered' || view.status === 'readyForPickup' ? 'ok' : view.status === 'cancelled' || view.status === 'deliveryFailed' ? 'warn' : 'info';
  $('#order-summary').innerHTML = `
    <p class="row spread"><span>${esc(market?.name ?? view.marketId)}</span><span class="pill ${statusClass}" data-testid="order-status" data-status="${esc(view.status)}">${esc(t(`status.${view.status}`))}</span></p>
    <p class="muted">${esc(t('customer.slotIs', { slot: slotRange(view.slotStart, view.slotEnd) }))}</p>
    <ol class="row" style="padding:0;list-style:none" aria-label="${esc(t('customer.progress'))}">${STEPS.map((s, i) => {
      const reached = STEPS.indexOf(view.status) >= i;
      return `<li class="pill ${reached ? 'ok' : ''}" ${view.status === s ? 'aria-current="step"' : ''}>${esc(t(`status.${s}`))}</li>`;
    }).join('')}</ol>
    ${view.statusReason ? `<p class="muted">${esc(view.statusReason)}</p>` : ''}
    <dl>
      <div class="row spread"><dt>${esc(t('customer.ordered'))}</dt><dd class="price" data-testid="ordered-total">${esc(won(view.orderedTotalWon))}</dd></div>
      <div class="row spread"><dt>${esc(t('customer.charged'))}</dt><dd class="price" data-testid="charged-total">${esc(won(view.chargedTotalWon))}</dd></div>
      <div class="row spread"><dt>${esc(t('customer.refund'))}</dt><dd class="price" data-testid="refund">${esc(won(view.refundWon))}</dd></div>
    </dl>`;
  $('#order-tickets').innerHTML = view.tickets.map((tk) => `<li class="row spread" data-testid="ticket-${esc(tk.stallId)}" data-status="${esc(tk.status)}">
      <span>${esc(tk.stallName)}</span><span class="pill ${tk.status === 'confirmed' ? 'ok' : tk.status === 'cancelled' ? 'warn' : 'info'}">${esc(t(`ticket.${tk.status}`))}</span></li>`).join('');
  $('#order-lines').innerHTML = view.lines.map((l) => `<li data-testid="order-line-${esc(l.sku)}" data-outcome="${esc(l.pick?.outcome ?? 'pending')}">
      <div class="row spread"><span><strong>${esc(l.name)}</strong> × ${l.quantity} <span class="muted">${esc(l.unit)}</span></span><span class="price">${esc(won(l.lineTotalWon))}</span></div>
      <div class="muted">${esc(subText(l.substitution))}</div>
      ${pickText(l)}
      ${proposalHtml(view, l)}
    </li>`).join('');
  const d = view.delivery;
  $('#order-delivery').innerHTML = `<h3>${esc(t('customer.delivery'))}</h3>
    ${d ? `<p>${esc(t('customer.deliveryCode'))}: <strong class="total" data-testid="delivery-code">${esc(d.deliveryCode)}</strong></p>
      <p class="muted">${esc(t('customer.codeHint'))}</p>
      <p data-testid="courier">${d.courierId ? esc(t('customer.courier', { courier: d.courierId })) : esc(t('customer.noCourier'))}</p>
      <p data-testid="eta">${d.eta ? esc(t('customer.eta', { time: time(d.eta) })) : ''}</p>
      ${d.planNote ? `<p class="muted">${esc(d.planNote)}</p>` : ''}
      ${d.deliveredAt ? `<p class="pill ok" data-testid="delivered-at">${esc(t('customer.deliveredAt', { time: time(d.deliveredAt) }))}</p>` : ''}` : `<p class="muted">${esc(t('customer.noDeliveryYet'))}</p>`}`;
  drawOrderMap(view, market);
}

// ----- A substitute waiting for the customer's answer -----
// The countdown runs on this phone's clock from the moment the proposal was first seen (the server's clock may differ).
const proposalSeen = new Map();

function proposalRemaining(view, line) {
  const p = line.proposal;
  const key = `${view.orderId}:${line.lineNo}:${p.proposedAt}`;
  if (!proposalSeen.has(key)) proposalSeen.set(key, Date.now());
  const window = Date.parse(p.expiresAt) - Date.parse(p.proposedAt);
  return Math.max(0, window - (Date.now() - proposalSeen.get(key)));
}

function countdownText(ms) {
  const total = Math.ceil(ms / 1000);
  return t('proposal.left', { minutes: Math.floor(total / 60), seconds: String(total % 60).padStart(2, '0') });
}

function proposalHtml(view, line) {
  const p = line.proposal;
  if (!p) return '';
  if (p.status !== 'pending') {
    return `<p data-testid="proposal-${esc(line.sku)}" data-status="${esc(p.status)}"><span class="pill ${p.status === 'approved' ? 'ok' : 'warn'}">${esc(t(`proposal.${p.status}`))}</span></p>`;
  }
  const offered = p.offered;
  return `<div class="proposal" role="group" aria-labelledby="proposal-title-${line.lineNo}" data-testid="proposal-${esc(line.sku)}" data-status="pending">
      <p id="proposal-title-${line.lineNo}"><strong>${esc(t('proposal.offer', { name: offered.name, quantity: offered.pickedQuantity, price: won(offered.chargedWon) }))}</strong></p>
      <p class="muted" data-countdown data-testid="proposal-countdown-${esc(line.sku)}" data-order="${esc(view.orderId)}" data-line="${line.lineNo}">${esc(countdownText(proposalRemaining(view, line)))}</p>
      <div class="row">
        <button type="button" class="primary" data-decide="approve" data-line="${line.lineNo}" data-testid="approve-${esc(line.sku)}">${esc(t('proposal.approve'))}</button>
        <button type="button" data-decide="reject" data-line="${line.lineNo}" data-testid="reject-${esc(line.sku)}">${esc(t('proposal.reject'))}</button>
      </div>
    </div>`;
}

$('#order-lines').addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-decide]');
  if (!button || !state.order) return;
  const orderId = state.order.orderId;
  button.closest('.proposal').querySelectorAll('button').forEach((b) => (b.disabled = true));
  try {
    const view = await hooks.substitutionDecision(orderId, Number(button.dataset.line), button.dataset.decide === 'approve');
    live.saw(`order:${orderId}`, view.version);
    showOrder(view);
    say($('#message'), t(button.dataset.decide === 'approve' ? 'proposal.approvedSay' : 'proposal.rejectedSay'), 'ok');
  } catch (error) {
    say($('#message'), describe(error), 'error');
    const view = await api.get(`/api/orders/${encodeURIComponent(orderId)}`).catch(() => null);
    if (view) showOrder(view);
  }
});

setInterval(() => {
  const view = state.order;
  if (!view) return;
  for (const el of document.querySelectorAll('#order-lines [data-countdown]')) {
    const line = view.lines.find((l) => String(l.lineNo) === el.dataset.line);
    if (line?.proposal?.status === 'pending') el.textContent = countdownText(proposalRemaining(view, line));
  }
}, 1000);

function subText(sub) {
  if (!sub || sub.kind === 'none') return t('sub.noneShort');
  if (sub.kind === 'bestMatch') return t('sub.bestMatch');
  const name = state.catalog?.stalls.flatMap((s) => s.products).find((p) => p.sku === sub.sku)?.name;
  return t('sub.specific', { name: name ?? sub.sku });
}

function pickText(line) {
  const pick = line.pick;
  if (!pick) return `<div><span class="pill">${esc(t('pick.pending'))}</span></div>`;
  const detail = {
    picked: t('pick.picked', { quantity: pick.pickedQuantity }),
    short: t('pick.short', { quantity: pick.pickedQuantity, ordered: line.quantity }),
    substituted: t('pick.substituted', { name: pick.name, quantity: pick.pickedQuantity }),
    notAvailable: t('pick.notAvailable'),
  }[pick.outcome] ?? pick.outcome;
  const cls = pick.outcome === 'picked' ? 'ok' : 'warn';
  return `<div class="row spread"><span class="pill ${cls}">${esc(detail)}</span>
    <span>${esc(t('customer.chargedLine', { amount: won(pick.chargedWon) }))}${pick.refundWon ? ` · ${esc(t('customer.refundLine', { amount: won(pick.refundWon) }))}` : ''}</span></div>`;
}

async function drawOrderMap(view, market) {
  orderMap ??= new MarketMap($('#order-map'), { label: t('customer.orderMap') });
  orderMap.refresh();
  if (!orderMap.layers.area && market) {
    const area = await api.get(`/api/markets/${encodeURIComponent(market.id)}/area.geojson`).catch(() => null);
    orderMap.setGeoJson('area', area, { style: { color: '#b91c1c', weight: 2, fillOpacity: 0.06 } });
    orderMap.setPoint('market', market.location.lat, market.location.lon, { color: '#92400e', label: market.name });
    orderMap.fit('area');
  }
  orderMap.setPoint('destination', view.deliveryAddress.lat, view.deliveryAddress.lon, { color: '#1d4ed8', label: view.deliveryAddress.text });
  clearTimeout(drawOrderMap.timer);
  if (view.status === 'outForDelivery') {
    // Each order push re-reads the courier (drawOrderMap runs on every one); a courier moves without the order
    // changing, so while out for delivery it is also re-read every 15 s.
    const courier = await api.get(`/api/orders/${encodeURIComponent(view.orderId)}/courier`).catch(() => null);
    if (state.order?.orderId !== view.orderId) return;
    showCourier(courier);
    drawOrderMap.timer = setTimeout(() => state.view === 'order' && state.order?.orderId === view.orderId && drawOrderMap(state.order, market), 15000);
  } else {
    showCourier(null);
  }
}

function showCourier(courier) {
  const box = $('#order-courier');
  if (courier?.position) {
    orderMap.setPoint('courier', courier.position.lat, courier.position.lon, { color: '#166534', label: t('customer.courierHere') });
  } else {
    orderMap.setGeoJson('courier', null);
  }
  if (!box) return;
  box.hidden = !courier;
  box.innerHTML = courier
    ? `<span data-testid="courier-name">${esc(t('customer.courierOnWay', { name: courier.name }))}</span>
       ${courier.positionAt ? `<span class="muted" data-testid="courier-seen">${esc(t('customer.courierSeen', { time: time(courier.positionAt) }))}</span>` : ''}
       ${courier.eta ? `<span data-testid="courier-eta">${esc(t('customer.eta', { time: time(courier.eta) }))}</span>` : ''}`
    : '';
}

// ----- My orders (from the server, newest first, a page at a time) -----
const history = { orders: [], next: null };

async function openOrders() {
  show('orders');
  if (!state.markets.length) await loadMarkets();
  // The customer id as the server knows it (the token's customer scope, from /api/auth/me).
  const me = api.scopeOf('customer') ? api.account : await api.me();
  const id = me?.roles?.find((r) => r.role === 'customer')?.scopeId ?? customerId();
  const page = await hooks.orderHistory(id);
  history.orders = page.orders;
  history.next = page.next;
  renderOrders();
}

async function moreOrders() {
  if (!history.next) return;
  const button = $('#orders-more');
  button.disabled = true;
  try {
    const page = await hooks.orderHistory(customerId(), history.next);
    const known = new Set(history.orders.map((o) => o.orderId));
    history.orders.push(...page.orders.filter((o) => !known.has(o.orderId)));
    history.next = page.next;
    renderOrders();
  } catch (error) {
    say($('#message'), describe(error), 'error');
  } finally {
    button.disabled = false;
  }
}

function renderOrders() {
  const marketName = (id) => state.markets.find((m) => m.id === id)?.name ?? id;
  const statusClass = (s) => (s === 'delivered' || s === 'readyForPickup' ? 'ok' : s === 'cancelled' || s === 'deliveryFailed' ? 'warn' : 'info');
  $('#orders').innerHTML = history.orders.length
    ? history.orders.map((o) => `<li data-testid="history-order" data-order="${esc(o.orderId)}">
        <a class="button history-order" href="#/order/${encodeURIComponent(o.orderId)}">
          <span class="grow"><strong>${esc(t('customer.orderOf', { market: marketName(o.marketId), slot: slotRange(o.slotStart, o.slotEnd) }))}</strong><br>
            <span class="muted">${esc(t('customer.orderPlacedAt', { time: `${day(o.placedAt)} ${time(o.placedAt)}` }))}</span></span>
          <span class="history-side"><span class="pill ${statusClass(o.status)}" data-status="${esc(o.status)}">${esc(t(`status.${o.status}`))}</span>
            <span class="price">${esc(t('customer.orderTotal', { amount: won(o.chargedTotalWon) }))}</span></span>
        </a></li>`).join('')
    : `<li class="muted" data-testid="no-orders">${esc(t('customer.noOrders'))}</li>`;
  $('#orders-more').hidden = !history.next;
}
