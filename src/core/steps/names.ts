// Each step's names in Setup's language — its full title and its short label — as data: each step module takes its
// own from here, and the VS Code layer's activation reads them without loading the steps' logic.
import type { StepId } from '../types';

export const STEP_NAMES = {
  preflight: { title: 'Preflight: connection, permissions, licences', label: 'Preflight' },
  profile: { title: 'Profile cloned from the standard Platform profile', label: 'Profile' },
  user: { title: 'Integration user', label: 'Integration user' },
  permissionSet: { title: 'Permission set BalkanID Extractor, assigned', label: 'Permission set' },
  app: { title: 'External Client App with JWT bearer', label: 'External Client App' },
  link: { title: 'Permission set linked to the app', label: 'App ↔ permission set link' },
  consumerKey: { title: 'Consumer key', label: 'Consumer key' },
  verify: { title: 'Verified by a login through the app', label: 'Verify' },
} as const satisfies Record<StepId, { title: string; label: string }>;

const each = <T>(f: (n: { title: string; label: string }) => T) =>
  Object.fromEntries(Object.entries(STEP_NAMES).map(([id, n]) => [id, f(n)])) as Record<StepId, T>;
export const STEP_TITLES = each(n => n.title);
export const STEP_LABELS = each(n => n.label);
