// Every context key the extension sets, in one place: package.json's `when` clauses (views, menus, the palette) and the
// walkthrough's completion events read them. Their values derive from the controller's state on every change, and
// only a changed value is sent to VS Code. Pure (the setter is injected), so plain Node tests it.
import { remaining, Report } from '../core/types';

export const CONTEXT_KEYS = {
  'balkanid.connected': 'an org is connected (its session may have expired since)',
  'balkanid.hasManifest': 'the workspace has a setup manifest',
  'balkanid.hasCertificate': "BalkanID's certificate, where the manifest points, was read and is a certificate",
  'balkanid.setupDone': 'every step is done (Verify may still wait for BalkanID)',
  'balkanid.balkanidConnected': "BalkanID's first login through the app was seen",
  'balkanid.valuesCopied': 'the values for BalkanID were copied (for the connected org)',
  'balkanid.valuesReady': 'the values for BalkanID work: the setup is in place and the consumer key is known',
  'balkanid.adminRequest': 'the admin lacks permissions for the work left (the request for a System Administrator)',
} as const;

export type ContextKey = keyof typeof CONTEXT_KEYS;
export type ContextValues = Record<ContextKey, boolean>;

/** What the keys are made of. */
export interface ContextSource {
  connected: boolean;
  hasManifest: boolean;
  certificateReadable: boolean;
  report?: Report;
  valuesCopied: boolean;
  /** The values for BalkanID work (Controller.offers). */
  values: boolean;
  /** The admin lacks permissions for the work left (Controller.offers). */
  request: boolean;
}

export function contextOf(s: ContextSource): ContextValues {
  return {
    'balkanid.connected': s.connected,
    'balkanid.hasManifest': s.hasManifest,
    'balkanid.hasCertificate': s.certificateReadable,
    'balkanid.setupDone': !!s.report && remaining(s.report) === 0,
    'balkanid.balkanidConnected': s.report?.login?.status === 'connected',
    'balkanid.valuesCopied': s.valuesCopied,
    'balkanid.valuesReady': s.values,
    'balkanid.adminRequest': s.request,
  };
}

/** Keeps VS Code's context in step with `read()`: every key at first, then only the ones that changed. */
export class ContextKeys {
  private sent: Partial<ContextValues> = {};

  constructor(
    private readonly read: () => ContextValues,
    private readonly set: (key: ContextKey, value: boolean) => unknown,
  ) {
    this.update();
  }

  update(): void {
    const now = this.read();
    for (const key of Object.keys(now) as ContextKey[])
      if (this.sent[key] !== now[key]) {
        this.sent[key] = now[key];
        this.set(key, now[key]);
      }
  }
}
