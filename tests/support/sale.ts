import type { HTMLElement } from 'node-html-parser';
import { expect } from 'vitest';
import { SALE_FORM_ID } from '../../src/views/appointments/sale-confirmation.js';
import { html, type TestClient } from './client.js';

/** What a form would submit as it is rendered: inputs, checked radios, selected options. */
export function formValues(form: HTMLElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const input of form.querySelectorAll('input[name]')) {
    const type = input.getAttribute('type');
    if ((type === 'radio' || type === 'checkbox') && !input.hasAttribute('checked')) continue;
    values[input.getAttribute('name')!] = input.getAttribute('value') ?? '';
  }
  for (const select of form.querySelectorAll('select[name]')) {
    const chosen = select.querySelector('option[selected]') ?? select.querySelector('option');
    values[select.getAttribute('name')!] = chosen?.getAttribute('value') ?? '';
  }
  return values;
}

/**
 * The path htmx requests for an element's hx-get: the URL with the hx-vals of the element and
 * its ancestors added (the nearest one's value wins), as htmx adds them to a GET.
 */
export function htmxGetPath(element: HTMLElement): string {
  const url = new URL(element.getAttribute('hx-get')!, 'http://localhost');
  for (let node: HTMLElement | null = element; node; node = node.parentNode) {
    const values = node.getAttribute?.('hx-vals');
    if (!values) continue;
    for (const [name, value] of Object.entries(JSON.parse(values) as Record<string, string>)) {
      if (!url.searchParams.has(name)) url.searchParams.set(name, value);
    }
  }
  return `${url.pathname}${url.search}`;
}

/** The sale's confirmation a catalogue card opens (its hx-get), as its form would submit it. */
export async function saleFormOf(client: TestClient, path: string) {
  const response = await client.request(path, { htmx: true });
  expect(response.status).toBe(200);
  return formValues(html(await response.text()).querySelector(`#${SALE_FORM_ID}`)!);
}

/** The confirmation's path for a patient and a package. */
export function salePath(patientId: string, packageId: string) {
  return `/appointments/new/sale?patient_id=${patientId}&package_id=${packageId}`;
}
