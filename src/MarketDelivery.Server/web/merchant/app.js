// The merchant's tablet: the stall's open pick tickets arrive live (sound, highlight, announcement), oldest slot first;
// each line is confirmed picked, short (with the quantity) or substituted (a product of the stall's catalogue, with
// the customer's preference shown); then the ticket is confirmed.
import { initI18n, mountLanguageSwitch, onLanguageChange, t } from '/js/i18n.js';
import { won, time, slotRange } from '/js/format.js';
import { Api } from '/js/api.js';
import { Live } from '/js/live.js';
import { esc, $, mountConnectionBanner, say, chime, describe, view } from '/js/ui.js';
import { mountSignIn } from '/js/signin.js';

const api = new Api('merchant');
const live = new Live(api);

const state = {
  stallId: null,
  stall: null, // catalogue entry: { id, name, products }
  tickets: new Map(), // ticketId → PickTicketView (open only)
  decisions: new Map(), // ticketId → Map(sku → { outcome, quantity, substituteSku })
  fresh: new Set(), // ticketIds to highlight
  loaded: false,
  sound: localStorage.getItem('md.merchant.sound') !== 'off',
};

// ----- The stall's stock and its day -----
export const stallApi = {
  /** Sets whether a product of the stall can be ordered now; answers the product's new state (with its version). */
  setAvailability: (stallId, sku, available) =>
    api.request('PUT', `/api/stalls/${encodeURIComponent(stallId)}/products/${encodeURIComponent(sku)}/availability`, { available }),
  /** Today's takings at the market: { date, ticketsConfirmed, takingsWon }. */
  takings: (stallId) => api.get(`/api/stalls/${encodeURIComponent(stallId)}/takings`),
  /** The stall's confirmed tickets. */
  confirmedTickets: (stallId) => api.get(`/api/stalls/${encodeURIComponent(stallId)}/tickets?status=confirmed`),
};

await initI18n();
mountLanguageSwitch($('#lang'));
mountConnectionBanner($('#conn'), live);
onLanguageChange(() => {
  renderTickets();
  renderStock();
  renderDay();
});
const start = mountSignIn(api, live, {
  secret: '#pin',
  role: 'merchant',
  notInRole: 'merchant.notMerchant',
  signedInOnly: ['#sound'],
  afterSignIn: () => state.sound && chime(), // a user gesture: lets the browser play the later chimes
  signedIn: openStall,
});
renderSound();
$('#sound').addEventListener('click', () => {
  state.sound = !state.sound;
  localStorage.setItem('md.merchant.sound', state.sound ? 'on' : 'off');
  renderSound();
  if (state.sound) chime();
});

live.on('pickTicket', (ticket) => {
  if (ticket.stallId !== state.stallId) return;
  const verdict = live.track(`ticket:${ticket.ticketId}`, ticket.version);
  if (verdict === 'stale') return;
  if (verdict === 'gap') {
    live.resync('stall');
    return;
  }
  const known = state.tickets.has(ticket.ticketId);
  if (ticket.status === 'open') {
    state.tickets.set(ticket.ticketId, ticket);
    if (!known) arrived([ticket]);
  } else {
    state.tickets.delete(ticket.ticketId);
    state.decisions.delete(ticket.ticketId);
    if (ticket.status === 'confirmed') refreshDay();
  }
  renderTickets();
});

// A merchant (on this tablet or another) changed a product's availability: the stall group gets every change.
live.on('product', (product) => {
  if (product.stallId !== state.stallId) return;
  const verdict = live.track(`product:${product.sku}`, product.version);
  if (verdict === 'stale') return;
  applyProduct(product);
  if (verdict === 'gap') refreshStock();
});

start();

/** The signed-in merchant's stall: its open tickets live, its stock and its day. */
async function openStall(stallId) {
  state.stallId = stallId;
  await loadStall();
  view('tickets');
  renderTickets();
  renderStock();
  refreshDay();
  await live.join('stall', 'JoinStall', [state.stallId], onSnapshot, (error) => say($('#message'), describe(error), 'error'));
  if (!live.started) {
    live.started = true;
    live.start();
  }
}

/** Finds the stall in the catalogues (its products are the substitutes it can offer). */
async function loadStall() {
  const markets = await api.get('/api/markets');
  for (const market of markets) {
    const catalog = await api.get(`/api/markets/${encodeURIComponent(market.id)}/catalog`);
    const stall = catalog.stalls.find((s) => s.id === state.stallId);
    if (stall) {
      state.stall = stall;
      state.marketId = market.id;
      for (const p of stall.products) live.saw(`product:${p.sku}`, p.version ?? 0);
      $('#stall-name').removeAttribute('data-i18n');
      $('#stall-name').textContent = stall.name;
      document.title = `${stall.name} · ${t('merchant.title')}`;
      return;
    }
  }
}

/** A join's snapshot (first connection, reconnect, or a re-read after a gap): the open tickets as they are now. */
function onSnapshot(tickets) {
  const before = new Set(state.tickets.keys());
  state.tickets = new Map(tickets.map((tk) => [tk.ticketId, tk]));
  for (const tk of tickets) live.saw(`ticket:${tk.ticketId}`, tk.version);
  for (const id of state.decisions.keys()) if (!state.tickets.has(id)) state.decisions.delete(id);
  const added = tickets.filter((tk) => !before.has(tk.ticketId));
  if (state.loaded && added.length) arrived(added);
  state.loaded = true;
  renderTickets();
  // A (re)join may follow missed pushes: the stock and the day are read again too.
  refreshStock();
  refreshDay();
}

function arrived(tickets) {
  for (const tk of tickets) state.fresh.add(tk.ticketId);
  if (state.sound) chime();
  $('#announce').textContent = t('merchant.arrived', { count: tickets.length, slot: slotRange(tickets[0].slotStart, tickets[0].slotEnd) });
}

function renderSound() {
  $('#sound').setAttribute('aria-pressed', String(state.sound));
}

function sorted() {
  return [...state.tickets.values()].sort((a, b) => Date.parse(a.slotStart) - Date.parse(b.slotStart) || Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

function decisionsOf(ticketId) {
  if (!state.decisions.has(ticketId)) state.decisions.set(ticketId, new Map());
  return state.decisions.get(ticketId);
}

function productName(sku) {
  return state.stall?.products.find((p) => p.sku === sku)?.name ?? sku;
}

function renderTickets() {
  if (!state.stallId) return;
  const tickets = sorted();
  $('#ticket-count').textContent = t('merchant.count', { count: tickets.length });
  $('#no-tickets').hidden = tickets.length > 0;
  $('#tickets').innerHTML = tickets.map(ticketCard).join('');
  for (const tk of tickets) wireTicket(tk);
}

function preferenceText(sub) {
  if (!sub || sub.kind === 'none') return t('sub.noneShort');
  if (sub.kind === 'bestMatch') return t('sub.bestMatch');
  return t('sub.specific', { name: productName(sub.sku) });
}

function ticketCard(tk) {
  const decided = decisionsOf(tk.ticketId);
  const complete = tk.lines.every((l) => decided.has(l.sku));
  return `<article class="card ticket ${state.fresh.has(tk.ticketId) ? 'new' : ''}" data-testid="ticket-${esc(tk.ticketId)}" data-ticket="${esc(tk.ticketId)}" aria-labelledby="h-${esc(tk.ticketId)}">
    <div class="row spread">
      <h3 id="h-${esc(tk.ticketId)}">${esc(slotRange(tk.slotStart, tk.slotEnd))}</h3>
      ${state.fresh.has(tk.ticketId) ? `<span class="pill warn">${esc(t('merchant.new'))}</span>` : ''}
    </div>
    <p class="muted">${esc(t('merchant.orderNo', { id: tk.orderId.slice(-6) }))} · ${esc(t('merchant.received', { time: time(tk.createdAt) }))} · <span class="price">${esc(won(tk.ticketTotalWon))}</span></p>
    <ul class="list">${tk.lines.map((l) => lineRow(tk, l, decided.get(l.sku))).join('')}</ul>
    <button type="button" class="primary" style="width:100%;min-height:56px" data-confirm="${esc(tk.ticketId)}" data-testid="confirm-${esc(tk.ticketId)}" ${complete ? '' : 'disabled'}>
      ${esc(complete ? t('merchant.confirm') : t('merchant.decideAll'))}</button>
  </article>`;
}

function lineRow(tk, line, decision) {
  const id = `${tk.ticketId}-${line.sku}`;
  const canSubstitute = line.substitution?.kind !== 'none';
  const alternatives = (state.stall?.products ?? []).filter((p) => p.sku !== line.sku);
  const preferred = line.substitution?.kind === 'specific' ? line.substitution.sku : alternatives[0]?.sku;
  const outcome = decision?.outcome;
  return `<li data-testid="line-${esc(line.sku)}" data-sku="${esc(line.sku)}">
    <div class="row spread"><strong style="font-size:1.1rem">${esc(line.name)} × ${line.quantity}</strong><span class="muted">${esc(line.unit)} · ${esc(won(line.unitPriceWon))}</span></div>
    <div class="muted">${esc(t('merchant.preference'))}: ${esc(preferenceText(line.substitution))}</div>
    <div class="pick-actions" role="group" aria-label="${esc(t('merchant.resultOf', { name: line.name }))}">
      <button type="button" data-act="picked" aria-pressed="${outcome === 'picked'}" data-testid="picked-${esc(line.sku)}">${esc(t('merchant.picked'))}</button>
      <button type="button" data-act="short" aria-pressed="${outcome === 'short'}" data-testid="short-${esc(line.sku)}">${esc(t('merchant.short'))}</button>
      <button type="button" data-act="substituted" aria-pressed="${outcome === 'substituted'}" data-testid="substitute-${esc(line.sku)}" ${canSubstitute && alternatives.length ? '' : 'disabled'}>${esc(t('merchant.substitute'))}</button>
    </div>
    ${outcome === 'short' ? `<div class="row"><label for="q-${esc(id)}" style="margin:0">${esc(t('merchant.pickedQuantity'))}</label>
      <span class="qty"><button type="button" data-qty="-1" aria-label="${esc(t('merchant.fewer'))}">−</button>
      <output id="q-${esc(id)}" data-testid="short-quantity-${esc(line.sku)}">${decision.quantity}</output>
      <button type="button" data-qty="1" aria-label="${esc(t('merchant.moreQty'))}" ${decision.quantity >= line.quantity - 1 ? 'disabled' : ''}>+</button></span></div>` : ''}
    ${outcome === 'substituted' ? `<label for="s-${esc(id)}">${esc(t('merchant.substituteWith'))}</label>
      <select id="s-${esc(id)}" data-sub data-testid="substitute-sku-${esc(line.sku)}">${alternatives.map((p) => `<option value="${esc(p.sku)}" ${(decision.substituteSku ?? preferred) === p.sku ? 'selected' : ''}>${esc(p.name)} · ${esc(won(p.priceWon))}${p.available ? '' : ` (${esc(t('customer.soldOut'))})`}</option>`).join('')}</select>` : ''}
  </li>`;
}

function wireTicket(tk) {
  const card = $(`[data-ticket="${CSS.escape(tk.ticketId)}"]`);
  if (!card) return;
  const decided = decisionsOf(tk.ticketId);
  card.addEventListener('pointerdown', () => state.fresh.delete(tk.ticketId), { once: true });
  for (const li of card.querySelectorAll('li[data-sku]')) {
    const line = tk.lines.find((l) => l.sku === li.dataset.sku);
    for (const button of li.querySelectorAll('button[data-act]')) {
      button.addEventListener('click', () => {
        state.fresh.delete(tk.ticketId);
        const act = button.dataset.act;
        if (act === 'picked') decided.set(line.sku, { outcome: 'picked', quantity: line.quantity });
        if (act === 'short') decided.set(line.sku, { outcome: 'short', quantity: Math.max(0, line.quantity - 1) });
        if (act === 'substituted') {
          const preferred = line.substitution?.kind === 'specific' ? line.substitution.sku : (state.stall?.products ?? []).find((p) => p.sku !== line.sku)?.sku;
          decided.set(line.sku, { outcome: 'substituted', quantity: line.quantity, substituteSku: preferred });
        }
        renderTickets();
        $(`[data-ticket="${CSS.escape(tk.ticketId)}"] li[data-sku="${CSS.escape(line.sku)}"] button[data-act="${act}"]`)?.focus();
      });
    }
    for (const button of li.querySelectorAll('button[data-qty]')) {
      button.addEventListener('click', () => {
        const d = decided.get(line.sku);
        d.quantity = Math.min(line.quantity - 1, Math.max(0, d.quantity + Number(button.dataset.qty)));
        renderTickets();
      });
    }
    li.querySelector('select[data-sub]')?.addEventListener('change', (event) => {
      decided.get(line.sku).substituteSku = event.target.value;
    });
  }
  card.querySelector('button[data-confirm]').addEventListener('click', (event) => confirmTicket(tk, event.currentTarget));
}

async function confirmTicket(tk, button) {
  const decided = decisionsOf(tk.ticketId);
  const lines = tk.lines.map((l) => {
    const d = decided.get(l.sku);
    return d.outcome === 'substituted'
      ? { sku: l.sku, pickedQuantity: d.quantity, substituteSku: d.substituteSku }
      : { sku: l.sku, pickedQuantity: d.quantity };
  });
  button.disabled = true;
  try {
    // Confirmation is idempotent by content on the server: a retry after a lost answer is safe.
    const result = await api.post(`/api/stalls/${encodeURIComponent(state.stallId)}/tickets/${encodeURIComponent(tk.ticketId)}/confirm`, { lines });
    live.saw(`ticket:${tk.ticketId}`, result.ticket.version);
    state.tickets.delete(tk.ticketId);
    state.decisions.delete(tk.ticketId);
    say($('#message'), t('merchant.confirmed', { id: tk.orderId.slice(-6) }));
    renderTickets();
    refreshDay();
  } catch (error) {
    button.disabled = false;
    say($('#message'), describe(error), 'error');
  }
}

// ----- Stock: one big toggle per product -----
function applyProduct(product) {
  const p = state.stall?.products.find((x) => x.sku === product.sku);
  if (!p) return;
  if ((p.version ?? 0) > product.version) return;
  Object.assign(p, { available: product.available, stock: product.stock, version: product.version });
  renderStock();
}

/** Re-reads the stall's products from its market's catalogue (after a reconnect or a missed version). */
async function refreshStock() {
  if (!state.marketId) return;
  try {
    const catalog = await api.get(`/api/markets/${encodeURIComponent(state.marketId)}/catalog`);
    const stall = catalog.stalls.find((s) => s.id === state.stallId);
    for (const product of stall?.products ?? []) {
      live.saw(`product:${product.sku}`, product.version ?? 0);
      applyProduct(product);
    }
  } catch {
    // Offline: the next reconnect reads it again.
  }
}

function isAvailable(p) {
  return p.available && (p.stock == null || p.stock > 0);
}

function renderStock() {
  const section = $('#stock');
  if (!state.stall) return;
  section.hidden = false;
  $('#stock-list').innerHTML = state.stall.products.map((p) => {
    const available = isAvailable(p);
    const stateText = t(available ? 'merchant.inStock' : 'merchant.outOfStock');
    return `<li class="stock-item ${available ? '' : 'out'}" data-testid="stock-item-${esc(p.sku)}" data-available="${available}">
      <span class="grow"><strong>${esc(p.name)}</strong> <span class="muted">${esc(p.unit)} · ${esc(won(p.priceWon))}</span><br>
        <span class="pill ${available ? 'ok' : 'warn'}">${esc(stateText)}</span></span>
      <button type="button" class="stock-toggle ${available ? '' : 'ok'}" data-sku="${esc(p.sku)}" data-testid="stock-${esc(p.sku)}"
        aria-label="${esc(`${p.name}: ${t(available ? 'merchant.markOut' : 'merchant.markIn')}`)}">${esc(t(available ? 'merchant.markOut' : 'merchant.markIn'))}</button>
    </li>`;
  }).join('');
  for (const button of $('#stock-list').querySelectorAll('button[data-sku]')) {
    button.addEventListener('click', () => toggleStock(button.dataset.sku, button));
  }
}

async function toggleStock(sku, button) {
  const p = state.stall?.products.find((x) => x.sku === sku);
  if (!p) return;
  const available = !isAvailable(p);
  button.disabled = true;
  try {
    // Setting the same state twice changes nothing: a retry after a lost answer is safe.
    const product = await stallApi.setAvailability(state.stallId, sku, available);
    live.saw(`product:${sku}`, product.version);
    applyProduct(product);
    say($('#message'), t('merchant.stockChanged', { name: p.name, state: t(available ? 'merchant.inStock' : 'merchant.outOfStock') }));
    $(`#stock-list button[data-sku="${CSS.escape(sku)}"]`)?.focus();
  } catch (error) {
    button.disabled = false;
    say($('#message'), describe(error), 'error');
  }
}

// ----- The day: confirmed tickets and takings -----
const day = { takings: null, confirmed: [] };
let dayRead = 0;

async function refreshDay() {
  if (!state.stallId) return;
  const read = ++dayRead;
  try {
    const [takings, confirmed] = await Promise.all([stallApi.takings(state.stallId), stallApi.confirmedTickets(state.stallId)]);
    if (read !== dayRead) return; // a later read is under way
    day.takings = takings;
    // Today's (at the market) tickets only, newest confirmation first.
    const today = takings.date;
    day.confirmed = confirmed
      .filter((tk) => marketDate(tk.slotStart) === today)
      .sort((a, b) => Date.parse(b.confirmedAt ?? b.createdAt) - Date.parse(a.confirmedAt ?? a.createdAt));
    renderDay();
  } catch {
    // Offline: the next reconnect reads it again.
  }
}

function marketDate(value) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(value));
}

function renderDay() {
  if (!day.takings) return;
  $('#takings').hidden = false;
  $('#takings-total').textContent = won(day.takings.takingsWon);
  $('#takings-count').textContent = t('merchant.confirmedCount', { count: day.takings.ticketsConfirmed });
  $('#confirmed-tickets').innerHTML = day.confirmed.length
    ? day.confirmed.map((tk) => `<li class="row spread" data-testid="confirmed-${esc(tk.ticketId)}">
        <span>${esc(slotRange(tk.slotStart, tk.slotEnd))} · ${esc(t('merchant.orderNo', { id: tk.orderId.slice(-6) }))}</span>
        <span class="price">${esc(won(chargedOf(tk)))}</span></li>`).join('')
    : `<li class="muted">${esc(t('merchant.noConfirmed'))}</li>`;
}

/** What a confirmed ticket charged: its lines' picks (short and substituted lines charge what was really picked). */
function chargedOf(tk) {
  return tk.lines.reduce((sum, l) => sum + (l.pick?.chargedWon ?? 0), 0);
}
