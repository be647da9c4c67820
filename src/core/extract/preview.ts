// The preview: what BalkanID will read, before the keys are handed over. Counts, a few rows of each source in
// Setup's words, and what the reading user cannot read with the permission that fixes it. One round trip
// (composite/batch of counts and samples), whatever the org's size: nothing is streamed or held.
import { OrgClient } from '../client';
import { errorOf } from '../errors';
import { countOf, readFix, Source, SOURCES, SourceId } from './sources';

export interface PreviewSource {
  id: SourceId;
  label: string;
  count?: number;
  /** Users only: how many are active. */
  active?: number;
  sample: string[];
  unreadable?: { code: string; fix: string };
}

export interface Preview {
  /** Whose session read it: the integration user's (JWT login) or the admin's. */
  reader: { kind: 'integration' | 'admin'; username: string };
  sources: PreviewSource[];
}

type Rec = Record<string, any>;
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
  profile: { fields: 'Name, UserLicense.MasterLabel', line: r => `${r.Name} — ${r.UserLicense?.MasterLabel ?? '?'}` },
  role: {
    fields: 'Name, ParentRole.Name',
    line: r => `${r.Name}${r.ParentRole ? ` (reports to ${r.ParentRole.Name})` : ''}`,
  },
  permissionSet: { fields: 'Label, Name', line: r => `${r.Label} (${r.Name})` },
  permissionSetGroup: { fields: 'MasterLabel, Status', line: r => `${r.MasterLabel} (${r.Status})` },
  group: { fields: 'Name, DeveloperName', line: r => `${r.Name} (${r.DeveloperName})` },
  user: {
    fields: 'Name, Username, IsActive, LastLoginDate, Profile.Name, Profile.UserLicense.MasterLabel, UserRole.Name',
    line: r =>
      `${r.Name} · ${r.Username} · ${r.IsActive ? 'active' : 'inactive'} · ` +
      `${r.Profile?.UserLicense?.MasterLabel ?? '?'} · ${r.Profile?.Name ?? '?'} · ${r.UserRole?.Name ?? 'no role'} · ` +
      `last login ${utc(r.LastLoginDate)}`,
  },
  permissionSetAssignment: {
    fields: 'Assignee.Name, PermissionSet.Label, PermissionSetGroup.MasterLabel',
    line: r =>
      r.PermissionSetGroup
        ? `${r.Assignee?.Name} → ${r.PermissionSetGroup.MasterLabel} (Permission Set Group)`
        : `${r.Assignee?.Name} → ${r.PermissionSet?.Label} (Permission Set)`,
  },
  groupMember: { fields: 'Group.Name, UserOrGroupId', line: r => `${r.Group?.Name} ← ${r.UserOrGroupId}` },
};

const sampleOf = (s: Source) =>
  `SELECT ${SAMPLES[s.id].fields} FROM ${s.object}${s.where ? ` WHERE ${s.where}` : ''} ORDER BY Id LIMIT ${SAMPLE}`;

export async function previewOrg(client: OrgClient, reader: Preview['reader']): Promise<Preview> {
  const v = `v${client.apiVersion}`;
  const q = (soql: string) => `${v}/query?q=${encodeURIComponent(soql)}`;
  const requests = SOURCES.flatMap(s => [
    { ref: `${s.id}-count`, url: q(countOf(s)) },
    { ref: `${s.id}-sample`, url: q(sampleOf(s)) },
  ]);
  requests.push({
    ref: 'user-active',
    url: q(
      countOf(
        SOURCES.find(s => s.id === 'user')!,
        'IsActive = true',
      ),
    ),
  });
  const res = await client.batch(requests);
  const who = reader.kind === 'integration' ? 'The integration user' : 'You';
  const sources = SOURCES.map((s): PreviewSource => {
    const count = res[`${s.id}-count`];
    if (!count || count.status >= 300) {
      const code = errorOf(count).errorCode;
      return { id: s.id, label: s.label, sample: [], unreadable: { code, fix: readFix(s, code, who) } };
    }
    const sample = res[`${s.id}-sample`];
    const rows = sample && sample.status < 300 ? ((sample.body as { records?: Rec[] }).records ?? []) : [];
    const active = res['user-active'];
    return {
      id: s.id,
      label: s.label,
      count: Number((count.body as { totalSize?: number }).totalSize ?? 0),
      ...(s.id === 'user' && active && active.status < 300
        ? { active: Number((active.body as { totalSize?: number }).totalSize ?? 0) }
        : {}),
      sample: rows.map(r => SAMPLES[s.id].line(r)),
    };
  });
  return { reader, sources };
}
