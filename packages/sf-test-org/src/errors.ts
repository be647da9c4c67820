/** A Salesforce API error: REST renders it as `[{message, errorCode, fields}]`, collections as `statusCode`. */
export class SfError extends Error {
  constructor(
    public readonly errorCode: string,
    message: string,
    public readonly status = 400,
    public readonly fields: string[] = [],
    /** Render `fields` even when empty (`"fields": []`, as record errors do; the audit's API-name refusals). */
    public readonly listFields = false,
  ) {
    super(message);
  }
  toJSON(): { message: string; errorCode: string; fields?: string[] } {
    return this.fields.length || this.listFields
      ? { message: this.message, errorCode: this.errorCode, fields: this.fields }
      : { message: this.message, errorCode: this.errorCode };
  }
}

export const insufficientAccess = (what = 'insufficient access rights on object id') =>
  new SfError('INSUFFICIENT_ACCESS_OR_READONLY', what, 400);

/** An answer that is not Salesforce's JSON: a proxy's or CDN's page in front of the org (502, 503). */
export class RawHttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly text: string,
    public readonly contentType = 'text/html;charset=UTF-8',
  ) {
    super(`HTTP ${status}`);
  }
}
