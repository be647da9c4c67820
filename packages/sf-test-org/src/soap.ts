// The Metadata API's SOAP endpoint (/services/Soap/m/NN.0): envelopes in, envelopes out, faults with
// HTTP 500 (jsforce's session refresh depends on the status and the sf:INVALID_SESSION_ID code).
import { SfError } from './errors';
import { MetadataApi, MD_NS } from './metadata';
import { asArray, esc, parseXml, text, toXml } from './xml';

const ENV_OPEN = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="${MD_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`;
const ENV_CLOSE = '</soapenv:Body></soapenv:Envelope>';

export function soapFault(code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="${MD_NS}"><soapenv:Body><soapenv:Fault>` +
    `<faultcode>sf:${esc(code)}</faultcode><faultstring>${esc(code)}: ${esc(message)}</faultstring></soapenv:Fault>${ENV_CLOSE}`
  );
}

export interface SoapCall {
  operation: string;
  sessionId?: string;
  args: any;
}

export function parseSoap(body: string): SoapCall {
  const env = parseXml(body).Envelope;
  if (!env?.Body) throw new SfError('INVALID_REQUEST', 'Not a SOAP envelope', 500);
  const [operation, args] = Object.entries(env.Body).find(([k]) => !k.startsWith('@_')) ?? [];
  if (!operation) throw new SfError('INVALID_REQUEST', 'Empty SOAP body', 500);
  return { operation, sessionId: text(env.Header?.SessionHeader?.sessionId), args: args ?? {} };
}

export class Soap {
  constructor(private readonly meta: MetadataApi) {}

  async handle(call: SoapCall, userId: string, apiVersion: number): Promise<string> {
    const a = call.args;
    const respond = (inner: string) =>
      `${ENV_OPEN}<${call.operation}Response>${inner}</${call.operation}Response>${ENV_CLOSE}`;
    switch (call.operation) {
      case 'deploy': {
        const o = a.DeployOptions ?? {};
        const job = await this.meta.startDeploy(
          text(a.ZipFile) ?? '',
          {
            checkOnly: text(o.checkOnly) === 'true',
            rollbackOnError: text(o.rollbackOnError) !== 'false',
            singlePackage: text(o.singlePackage) === 'true',
            ignoreWarnings: text(o.ignoreWarnings) === 'true',
            apiVersion,
          },
          userId,
        );
        return respond(toXml('result', { done: 'false', id: job.id, state: 'Queued' }));
      }
      case 'checkDeployStatus': {
        const job = this.meta.deploys.get(text(a.asyncProcessId) ?? '');
        if (!job) throw new SfError('INVALID_ID_FIELD', 'invalid id', 500);
        const details = text(a.includeDetails) === 'true';
        const r: Record<string, any> = {
          checkOnly: job.options.checkOnly,
          completedDate: job.completedDate,
          createdBy: job.createdBy,
          createdByName: job.createdByName,
          createdDate: job.createdDate,
          details: details
            ? {
                componentFailures: job.done ? job.failures : [],
                componentSuccesses: job.done ? job.successes : [],
                runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
              }
            : undefined,
          done: job.done,
          errorMessage: job.errorMessage,
          errorStatusCode: job.errorStatusCode,
          id: job.id,
          ignoreWarnings: job.options.ignoreWarnings,
          lastModifiedDate: job.completedDate ?? job.createdDate,
          numberComponentErrors: job.failures.length,
          numberComponentsDeployed: job.done ? job.successes.filter(s => s.fullName !== 'package.xml').length : 0,
          numberComponentsTotal: job.total,
          numberTestErrors: 0,
          numberTestsCompleted: 0,
          numberTestsTotal: 0,
          rollbackOnError: job.options.rollbackOnError,
          runTestsEnabled: false,
          startDate: job.startDate,
          status: job.status,
          success: job.status === 'Succeeded' || job.status === 'SucceededPartial',
        };
        return respond(toXml('result', r));
      }
      case 'retrieve': {
        const job = this.meta.startRetrieve(a.request ?? a.retrieveRequest ?? {}, userId, apiVersion);
        return respond(toXml('result', { done: 'false', id: job.id, state: 'Queued' }));
      }
      case 'checkRetrieveStatus': {
        const job = this.meta.retrieves.get(text(a.asyncProcessId) ?? '');
        if (!job) throw new SfError('INVALID_ID_FIELD', 'invalid id', 500);
        const includeZip = text(a.includeZip) !== 'false';
        return respond(
          toXml('result', {
            done: job.done,
            fileProperties: job.done ? job.fileProperties : [],
            id: job.id,
            messages: job.done ? job.messages : [],
            status: job.status,
            success: job.done && job.status === 'Succeeded',
            zipFile: job.done && includeZip ? job.zipFile : undefined,
          }),
        );
      }
      case 'readMetadata': {
        const type = text(a.type) ?? '';
        const found = this.meta.read(
          type,
          asArray<any>(a.fullNames).map(n => text(n)!),
          apiVersion,
          userId,
        );
        // A missing component is an empty record, not a fault; the exact wire form is an open question ([I]).
        const records = found
          .map(c =>
            c
              ? (({ fullName, ...rest }) => toXml('records', { fullName, ...rest }, ` xsi:type="${esc(type)}"`))(c)
              : '<records xsi:nil="true"/>',
          )
          .join('');
        return respond(`<result>${records}</result>`);
      }
      case 'upsertMetadata':
      case 'createMetadata':
      case 'updateMetadata': {
        const items = asArray<any>(a.metadata).map(m => {
          const { ['@_type']: type, fullName, ...body } = m;
          return { type: String(type ?? '').replace(/^.*:/, ''), fullName: text(fullName) ?? '', body };
        });
        const mode =
          call.operation === 'upsertMetadata' ? 'upsert' : call.operation === 'createMetadata' ? 'create' : 'update';
        return respond(
          this.meta
            .save(mode, items, userId, apiVersion)
            .map(r => toXml('result', r))
            .join(''),
        );
      }
      case 'deleteMetadata': {
        const res = this.meta.deleteComponents(
          text(a.type) ?? '',
          asArray<any>(a.fullNames).map(n => text(n)!),
          userId,
          apiVersion,
        );
        return respond(res.map(r => toXml('result', r)).join(''));
      }
      case 'listMetadata': {
        const types = asArray<any>(a.queries).map(q => text(q.type)!);
        return respond(
          this.meta
            .list(types, userId, apiVersion)
            .map(r => toXml('result', r))
            .join(''),
        );
      }
      case 'describeMetadata':
        this.meta.requireMetadataAccess(userId);
        return respond(toXml('result', this.meta.describe()));
      default:
        throw new SfError('INVALID_OPERATION', `Unknown operation ${call.operation}`, 500);
    }
  }
}
