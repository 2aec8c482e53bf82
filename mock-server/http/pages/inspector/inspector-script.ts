/**
 * The request inspector's script, inline in the page (no external asset; the page's CSP allows this text by its
 * hash). It writes journal content only through textContent and DOM nodes, never as HTML, so a hostile body shows
 * as text. With an admin token the page is opened as /__mock/ui?token=…; the script sends the token as
 * `Authorization: Bearer` on every read, and reads the server-sent events through fetch (an EventSource cannot
 * send a header), so the token never goes into another URL.
 */
export const INSPECTOR_SCRIPT = `(() => {
  'use strict';
  const MAX_ROWS = 500;
  const PAGE = 200;
  const SLACK = 20;
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const headers = token ? { authorization: 'Bearer ' + token } : {};
  const $ = (id) => document.getElementById(id);
  const state = { account: '', entries: new Map(), selected: undefined, pending: 0, reading: false, stream: undefined, generation: 0, known: new Set() };

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === undefined || child === null) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  const text = (value) => (value === undefined || value === null ? '' : String(value));
  const q = (path, extra) => {
    const search = new URLSearchParams({ account: state.account, ...extra });
    return path + '?' + search.toString();
  };

  async function read(path) {
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (!response.ok) throw new Error(path.split('?')[0] + ' answered ' + response.status);
    return response.json();
  }

  function say(message, bad) {
    const live = $('live');
    live.textContent = message;
    live.className = bad ? 'bad' : 'good';
  }

  // The list: entries by id in the order they arrived, the newest MAX_ROWS kept. A page read is the newest n in that
  // order, so whatever it holds moves behind what it does not.
  function merge(entries) {
    for (const entry of entries) {
      state.entries.delete(entry.id);
      state.entries.set(entry.id, entry);
    }
    while (state.entries.size > MAX_ROWS) state.entries.delete(state.entries.keys().next().value);
  }

  async function readEntries(limit) {
    const list = await read(q('/__mock/requests', { limit: String(limit) }));
    merge(list.requests);
    $('total').textContent = text(list.total ?? list.requests.length) + ' kept';
    renderList();
  }

  // The account is in the heading already: the list shows its part of the path as …, the detail the whole path.
  function shortPath(path) {
    for (const account of [encodeURIComponent(state.account), state.account]) {
      const prefix = '/v2/accounts/' + account + '/';
      if (path.startsWith(prefix)) return '/v2/accounts/…/' + path.slice(prefix.length);
    }
    return path;
  }
  const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');

  function row(entry) {
    const findings = entry.findings || [];
    const errors = findings.filter((f) => f.severity === 'error').length;
    const open = el('button', 'link', text(entry.time).slice(11, 23));
    open.type = 'button';
    open.title = 'Show request ' + entry.id;
    open.addEventListener('click', () => select(entry.id));
    const tr = el('tr', entry.id === state.selected ? 'selected' : '',
      el('td', '', open),
      el('td', '', text(entry.method)),
      el('td', 'path', shortPath(text(entry.path))),
      el('td', entry.status >= 400 || entry.fault ? 'num bad' : 'num', entry.fault ? 'fault: ' + entry.fault : text(entry.status)),
      el('td', '', text(entry.result)),
      el('td', 'key', text(entry.headers && entry.headers['klarna-idempotency-key'])),
      el('td', '', entry.replayed ? 'replayed' : ''),
      el('td', '', text(entry.scenario)),
      el('td', errors > 0 ? 'num bad' : findings.length > 0 ? 'num warn' : 'num', String(findings.length)),
    );
    tr.dataset.id = entry.id;
    tr.cells[2].title = text(entry.path);
    return tr;
  }

  function renderList() {
    const rows = [...state.entries.values()].reverse().map(row);
    $('requests').tBodies[0].replaceChildren(...rows);
    $('empty').hidden = rows.length > 0;
  }

  function pairs(list, object) {
    list.replaceChildren();
    for (const [name, value] of Object.entries(object)) {
      list.append(el('dt', '', name), el('dd', '', typeof value === 'string' ? value : JSON.stringify(value)));
    }
    return list;
  }

  function select(id) {
    state.selected = id;
    renderList();
    renderDetail();
  }

  function renderDetail() {
    const entry = state.entries.get(state.selected);
    const detail = $('detail');
    detail.hidden = entry === undefined;
    if (entry === undefined) return;
    $('detail-id').textContent = entry.id;
    pairs($('detail-summary'), {
      time: entry.time,
      request: entry.method + ' ' + entry.path,
      answer: entry.fault ? 'fault: ' + entry.fault : text(entry.status),
      result: text(entry.result) || '—',
      scenario: text(entry.scenario) || '—',
      replayed: entry.replayed ? 'yes: the stored answer to an earlier request' : 'no',
      duration: entry.duration_ms === undefined ? '—' : entry.duration_ms + ' ms (arrival to answer)',
    });
    pairs($('detail-headers'), entry.headers || {});
    $('detail-body').textContent = entry.body === null ? '(no body)' : JSON.stringify(entry.body, null, 2);
    const findings = (entry.findings || []).map((f) =>
      el('li', f.severity === 'error' ? 'bad' : 'warn', f.severity + ' ' + f.code + (f.parameter ? ' (' + f.parameter + ')' : '') + ': ' + f.message),
    );
    $('detail-findings').replaceChildren(...(findings.length > 0 ? findings : [el('li', '', 'none')]));
  }

  async function readWebhooks() {
    const webhooks = await read(q('/__mock/webhooks'));
    $('subscription').textContent = webhooks.subscription
      ? 'Subscribed: ' + webhooks.subscription.url
      : 'No webhook receiver subscribed for this account.';
    const rows = webhooks.deliveries.slice(-MAX_ROWS).reverse().map((d) =>
      el('tr', '',
        el('td', '', text(d.event_type)),
        el('td', 'key', text(d.event_id)),
        el('td', d.state === 'failed' || d.state === 'dropped' ? 'bad' : '', text(d.state)),
        el('td', 'num', text(d.attempts)),
        el('td', '', d.last_error ? text(d.last_error) : text(d.last_status)),
        el('td', '', text(d.fault)),
        el('td', '', text(d.last_attempt_at || d.next_attempt_at)),
      ),
    );
    $('webhooks').tBodies[0].replaceChildren(...rows);
  }

  async function readReport() {
    const report = await read(q('/__mock/report'));
    $('report-summary').textContent =
      plural(report.requests, 'request') + ', ' + plural(report.errors, 'error') + ', ' + plural(report.warnings, 'warning');
    const rows = report.findings.map((f) =>
      el('tr', '',
        el('td', f.severity === 'error' ? 'bad' : 'warn', f.severity),
        el('td', '', f.code),
        el('td', 'num', String(f.count)),
        el('td', '', f.examples[0] ? (f.examples[0].parameter ? f.examples[0].parameter + ': ' : '') + f.examples[0].message : ''),
      ),
    );
    $('report').tBodies[0].replaceChildren(...rows);
  }

  // The latest certification report: every account's, so it is read whatever account is shown.
  async function readCertification() {
    const { report } = await read('/__mock/certification');
    const summary = $('certification-summary');
    const table = $('certification-verdicts');
    if (!report) return;
    summary.className = report.passed ? 'good' : 'bad';
    summary.textContent = (report.passed ? 'PASSED: ' : 'FAILED: ') + report.summary + '; seed ' + JSON.stringify(report.seed) +
      (report.client ? '; client ' + report.client : '') + '; finished ' + report.finished_at;
    const rows = report.cases.flatMap((c) =>
      c.verdicts.map((v) =>
        el('tr', '',
          el('td', '', 'CERT' + c.n + ' ' + c.id + ' (' + c.title + ')'),
          el('td', 'key', c.account),
          el('td', v.passed ? 'good' : 'bad', v.passed ? '✓' : '✗'),
          el('td', v.passed ? '' : 'bad', v.rule),
          el('td', '', v.why),
        ),
      ),
    );
    table.tBodies[0].replaceChildren(...rows);
    table.hidden = false;
  }

  let sideTimer;
  function readSides() {
    clearTimeout(sideTimer);
    sideTimer = setTimeout(() => {
      if (!state.account) return;
      readWebhooks().catch((error) => say(error.message, true));
      readReport().catch((error) => say(error.message, true));
      if (state.entries.size > 0 && !state.known.has(state.account)) {
        readAccounts().catch((error) => say(error.message, true));
      }
    }, 300);
  }

  // New records: the events only say that some arrived; the newest are read in one page, however many came. A page
  // reaches SLACK further back, for an answer a scenario delayed: it is recorded after requests that arrived later.
  async function readNew() {
    if (state.reading) return;
    state.reading = true;
    try {
      while (state.pending > 0) {
        const limit = Math.min(state.pending + SLACK, PAGE);
        state.pending = 0;
        await readEntries(limit);
      }
    } catch (error) {
      say(error.message, true);
    } finally {
      state.reading = false;
    }
    readSides();
  }

  function onEvent(block) {
    let name = 'message';
    for (const line of block.split('\\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
    }
    if (name === 'ready') say('live');
    if (name === 'request') state.pending += 1;
    if (name === 'resync') state.pending = PAGE;
    if (name === 'certification') readCertification().catch((error) => say(error.message, true));
    if (name === 'request' || name === 'resync') readNew();
  }

  async function listen(generation) {
    const controller = new AbortController();
    state.stream = controller;
    try {
      const response = await fetch(q('/__mock/ui/events'), { headers, cache: 'no-store', signal: controller.signal });
      if (!response.ok) throw new Error('live updates answered ' + response.status);
      // Whatever happened while no stream was open is read again.
      state.pending = PAGE;
      readNew();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = (buffer + value).replace(/\\r\\n?/g, '\\n');
        let end;
        while ((end = buffer.indexOf('\\n\\n')) >= 0) {
          onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        if (buffer.length > 65536) buffer = '';
      }
      if (generation === state.generation) say('reconnecting…', true);
    } catch (error) {
      if (controller.signal.aborted) return;
      say(error.message + '; retrying', true);
    }
    if (generation === state.generation) setTimeout(() => generation === state.generation && listen(generation), 3000);
  }

  async function readAccounts() {
    const { accounts } = await read('/__mock/ui/accounts');
    state.known = new Set(accounts);
    const picker = $('picker');
    const options = accounts.map((account) => {
      const option = el('option', '', account);
      option.value = account;
      return option;
    });
    picker.replaceChildren(el('option', '', accounts.length > 0 ? 'accounts seen…' : 'no account seen yet'), ...options);
    picker.value = accounts.includes(state.account) ? state.account : '';
    return accounts;
  }

  function show(account) {
    state.generation += 1;
    state.stream?.abort();
    state.account = account;
    state.entries.clear();
    state.selected = undefined;
    $('account').value = account;
    $('shown').textContent = account || 'no account chosen';
    renderList();
    renderDetail();
    const search = new URLSearchParams(location.search);
    if (account) search.set('account', account);
    else search.delete('account');
    history.replaceState(null, '', location.pathname + '?' + search.toString());
    if (!account) return say('choose an account', true);
    say('connecting…');
    listen(state.generation);
    readSides();
  }

  $('pick').addEventListener('submit', (event) => {
    event.preventDefault();
    show($('account').value.trim());
  });
  $('picker').addEventListener('change', () => {
    if ($('picker').value) show($('picker').value);
  });
  $('picker').addEventListener('focus', () => readAccounts().catch((error) => say(error.message, true)));
  $('refresh').addEventListener('click', () => {
    readAccounts().catch((error) => say(error.message, true));
    readCertification().catch((error) => say(error.message, true));
    if (!state.account) return;
    state.pending = PAGE;
    readNew();
  });

  readCertification().catch((error) => say(error.message, true));
  readAccounts()
    .then((accounts) => show($('account').value.trim() || accounts[0] || ''))
    .catch((error) => say(error.message, true));
})();
`;
