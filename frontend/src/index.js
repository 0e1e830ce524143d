// The workbench's page script for Voila.
//
// Voila renders a notebook on the server and sends the page with each cell's outputs
// in <script type="application/vnd.voila.cell-output+json"> tags. Its own page script
// then boots a JupyterLab application (plugins, settings, translations, code editor,
// renderers for every MIME type: 4.8 MB of JavaScript) only to show a few ipywidgets.
// On two shared cores that alone cost 1-2 s before the first question could be
// typed into. The workbench's pages need much less: a connection to the page's
// kernel and the ipywidgets controls. This script does exactly that.
//
// What it does, in order:
//   1. read the kernel id from Voila's #jupyter-config-data;
//   2. connect to that kernel over the server's websocket (same host only);
//   3. fetch every widget's state in one request (ipywidgets' control comm);
//   4. replace each cell output with its widget (or its HTML/text);
//   5. reveal the page (Voila's spinner goes) and report connection trouble
//      in the reader's language (English, Swedish, Norwegian Bokmål);
//   6. release the page's kernel when the page is closed or left (pagehide): each
//      visitor has a kernel of their own, a few hundred MB, that nobody else can use;
//   7. remember the author for the browser session: a text field inside an element of
//      class lia-author (the wizard's author field) gets the name typed last in this tab
//      back after a reload, and its widget is told (input/change events);
//   8. draw the wizard's charts when the reader comes to them: the side panel's charts sit far
//      below what a visitor sees on arrival, so the kernel holds them (lia.pages.wizard.
//      charts_after_page) until this script clicks the hidden button.lia-charts-trigger, once the
//      .lia-charts-anchor line comes within CHARTS_MARGIN of the window.
// Loaded in the page's head, so that the spinner's text ("Preparing the page, step 1 of 2")
// is in the page's language from the first cell on (Voila's own text is English only).
//
// Built with `make frontend` (esbuild) into templates/jupyter/voila/templates/lia/static/.

import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { CommsOverSubshells } from '@jupyterlab/services/lib/kernel/comm';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { Widget } from '@lumino/widgets';
import sanitizeAsText from './sanitize-text';

import '@jupyter-widgets/controls/css/widgets.css';
import '@fortawesome/fontawesome-free/css/fontawesome.min.css';
import '@fortawesome/fontawesome-free/css/v4-shims.min.css';
import './icons.css';
import './page.css';

const OUTPUT_MIME = 'application/vnd.voila.cell-output+json';
const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';

// What the reader may see from this script, in the workbench's three languages.
const MESSAGES = {
  en: {
    lost: 'The connection to the server was lost; reconnecting. Changes made now reach the server only once it is back.',
    gone: 'The server cannot be reached. Nothing typed since the connection was lost is saved: reload the page once the server runs again.',
    failed: 'This page could not connect to its server. Reload the page; if this persists, ask whoever runs the workbench to restart it.',
    widget: 'Part of this page could not be shown.',
    back: 'Connected to the server again.',
    loading: 'Preparing the page…',
    loadingStep: 'Preparing the page (step {i} of {n})…',
  },
  sv: {
    lost: 'Anslutningen till servern bröts; ansluter igen. Ändringar som görs nu når servern först när den är tillbaka.',
    gone: 'Servern går inte att nå. Det som skrivits sedan anslutningen bröts är inte sparat: ladda om sidan när servern körs igen.',
    failed: 'Sidan kunde inte ansluta till sin server. Ladda om sidan; om felet kvarstår, be den som driver arbetsbänken att starta om den.',
    widget: 'En del av sidan kunde inte visas.',
    back: 'Ansluten till servern igen.',
    loading: 'Förbereder sidan…',
    loadingStep: 'Förbereder sidan (steg {i} av {n})…',
  },
  nb: {
    lost: 'Forbindelsen til serveren ble brutt; kobler til igjen. Endringer som gjøres nå, når serveren først når den er tilbake.',
    gone: 'Serveren kan ikke nås. Det som er skrevet siden forbindelsen ble brutt, er ikke lagret: last inn siden på nytt når serveren kjører igjen.',
    failed: 'Siden kunne ikke koble til serveren sin. Last inn siden på nytt; hvis feilen vedvarer, be den som drifter arbeidsbenken om å starte den på nytt.',
    widget: 'En del av siden kunne ikke vises.',
    back: 'Koblet til serveren igjen.',
    loading: 'Klargjør siden…',
    loadingStep: 'Klargjør siden (trinn {i} av {n})…',
  },
};

/**
 * The reader's language: the one the page shows (its root widget carries lia-page-lang-xx,
 * set by lia.i18n.mark_page_language), else ?lang=, else the browser's, else English.
 */
function pageLanguage() {
  const tagged = document.querySelector('[class*="lia-page-lang-"]');
  const fromPage = tagged ? (tagged.className.match(/lia-page-lang-([a-z]+)/) || [])[1] : '';
  const query = new URLSearchParams(window.location.search).get('lang');
  const wanted = [fromPage || '', query || '', ...(navigator.languages || [])];
  for (const tag of wanted) {
    const primary = String(tag).toLowerCase().split(/[-_]/)[0];
    if (primary === 'sv') return 'sv';
    if (primary === 'nb' || primary === 'no' || primary === 'nn') return 'nb';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** The page's messages in the language it shows now (asked each time: the reader may switch). */
function messages() {
  return MESSAGES[pageLanguage()];
}

/**
 * The language of a page that is still being rendered: ?lang=, else the server's default
 * (LIA_LANG, which the template puts in window.liaServerLang), else English - the same
 * order the pages themselves follow.
 */
function loadingLanguage() {
  const wanted = [new URLSearchParams(window.location.search).get('lang') || '', window.liaServerLang || ''];
  for (const tag of wanted) {
    const primary = String(tag).toLowerCase().split(/[-_]/)[0];
    if (primary === 'sv') return 'sv';
    if (primary === 'nb' || primary === 'no' || primary === 'nn') return 'nb';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** Voila's spinner text ("Executing 1 of 2"), in the page's language; the template calls it per cell. */
window.liaLoading = (index, count) => {
  const el = document.getElementById('loading_text');
  if (!el) return;
  const m = MESSAGES[loadingLanguage()];
  el.textContent = index && count
    ? m.loadingStep.replace('{i}', String(index)).replace('{n}', String(count))
    : m.loading;
  el.dataset.liaText = 'true';
};

const MODULES = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': controls,
};

/** An ipywidgets manager bound to one kernel connection, showing views into plain DOM nodes. */
class PageWidgetManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg);
    });
  }

  /** A description marked description_allow_html shows as text (no page marks one; see sanitize-text.js). */
  inline_sanitize(source) {
    return sanitizeAsText(source);
  }

  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (module && module[className]) return module[className];
    throw new Error(`Widget class ${className} not found in ${moduleName}@${moduleVersion}`);
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }

  async display(modelId, host) {
    const model = await this.get_model(modelId);
    const view = await this.create_view(model);
    Widget.attach(view.luminoWidget, host);
    return view;
  }
}

/**
 * Ask the server to shut this page's kernel down now that the page is closed or left.
 * A beacon survives the page's end (a fetch would be cancelled); the form carries the
 * _xsrf cookie as Voila's own page does, the address the token if the page had one.
 * Kernels of pages that end without this (a crashed browser) are culled by the server.
 */
function releaseKernel(kernel, baseUrl, token) {
  const form = new FormData();
  const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
  form.append('_xsrf', (xsrf && xsrf[1]) || '');
  const url = `${baseUrl}voila/api/shutdown/${encodeURIComponent(kernel.id)}` +
    (token ? `?token=${encodeURIComponent(token)}` : '');
  try {
    navigator.sendBeacon(url, form);
  } catch (err) {
    console.error('lia: could not release the kernel', err);
  }
  kernel.dispose();
}

const AUTHOR_KEY = 'lia:author';
const AUTHOR_INPUTS = '.lia-author input[type="text"], .lia-author input:not([type])';

function storedAuthor() {
  try {
    return window.sessionStorage.getItem(AUTHOR_KEY) || '';
  } catch (err) { // storage switched off: nothing is remembered
    return '';
  }
}

/** Keep what the reader types into an author field for this browser session (this tab). */
function rememberAuthor(event) {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.matches(AUTHOR_INPUTS)) return;
  try {
    if (input.value.trim()) window.sessionStorage.setItem(AUTHOR_KEY, input.value);
    else window.sessionStorage.removeItem(AUTHOR_KEY);
  } catch (err) {
    // storage switched off or full: the field still works, it is only not remembered
  }
}

/**
 * Put the remembered author into every empty author field, as if typed: the widget's model
 * (and so the kernel) hears of it through the events ipywidgets listens to. A field the
 * server already filled (the reverse proxy's user header) keeps the server's name.
 */
function restoreAuthor(root) {
  const name = storedAuthor();
  if (!name) return;
  for (const input of root.querySelectorAll(AUTHOR_INPUTS)) {
    if (input.dataset.liaAuthorRestored || input.value.trim()) continue;
    input.dataset.liaAuthorRestored = 'true';
    input.value = name;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }
}

function watchAuthor() {
  document.addEventListener('input', rememberAuthor, true);
  document.addEventListener('change', rememberAuthor, true);
  restoreAuthor(document);
}

const CHART_ANCHORS = '.lia-charts-anchor';
const CHART_TRIGGER = 'button.lia-charts-trigger';
/** How far below the window the charts' anchor asks for them (so they are there when scrolled to). */
const CHARTS_MARGIN = '0px 0px 400px 0px';

/** Ask the kernel for the charts next to *anchor*: a click on its hidden trigger (once per trigger). */
function askForCharts(anchor) {
  const trigger = (anchor.parentElement && anchor.parentElement.querySelector(CHART_TRIGGER))
    || document.querySelector(CHART_TRIGGER);
  if (!trigger || trigger.dataset.liaClicked) return;
  trigger.dataset.liaClicked = 'true';
  trigger.click(); // the ButtonView sends the click to the kernel, hidden or not
}

let chartsObserver = null;

/** Watch every charts anchor not watched yet (the panel's, and any drawn later). */
function watchChartAnchors(root) {
  const anchors = root.querySelectorAll(CHART_ANCHORS);
  if (!anchors.length) return;
  if (typeof IntersectionObserver !== 'function') { // no way to know where the reader is: ask now
    anchors.forEach(askForCharts);
    return;
  }
  if (!chartsObserver) {
    chartsObserver = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        chartsObserver.unobserve(entry.target);
        askForCharts(entry.target);
      }
    }, { rootMargin: CHARTS_MARGIN });
  }
  for (const anchor of anchors) {
    if (anchor.dataset.liaWatched) continue;
    anchor.dataset.liaWatched = 'true';
    chartsObserver.observe(anchor);
  }
}

/** What is drawn later (a section or the panel drawn afresh) gets the remembered author and is watched too. */
function watchLaterParts() {
  new MutationObserver(() => {
    restoreAuthor(document);
    watchChartAnchors(document);
  }).observe(document.body, { childList: true, subtree: true });
}

function pageConfig() {
  const el = document.getElementById('jupyter-config-data');
  return el ? JSON.parse(el.textContent) : {};
}

function notice(kind, text) {
  let bar = document.getElementById('lia-connection');
  if (!bar) {
    bar = document.createElement('div');
    bar.id = 'lia-connection';
    bar.setAttribute('role', 'alert');
    document.body.prepend(bar);
  }
  bar.className = `lia-connection lia-connection-${kind}`;
  bar.textContent = text;
  bar.hidden = !text;
}

function reveal() {
  window.themeLoaded = true;
  if (typeof window.display_cells === 'function') window.display_cells();
}

function plainText(host, text, className) {
  const pre = document.createElement('pre');
  pre.className = className;
  pre.textContent = text;
  host.appendChild(pre);
}

async function renderOutput(manager, output, host) {
  const data = output.data || {};
  if (data[WIDGET_MIME]) {
    try {
      await manager.display(data[WIDGET_MIME].model_id, host);
    } catch (err) {
      console.error('lia: widget not shown', err);
      plainText(host, messages().widget, 'lia-output-error');
    }
  } else if (data['text/html'] !== undefined) {
    const div = document.createElement('div');
    div.innerHTML = [].concat(data['text/html']).join('');
    host.appendChild(div);
  } else if (output.output_type === 'stream') {
    plainText(host, [].concat(output.text).join(''), 'lia-output-stream');
  } else if (output.output_type === 'error') {
    plainText(host, `${output.ename}: ${output.evalue}`, 'lia-output-error');
  } else if (data['text/plain'] !== undefined) {
    plainText(host, [].concat(data['text/plain']).join(''), 'lia-output-text');
  }
}

const mark = (name) => performance.mark(`lia:${name}`);

async function main() {
  mark('start');
  const config = pageConfig();
  const outputs = Array.from(document.querySelectorAll(`script[type="${OUTPUT_MIME}"]`));
  if (!config.kernelId) {
    // a page without a kernel (an error page): show what the server rendered
    reveal();
    return;
  }
  const token = new URLSearchParams(window.location.search).get('token') || '';
  const baseUrl = new URL(config.baseUrl || '/', window.location.href).href;
  const serverSettings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token,
    appendToken: true,
  });
  const kernel = new KernelConnection({
    model: { id: config.kernelId, name: 'python3' },
    serverSettings,
    handleComms: true,
    // Every widget message on the kernel's main shell, in order: a subshell per comm target
    // (the default since JupyterLab 4.4) costs a thread in the kernel and a round trip first.
    commsOverSubshells: CommsOverSubshells.Disabled,
  });
  // Connection trouble is said on the page at once: the kernel connection retries for about
  // two minutes before it gives up, and a DPO typing answers meanwhile must know they are not saved.
  let everConnected = false;
  let troubled = false;
  kernel.connectionStatusChanged.connect((_, status) => {
    if (status === 'connected') {
      if (!everConnected) mark('connected');
      if (troubled) notice('ok', messages().back);
      everConnected = true;
      troubled = false;
    } else if (everConnected && status === 'connecting') {
      troubled = true;
      notice('lost', messages().lost);
    } else if (status === 'disconnected') {
      troubled = true;
      notice('lost', everConnected ? messages().gone : messages().failed);
      reveal();
    }
  });
  kernel.statusChanged.connect((_, status) => {
    if (status === 'dead') {
      troubled = true;
      notice('lost', messages().gone);
    }
  });

  let released = false;
  window.addEventListener('pagehide', () => {
    if (released) return;
    released = true;
    releaseKernel(kernel, baseUrl, token);
  });
  // Back to a page kept in the browser's memory: its kernel is gone, so load it afresh.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && released) window.location.reload();
  });

  const manager = new PageWidgetManager(kernel);
  try {
    await manager._loadFromKernel();
    mark('states');
  } catch (err) {
    console.error('lia: no connection to the kernel', err);
    notice('lost', messages().failed);
  }
  await Promise.all(outputs.map((script) => {
    const host = document.createElement('div');
    host.className = 'jp-OutputArea-output lia-output';
    script.replaceWith(host);
    let output;
    try {
      output = JSON.parse(script.textContent);
    } catch (err) {
      return Promise.resolve();
    }
    return renderOutput(manager, output, host);
  }));
  mark('shown');
  watchAuthor();
  reveal();
  watchChartAnchors(document);
  watchLaterParts();
  document.body.dataset.liaReady = 'true';
}

const start = () => main().catch((err) => {
  console.error('lia: page script failed', err);
  reveal();
});
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
