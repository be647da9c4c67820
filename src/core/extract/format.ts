// BalkanID's bulk upload formats (developer.balkan.id, "Bulk Entities Upload API" and "Bulk Entity Relations
// Upload API", both Early Access): the file names this product writes, their header rows and RFC 4180 rows.

export const ENTITIES_FILE = 'entities.csv';
export const RELATIONS_FILE = 'entity-relations.csv';

export const ENTITY_HEADER = [
  'App',
  'Name',
  'Entity Type',
  'Source System',
  'Source ID',
  'Source Type',
  'Metadata Version',
  'Metadata',
] as const;
export const RELATION_HEADER = [
  'App',
  'Parent Entity Source ID',
  'Parent Entity Type',
  'Entity Source ID',
  'Entity Type',
  'Source System',
  'Metadata Version',
  'Metadata',
] as const;

/** The two uploads, in the order BalkanID needs them: relations must refer to entities already synced. */
export const UPLOADS = [
  { file: ENTITIES_FILE, resource: 'entities', header: ENTITY_HEADER },
  { file: RELATIONS_FILE, resource: 'entity-relations', header: RELATION_HEADER },
] as const;

/** One field, quoted when RFC 4180 needs it (comma, quote, CR or LF inside; quotes doubled). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record with its CRLF line end (RFC 4180 section 2.1). */
export function csvRow(values: readonly string[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
