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

/**
 * Cells a spreadsheet would take for a formula: those starting with `=`, `+`, `-`, `@`, a TAB or a CR (OWASP, "CSV
 * Injection"). The files are for BalkanID, so values go out as Salesforce holds them and such cells are only counted;
 * with `neutralize` (opt-in) each gets a leading single quote, OWASP's advice for files opened in a spreadsheet (the
 * value BalkanID shows then starts with that quote).
 */
export const FORMULA_START = /^[=+\-@\t\r]/;
export class FormulaCells {
  count = 0;
  constructor(readonly neutralize: boolean) {}
  /** The row as it is written: each formula-like cell counted and, when neutralizing, prefixed with `'`. */
  apply(values: string[]): string[] {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v.length && FORMULA_START.test(v)) {
        this.count++;
        if (this.neutralize) values[i] = `'${v}`;
      }
    }
    return values;
  }
}
