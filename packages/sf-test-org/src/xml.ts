// Minimal XML helpers for SOAP envelopes and metadata files: parse with fast-xml-parser (namespaces
// stripped, attributes kept), and serialise plain objects in a stable element order.
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: name =>
    [
      'types',
      'members',
      'metadata',
      'fullNames',
      'queries',
      'userPermissions',
      'records',
      'loginIpRanges',
      'customAttributes',
    ].includes(name),
});

export function parseXml(text: string): any {
  return parser.parse(text);
}

export function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Serialises a value: arrays repeat the element, objects nest, null/undefined are left out. */
export function toXml(name: string, value: unknown, attrs = ''): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(v => toXml(name, v)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !k.startsWith('@_'))
      .map(([k, v]) => toXml(k, v))
      .join('');
    return `<${name}${attrs}>${inner}</${name}>`;
  }
  return `<${name}${attrs}>${esc(value)}</${name}>`;
}

/** Text of a parsed element that may carry attributes (`{'#text': ..., '@_x': ...}`). */
export function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return (v as any)['#text'] !== undefined ? String((v as any)['#text']) : '';
  return String(v);
}

export const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
