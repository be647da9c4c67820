// Reading CSV that came from outside — Bulk API 2.0 query results, BalkanID's apps list — strictly and within
// bounds: RFC 4180 (quoted fields with doubled quotes, CR LF or LF line ends), every record with the header's number
// of columns, no cell longer than `maxCell` characters. Anything else is an error naming the record, never a guess.

export interface CsvBounds {
  /** The longest cell accepted, in characters. */
  maxCell: number;
  /** The most columns a record may have. */
  maxColumns: number;
}

export class CsvError extends Error {
  constructor(
    message: string,
    /** The 1-based record the problem is in (the header is record 1). */
    readonly record: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * The records of a CSV text, one array of cells each, in order. A line end inside quotes belongs to the cell; a
 * final line end does not start an empty record.
 */
export function* csvRecords(text: string, bounds: CsvBounds): Generator<string[]> {
  const n = text.length;
  let i = 0;
  let record = 0;
  while (i < n) {
    record++;
    const cells: string[] = [];
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new CsvError(`record ${record}: a quoted cell is not closed`, record);
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
          } else {
            i = q + 1;
            break;
          }
          if (value.length > bounds.maxCell)
            throw new CsvError(`record ${record}: a cell longer than ${bounds.maxCell} characters`, record);
        }
        cell = value;
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== CR && c !== LF)
          throw new CsvError(`record ${record}: text after a quoted cell's closing quote`, record);
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE) throw new CsvError(`record ${record}: a quote inside an unquoted cell`, record);
        }
        cell = text.slice(i, j);
        i = j;
      }
      if (cell.length > bounds.maxCell)
        throw new CsvError(`record ${record}: a cell longer than ${bounds.maxCell} characters`, record);
      cells.push(cell);
      if (cells.length > bounds.maxColumns)
        throw new CsvError(`record ${record}: more than ${bounds.maxColumns} columns`, record);
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (c === LF) i++;
      break;
    }
    yield cells;
  }
}

/** The whole text as records: the header, then the rows, each with the header's number of columns. */
export function csvTable(text: string, bounds: CsvBounds): { header: string[]; rows: string[][] } {
  const all = csvRecords(text, bounds);
  const first = all.next();
  const header = first.done ? [] : first.value;
  const rows: string[][] = [];
  let record = 1;
  for (const r of all) {
    record++;
    if (r.length !== header.length)
      throw new CsvError(`record ${record}: ${r.length} columns where the header has ${header.length}`, record);
    rows.push(r);
  }
  return { header, rows };
}
