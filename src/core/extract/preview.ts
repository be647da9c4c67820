// The preview: what BalkanID will read, before the keys are handed over. Counts, a few rows of each source in
// Setup's words, and what the reading user cannot read with the permission that fixes it. One round trip
// (composite/batch of counts, samples and the reader's View All Users), whatever the org's size: nothing is held.
import { OrgClient } from '../client';
import { errorOf } from '../errors';
import { cancelled } from './export';
import {
  countOf,
  countSources,
  readFix,
  selectSample,
  SOURCES,
  SourceId,
  usersMayBePartial,
  VISIBILITY_SOQL,
} from './sources';

export interface PreviewSource {
  id: SourceId;
  label: string;
  count?: number;
  /** Users only: how many are active. */
  active?: number;
  sample: string[];
  unreadable?: { code: string; fix: string };
  /** Users only: why the list may hold fewer users than the org has (the reader lacks View All Users). */
  partial?: string;
}

export interface Preview {
  /** Whose session read it: the integration user's (JWT login) or the admin's. */
  reader: { kind: 'integration' | 'admin'; username: string };
  sources: PreviewSource[];
}

/** A query row: its fields, and each related record (Profile.Name) as a row of its own. */
type Rec = { readonly [field: string]: Value };
type Value = string | number | boolean | null | undefined | Rec;
/** A related record of a row, if the row has one. */
const rel = (v: Value): Rec | undefined => (v && typeof v === 'object' ? v : undefined);
const SAMPLE = 5;
const utc = (v: unknown) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v))
    ? new Date(v).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
    : 'never';

/** The sample query of each source and how one of its rows reads in Setup's words. */
const SAMPLES: Record<SourceId, { fields: string; line: (r: Rec) => string }> = {
  userLicense: {
    fields: 'MasterLabel, Status, TotalLicenses, UsedLicenses',
    line: r => `${r.MasterLabel} — ${r.UsedLicenses} of ${r.TotalLicenses} used (${r.Status})`,
  },
  profile: {
    fields: 'Name, UserLicense.MasterLabel',
    line: r => `${r.Name} — ${rel(r.UserLicense)?.MasterLabel ?? '?'}`,
  },
  role: { fields: 'Name, DeveloperName', line: r => `${r.Name} (${r.DeveloperName})` },
  permissionSet: { fields: 'Label, Name', line: r => `${r.Label} (${r.Name})` },
  permissionSetGroup: {
    fields: 'MasterLabel, DeveloperName, Status',
    line: r => `${r.MasterLabel} (${r.DeveloperName}) · status ${r.Status}`,
  },
  group: { fields: 'Name, DeveloperName', line: r => `${r.Name} (${r.DeveloperName})` },
  user: {
    fields: 'Name, Username, IsActive, LastLoginDate, Profile.Name, Profile.UserLicense.MasterLabel, UserRole.Name',
    line: r =>
      `${r.Name} · ${r.Username} · ${r.IsActive ? 'active' : 'inactive'} · ` +
      `${rel(rel(r.Profile)?.UserLicense)?.MasterLabel ?? '?'} · ${rel(r.Profile)?.Name ?? '?'} · ` +
      `${rel(r.UserRole)?.Name ?? 'no role'} · ` +
      `last login ${utc(r.LastLoginDate)}`,
  },
  permissionSetAssignment: {
    fields: 'Assignee.Name, PermissionSet.Label, PermissionSetGroup.MasterLabel',
    line: r =>
      rel(r.PermissionSetGroup)
        ? `${rel(r.Assignee)?.Name} → ${rel(r.PermissionSetGroup)?.MasterLabel} (Permission Set Group)`
        : `${rel(r.Assignee)?.Name} → ${rel(r.PermissionSet)?.Label} (Permission Set)`,
  },
  groupMember: { fields: 'Group.Name, UserOrGroupId', line: r => `${rel(r.Group)?.Name} ← ${r.UserOrGroupId}` },
};

export async function previewOrg(client: OrgClient, reader: Preview['reader'], signal?: AbortSignal): Promise<Preview> {
  const who = reader.kind === 'integration' ? 'The integration user' : 'You';
  const { counts, extra } = await countSources(client, [
    ...SOURCES.map(s => ({ ref: `sample:${s.id}`, soql: selectSample(s, SAMPLES[s.id].fields, SAMPLE) })),
    {
      ref: 'active',
      soql: countOf(
        SOURCES.find(s => s.id === 'user')!,
        'IsActive = true',
      ),
    },
    { ref: 'visibility', soql: VISIBILITY_SOQL },
  ]);
  cancelled(signal, 'Preview');
  const sources = SOURCES.map((s): PreviewSource => {
    const c = counts[s.id];
    if ('code' in c)
      return { id: s.id, label: s.label, sample: [], unreadable: { code: c.code, fix: readFix(s, c.code, who) } };
    const sample = extra[`sample:${s.id}`];
    const active = extra.active;
    // A sample that fails says so (a count without rows would look like an empty list).
    const rows =
      sample && sample.status < 300
        ? ((sample.body as { records?: Rec[] }).records ?? []).map(r => SAMPLES[s.id].line(r))
        : [`(no sample: ${errorOf(sample).errorCode})`];
    return {
      id: s.id,
      label: s.label,
      count: c.count,
      ...(s.id === 'user' && active && active.status < 300
        ? { active: Number((active.body as { totalSize?: number }).totalSize ?? 0) }
        : {}),
      ...(s.id === 'user' ? { partial: usersMayBePartial(extra.visibility, who) } : {}),
      sample: rows,
    };
  });
  return { reader, sources };
}
