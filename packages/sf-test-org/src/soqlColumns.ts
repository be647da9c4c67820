// `?columns=true`: the column metadata the Salesforce CLI asks for after every query.
import { FieldDef, fieldOf } from './schema';
import { QueryContext, resolvePath, runQuery } from './soql';

/** `?columns=true`: the column metadata the sf CLI asks for after every query. */
export function columnMetadata(ctx: QueryContext, query: string): any {
  const res = runQuery(ctx, query);
  const def = res.def;
  const col = (name: string, f?: FieldDef, extra: any = {}) => ({
    aggregate: false,
    apexType: f ? apexType(f) : null,
    booleanType: f?.type === 'boolean',
    columnName: name,
    custom: false,
    displayName: name,
    foreignKeyName: null,
    insertable: !!f?.createable,
    joinColumns: [],
    numberType: f?.type === 'int',
    textType: f ? ['string', 'email', 'textarea', 'picklist'].includes(f.type) : false,
    updatable: !!f?.updateable,
    ...extra,
  });
  const columns: any[] = [];
  for (const f of res.ast.fields ?? []) {
    if (f.type === 'Field') {
      const fd = fieldOf(def, f.field)!;
      columns.push(col(fd.name, fd));
    } else if (f.type === 'FieldRelationship') {
      const r = resolvePath(ctx, def, f.rawValue, query, 0);
      const relField = def.fields.find(x => x.relationshipName === r.canonical[0])!;
      let existing = columns.find(c => c.columnName === r.canonical[0]);
      if (!existing) {
        existing = col(r.canonical[0], undefined, {
          foreignKeyName: relField.name,
          insertable: false,
          updatable: false,
        });
        columns.push(existing);
      }
      let node = existing;
      for (let i = 1; i < r.canonical.length - 1; i++) {
        let next = node.joinColumns.find((c: any) => c.columnName === r.canonical[i]);
        if (!next) {
          next = col(r.canonical[i]);
          node.joinColumns.push(next);
        }
        node = next;
      }
      node.joinColumns.push(col(r.canonical[r.canonical.length - 1], r.leaf));
    } else if (f.type === 'FieldSubquery') {
      columns.push(
        col(f.subquery.relationshipName, undefined, {
          aggregate: true,
          joinColumns: (f.subquery.fields ?? []).map((sf: any) => col(sf.field ?? sf.rawValue)),
        }),
      );
    } else if (f.type === 'FieldFunctionExpression' && f.parameters?.length) {
      columns.push(col(f.alias ?? 'expr0', undefined, { aggregate: true, apexType: 'Integer', numberType: true }));
    }
  }
  return {
    columnMetadata: columns,
    entityName: def.name,
    groupBy: false,
    idSelected: columns.some(c => c.columnName === 'Id'),
    keyPrefix: def.prefix,
  };
}

function apexType(f: FieldDef): string {
  return (
    ({ id: 'Id', reference: 'Id', boolean: 'Boolean', datetime: 'Datetime', date: 'Date', int: 'Integer' } as any)[
      f.type
    ] ?? 'String'
  );
}
