// Kompas, the Career Compass page. Plain JavaScript over the gateway's REST API (/v1/…); every
// figure comes from the services, none is computed here.

const $ = (id) => document.getElementById(id);

// --- Talking to the API -------------------------------------------------------------------

class Problem extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || 'Er ging iets mis.');
    this.problem = problem;
  }
}

function session() {
  return { token: sessionStorage.getItem('kompas.token') || '', mentor: sessionStorage.getItem('kompas.mentor') || '' };
}

async function api(method, path, body) {
  const { token, mentor } = session();
  const headers = { Authorization: 'Bearer ' + token };
  if (mentor) headers['X-Kompas-Actor'] = mentor;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Problem({ code: 'UNAVAILABLE', detail: 'Kompas is niet bereikbaar.' });
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) throw new Problem(data);
  return data;
}

// --- Formatting -----------------------------------------------------------------------------

const euroFormat = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });
const cents = (money) => Number((money && money.cents) || 0);
const euro = (money) => euroFormat.format(cents(money) / 100);
const hours = (minutes) => (minutes / 60).toLocaleString('nl-NL', { maximumFractionDigits: 1 });

const DEMAND = {
  DEMAND_LEVEL_ZEER_KRAP: 'heel veel vraag',
  DEMAND_LEVEL_KRAP: 'veel vraag',
  DEMAND_LEVEL_GEMIDDELD: 'gewone vraag',
  DEMAND_LEVEL_RUIM: 'weinig vraag',
  DEMAND_LEVEL_ZEER_RUIM: 'heel weinig vraag',
};
const PILLAR = {
  PILLAR_FAMILY_STABILITY: 'gezin',
  PILLAR_WELL_BEING: 'welzijn',
  PILLAR_EDUCATION_TRAINING: 'leren',
  PILLAR_FINANCIAL_MANAGEMENT: 'geld',
  PILLAR_EMPLOYMENT_CAREER: 'werk',
};
const PROBLEM_TEXT = {
  UNAUTHENTICATED: 'De toegangscode klopt niet of is verlopen. Meld u opnieuw aan.',
  PERMISSION_DENIED: 'Met deze toegangscode mag u dit niet doen.',
  NOT_FOUND: 'Dit is niet gevonden.',
  UNAVAILABLE: 'Een deel van Kompas is nu niet bereikbaar. Probeer het zo opnieuw.',
  INVALID_ARGUMENT: 'Controleer wat u hebt ingevuld.',
  ABORTED: 'Iemand anders heeft dit net gewijzigd. Laad het opnieuw.',
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function today() {
  const d = new Date();
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() };
}
const isoDate = (d) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
function dateOf(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
}
const showDate = (d) => (d ? `${d.day}-${d.month}-${d.year}` : '');

// "750", "750,50" or "1.100" (euros) → cents as the API's string; "" → null.
function centsOf(text) {
  const t = text.trim().replace(/\s|€/g, '');
  if (!t) return null;
  const normal = t.includes(',') ? t.replace(/\./g, '').replace(',', '.') : t.replace(/\.(?=\d{3}$)/, '');
  const value = Number(normal);
  if (!Number.isFinite(value) || value < 0) return undefined;
  return String(Math.round(value * 100));
}

// --- Errors next to the field ---------------------------------------------------------------

function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}

function showProblem(error, form, box) {
  const p = error instanceof Problem ? error.problem : { detail: String(error) };
  let shown = false;
  if (p.field && form) {
    // The input whose field path is the longest prefix of the problem's field.
    let best = null;
    for (const input of form.querySelectorAll('[data-field]')) {
      const f = input.dataset.field;
      if ((p.field === f || p.field.startsWith(f + '.') || p.field.startsWith(f + '[')) &&
          (!best || f.length > best.dataset.field.length)) best = input;
    }
    if (best) {
      const id = best.id + '-fout';
      best.setAttribute('aria-invalid', 'true');
      best.setAttribute('aria-describedby', id);
      const label = form.querySelector(`label[for="${best.id}"]`);
      const reason = p.invalidParams?.[0]?.reason || p.detail;
      // The page's own checks speak Dutch; the services' rules are in English, shown as such.
      best.closest('.field').append(el('p', { class: 'field-error', id },
        `Klopt dit? ${label ? label.textContent : ''}: `,
        p.fromPage ? reason : el('span', { lang: 'en' }, reason)));
      best.focus();
      shown = true;
    }
  }
  const text = PROBLEM_TEXT[p.code] || 'Er ging iets mis.';
  if (box) {
    box.textContent = shown ? text : `${text} (${p.detail || p.title || ''})`;
    box.hidden = false;
  }
}

// --- Signing in -----------------------------------------------------------------------------

function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem('kompas.token', $('token').value.trim());
  sessionStorage.setItem('kompas.mentor', $('mentor').value.trim());
  $('token').value = '';
  $('aanmeld-status').textContent = 'U bent aangemeld.';
  $('huishouden').focus();
}

// --- The household ------------------------------------------------------------------------

const SAMPLE = {
  gemeente: 'Maastricht', geboortedatum: '1992-04-12', partner: '', kinderen: '2021-09-03, 2016-02-20',
  huur: '750', energie: '160', zorgpremie: '159', vastelasten: '1100', uren: '20',
  opleiding: 'EDUCATION_LEVEL_NLQF_1', scholing: '24',
};

function loadSample() {
  for (const [id, value] of Object.entries(SAMPLE)) $(id).value = value;
  $('gemeente').focus();
}

// The MatchProfile of the form, or throws a Problem naming the field.
async function readProfile() {
  const invalid = (field, reason) => new Problem({
    code: 'INVALID_ARGUMENT', field, detail: reason, invalidParams: [{ name: field, reason }], fromPage: true,
  });
  let gemeente = $('gemeente').value.trim();
  if (!gemeente) throw invalid('profile.household.gemeenteCode', 'vul uw gemeente in');
  if (!/^GM\d{4}$/i.test(gemeente)) {
    try {
      const found = await api('GET', '/v1/municipalities:resolve?query=' + encodeURIComponent(gemeente));
      gemeente = found.municipality.code;
    } catch (e) {
      if (e instanceof Problem && e.problem.code === 'NOT_FOUND') throw invalid('profile.household.gemeenteCode', 'deze gemeente kennen we niet');
      throw e;
    }
  }
  const amount = (id, field) => {
    const c = centsOf($(id).value);
    if (c === undefined) throw invalid(field, 'vul een bedrag in euro in, zoals 750 of 750,50');
    return c;
  };
  const adult = (id, field) => {
    const d = dateOf($(id).value);
    if (!d) throw invalid(field, 'vul een datum in');
    return { birthDate: d };
  };
  const adults = [adult('geboortedatum', 'profile.household.adults[0].birthDate')];
  if ($('partner').value) adults.push(adult('partner', 'profile.household.adults[1].birthDate'));
  const premium = amount('zorgpremie', 'profile.household.adults[0].healthPremium');
  if (premium) adults[0].healthPremium = { cents: premium };
  const children = [];
  for (const part of $('kinderen').value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const d = dateOf(part);
    if (!d) throw invalid('profile.household.children', 'schrijf elke datum als jaar-maand-dag');
    children.push({ birthDate: d });
  }
  const housing = { tenure: 'HOUSING_TENURE_RENTED', selfContained: true };
  const rent = amount('huur', 'profile.household.housing.bareRent');
  const energy = amount('energie', 'profile.household.housing.energy');
  if (rent) housing.bareRent = { cents: rent };
  if (energy) housing.energy = { cents: energy };
  const household = { gemeenteCode: gemeente.toUpperCase(), adults, children, housing };
  const fixed = amount('vastelasten', 'profile.household.fixedCosts');
  if (fixed) household.fixedCosts = [{ description: 'vaste lasten', monthlyAmount: { cents: fixed } }];
  return {
    household,
    jobSeeker: 1,
    educationLevel: $('opleiding').value,
    availableMinutesPerWeek: Math.round(Number($('uren').value) * 60),
    maxTrainingMonths: Number($('scholing').value),
    maxCandidates: 10,
  };
}

// --- The compass ----------------------------------------------------------------------------

let current = null; // { profile, result }

async function compute(event) {
  event.preventDefault();
  const form = $('huishouden-form');
  clearErrors(form);
  $('fout').hidden = true;
  $('bereken').disabled = true;
  try {
    const profile = await readProfile();
    const [match, budget] = await Promise.all([
      api('POST', '/v1/households:match', { profile }),
      api('POST', '/v1/requiredBudget:calculate', { household: profile.household }),
    ]);
    const result = match.result;
    const top = result.candidates[0];
    const curve = top
      ? await api('POST', '/v1/incomeCurve:calculate', {
        household: profile.household, adultNumber: 1,
        hours: { grossHourlyWage: top.wage.grossHourlyWage, fromMinutesPerWeek: 0, toMinutesPerWeek: 2400, stepMinutes: 60 },
      })
      : null;
    current = { profile, result };
    renderCompass(result, budget.requiredBudget, curve, top);
    $('kompas').hidden = false;
    $('bewaren').hidden = false;
    await loadParticipants();
    $('kompas-kop').focus();
  } catch (e) {
    showProblem(e, form, $('fout'));
  } finally {
    $('bereken').disabled = false;
  }
}

function renderCompass(result, required, curve, top) {
  $('kompas-kop').setAttribute('tabindex', '-1');
  $('kompas-datum').textContent = 'Berekend op ' + showDate(today());
  const body = $('budget').querySelector('tbody');
  body.replaceChildren(
    ...required.lines.map((line) => el('tr', {}, el('td', {}, line.description), el('td', { class: 'amount' }, euro(line.monthlyAmount)))),
    el('tr', { class: 'total' }, el('td', {}, 'Samen nodig per maand'), el('td', { class: 'amount' }, euro(required.total))));

  const margin = cents(result.currentMargin);
  $('nu').textContent = `Zonder werk heeft uw huishouden ${euro(result.currentDisposableIncome)} per maand te besteden. ` +
    (margin >= 0 ? `Dat is ${euro(result.currentMargin)} meer dan nodig.` : `Dat is ${euroFormat.format(-margin / 100)} te weinig.`);

  const sample = result.candidates.some((c) => c.demandSample);
  $('regio').textContent = `Gesorteerd op wat u overhoudt, de vraag en hoe snel u er kunt beginnen. ` +
    (sample ? 'Let op: de cijfers over vraag zijn voorbeeldcijfers.' : '');
  $('banen').replaceChildren(...result.candidates.map(renderJob));

  renderCurve(curve, required, top);
  const basis = result.basis?.rules;
  $('bron').textContent = basis ? `Regels: ${basis.ruleSetId?.value || ''}. Budget: ${required.standard?.title || ''}.` : '';
}

function renderJob(c, index) {
  const lonend = c.lonend
    ? el('span', { class: 'badge yes' }, '✔ Lonend')
    : el('span', { class: 'badge no' }, '✖ Nog niet lonend');
  const m = cents(c.margin);
  const facts = el('p', { class: 'facts' },
    lonend,
    el('span', {}, `U houdt ${euro(c.disposableIncome)} per maand over (${m >= 0 ? '+' : '−'}${euroFormat.format(Math.abs(m) / 100)} ten opzichte van wat nodig is)`),
    el('span', {}, `${hours(c.minutesPerWeek)} uur per week, ${euro(c.wage.grossHourlyWage)} bruto per uur`),
    el('span', {}, `Vraag: ${DEMAND[c.demand] || 'onbekend'}`, c.demandSample ? el('span', { class: 'sample' }, ' (voorbeeldcijfers)') : null));
  const item = el('li', { class: 'job' + (index >= 4 ? ' extra' : ''), 'data-occupation': c.occupation },
    el('h4', {}, `${c.rank}. ${c.title}`), facts);
  if (!c.reachableNow || !c.lonend) {
    const steps = c.route?.steps || [];
    if (steps.length) {
      const first = steps[0];
      const summary = (first.training ? `eerst ${first.training.description || 'een opleiding'} (${first.training.typicalMonths} maanden)` : `eerst ${first.title}`) +
        (c.route.lonendWithinProjection ? `; lonend vanaf maand ${c.route.lonendMonth}` : '; binnen 5 jaar nog niet lonend');
      item.append(el('p', { class: 'route-summary' }, `Route: ${summary}.`),
        el('ol', { class: 'route', 'aria-label': 'Route, stap voor stap' }, ...steps.map((s) => el('li', {},
          `${s.title}` + (s.training ? `: ${s.training.description || 'opleiding'} (${s.training.typicalMonths} maanden)` : '') +
          ` — vanaf maand ${s.qualifiedMonth}: ${euro(s.disposableIncome)} te besteden, ${s.lonend ? 'lonend' : 'nog niet lonend'}`))));
    } else if (!c.reachableNow) {
      item.append(el('p', {}, 'Hiervoor is eerst een opleiding nodig.'));
    }
  }
  if (c.reasons?.length) item.append(el('ul', { class: 'reasons' }, ...c.reasons.map((r) => el('li', {}, r))));
  return item;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderCurve(curve, required, top) {
  const box = $('curve');
  const tbody = $('curve-tabel').querySelector('tbody');
  if (!curve || !curve.points.length) {
    box.replaceChildren();
    tbody.replaceChildren();
    $('curve-uitleg').textContent = 'Er is geen baan om mee te rekenen.';
    $('curve-tekst').textContent = '';
    return;
  }
  $('curve-uitleg').textContent = `Voor ${top.title}, bij ${euro(top.wage.grossHourlyWage)} bruto per uur: wat uw huishouden te besteden heeft bij 0 tot 40 uur werk per week.`;
  const W = 640, H = 300, L = 70, R = 16, T = 16, B = 40;
  const pts = curve.points.map((p) => ({ h: p.position.minutesPerWeek / 60, v: cents(p.position.disposableIncome) / 100, lonend: p.lonend }));
  const need = cents(required.total) / 100;
  const maxV = Math.max(need, ...pts.map((p) => p.v)) * 1.1;
  const minV = Math.min(0, ...pts.map((p) => p.v));
  const maxH = Math.max(...pts.map((p) => p.h));
  const x = (h) => L + (h / maxH) * (W - L - R);
  const y = (v) => T + (1 - (v - minV) / (maxV - minV)) * (H - T - B);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'curve-titel' });
  chart.append(svg('title', { id: 'curve-titel' }, 'Te besteden per maand bij 0 tot 40 uur werk per week'));
  const step = maxV > 4000 ? 1000 : 500;
  for (let v = 0; v <= maxV; v += step) {
    chart.append(svg('line', { class: 'grid-line', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    chart.append(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, euroFormat.format(v).replace(',00', '')));
  }
  for (let h = 0; h <= maxH; h += 8) {
    chart.append(svg('text', { x: x(h), y: H - B + 16, 'text-anchor': 'middle' }, `${h} u`));
  }
  chart.append(svg('line', { class: 'axis', x1: L, x2: W - R, y1: y(minV), y2: y(minV) }));
  chart.append(svg('line', { class: 'axis', x1: L, x2: L, y1: T, y2: y(minV) }));
  chart.append(svg('line', { class: 'need', x1: L, x2: W - R, y1: y(need), y2: y(need) }));
  chart.append(svg('text', { x: W - R, y: y(need) - 6, 'text-anchor': 'end' }, `nodig: ${euroFormat.format(need)}`));
  chart.append(svg('polyline', { class: 'income', points: pts.map((p) => `${x(p.h)},${y(p.v)}`).join(' ') }));
  for (const c of curve.cliffs) {
    const h = c.after.minutesPerWeek / 60;
    const v = cents(c.after.disposableIncome) / 100;
    chart.append(svg('path', { class: 'cliff', d: `M ${x(h)} ${y(v) + 4} l -6 10 l 12 0 z` }));
  }
  chart.append(svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, 'uren werk per week'));
  box.replaceChildren(chart);

  const firstLonend = pts.find((p) => p.lonend);
  const words = [firstLonend
    ? `Vanaf ongeveer ${hours(firstLonend.h * 60)} uur per week is dit werk lonend.`
    : 'Bij dit loon is werk tot 40 uur nog niet lonend.'];
  for (const c of curve.cliffs) {
    words.push(`Let op: bij ${hours(c.before.minutesPerWeek)} naar ${hours(c.after.minutesPerWeek)} uur houdt u ${euro(c.drop)} minder over. ${c.explanation || ''}`);
  }
  if (!curve.cliffs.length) words.push('Er is geen punt waar meer werken u minder oplevert.');
  $('curve-tekst').textContent = words.join(' ');
  tbody.replaceChildren(...pts.filter((p) => p.h % 4 === 0).map((p) => el('tr', {},
    el('td', {}, String(p.h)), el('td', { class: 'amount' }, euroFormat.format(p.v)), el('td', {}, p.lonend ? 'ja' : 'nee'))));
}

// --- Saving and the timeline ----------------------------------------------------------------

async function loadParticipants() {
  const select = $('deelnemer');
  const keep = select.value;
  const list = await api('GET', '/v1/participants?pageSize=100');
  select.replaceChildren(el('option', { value: '' }, 'Nieuwe deelnemer'),
    ...list.participants.map((p) => el('option', { value: p.name }, p.displayName || p.name)));
  select.value = keep;
  toggleNewName();
}

function toggleNewName() {
  $('nieuw-naam-veld').hidden = $('deelnemer').value !== '';
}

async function save(event) {
  event.preventDefault();
  const form = $('bewaar-form');
  clearErrors(form);
  $('bewaar-status').textContent = '';
  $('bewaar').disabled = true;
  try {
    let participant = $('deelnemer').value;
    let displayName = $('deelnemer').selectedOptions[0]?.textContent || '';
    if (!participant) {
      displayName = $('nieuw-naam').value.trim();
      const created = await api('POST', '/v1/participants', {
        displayName, gemeenteCode: current.profile.household.gemeenteCode, intakeDate: today(),
      });
      participant = created.name;
      await loadParticipants();
      $('deelnemer').value = participant;
      toggleNewName();
    }
    const snapshot = await api('POST', `/v1/${participant}/compassSnapshots`, {
      label: $('label').value.trim(), matchProfile: current.profile,
    });
    $('bewaar-status').textContent = `Bewaard bij ${displayName} (${showDate(today())}).`;
    await showTimeline(participant, displayName);
    return snapshot;
  } catch (e) {
    showProblem(e, form, $('bewaar-status'));
    return null;
  } finally {
    $('bewaar').disabled = false;
  }
}

let timelineOf = null;

async function showTimeline(participant, displayName) {
  timelineOf = participant;
  $('tijdlijn-naam').textContent = displayName;
  $('tijdlijn').hidden = false;
  const data = await api('GET', `/v1/${participant}/timeline?pageSize=100`);
  $('tijdlijn-lijst').replaceChildren(...data.entries.map(renderEntry));
  $('gesprek-datum').value = isoDate(today());
  if (!$('doel-datum').value) {
    const d = new Date();
    d.setMonth(d.getMonth() + 3);
    $('doel-datum').value = isoDate({ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() });
  }
}

function renderEntry(e) {
  const when = showDate(e.entryDate) + ': ';
  if (e.compassSnapshot) {
    const s = e.compassSnapshot;
    return el('li', { class: 'entry snapshot' }, when, el('strong', {}, `Kompas “${s.label}”`),
      ` — ${s.lonend ? 'lonend' : 'nog niet lonend'}, ${euro(s.margin)} ten opzichte van wat nodig is`);
  }
  if (e.session) {
    return el('li', { class: 'entry session' }, when, el('strong', {}, 'Gesprek'),
      ` van ${e.session.durationMinutes} minuten${e.session.notes ? ': ' + e.session.notes : ''}`);
  }
  if (e.goal) {
    return el('li', { class: 'entry goal' }, when, el('strong', {}, 'Doel'), `: ${e.goal.title}`);
  }
  if (e.assessment) {
    const levels = e.assessment.levels.map((l) => `${PILLAR[l.pillar] || l.pillar} ${l.level}`).join(', ');
    return el('li', { class: 'entry assessment' }, when, el('strong', {}, 'Brugscore'), `: ${levels} (samen ${e.assessment.totalScore})`);
  }
  if (e.outcome) return el('li', { class: 'entry outcome' }, when, el('strong', {}, 'Resultaat'));
  if (e.consent) return el('li', { class: 'entry consent' }, when, el('strong', {}, 'Toestemming'));
  return el('li', {}, when);
}

async function addSession(event) {
  event.preventDefault();
  const form = $('gesprek-form');
  clearErrors(form);
  try {
    await api('POST', `/v1/${timelineOf}/sessions`, {
      sessionDate: dateOf($('gesprek-datum').value) || today(),
      durationMinutes: Number($('gesprek-minuten').value),
      mode: 'SESSION_MODE_IN_PERSON',
      notes: $('gesprek-notitie').value.trim(),
    });
    $('gesprek-notitie').value = '';
    $('tijdlijn-status').textContent = 'Gesprek toegevoegd.';
    await showTimeline(timelineOf, $('tijdlijn-naam').textContent);
  } catch (e) {
    showProblem(e, form, $('tijdlijn-status'));
  }
}

async function addGoal(event) {
  event.preventDefault();
  const form = $('doel-form');
  clearErrors(form);
  try {
    await api('POST', `/v1/${timelineOf}/goals`, {
      pillar: 'PILLAR_EMPLOYMENT_CAREER', title: $('doel-titel').value.trim(), doneWhen: $('doel-klaar').value.trim(),
      targetDate: dateOf($('doel-datum').value),
    });
    $('doel-titel').value = '';
    $('doel-klaar').value = '';
    $('tijdlijn-status').textContent = 'Doel toegevoegd.';
    await showTimeline(timelineOf, $('tijdlijn-naam').textContent);
  } catch (e) {
    showProblem(e, form, $('tijdlijn-status'));
  }
}

// --- Wiring ---------------------------------------------------------------------------------

$('aanmeld-form').addEventListener('submit', signIn);
$('voorbeeld').addEventListener('click', loadSample);
$('huishouden-form').addEventListener('submit', compute);
$('bewaar-form').addEventListener('submit', save);
$('deelnemer').addEventListener('change', async () => {
  toggleNewName();
  const select = $('deelnemer');
  if (select.value) await showTimeline(select.value, select.selectedOptions[0].textContent).catch((e) => showProblem(e, null, $('bewaar-status')));
});
$('gesprek-form').addEventListener('submit', addSession);
$('doel-form').addEventListener('submit', addGoal);
$('afdrukken').addEventListener('click', () => window.print());
if (session().token) $('aanmeld-status').textContent = 'U bent aangemeld.';
$('mentor').value = session().mentor || $('mentor').value;
