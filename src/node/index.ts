// Everything the extension needs once it does real work, bundled separately (dist/engine.js) and loaded on
// first use, so activation parses none of jsforce.
export { connect, ConnectionError } from './salesforce';
export type { JsforceClient, Credentials } from './salesforce';
export type { EngineInput } from '../core/engine';
export { listOrgs, sfCredentials, defaultTargetOrg } from './sfcli';
export { jwtSelfTest, rememberedJwtLogin, sessionFailure } from './verify';
export { webLogin } from './webLogin';
export { exportToDir } from './exportFiles';
export { uploadToBalkanId } from './balkanidUpload';
export { previewOrg } from '../core/extract/preview';
export { exportNotes } from '../core/extract/export';
export { checkTenantUrl } from '../core/extract/upload';
export { whoAmI, latestLogins } from '../core/probe';
export { loginStatus } from '../core/steps/verify';
export { startTrace, stopTrace, activeTrace } from './trace';
export { loadCertificate, certificatePath, insideFolder, createManifest } from './workspace';
export {
  apply,
  check,
  planOf,
  runnable,
  teardown,
  teardownPlan,
  teardownKept,
  gatherFacts,
  remaining,
} from '../core/engine';
