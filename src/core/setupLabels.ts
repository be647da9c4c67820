// How Salesforce Setup names the metadata values the engine writes, so plans and messages speak Setup's language
// (the External Client App's OAuth settings and policies pages).
import { IpRelaxation } from './manifest';

const SCOPE_LABELS: Record<string, string> = {
  Api: 'Manage user data via APIs (api)',
  RefreshToken: 'Perform requests at any time (refresh_token, offline_access)',
  OfflineAccess: 'Perform requests at any time (refresh_token, offline_access)',
  Basic: 'Access the identity URL service (id, profile, email, address, phone)',
  Web: 'Access content resources (web)',
  Full: 'Full access (full)',
  OpenID: 'Access unique user identifiers (openid)',
};

export const IP_LABELS: Record<IpRelaxation, string> = {
  Bypass: 'Relax IP restrictions',
  Enforce: 'Enforce IP restrictions',
  Bypass_2factor: 'Relax IP restrictions with second factor',
  Enforce_RelaxRefresh: 'Enforce IP restrictions, but relax for refresh tokens',
};

export const scopeList = (scopes: string[]) => [...new Set(scopes.map(s => SCOPE_LABELS[s] ?? s))].join(', ');
