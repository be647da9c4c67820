// Field values of an insert or update as the REST API checks them: known, writable fields; booleans, Ids and
// lengths of the right kind; reference values in their 18-character form.
import { SfError } from './errors';
import { isId, to18 } from './ids';
import { ObjectDef, fieldOf } from './schema';

export function canonicalValues(
  def: ObjectDef,
  body: Record<string, any>,
  op: 'create' | 'update',
): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(body ?? {})) {
    if (k === 'attributes') continue;
    const f = fieldOf(def, k);
    if (!f) throw new SfError('INVALID_FIELD', `No such column '${k}' on sobject of type ${def.name}`);
    if (op === 'create' ? !f.createable : !f.updateable)
      throw new SfError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        400,
        [f.name],
      );
    if (f.type === 'boolean' && typeof v !== 'boolean')
      throw new SfError(
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of boolean from ${typeof v === 'string' ? 'VALUE_STRING' : 'value'} value ${JSON.stringify(v)} or request may be missing a required field`,
      );
    if (f.type === 'reference' && v !== null && !isId(v))
      throw new SfError('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${v}`, 400, [f.name]);
    if (f.length && typeof v === 'string' && v.length > f.length)
      throw new SfError('STRING_TOO_LONG', `${f.name}: data value too large: ${v} (max length=${f.length})`, 400, [
        f.name,
      ]);
    out[f.name] = f.type === 'reference' && v ? to18(v) : v;
  }
  return out;
}
