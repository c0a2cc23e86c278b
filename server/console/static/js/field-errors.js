/**
 * API errors shown next to the field they name: the API's `field` ("promise.date",
 * "installments.1.amount") is matched to a form field by its longest known suffix; an error that
 * names no known field goes to the form's general message.
 */
import { h } from './dom.js';
import { t } from './i18n.js';

/** The key of `fields` that `name` ends with, longest first ("paymentPlan.installments.0.date" → "installments.0.date"). */
export function fieldFor(name, keys) {
  const parts = String(name ?? '').split('.');
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join('.');
    if (keys.includes(candidate)) return candidate;
  }
  return null;
}

/**
 * A form's error display: `fields` maps a field name to its input. `show(e)` puts the message
 * under the named input (marked aria-invalid) or in `general`; `clear()` removes them all.
 */
export function fieldErrors(fields, general) {
  const notes = new Map();
  function clear() {
    for (const [name, note] of notes) {
      note.remove();
      fields[name]?.removeAttribute('aria-invalid');
    }
    notes.clear();
    general.replaceChildren();
  }
  function show(e) {
    clear();
    const name = fieldFor(e.field, Object.keys(fields));
    const text = t('common.error', { message: e.message });
    if (!name) {
      general.append(h('p', { class: 'error', role: 'alert' }, text));
      return;
    }
    const input = fields[name];
    const id = `${input.id || name.replace(/\W/g, '-')}-error`;
    const note = h('p', { class: 'error field-error', role: 'alert', id, 'data-error-for': name }, text);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    input.after(note);
    notes.set(name, note);
    input.focus();
  }
  return { show, clear };
}
