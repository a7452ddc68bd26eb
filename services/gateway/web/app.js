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
  if (!token) throw new Problem({ code: 'SIGN_IN' });
  const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
  if (mentor) headers['X-Kompas-Actor'] = mentor;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Problem({ code: 'UNAVAILABLE', detail: 'Kompas is niet bereikbaar.' });
  }
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch (e) {
    data = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new Problem({ status: response.status, ...data });
  return data;
}

// --- Words and formatting -------------------------------------------------------------------

const euroFormat = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });
const cents = (money) => Number((money && money.cents) || 0);
const euro = (money) => euroFormat.format(cents(money) / 100);
const euroAbs = (money) => euroFormat.format(Math.abs(cents(money)) / 100);
const hours = (minutes) => (minutes / 60).toLocaleString('nl-NL', { maximumFractionDigits: 1 });

const DEMAND = {
  DEMAND_LEVEL_ZEER_KRAP: 'heel veel vraag',
  DEMAND_LEVEL_KRAP: 'veel vraag',
  DEMAND_LEVEL_GEMIDDELD: 'gewone vraag',
  DEMAND_LEVEL_RUIM: 'weinig vraag',
  DEMAND_LEVEL_ZEER_RUIM: 'heel weinig vraag',
};
const PILLAR = {
  PILLAR_FAMILY_STABILITY: 'Gezin en wonen',
  PILLAR_WELL_BEING: 'Welzijn',
  PILLAR_EDUCATION_TRAINING: 'Leren',
  PILLAR_FINANCIAL_MANAGEMENT: 'Geld',
  PILLAR_EMPLOYMENT_CAREER: 'Werk',
};
const WAGE_SOURCE = {
  WAGE_SOURCE_CAO_ENTRY: 'beginloon uit de cao',
  WAGE_SOURCE_CBS_P25: 'laag loon volgens het CBS',
  WAGE_SOURCE_CBS_MEDIAN: 'gemiddeld loon volgens het CBS',
  WAGE_SOURCE_STATUTORY_MINIMUM: 'minimumloon',
};
const CAUSE = {
  INCOME_COMPONENT_BIJSTAND: 'bijstand',
  INCOME_COMPONENT_MUNICIPAL_SCHEME: 'een regeling van de gemeente',
  INCOME_COMPONENT_ZORGTOESLAG: 'zorgtoeslag',
  INCOME_COMPONENT_HUURTOESLAG: 'huurtoeslag',
  INCOME_COMPONENT_KINDGEBONDEN_BUDGET: 'kindgebonden budget',
  INCOME_COMPONENT_KINDEROPVANGTOESLAG: 'kinderopvangtoeslag',
  INCOME_COMPONENT_INCOME_TAX: 'belasting',
  INCOME_COMPONENT_ALGEMENE_HEFFINGSKORTING: 'heffingskorting',
  INCOME_COMPONENT_ARBEIDSKORTING: 'arbeidskorting',
};
const PROBLEM_TEXT = {
  SIGN_IN: 'Meld u eerst aan, met de toegangscode van uw organisatie.',
  UNAUTHENTICATED: 'De toegangscode klopt niet of is verlopen. Meld u (opnieuw) aan.',
  PERMISSION_DENIED: 'Met deze toegangscode mag u dit niet doen.',
  NOT_FOUND: 'Dit is niet gevonden.',
  UNAVAILABLE: 'Een deel van Kompas is nu niet bereikbaar. Probeer het zo opnieuw.',
  DEADLINE_EXCEEDED: 'Dit duurde te lang. Probeer het zo opnieuw.',
  INVALID_ARGUMENT: 'Controleer wat u hebt ingevuld.',
  FAILED_PRECONDITION: 'Dit kan nu niet.',
  ABORTED: 'Iemand anders heeft dit net gewijzigd. Laad het opnieuw.',
  RESOURCE_EXHAUSTED: 'Het is nu te druk. Probeer het zo opnieuw.',
};

// The services state their rules in English; the common ones in plain Dutch.
const REASONS = [
  [/^is required/, () => 'vul dit in'],
  [/valid calendar date/, () => 'deze datum bestaat niet'],
  [/must not be in the future|not in the future/, () => 'deze datum ligt in de toekomst'],
  [/\(1 to 80 hours a week\)/, () => 'vul 1 tot en met 80 uur per week in'],
  [/must be between (\d+) and (\d+)$/, (m) => `vul een getal van ${m[1]} tot en met ${m[2]} in`],
  [/must be at most (\d+) characters/, (m) => `gebruik hooguit ${m[1]} tekens`],
  [/gemeente code|not a gemeente/, () => 'deze gemeente kennen we niet'],
  [/under 18|younger than 18/, () => 'een kind moet jonger dan 18 zijn'],
];
function dutchReason(reason) {
  for (const [pattern, say] of REASONS) {
    const m = pattern.exec(reason || '');
    if (m) return say(m);
  }
  return null;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

function today() {
  const d = new Date();
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() };
}
const isoDate = (d) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
function dateOf(iso) {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec((iso || '').trim());
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
}
const showDate = (d) => (d ? `${d.day}-${d.month}-${d.year}` : '');

// "750", "750,50", "1.100" or "€ 1.100,00" (euros) → cents as the API's string; "" → null;
// anything else → undefined.
function centsOf(text) {
  const t = text.trim().replace(/\s|€/g, '');
  if (!t) return null;
  if (!/^\d[\d.,]*$/.test(t)) return undefined;
  const normal = t.includes(',') ? t.replace(/\./g, '').replace(',', '.') : t.replace(/\.(?=\d{3}(\.|$))/g, '');
  const value = Number(normal);
  if (!Number.isFinite(value) || value < 0) return undefined;
  return String(Math.round(value * 100));
}

// --- Errors next to the field ---------------------------------------------------------------

function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => !id.endsWith('-fout'));
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}

// A field path without the request's wrapper, so that the same input matches whichever call
// named it: "profile.household.x", "household.x" and "compassSnapshot.matchProfile.household.x".
const unwrap = (path) => path.replace(/^(compassSnapshot\.matchProfile|matchProfile|profile)\./, '');
const camel = (path) => path.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

// Every field path a problem names: `field`, `invalidParams`, and a path quoted in the text
// (a service that passes on another service's rule, e.g. "budget: household.adults[0].birth_date: …").
function problemFields(p) {
  const fields = [];
  if (p.field) fields.push({ path: p.field, reason: p.invalidParams?.find((i) => i.name === p.field)?.reason });
  for (const i of p.invalidParams || []) fields.push({ path: i.name, reason: i.reason });
  for (const text of [p.detail, ...(p.invalidParams || []).map((i) => i.reason)]) {
    for (const m of (text || '').matchAll(/([a-z][a-z_]*(?:\[\d+\])?(?:\.[a-z][a-z_]*(?:\[\d+\])?)+): ([^:]+)$/g)) {
      fields.push({ path: camel(m[1]), reason: m[2] });
    }
  }
  return fields;
}

function inputFor(form, path) {
  const want = unwrap(path);
  let best = null;
  for (const input of form.querySelectorAll('[data-field]')) {
    const f = unwrap(input.dataset.field);
    if ((want === f || want.startsWith(f + '.') || want.startsWith(f + '[')) &&
        (!best || f.length > unwrap(best.dataset.field).length)) best = input;
  }
  return best;
}

function showProblem(error, form, box) {
  const p = error instanceof Problem ? error.problem : { detail: String(error) };
  let shown = false;
  if (form) {
    // The most precise input named by the problem.
    let best = null;
    for (const f of problemFields(p)) {
      const input = inputFor(form, f.path);
      if (input && (!best || unwrap(input.dataset.field).length > unwrap(best.input.dataset.field).length)) best = { input, ...f };
    }
    if (best) {
      const { input } = best;
      const id = input.id + '-fout';
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
      const label = form.querySelector(`label[for="${input.id}"]`);
      const reason = best.reason || p.detail || '';
      const dutch = p.fromPage ? reason : dutchReason(reason);
      // The page's own checks speak Dutch; a service rule it cannot say in Dutch is shown as the
      // service wrote it, marked as English.
      input.closest('.field').append(el('p', { class: 'field-error', id },
        `Klopt dit? ${label ? label.textContent : ''}: `,
        dutch !== null ? dutch : el('span', { lang: 'en' }, reason)));
      input.focus();
      shown = true;
    }
  }
  const text = PROBLEM_TEXT[p.code] || 'Er ging iets mis.';
  if (box) {
    box.replaceChildren(shown ? text : `${text} `, shown || !(p.detail || p.title) ? '' : el('span', { lang: 'en', class: 'detail' }, `(${p.detail || p.title})`));
    box.hidden = false;
  }
}

// --- Signing in -----------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const mentor = $('mentor').value.trim();
  if (mentor && !/^[A-Za-z0-9_.:-]{1,64}$/.test(mentor)) {
    $('aanmeld-status').textContent = 'Uw code als coach mag alleen letters, cijfers en - _ . : bevatten (geen spaties).';
    $('mentor').focus();
    return;
  }
  sessionStorage.setItem('kompas.token', $('token').value.trim());
  sessionStorage.setItem('kompas.mentor', mentor);
  $('token').value = '';
  $('aanmeld-status').textContent = 'Even kijken of de code werkt…';
  try {
    await api('GET', '/v1/dataVersion');
    signedIn('');
    $('huishouden').focus();
  } catch (e) {
    if (e instanceof Problem && e.problem.code === 'UNAUTHENTICATED') {
      sessionStorage.removeItem('kompas.token');
      $('aanmeld-status').textContent = PROBLEM_TEXT.UNAUTHENTICATED;
      $('token').focus();
    } else {
      signedIn(' ' + (PROBLEM_TEXT[e.problem?.code] || ''));
    }
  }
}

// Signed in: the fields give way to one line and a button to sign out.
function signedIn(note) {
  const { mentor } = session();
  $('aanmeld-status').textContent = 'U bent aangemeld' + (mentor ? ` als ${mentor}` : '') + '.' + note;
  $('aanmeld-velden').hidden = true;
  $('aanmelden-knop').hidden = true;
  $('afmelden').hidden = false;
}

function signOut() {
  sessionStorage.removeItem('kompas.token');
  sessionStorage.removeItem('kompas.mentor');
  $('aanmeld-velden').hidden = false;
  $('aanmelden-knop').hidden = false;
  $('afmelden').hidden = true;
  $('aanmeld-status').textContent = 'U bent afgemeld.';
  $('token').focus();
}

// --- The gemeente ---------------------------------------------------------------------------

let gemeente = null; // { query, code, displayName, region }

async function resolveGemeente(text) {
  const query = text.trim();
  if (gemeente && gemeente.query === query) return gemeente;
  if (/^GM\d{4}$/i.test(query)) {
    gemeente = { query, code: query.toUpperCase(), displayName: query.toUpperCase(), region: '' };
    try {
      const found = await api('GET', '/v1/municipalities:resolve?query=' + encodeURIComponent(query));
      gemeente = { query, code: found.municipality.code, displayName: found.municipality.displayName, region: found.region.displayName };
    } catch (e) { /* the code is checked again by the services */ }
    return gemeente;
  }
  const found = await api('GET', '/v1/municipalities:resolve?query=' + encodeURIComponent(query));
  gemeente = { query, code: found.municipality.code, displayName: found.municipality.displayName, region: found.region.displayName };
  return gemeente;
}

async function checkGemeente() {
  const text = $('gemeente').value.trim();
  const hint = $('gemeente-gevonden');
  if (!text || !session().token) { hint.textContent = ''; return; }
  try {
    const g = await resolveGemeente(text);
    hint.textContent = g.region ? `Gevonden: ${g.displayName} (${g.code}), regio ${g.region}.` : '';
  } catch (e) {
    // (After "Bereken kompas" the same is said as the field's error.)
    hint.textContent = e instanceof Problem && e.problem.code === 'NOT_FOUND' && !$('gemeente').hasAttribute('aria-invalid')
      ? 'Deze gemeente kennen we niet. Kies haar hieronder uit de lijst.' : '';
  }
}

async function openPicker() {
  if (!$('gemeente-lijst').open || $('regio-keuze').options.length > 1) return;
  try {
    const regions = [];
    let token = '';
    do {
      const page = await api('GET', '/v1/regions?pageSize=100' + (token ? '&pageToken=' + encodeURIComponent(token) : ''));
      regions.push(...page.regions);
      token = page.nextPageToken;
    } while (token);
    regions.sort((a, b) => a.displayName.localeCompare(b.displayName, 'nl'));
    $('regio-keuze').append(...regions.map((r) => el('option', { value: r.name }, r.displayName)));
  } catch (e) {
    showProblem(e, null, $('fout'));
  }
}

async function pickRegion() {
  const select = $('gemeente-keuze');
  const region = $('regio-keuze').value;
  select.replaceChildren(el('option', { value: '' }, region ? 'Kies een gemeente' : 'Kies eerst een regio'));
  select.disabled = !region;
  if (!region) return;
  try {
    const r = await api('GET', '/v1/' + region);
    const list = [...r.municipalities].sort((a, b) => a.displayName.localeCompare(b.displayName, 'nl'));
    select.append(...list.map((m) => el('option', { value: m.code }, m.displayName)));
  } catch (e) {
    showProblem(e, null, $('fout'));
  }
}

function pickGemeente() {
  const select = $('gemeente-keuze');
  if (!select.value) return;
  const name = select.selectedOptions[0].textContent;
  $('gemeente').value = name;
  gemeente = { query: name, code: select.value, displayName: name, region: $('regio-keuze').selectedOptions[0].textContent };
  $('gemeente-gevonden').textContent = `Gekozen: ${name} (${select.value}), regio ${gemeente.region}.`;
}

// --- The household ------------------------------------------------------------------------

// The sample household of examples/single-parent-maastricht.json: a single parent with two
// children and a debt arrangement.
const SAMPLE = {
  gemeente: 'Maastricht', geboortedatum: '1992-04-12', partner: '', kinderen: '2021-09-03, 2016-02-20',
  bijstand: 'BIJSTAND_STATUS_RECEIVING', huur: '750', servicekosten: '', energie: '160', zorgpremie: '159',
  vastelasten: '1100', uren: '20', reiskosten: '', opleiding: 'EDUCATION_LEVEL_NLQF_1', scholing: '24',
};

function loadSample() {
  for (const [id, value] of Object.entries(SAMPLE)) $(id).value = value;
  clearErrors($('huishouden-form'));
  $('fout').hidden = true;
  $('gemeente').focus();
  checkGemeente();
}

// The MatchProfile of the form, or throws a Problem naming the field.
async function readProfile() {
  const invalid = (field, reason) => new Problem({
    code: 'INVALID_ARGUMENT', field, detail: reason, invalidParams: [{ name: field, reason }], fromPage: true,
  });
  const text = $('gemeente').value.trim();
  if (!text) throw invalid('profile.household.gemeenteCode', 'vul uw gemeente in');
  let g;
  try {
    g = await resolveGemeente(text);
  } catch (e) {
    if (e instanceof Problem && e.problem.code === 'NOT_FOUND') {
      $('gemeente-gevonden').textContent = '';
      $('gemeente-lijst').open = true;
      openPicker();
      throw invalid('profile.household.gemeenteCode', 'deze gemeente kennen we niet; kies haar uit de lijst hieronder');
    }
    throw e;
  }
  const amount = (id, field) => {
    const c = centsOf($(id).value);
    if (c === undefined) throw invalid(field, 'vul een bedrag in euro in, zoals 750 of 750,50');
    return c;
  };
  const birth = (id, field) => {
    const d = dateOf($(id).value);
    if (!d) throw invalid(field, 'vul een datum in');
    return d;
  };
  const premium = amount('zorgpremie', 'profile.household.adults[0].healthPremium');
  const commute = amount('reiskosten', 'profile.household.adults[0].commuteCost');
  const adult = (id, field) => {
    const a = { birthDate: birth(id, field) };
    if (premium) a.healthPremium = { cents: premium };
    return a;
  };
  const adults = [adult('geboortedatum', 'profile.household.adults[0].birthDate')];
  if ($('partner').value) adults.push(adult('partner', 'profile.household.adults[1].birthDate'));
  if (commute) adults[0].commuteCost = { cents: commute };
  const children = [];
  for (const part of $('kinderen').value.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
    const d = dateOf(part);
    if (!d) throw invalid('profile.household.children', 'schrijf elke datum als jaar-maand-dag, zoals 2016-02-20');
    children.push({ birthDate: d });
  }
  const housing = { tenure: 'HOUSING_TENURE_RENTED', selfContained: true };
  const rent = amount('huur', 'profile.household.housing.bareRent');
  const service = amount('servicekosten', 'profile.household.housing.serviceCosts');
  const energy = amount('energie', 'profile.household.housing.energy');
  if (rent) housing.bareRent = { cents: rent };
  if (service) housing.serviceCosts = { cents: service };
  if (energy) housing.energy = { cents: energy };
  const household = { gemeenteCode: g.code, adults, children, housing, bijstandStatus: $('bijstand').value };
  const fixed = amount('vastelasten', 'profile.household.fixedCosts');
  if (fixed) household.fixedCosts = [{ description: 'vaste lasten', monthlyAmount: { cents: fixed } }];
  const hoursText = $('uren').value.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(hoursText)) throw invalid('profile.availableMinutesPerWeek', 'vul een aantal uren in, zoals 24');
  const months = $('scholing').value.trim();
  if (!/^\d+$/.test(months)) throw invalid('profile.maxTrainingMonths', 'vul een aantal maanden in, zoals 24 (0 = niet leren)');
  return {
    household,
    jobSeeker: 1,
    educationLevel: $('opleiding').value,
    availableMinutesPerWeek: Math.round(Number(hoursText) * 60),
    maxTrainingMonths: Number(months),
    maxCandidates: 10,
  };
}

// --- The compass ----------------------------------------------------------------------------

let current = null; // { profile, result, required }

async function compute(event) {
  event.preventDefault();
  const form = $('huishouden-form');
  clearErrors(form);
  $('fout').hidden = true;
  $('bereken').disabled = true;
  $('kompas-status').textContent = 'Bezig met rekenen…';
  try {
    const profile = await readProfile();
    const [match, budget] = await Promise.all([
      api('POST', '/v1/households:match', { profile }),
      api('POST', '/v1/requiredBudget:calculate', { household: profile.household }),
    ]);
    const result = match.result;
    current = { profile, result, required: budget.requiredBudget };
    renderCompass(result, budget.requiredBudget);
    $('kompas').hidden = false;
    $('bewaren').hidden = false;
    await showCurve(result.candidates[0]);
    const lonend = result.candidates.filter((c) => c.lonend).length;
    $('kompas-status').textContent = `Uw kompas is klaar: ${result.candidates.length} soorten werk, waarvan ${lonend} lonend.`;
    $('kompas-kop').focus();
    loadParticipants().catch((e) => showProblem(e, null, $('bewaar-status')));
  } catch (e) {
    $('kompas-status').textContent = '';
    showProblem(e, form, $('fout'));
  } finally {
    $('bereken').disabled = false;
  }
}

function renderCompass(result, required) {
  $('kompas-datum').textContent = 'Berekend op ' + showDate(today());
  const body = $('budget').querySelector('tbody');
  body.replaceChildren(
    ...required.lines.map((line) => el('tr', {}, el('td', {}, line.description), el('td', { class: 'amount' }, euro(line.monthlyAmount)))),
    el('tr', { class: 'total' }, el('td', {}, 'Samen nodig per maand'), el('td', { class: 'amount' }, euro(required.total))));

  const margin = cents(result.currentMargin);
  $('nu').textContent = `Nu heeft uw huishouden ${euro(result.currentDisposableIncome)} per maand te besteden. ` +
    (margin >= 0 ? `Dat is ${euroAbs(result.currentMargin)} meer dan nodig.` : `Dat is ${euroAbs(result.currentMargin)} te weinig.`);

  // What the answer rests on that may not be right: old rules, sample amounts, sample data.
  const notes = [];
  const basis = result.basis || {};
  if (basis.rules?.rulesOutdated) {
    notes.push(`De regels gelden tot ${showDate(basis.rules.rulesValidUntil)}. Daarna kunnen de bedragen anders zijn.`);
  }
  if (basis.localSchemes?.included && basis.localSchemes.sample) {
    notes.push('De regelingen van de gemeente zijn meegeteld met voorbeeldbedragen. Vraag de gemeente wat voor u geldt.');
  } else if (basis.localSchemes && !basis.localSchemes.included) {
    notes.push('De regelingen van uw gemeente zijn niet meegeteld. Misschien krijgt u meer.');
  }
  if (result.data?.sampleData) {
    notes.push('De vraag naar werk en de opleidingen zijn voorbeeldcijfers, geen cijfers van het UWV.');
  }
  if (basis.budgetStandard?.derived) {
    notes.push('Wat een huishouden nodig heeft is een schatting (afgeleid van de armoedegrens van 2023).');
  }
  $('let-op-lijst').replaceChildren(...notes.map((n) => el('li', {}, n)));
  $('let-op').hidden = notes.length === 0;

  const region = gemeente && gemeente.code === current.profile.household.gemeenteCode && gemeente.region;
  $('banen-kop').textContent = region ? `Werk met vraag in regio ${region}` : 'Werk met vraag in uw regio';
  $('regio').textContent = result.candidates.length
    ? 'Het beste werk staat bovenaan: wat u overhoudt telt het zwaarst, daarna de vraag en hoe snel u kunt beginnen.'
    : 'We vonden geen werk met genoeg vraag in uw regio voor uw opleiding.';
  $('banen').replaceChildren(...result.candidates.map(renderJob));
  showAllJobs(false);

  const rules = basis.rules?.ruleSetId?.value;
  $('bron').textContent = rules ? `Regels: ${rules}. Budget: ${basis.budgetStandard?.title || required.standard?.title || ''}.` : '';
}

// The first five jobs; the others on request (few things at a time).
const FIRST_JOBS = 6;
function showAllJobs(all) {
  const items = [...$('banen').children];
  items.forEach((li, i) => { li.hidden = !all && i >= FIRST_JOBS; });
  const button = $('meer-banen');
  button.hidden = items.length <= FIRST_JOBS;
  button.setAttribute('aria-expanded', String(all));
  button.textContent = all ? 'Toon alleen de eerste zes' : `Toon nog ${items.length - FIRST_JOBS} soorten werk`;
}

function renderJob(c, index) {
  const m = cents(c.margin);
  const badges = el('p', { class: 'badges' },
    c.lonend
      ? el('span', { class: 'badge yes' }, el('span', { 'aria-hidden': 'true' }, '✔ '), 'Lonend')
      : el('span', { class: 'badge no' }, el('span', { 'aria-hidden': 'true' }, '✖ '), 'Nog niet lonend'),
    c.reachableNow
      ? el('span', { class: 'badge plain' }, 'U kunt nu beginnen')
      : el('span', { class: 'badge plain' }, 'Eerst een opleiding'));
  const item = el('li', { class: 'job' + (index >= 4 ? ' extra' : ''), 'data-occupation': c.occupation },
    el('h4', {}, `${c.rank}. ${c.title}`),
    badges,
    el('p', { class: 'margin ' + (m >= 0 ? 'plus' : 'min') },
      m >= 0 ? `Dit houdt u over: ${euroAbs(c.margin)} per maand` : `U komt ${euroAbs(c.margin)} per maand tekort`),
    el('p', { class: 'facts' },
      `Te besteden: ${euro(c.disposableIncome)} per maand bij ${hours(c.minutesPerWeek)} uur per week, ` +
      `${euro(c.wage.grossHourlyWage)} bruto per uur (${WAGE_SOURCE[c.wage.source] || 'loon'}).`),
    el('p', { class: 'facts' }, `Vraag in de regio: ${DEMAND[c.demand] || 'onbekend'}`,
      c.demandSample ? el('span', { class: 'sample' }, ' (voorbeeldcijfers)') : null, '.'));
  if (c.nextCliff) {
    const before = c.nextCliff.before;
    item.append(el('p', { class: 'cliff-note' }, el('span', { 'aria-hidden': 'true' }, '⚠ '),
      `Let op: boven ${euro(before.grossHourlyWage)} bruto per uur houdt u ${euroAbs(c.nextCliff.drop)} per maand minder over` +
      (CAUSE[c.nextCliff.cause] ? ` (door ${CAUSE[c.nextCliff.cause]}).` : '.')));
  }
  const details = [];
  if (!c.reachableNow || !c.lonend) {
    const steps = c.route?.steps || [];
    if (steps.length) {
      const first = steps[0];
      const summary = (first.training ? `eerst ${first.training.description || 'een opleiding'} (${first.training.typicalMonths} maanden${first.training.paid ? ', met loon' : ''})` : `eerst ${first.title}`) +
        (c.route.lonendWithinProjection ? `; lonend vanaf maand ${c.route.lonendMonth}` : `; binnen ${Math.round((c.route.projectionMonths || 60) / 12)} jaar nog niet lonend`);
      item.append(el('p', { class: 'route-summary' }, el('strong', {}, 'Route: '), `${summary}.`));
      details.push(el('p', { class: 'more-head' }, 'De route, stap voor stap:'),
        el('ol', { class: 'route' }, ...steps.map((s) => el('li', {},
          `${s.title}` + (s.training ? `: ${s.training.description || 'opleiding'} (${s.training.typicalMonths} maanden${s.training.sample ? ', voorbeeld' : ''})` : '') +
          ` — vanaf maand ${s.qualifiedMonth}: ${euro(s.disposableIncome)} te besteden, ${s.lonend ? 'lonend' : 'nog niet lonend'}.`))));
    } else if (!c.reachableNow) {
      item.append(el('p', { class: 'route-summary' }, el('strong', {}, 'Route: '),
        'hiervoor is een hogere opleiding nodig. We kennen geen route binnen de tijd die u wilt leren.'));
    }
  }
  if (c.reasons?.length) {
    details.push(el('p', { class: 'more-head' }, 'Waarom op deze plek:'),
      el('ul', { class: 'reasons' }, ...c.reasons.map((r) => el('li', {}, r))));
  }
  if (c.wage.note) details.push(el('p', { class: 'hint' }, `Loon: ${c.wage.note}.`));
  const more = el('div', { class: 'job-more noprint' });
  if (details.length) more.append(el('details', {}, el('summary', {}, 'Meer over dit werk'), ...details));
  const button = el('button', { type: 'button', class: 'secondary small curve-button' }, 'Toon de lijn voor dit werk');
  button.addEventListener('click', () => showCurve(c, true));
  more.append(button);
  item.append(more);
  return item;
}

// --- The income curve -----------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// The curve over 0–40 hours at the wage of one job (GetIncomeCurve, hours sweep).
async function showCurve(candidate, focus) {
  if (!candidate) {
    renderCurve(null);
    return;
  }
  try {
    const curve = await api('POST', '/v1/incomeCurve:calculate', {
      household: current.profile.household, adultNumber: current.profile.jobSeeker,
      hours: { grossHourlyWage: candidate.wage.grossHourlyWage, fromMinutesPerWeek: 0, toMinutesPerWeek: 2400, stepMinutes: 60 },
    });
    renderCurve(curve, candidate);
    if (focus) $('curve-kop').scrollIntoView({ block: 'start' });
    if (focus) $('kompas-status').textContent = `De lijn toont nu ${candidate.title}.`;
  } catch (e) {
    renderCurve(null);
    showProblem(e, null, $('curve-uitleg'));
  }
}

// A cliff's own sentence without its legal reference in brackets (kept in the table's title).
const plain = (text) => (text || '').replace(/ \((?:[^()]|\([^()]*\))*\)\.?$/, '.');

function renderCurve(curve, job) {
  const box = $('curve');
  const tbody = $('curve-tabel').querySelector('tbody');
  if (!curve || !curve.points.length) {
    box.replaceChildren();
    tbody.replaceChildren();
    $('curve-uitleg').textContent = 'Er is geen werk om mee te rekenen.';
    $('curve-tekst').textContent = '';
    return;
  }
  $('curve-uitleg').textContent = `Voor ${job.title}, bij ${euro(job.wage.grossHourlyWage)} bruto per uur: wat uw huishouden te besteden heeft bij 0 tot 40 uur werk per week.`;
  // As wide as its place on the screen (so the labels keep their size on a phone), at most 720.
  const W = Math.round(Math.min(720, Math.max(300, box.clientWidth || 640)));
  const H = W < 480 ? 260 : 300, L = 64, R = 12, T = 16, B = 40;
  const pts = curve.points.map((p) => ({ h: p.position.minutesPerWeek / 60, v: cents(p.position.disposableIncome) / 100, margin: p.margin, lonend: p.lonend }));
  const need = cents(curve.requiredBudget || current.required.total) / 100;
  const maxV = Math.max(need, ...pts.map((p) => p.v)) * 1.1;
  const minV = Math.min(0, ...pts.map((p) => p.v));
  const maxH = Math.max(...pts.map((p) => p.h));
  const x = (h) => L + (h / maxH) * (W - L - R);
  const y = (v) => T + (1 - (v - minV) / (maxV - minV)) * (H - T - B);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'curve-titel curve-tekst' });
  chart.append(svg('title', { id: 'curve-titel' }, `Te besteden per maand bij 0 tot ${maxH} uur werk per week als ${job.title}`));
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
  // The hours the job seeker can work.
  const mine = job.minutesPerWeek / 60;
  if (mine <= maxH) {
    chart.append(svg('line', { class: 'mine', x1: x(mine), x2: x(mine), y1: T, y2: y(minV) }));
    chart.append(svg('text', { x: x(mine) + 4, y: T + 12 }, `u: ${hours(job.minutesPerWeek)} uur`));
  }
  chart.append(svg('line', { class: 'need', x1: L, x2: W - R, y1: y(need), y2: y(need) }));
  chart.append(svg('text', { x: W - R, y: y(need) - 6, 'text-anchor': 'end' }, `nodig: ${euroFormat.format(need)}`));
  chart.append(svg('polyline', { class: 'income', points: pts.map((p) => `${x(p.h)},${y(p.v)}`).join(' ') }));
  curve.cliffs.forEach((c, i) => {
    const h = c.after.minutesPerWeek / 60;
    const v = cents(c.after.disposableIncome) / 100;
    chart.append(svg('path', { class: 'cliff', d: `M ${x(h)} ${y(v) + 4} l -7 12 l 14 0 z` }));
    chart.append(svg('text', { class: 'cliff-label', x: x(h), y: y(v) + 28, 'text-anchor': 'middle' }, `${i + 1}`));
  });
  chart.append(svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, 'uren werk per week'));
  box.replaceChildren(chart);

  // The same in words: where work becomes lonend, and every cliff.
  const ranges = [];
  for (const p of pts) {
    const last = ranges[ranges.length - 1];
    if (p.lonend && last && last.to === undefined) continue;
    if (p.lonend) ranges.push({ from: p.h });
    else if (last && last.to === undefined) last.to = p.h;
  }
  let words;
  if (!ranges.length) words = [`Bij dit loon is werk tot ${maxH} uur nog niet lonend.`];
  else if (ranges.length === 1 && ranges[0].to === undefined) {
    words = [ranges[0].from === 0 ? 'Bij elk aantal uren houdt u genoeg over.' : `Vanaf ${ranges[0].from} uur per week is dit werk lonend.`];
  } else {
    words = ['Dit werk is lonend bij ' + ranges.map((r) => (r.to === undefined ? `${r.from} uur of meer` : `${r.from} tot ${r.to} uur`)).join(' en bij ') + ' per week.'];
  }
  curve.cliffs.forEach((c, i) => {
    words.push(`Let op (${i + 1}): van ${hours(c.before.minutesPerWeek)} naar ${hours(c.after.minutesPerWeek)} uur houdt u ${euroAbs(c.drop)} per maand minder over` +
      (CAUSE[c.cause] ? `, vooral door ${CAUSE[c.cause]}.` : '.'));
  });
  if (!curve.cliffs.length) words.push('Er is geen punt waar meer werken u minder oplevert.');
  $('curve-tekst').textContent = words.join(' ');

  const cliffAt = new Map(curve.cliffs.map((c) => [c.after.minutesPerWeek / 60, c]));
  tbody.replaceChildren(...pts.filter((p) => p.h % 4 === 0 || cliffAt.has(p.h) || p.h === mine).map((p) => el('tr', cliffAt.has(p.h) ? { class: 'cliff-row' } : {},
    el('td', {}, String(p.h) + (p.h === mine ? ' (u)' : '')),
    el('td', { class: 'amount' }, euroFormat.format(p.v)),
    el('td', { class: 'amount' }, euro(p.margin)),
    el('td', {}, (p.lonend ? 'ja' : 'nee') + (cliffAt.has(p.h) ? `; let op: ${plain(cliffAt.get(p.h).explanation)}` : '')))));
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
  if (!current) return null;
  $('bewaar').disabled = true;
  try {
    let participant = $('deelnemer').value;
    let displayName = $('deelnemer').selectedOptions[0]?.textContent || '';
    if (!participant) {
      displayName = $('nieuw-naam').value.trim();
      if (!displayName) {
        throw new Problem({ code: 'INVALID_ARGUMENT', field: 'participant.displayName', detail: 'vul een naam in', fromPage: true });
      }
      const created = await api('POST', '/v1/participants', {
        displayName, gemeenteCode: current.profile.household.gemeenteCode, intakeDate: today(),
        ...(session().mentor ? { mentor: session().mentor } : {}),
      });
      participant = created.name;
      $('nieuw-naam').value = '';
      await loadParticipants();
      $('deelnemer').value = participant;
      toggleNewName();
    }
    const snapshot = await api('POST', `/v1/${participant}/compassSnapshots`, {
      label: $('label').value.trim(), matchProfile: current.profile,
    });
    $('bewaar-status').textContent = `Bewaard bij ${displayName} (${showDate(today())}).`;
    await showTimeline(participant, displayName, snapshot.name);
    return snapshot;
  } catch (e) {
    showProblem(e, form, $('bewaar-status'));
    return null;
  } finally {
    $('bewaar').disabled = false;
  }
}

let timelineOf = null;

async function showTimeline(participant, displayName, snapshot) {
  const other = participant !== timelineOf;
  timelineOf = participant;
  $('tijdlijn-naam').textContent = displayName;
  $('tijdlijn').hidden = false;
  const data = await api('GET', `/v1/${participant}/timeline?pageSize=100`);
  $('tijdlijn-lijst').replaceChildren(...(data.entries.length ? data.entries.map(renderEntry) : [el('li', {}, 'Nog niets bewaard.')]));
  $('gesprek-datum').value = isoDate(today());
  if (!$('doel-datum').value) {
    const d = new Date();
    d.setMonth(d.getMonth() + 3);
    $('doel-datum').value = isoDate({ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() });
  }
  // A suggestion for the Bridge levels on work and money from the snapshot just saved (or the
  // participant's latest one).
  if (!snapshot && !other) return;
  const last = snapshot || [...data.entries].reverse().find((e) => e.compassSnapshot)?.compassSnapshot.name;
  $('brug-voorstel').textContent = '';
  if (last) {
    try {
      const s = await api('POST', `/v1/${participant}/assessments:suggestLevels`, { compassSnapshot: last });
      for (const sug of s.suggestions) $('brug-' + sug.pillar).value = String(sug.suggestedLevel);
      if (s.suggestions.length) {
        $('brug-voorstel').replaceChildren(el('p', {}, 'Voorstel uit het kompas (u beslist zelf):'),
          el('ul', {}, ...s.suggestions.map((sug) => el('li', {}, `${PILLAR[sug.pillar]} ${sug.suggestedLevel}: ${sug.reason}`))));
      }
    } catch (e) { /* only a suggestion */ }
  }
}

function renderEntry(e) {
  const when = el('span', { class: 'when' }, showDate(e.entryDate) + ': ');
  if (e.compassSnapshot) {
    const s = e.compassSnapshot;
    const m = cents(s.margin);
    return el('li', { class: 'entry snapshot' }, when, el('strong', {}, `Kompas “${s.label || 'zonder naam'}”`),
      `: nu ${m >= 0 ? euroAbs(s.margin) + ' meer dan nodig' : euroAbs(s.margin) + ' te weinig'}; het beste werk is ${s.lonend ? 'lonend' : 'nog niet lonend'}.`);
  }
  if (e.session) {
    return el('li', { class: 'entry session' }, when, el('strong', {}, 'Gesprek'),
      ` van ${e.session.durationMinutes} minuten${e.session.notes ? ': ' + e.session.notes : ''}`);
  }
  if (e.goal) {
    return el('li', { class: 'entry goal' }, when, el('strong', {}, `Doel (${PILLAR[e.goal.pillar] || ''})`),
      `: ${e.goal.title}` + (e.goal.targetDate ? `, klaar op ${showDate(e.goal.targetDate)}` : ''));
  }
  if (e.assessment) {
    const levels = e.assessment.levels.map((l) => `${PILLAR[l.pillar] || l.pillar} ${l.level}`).join(', ');
    return el('li', { class: 'entry assessment' }, when, el('strong', {}, 'Brugscore'), `: ${levels} (samen ${e.assessment.totalScore} van 25)`);
  }
  if (e.outcome) return el('li', { class: 'entry outcome' }, when, el('strong', {}, 'Resultaat'));
  if (e.consent) return el('li', { class: 'entry consent' }, when, el('strong', {}, 'Toestemming'));
  return el('li', {}, when);
}

async function addToTimeline(event, form, button, path, body, done) {
  event.preventDefault();
  clearErrors(form);
  $('tijdlijn-status').textContent = '';
  button.disabled = true;
  try {
    await api('POST', `/v1/${timelineOf}/${path}`, body());
    done();
    await showTimeline(timelineOf, $('tijdlijn-naam').textContent);
  } catch (e) {
    showProblem(e, form, $('tijdlijn-status'));
  } finally {
    button.disabled = false;
  }
}

function addSession(event) {
  return addToTimeline(event, $('gesprek-form'), $('gesprek-knop'), 'sessions', () => ({
    sessionDate: dateOf($('gesprek-datum').value) || today(),
    durationMinutes: Number($('gesprek-minuten').value),
    mode: $('gesprek-vorm').value,
    notes: $('gesprek-notitie').value.trim(),
  }), () => {
    $('gesprek-notitie').value = '';
    $('tijdlijn-status').textContent = 'Gesprek toegevoegd.';
  });
}

function addGoal(event) {
  return addToTimeline(event, $('doel-form'), $('doel-knop'), 'goals', () => ({
    pillar: $('doel-pijler').value, title: $('doel-titel').value.trim(), doneWhen: $('doel-klaar').value.trim(),
    targetDate: dateOf($('doel-datum').value),
  }), () => {
    $('doel-titel').value = '';
    $('doel-klaar').value = '';
    $('tijdlijn-status').textContent = 'Doel toegevoegd.';
  });
}

function addAssessment(event) {
  return addToTimeline(event, $('brug-form'), $('brug-knop'), 'assessments', () => ({
    assessmentDate: today(),
    levels: Object.keys(PILLAR).map((pillar) => ({ pillar, level: Number($('brug-' + pillar).value) })),
  }), () => {
    $('tijdlijn-status').textContent = 'Brugscore toegevoegd.';
  });
}

function buildBridgeForm() {
  $('brug-treden').replaceChildren(...Object.entries(PILLAR).map(([pillar, name]) => el('div', { class: 'field' },
    el('label', { for: 'brug-' + pillar }, name),
    el('select', { id: 'brug-' + pillar, 'data-field': 'assessment.levels', 'aria-describedby': 'brug-uitleg' },
      ...[1, 2, 3, 4, 5].map((n) => el('option', { value: String(n), selected: n === 3 }, String(n)))))));
}

// --- Wiring ---------------------------------------------------------------------------------

buildBridgeForm();
$('aanmeld-form').addEventListener('submit', signIn);
$('afmelden').addEventListener('click', signOut);
$('voorbeeld').addEventListener('click', loadSample);
$('gemeente').addEventListener('change', checkGemeente);
$('gemeente-lijst').addEventListener('toggle', openPicker);
$('regio-keuze').addEventListener('change', pickRegion);
$('gemeente-keuze').addEventListener('change', pickGemeente);
$('huishouden-form').addEventListener('submit', compute);
$('meer-banen').addEventListener('click', () => showAllJobs($('meer-banen').getAttribute('aria-expanded') !== 'true'));
$('bewaar-form').addEventListener('submit', save);
$('deelnemer').addEventListener('change', async () => {
  toggleNewName();
  const select = $('deelnemer');
  if (select.value) await showTimeline(select.value, select.selectedOptions[0].textContent).catch((e) => showProblem(e, null, $('bewaar-status')));
});
$('gesprek-form').addEventListener('submit', addSession);
$('doel-form').addEventListener('submit', addGoal);
$('brug-form').addEventListener('submit', addAssessment);
$('afdrukken').addEventListener('click', () => window.print());
$('mentor').value = session().mentor || $('mentor').value;
if (session().token) signedIn('');
