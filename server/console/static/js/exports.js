/* global document */
/**
 * Exports: the table on screen goes to `POST /console/export?format=csv|xlsx` (core/exports does
 * the writing, on the server) and comes back as a download.
 */
import { ApiError } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

export async function download(table, format) {
  const response = await fetch(`/console/export?format=${format}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(table),
  });
  if (!response.ok) {
    const e = (await response.json().catch(() => null))?.error ?? {};
    throw new ApiError(response.status, e.code ?? 'error', e.message ?? `HTTP ${response.status}`, e.field);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `export.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The two export buttons for a table built on demand by `makeTable()`. */
export function exportButtons(makeTable, onError) {
  const run = (format) => () => download(makeTable(), format).catch(onError);
  return h('div', { class: 'exports' },
    h('button', { type: 'button', class: 'secondary', 'data-export': 'csv', onclick: run('csv') }, t('common.exportCsv')),
    h('button', { type: 'button', class: 'secondary', 'data-export': 'xlsx', onclick: run('xlsx') }, t('common.exportXlsx')));
}
