// The preview: what BalkanID will read, before the keys are handed over. Counts, a few rows of each list in Setup's
// words, which users the export leaves out and why, and what the reading user cannot read with the permission that
// fixes it. One round trip (composite/batch requests sent together: counts, samples and the reader's View All
// Users), whatever the org's size: nothing is held. A count Salesforce cannot finish in time (QUERY_TIMEOUT on a
// large table) fails only its own line. One more request names the sampled group members (a member is a user or a
// group, by Id only).
import { soql } from '../facts';
import { OrgClient } from '../client';
import { errorOf } from '../errors';
import { cancelled } from './read';
import {
  countOf,
  countSources,
  DEFAULT_USERS,
  readFix,
  selectSample,
  SOURCES,
  SourceId,
  UsersChoice,
  usersLeftOut,
  UsersLeftOut,
  usersMayBePartial,
  VISIBILITY_SOQL,
} from './sources';

export interface PreviewSource {
  id: SourceId;
  label: string;
  count?: number;
  /** Its COUNT() timed out: the list is large, and readable (the export reads it). */
  timedOut?: true;
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
  /** Which users the counts are for (the export's --users). */
  users: UsersChoice;
  /** Users the export leaves out, by why. */
  usersLeftOut: UsersLeftOut;
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
const GROUP_KIND: Record<string, string> = {
  Regular: 'public group',
  Queue: 'queue',
  Role: 'Role',
  RoleAndSubordinates: 'Role and Subordinates',
  RoleAndSubordinatesInternal: 'Role and Internal Subordinates',
};

/** The sample query of each list shown and how one of its rows reads in Setup's words. */
const SAMPLES: Partial<Record<SourceId, { fields: string; line: (r: Rec) => string }>> = {
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
  permissionSetGroupComponent: {
    fields: 'PermissionSet.Label, PermissionSetGroup.MasterLabel',
    line: r => `${rel(r.PermissionSet)?.Label} → ${rel(r.PermissionSetGroup)?.MasterLabel}`,
  },
  group: {
    fields: 'Name, DeveloperName, Type, Related.Name',
    line: r =>
      r.Type === 'Regular' || r.Type === 'Queue'
        ? `${r.Name} (${r.DeveloperName}) · ${GROUP_KIND[String(r.Type)]}`
        : r.Type === 'Organization'
          ? 'All Internal Users'
          : `${GROUP_KIND[String(r.Type)] ?? r.Type}: ${rel(r.Related)?.Name ?? r.DeveloperName}`,
  },
  userLogin: {
    fields: 'User.Name, IsFrozen, IsPasswordLocked',
    line: r => {
      const states = [r.IsFrozen && 'frozen', r.IsPasswordLocked && 'password locked'].filter(Boolean);
      return `${rel(r.User)?.Name} · ${states.join(', ')}`;
    },
  },
  user: {
    fields:
      'Name, Username, IsActive, UserType, LastLoginDate, Profile.Name, Profile.UserLicense.MasterLabel, UserRole.Name',
    line: r =>
      `${r.Name} · ${r.Username} · ${r.IsActive ? 'active' : 'inactive'} · ` +
      `${rel(rel(r.Profile)?.UserLicense)?.MasterLabel ?? '?'} · ${rel(r.Profile)?.Name ?? '?'} · ` +
      `${rel(r.UserRole)?.Name ?? 'no role'} · ` +
      `last login ${utc(r.LastLoginDate)}`,
  },
  permissionSetAssignment: {
    fields: 'Assignee.Name, PermissionSet.Label, PermissionSetGroup.MasterLabel, IsActive, ExpirationDate',
    line: r =>
      (rel(r.PermissionSetGroup)
        ? `${rel(r.Assignee)?.Name} → ${rel(r.PermissionSetGroup)?.MasterLabel} (Permission Set Group)`
        : `${rel(r.Assignee)?.Name} → ${rel(r.PermissionSet)?.Label} (Permission Set)`) +
      (r.IsActive === false ? ' · expired' : r.ExpirationDate ? ` · expires ${utc(r.ExpirationDate)}` : ''),
  },
  groupMember: {
    fields: 'Group.Name, Group.Type, UserOrGroupId',
    line: r =>
      `${rel(r.Group)?.Name} (${GROUP_KIND[String(rel(r.Group)?.Type)] ?? '?'}) ← ` +
      String(r.MemberName ?? r.UserOrGroupId),
  },
};

/**
 * The sampled group members with their names: "Jane Doe (user)", "Sales Team (public group)". GroupMember names its
 * member by Id only (no relationship to follow), so the users and groups among them are read in one batch; a member
 * whose name cannot be read keeps its Id.
 */
async function namedMembers(client: OrgClient, rows: Rec[]): Promise<Rec[]> {
  const ids = [...new Set(rows.map(r => String(r.UserOrGroupId ?? '')).filter(id => /^[a-zA-Z0-9]{15,18}$/.test(id)))];
  if (!ids.length) return rows;
  const url = (q: string) => `v${client.apiVersion}/query?q=${encodeURIComponent(q)}`;
  const list = ids.map(soql).join(', ');
  const res = await client
    .batch([
      { ref: 'users', url: url(`SELECT Id, Name FROM User WHERE Id IN (${list})`) },
      { ref: 'groups', url: url(`SELECT Id, Name, Type, DeveloperName FROM Group WHERE Id IN (${list})`) },
    ])
    .catch(() => ({}) as Record<string, undefined>);
  type Named = { Id: string; Name: string | null; Type?: string; DeveloperName?: string };
  const rowsOf = (ref: string) => {
    const r = res[ref];
    return r && r.status < 300 ? ((r.body as { records?: Named[] }).records ?? []) : [];
  };
  const names = new Map<string, string>();
  for (const u of rowsOf('users')) names.set(u.Id.slice(0, 15), `${u.Name} (user)`);
  // A role group has no Name: it reads as the role's developer name and the group's kind.
  for (const g of rowsOf('groups'))
    names.set(g.Id.slice(0, 15), `${g.Name ?? g.DeveloperName} (${GROUP_KIND[String(g.Type)] ?? 'group'})`);
  return rows.map(r => {
    const name = names.get(String(r.UserOrGroupId ?? '').slice(0, 15));
    return name ? { ...r, MemberName: name } : r;
  });
}

export async function previewOrg(
  client: OrgClient,
  reader: Preview['reader'],
  signal?: AbortSignal,
  users: UsersChoice = DEFAULT_USERS,
): Promise<Preview> {
  const who = reader.kind === 'integration' ? 'The integration user' : 'You';
  const shownSources = SOURCES.filter(s => !s.hidden);
  const { counts, others, extra } = await countSources(client, users, [
    ...shownSources.map(s => ({
      ref: `sample:${s.id}`,
      soql: selectSample(s, users, SAMPLES[s.id]!.fields, SAMPLE),
    })),
    {
      ref: 'active',
      soql: countOf(
        SOURCES.find(s => s.id === 'user')!,
        users,
        'IsActive = true',
      ),
    },
    { ref: 'visibility', soql: VISIBILITY_SOQL },
  ]);
  cancelled(signal, 'Preview');
  const members = extra['sample:groupMember'];
  if (members && members.status < 300) {
    const body = members.body as { records?: Rec[] };
    extra['sample:groupMember'] = {
      ...members,
      body: { ...body, records: await namedMembers(client, body.records ?? []) },
    };
    cancelled(signal, 'Preview');
  }
  const sources = shownSources.map((s): PreviewSource => {
    const c = counts[s.id];
    if ('code' in c)
      return { id: s.id, label: s.label, sample: [], unreadable: { code: c.code, fix: readFix(s, c.code, who) } };
    const sample = extra[`sample:${s.id}`];
    const active = extra.active;
    // A sample that fails says so (a count without rows would look like an empty list).
    const rows =
      sample && sample.status < 300
        ? ((sample.body as { records?: Rec[] }).records ?? []).map(r => SAMPLES[s.id]!.line(r))
        : [`(no sample: ${errorOf(sample).errorCode})`];
    return {
      id: s.id,
      label: s.label,
      ...('count' in c ? { count: c.count } : { timedOut: true as const }),
      ...(s.id === 'user' && active && active.status < 300
        ? { active: Number((active.body as { totalSize?: number }).totalSize ?? 0) }
        : {}),
      ...(s.id === 'user' ? { partial: usersMayBePartial(extra.visibility, who) } : {}),
      sample: rows,
    };
  });
  return { reader, users, usersLeftOut: usersLeftOut(users, others, counts.user), sources };
}
