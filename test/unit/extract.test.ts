// The export's pure parts: the bounded CSV reader (Bulk API 2.0 results, BalkanID's apps list), the compact set of
// user IDs, the check of every row, the queries of each list (users chosen, resumed after an Id), who is left out,
// formula cells, and the App looked up among a tenant's apps.
import assert from 'node:assert/strict';
import { CsvError, csvRecords, csvTable } from '../../src/core/extract/csv';
import { IdSet } from '../../src/core/extract/idSet';
import { fromCsv, fromJson, id18, MalformedRow, recordId, Value } from '../../src/core/extract/records';
import { FormulaCells } from '../../src/core/extract/format';
import {
  countFrom,
  counted,
  countOf,
  DEFAULT_USERS,
  leftOutText,
  readFix,
  selectAll,
  Source,
  sourceOf,
  SOURCES,
  USERS_CHOICES,
  USERS_LABELS,
  usersLeftOut,
} from '../../src/core/extract/sources';
import { appsFromCsv, unknownAppError } from '../../src/core/extract/upload';
import { ExportSummary, exportNotes, ListReport, skippedText } from '../../src/core/extract/export';

const bounds = { maxCell: 20, maxColumns: 4 };
const all = (text: string) => [...csvRecords(text, bounds)];

describe('export: the CSV reader', () => {
  it('reads RFC 4180: quoted cells with commas, doubled quotes and line breaks; CRLF and LF; empty cells; no record for a final line end', () => {
    assert.deepEqual(all('a,b\r\n"x,y","say ""hi"""\n"two\r\nlines",\n'), [
      ['a', 'b'],
      ['x,y', 'say "hi"'],
      ['two\r\nlines', ''],
    ]);
    assert.deepEqual(all(''), []);
    assert.deepEqual(csvTable('ID,Name\nsalesforce,Salesforce\n', bounds), {
      header: ['ID', 'Name'],
      rows: [['salesforce', 'Salesforce']],
    });
  });

  for (const [name, text, message] of [
    ['a quote never closed', 'a,"b', /record 1: a quoted cell is not closed/],
    ['text after a closing quote', '"a"b,c', /record 1: text after a quoted cell's closing quote/],
    ['a quote inside an unquoted cell', 'a,b"c', /record 1: a quote inside an unquoted cell/],
    ['a cell over the bound', `a\n${'x'.repeat(21)}`, /record 2: a cell longer than 20 characters/],
    ['a quoted cell over the bound', `a\n"${'x""'.repeat(11)}"`, /record 2: a cell longer than 20 characters/],
    ['too many columns', 'a,b,c,d,e', /record 1: more than 4 columns/],
  ] as const)
    it(`refuses ${name}, naming the record`, () =>
      assert.throws(
        () => all(text),
        (e: unknown) => e instanceof CsvError && message.test(e.message),
      ));

  it('at the bounds: a cell of exactly 20 characters (quoted or not) and exactly 4 columns are read', () => {
    const twenty = 'x'.repeat(20);
    const quoted = `"${'y'.repeat(18)}""z"`;
    assert.deepEqual(all(`${twenty},${quoted},c,d`), [[twenty, `${'y'.repeat(18)}"z`, 'c', 'd']]);
  });
  it('a lone CR ends a record as CRLF and LF do; a quoted cell may end the text or its line', () => {
    assert.deepEqual(all('a,b\rc,d\r\ne,f\ng,h'), [
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
    assert.deepEqual(all('"a"\r"b"\n"c"'), [['a'], ['b'], ['c']]);
    assert.deepEqual(all('"a",\r\n'), [['a', '']]);
    assert.deepEqual(all('a\n\nb'), [['a'], [''], ['b']], 'an empty line is an empty record');
  });
  it('a table refuses a row with another number of columns than its header', () => {
    assert.throws(() => csvTable('a,b\n1\n', bounds), /record 2: 1 columns where the header has 2/);
  });
});

describe('export: the set of user IDs', () => {
  it('holds 100,000 IDs, finds each by its 15 or 18 characters, and none it was not given', () => {
    const s = new IdSet();
    const ids = Array.from({ length: 100_000 }, (_, i) => id18(`005${i.toString(36).padStart(12, '0')}`));
    for (const id of ids) assert.equal(s.add(id), true);
    assert.equal(s.add(ids[7]!), false, 'twice is once');
    assert.equal(s.size, 100_000);
    assert.ok(ids.every(id => s.has(id) && s.has(id.slice(0, 15))));
    assert.equal(s.has(id18('005zzzzzzzzzzzz')), false);
    assert.equal(s.has(ids[5]!.slice(0, 14) + 'Z'), false, 'IDs are case-sensitive');
    assert.equal(s.has('005'), false);
  });
});

describe('export: every row checked', () => {
  const users = sourceOf('user');
  const good = {
    Id: '0055g0Q0x00000PACQ',
    Username: 'jane@acme.example',
    Name: 'Jane Doe',
    Email: null,
    IsActive: true,
    UserType: 'Standard',
    ProfileId: '00e5g0Q0x000007',
    UserRoleId: null,
    LastLoginDate: '2026-11-01T10:00:00.000+0000',
    CreatedDate: '2025-01-01T00:00:00.000Z',
  };
  it('a REST record becomes a flat row: IDs in their 18 characters, dates in ISO 8601 UTC, null kept', () => {
    const row = fromJson(users, { attributes: {}, ...good }, 1);
    assert.deepEqual(row, {
      ...good,
      ProfileId: '00e5g0Q0x000007ACA',
      LastLoginDate: '2026-11-01T10:00:00.000Z',
      CreatedDate: '2025-01-01T00:00:00.000Z',
    });
    const csv = fromCsv(
      users,
      [
        '0055g0Q0x00000PACQ',
        'jane@acme.example',
        'Jane Doe',
        '',
        'true',
        'Standard',
        '00e5g0Q0x000007ACA',
        '',
        '2026-11-01T10:00:00.000Z',
        '2025-01-01T00:00:00.000Z',
      ],
      1,
    );
    assert.deepEqual(csv, row, 'the same row from Bulk API CSV (empty is null)');
  });

  for (const [name, change, message] of [
    ['no Id', { Id: undefined }, /row 1: Id is missing/],
    ['an empty Username', { Username: '  ' }, /the row with Id 0055g0Q0x00000PACQ: Username is empty/],
    [
      'a profile ID of another object',
      { ProfileId: '0015g0Q0x000007' },
      /ProfileId "0015g0Q0x000007" is not the ID of a record whose ID starts 00e/,
    ],
    [
      'an 18-character ID with a wrong suffix',
      { Id: '0055g0Q0x00000PAAA' },
      /the row with Id 0055g0Q0x00000PAAA: Id "0055g0Q0x00000PAAA" is not the ID/,
    ],
    ['a 16-character ID', { Id: '0055g0Q0x00000PA1' }, /Id .* is not the ID/],
    [
      'a name of 256 characters',
      { Name: 'n'.repeat(256) },
      /Name has 256 characters, more than a Salesforce field holds/,
    ],
    ['a NUL', { Email: 'a\u0000@b' }, /Email holds a NUL character/],
    ['a boolean as text', { IsActive: 'yes' }, /IsActive is "yes", not true or false/],
    ['a date that is not one', { LastLoginDate: 'yesterday' }, /LastLoginDate is "yesterday", not a date and time/],
    [
      '30 February',
      { LastLoginDate: '2026-02-30T10:00:00.000Z' },
      /LastLoginDate is "2026-02-30T10:00:00.000Z", not a/,
    ],
    ['30 February (+0000)', { CreatedDate: '2026-02-30T10:00:00.000+0000' }, /CreatedDate is .*, not a date and time/],
    ["24 o'clock", { LastLoginDate: '2026-01-01T24:00:00.000Z' }, /LastLoginDate is .*, not a date and time/],
    ['text before a date', { LastLoginDate: 'x2026-11-01T10:00:00.000Z' }, /LastLoginDate is .*, not a date/],
    ['text after a date', { LastLoginDate: '2026-11-01T10:00:00.000+00001' }, /LastLoginDate is .*, not a date/],
    ['a number where text belongs', { Name: 7 }, /Name is "7", not text/],
  ] as const)
    it(`refuses ${name}`, () =>
      assert.throws(
        () => fromJson(users, { ...good, ...change }, 1),
        (e: unknown) => e instanceof MalformedRow && message.test(e.message),
      ));

  it("dates: Salesforce's two forms (Z, +0000) as they are, 29 February of a leap year, other forms Date.parse reads in UTC, nothing over 40 characters", () => {
    const at = (v: unknown) => fromJson(users, { ...good, LastLoginDate: v }, 1).LastLoginDate;
    assert.equal(at('2028-02-29T23:59:59.999Z'), '2028-02-29T23:59:59.999Z');
    assert.equal(at('2028-02-29T23:59:59.999+0000'), '2028-02-29T23:59:59.999Z');
    assert.equal(at('2026-11-01T10:00:00+02:00'), '2026-11-01T08:00:00.000Z');
    assert.equal(at('2026-11-01'), '2026-11-01T00:00:00.000Z');
    const http = 'Sun, 01 Nov 2026 10:00:00 GMT';
    assert.equal(at(http.padEnd(40, ' ')), '2026-11-01T10:00:00.000Z', '40 characters');
    assert.throws(() => at(http.padEnd(41, ' ')), MalformedRow, '41 characters');
    assert.throws(() => at(1793527200000), MalformedRow);
  });

  it("what a refusal shows: a value cut at 40 characters, the row's Id only when it is one, else its position; a row that is not a record", () => {
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof MalformedRow && e.name === 'MalformedRow');
        return e.message;
      }
      assert.fail('not refused');
    };
    assert.equal(
      message(() => fromJson(users, { ...good, IsActive: 'y'.repeat(41) }, 3)),
      `the row with Id 0055g0Q0x00000PACQ: IsActive is "${'y'.repeat(40)}…", not true or false`,
    );
    assert.equal(
      message(() => fromJson(users, { ...good, IsActive: 'y'.repeat(40) }, 3)),
      `the row with Id 0055g0Q0x00000PACQ: IsActive is "${'y'.repeat(40)}", not true or false`,
    );
    assert.equal(
      message(() => fromJson(users, { ...good, Id: 42 }, 3)),
      'row 3: Id "42" is not the ID of a record whose ID starts 005',
    );
    assert.equal(
      message(() => fromJson(users, { ...good, IsActive: { a: 1 } }, 3)).endsWith(
        'IsActive is "{\\"a\\":1}", not true or false',
      ),
      true,
    );
    for (const rec of [null, 'row', ['a'], 7])
      assert.equal(
        message(() => fromJson(users, rec, 9)),
        'row 9 is not a record',
      );
    assert.equal(
      message(() => fromCsv(users, ['x', '', '', '', '', '', '', '', '', ''], 4)),
      'row 4: Id "x" is not the ID of a record whose ID starts 005',
    );
    assert.equal(
      message(() => fromCsv(users, ['0055g0Q0x00000PACQ'], 4)),
      'row 4 has 1 columns where 10 were asked for',
    );
  });

  it("text up to 255 characters; a relationship's field read through its record, null when the record is", () => {
    assert.equal(fromJson(users, { ...good, Name: 'n'.repeat(255) }, 1).Name, 'n'.repeat(255));
    const groups = sourceOf('group');
    const row = { Id: '00G5g0Q0x000007', Name: null, DeveloperName: 'CEO', Type: 'Role', RelatedId: '00E5g0Q0x000001' };
    assert.equal(fromJson(groups, { ...row, Related: { Name: 'CEO' } }, 1)['Related.Name'], 'CEO');
    assert.equal(fromJson(groups, { ...row, Related: null }, 1)['Related.Name'], null);
    assert.equal(fromJson(groups, { ...row, 'Related.Name': 'flat' }, 1)['Related.Name'], null, 'not a flat key');
    assert.equal(fromJson(groups, { ...row, Related: 'CEO' }, 1)['Related.Name'], null, 'not a record: nothing read');
  });

  it('recordId: the 15 and 18-character forms, the prefix, nothing else', () => {
    assert.equal(recordId('001D000000IRFma'), '001D000000IRFmaIAH');
    assert.equal(recordId('001D000000IRFmaIAH', ['001']), '001D000000IRFmaIAH');
    assert.equal(recordId('001D000000IRFmaIAH', ['005']), undefined);
    assert.equal(recordId('001D000000IRFma-AH'), undefined);
    for (const wrong of ['001D000000IRFmaXAH', '001D000000IRFmaIXH', '001D000000IRFmaIAX'])
      assert.equal(recordId(wrong), undefined, `${wrong}: each of the three suffix characters is checked`);
    assert.equal(recordId(42), undefined);
  });
});

describe('export: the queries of each list', () => {
  it('filters users and their assignments alike for each choice, and resumes a list after an Id in Id order', () => {
    assert.match(selectAll(sourceOf('user'), 'standard'), / FROM User WHERE UserType = 'Standard' ORDER BY Id$/);
    assert.match(selectAll(sourceOf('user'), 'active'), /WHERE UserType = 'Standard' AND IsActive = true ORDER BY Id$/);
    assert.match(selectAll(sourceOf('user'), 'all'), / FROM User ORDER BY Id$/);
    assert.match(
      selectAll(sourceOf('permissionSetAssignment'), 'active'),
      /WHERE PermissionSet\.IsOwnedByProfile = false AND Assignee\.UserType = 'Standard' AND Assignee\.IsActive = true ORDER BY Id$/,
    );
    assert.match(
      selectAll(sourceOf('user'), 'standard', '0055g0Q0x00000PACQ'),
      /WHERE \(UserType = 'Standard'\) AND Id > '0055g0Q0x00000PACQ' ORDER BY Id$/,
    );
    assert.match(
      selectAll(sourceOf('userLicense'), 'all', '1005g0Q0x000003ACA'),
      /FROM UserLicense WHERE Id > '1005g0Q0x000003ACA' ORDER BY Id$/,
    );
    assert.equal(
      countOf(sourceOf('groupMember'), 'all'),
      "SELECT COUNT() FROM GroupMember WHERE Group.Type IN ('Regular', 'Queue')",
    );
  });

  it('each list, word for word: the object, its fields in the order of the file, and the rows kept (what docs/real-org.md asks a real run to confirm)', () => {
    const GROUP_TYPES =
      "('Regular', 'Queue', 'Role', 'RoleAndSubordinates', 'RoleAndSubordinatesInternal', 'Organization')";
    assert.deepEqual(Object.fromEntries(SOURCES.map(s => [s.id, selectAll(s, 'standard')])), {
      userLicense:
        'SELECT Id, Name, MasterLabel, LicenseDefinitionKey, Status, TotalLicenses, UsedLicenses FROM UserLicense ORDER BY Id',
      profile: 'SELECT Id, Name, UserLicenseId FROM Profile ORDER BY Id',
      role: 'SELECT Id, Name, DeveloperName, ParentRoleId, PortalType FROM UserRole ORDER BY Id',
      permissionSet:
        'SELECT Id, Name, Label, Type, IsCustom FROM PermissionSet WHERE IsOwnedByProfile = false AND PermissionSetGroupId = null ORDER BY Id',
      permissionSetGroup: 'SELECT Id, DeveloperName, MasterLabel, Status FROM PermissionSetGroup ORDER BY Id',
      permissionSetGroupComponent:
        'SELECT Id, PermissionSetGroupId, PermissionSetId FROM PermissionSetGroupComponent ORDER BY Id',
      group: `SELECT Id, Name, DeveloperName, Type, RelatedId, Related.Name FROM Group WHERE Type IN ${GROUP_TYPES} ORDER BY Id`,
      groupNesting:
        "SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE Group.Type IN ('Regular', 'Queue') AND UserOrGroupId IN (SELECT Id FROM Group) ORDER BY Id",
      userLogin:
        'SELECT Id, UserId, IsFrozen, IsPasswordLocked FROM UserLogin WHERE IsFrozen = true OR IsPasswordLocked = true ORDER BY Id',
      user: "SELECT Id, Username, Name, Email, IsActive, UserType, ProfileId, UserRoleId, LastLoginDate, CreatedDate FROM User WHERE UserType = 'Standard' ORDER BY Id",
      permissionSetAssignment:
        "SELECT Id, AssigneeId, PermissionSetId, PermissionSetGroupId, IsActive, ExpirationDate FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false AND Assignee.UserType = 'Standard' ORDER BY Id",
      groupMember:
        "SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE Group.Type IN ('Regular', 'Queue') ORDER BY Id",
    });
    assert.equal(
      countOf(sourceOf('group'), 'all', "Type = 'Queue'"),
      `SELECT COUNT() FROM Group WHERE (Type IN ${GROUP_TYPES}) AND Type = 'Queue'`,
    );
    assert.deepEqual(
      SOURCES.filter(s => s.large).map(s => s.id),
      ['group', 'user', 'permissionSetAssignment', 'groupMember'],
      'the lists that can hold a row per user or more, read by Bulk API 2.0 when large',
    );
    assert.deepEqual(
      SOURCES.filter(s => s.hidden).map(s => s.id),
      ['groupNesting'],
    );
  });

  it("each list's Setup label and the permission that lets the integration user read it", () => {
    const fix = (s: Source) => readFix(s, 'INSUFFICIENT_ACCESS', 'The integration user');
    const setup = '"View Setup and Configuration"';
    const users = '"View All Users" (or "View All Data")';
    assert.deepEqual(Object.fromEntries(SOURCES.map(s => [s.id, fix(s)])), {
      userLicense: `The integration user needs ${setup} to read User Licenses.`,
      profile: `The integration user needs ${setup} to read Profiles.`,
      role: 'The integration user needs "View Roles and Role Hierarchy" to read Roles.',
      permissionSet: `The integration user needs ${setup} to read Permission Sets.`,
      permissionSetGroup: `The integration user needs ${setup} to read Permission Set Groups.`,
      permissionSetGroupComponent: `The integration user needs ${setup} to read Permission Sets in Groups.`,
      group: `The integration user needs ${setup} to read Groups and Queues.`,
      groupNesting: `The integration user needs ${setup} to read Groups and Roles in Groups.`,
      userLogin: `The integration user needs ${users} to read Frozen and Locked Users.`,
      user: `The integration user needs ${users} to read Users.`,
      permissionSetAssignment: `The integration user needs ${setup} to read Permission Set Assignments.`,
      groupMember: `The integration user needs ${setup} to read Group and Queue Members.`,
    });
    assert.deepEqual(USERS_CHOICES, ['standard', 'active', 'all']);
    assert.equal(DEFAULT_USERS, 'standard');
    assert.deepEqual(USERS_LABELS, {
      standard: 'internal users, active and deactivated',
      active: 'active internal users',
      all: 'every user (portal, community, Chatter Free and guest users too)',
    });
  });

  it("each list's rows: the Id of its own object, references to the objects Salesforce documents, required fields present, every field of its kind", () => {
    // Key prefixes (Object Reference; docs/formats.md): 100 UserLicense, 00e Profile, 00E UserRole, 0PS PermissionSet,
    // 0PG PermissionSetGroup, 00G Group, 011 GroupMember, 060 UserLogin, 005 User, 0Pa PermissionSetAssignment.
    type Kind = 'id' | 'ref' | 'text' | 'bool' | 'datetime' | 'int';
    type Spec = Array<[name: string, kind: Kind, prefixes?: string[], required?: true]>;
    const ROWS: Record<string, Spec> = {
      userLicense: [
        ['Id', 'id', ['100'], true],
        ['Name', 'text'],
        ['MasterLabel', 'text'],
        ['LicenseDefinitionKey', 'text'],
        ['Status', 'text'],
        ['TotalLicenses', 'int'],
        ['UsedLicenses', 'int'],
      ],
      profile: [
        ['Id', 'id', ['00e'], true],
        ['Name', 'text', undefined, true],
        ['UserLicenseId', 'ref', ['100']],
      ],
      role: [
        ['Id', 'id', ['00E'], true],
        ['Name', 'text', undefined, true],
        ['DeveloperName', 'text'],
        ['ParentRoleId', 'ref', ['00E']],
        ['PortalType', 'text'],
      ],
      permissionSet: [
        ['Id', 'id', ['0PS'], true],
        ['Name', 'text', undefined, true],
        ['Label', 'text'],
        ['Type', 'text'],
        ['IsCustom', 'bool'],
      ],
      permissionSetGroup: [
        ['Id', 'id', ['0PG'], true],
        ['DeveloperName', 'text', undefined, true],
        ['MasterLabel', 'text'],
        ['Status', 'text'],
      ],
      permissionSetGroupComponent: [
        ['Id', 'id', undefined, true],
        ['PermissionSetGroupId', 'ref', ['0PG'], true],
        ['PermissionSetId', 'ref', ['0PS'], true],
      ],
      group: [
        ['Id', 'id', ['00G'], true],
        ['Name', 'text'],
        ['DeveloperName', 'text'],
        ['Type', 'text', undefined, true],
        ['RelatedId', 'ref'],
        ['Related.Name', 'text'],
      ],
      groupNesting: [
        ['Id', 'id', ['011'], true],
        ['GroupId', 'ref', ['00G'], true],
        ['UserOrGroupId', 'ref', ['00G'], true],
      ],
      userLogin: [
        ['Id', 'id', ['060'], true],
        ['UserId', 'ref', ['005'], true],
        ['IsFrozen', 'bool'],
        ['IsPasswordLocked', 'bool'],
      ],
      user: [
        ['Id', 'id', ['005'], true],
        ['Username', 'text', undefined, true],
        ['Name', 'text'],
        ['Email', 'text'],
        ['IsActive', 'bool'],
        ['UserType', 'text'],
        ['ProfileId', 'ref', ['00e']],
        ['UserRoleId', 'ref', ['00E']],
        ['LastLoginDate', 'datetime'],
        ['CreatedDate', 'datetime'],
      ],
      permissionSetAssignment: [
        ['Id', 'id', ['0Pa'], true],
        ['AssigneeId', 'ref', ['005'], true],
        ['PermissionSetId', 'ref', ['0PS']],
        ['PermissionSetGroupId', 'ref', ['0PG']],
        ['IsActive', 'bool'],
        ['ExpirationDate', 'datetime'],
      ],
      groupMember: [
        ['Id', 'id', ['011'], true],
        ['GroupId', 'ref', ['00G'], true],
        ['UserOrGroupId', 'ref', ['005', '00G'], true],
      ],
    };
    const idOf = (prefix = '0Xx') => id18(`${prefix}5g0Q0x000007`);
    const VALUE: Record<Kind, (prefixes?: string[]) => Value> = {
      id: p => idOf(p?.[p.length - 1]),
      ref: p => idOf(p?.[p.length - 1]),
      text: () => 'a name',
      bool: () => true,
      datetime: () => '2026-11-01T10:00:00.000Z',
      int: () => 42,
    };
    const WRONG: Record<Kind, Value> = {
      id: idOf('001'),
      ref: idOf('001'),
      text: 7,
      bool: 'yes',
      datetime: 'yesterday',
      int: 'many',
    };
    assert.deepEqual(
      Object.keys(ROWS),
      SOURCES.map(s => s.id),
    );
    for (const s of SOURCES) {
      const spec = ROWS[s.id]!;
      const good = Object.fromEntries(spec.map(([name, kind, prefixes]) => [name, VALUE[kind](prefixes)]));
      // A REST record names a relationship's field through the related record (Related.Name).
      const rest = (row: Record<string, Value | undefined>) => {
        const { 'Related.Name': related, ...rec } = row;
        return 'Related.Name' in row ? { ...rec, Related: { Name: related } } : rec;
      };
      assert.deepEqual(fromJson(s, rest(good), 1), good, `${s.id}: a good row`);
      for (const [name, kind, prefixes, required] of spec) {
        const refused = (v: Value | undefined, why: string) =>
          assert.throws(() => fromJson(s, rest({ ...good, [name]: v }), 1), MalformedRow, `${s.id}.${name}: ${why}`);
        if (required) refused(null, 'required');
        else assert.equal(fromJson(s, rest({ ...good, [name]: null }), 1)[name], null, `${s.id}.${name} may be empty`);
        if (kind !== 'id' && kind !== 'ref') refused(WRONG[kind], `not ${kind}`);
        else if (prefixes) {
          refused(WRONG[kind], `an ID of another object where ${prefixes.join(' or ')}`);
          for (const p of prefixes)
            assert.equal(fromJson(s, rest({ ...good, [name]: idOf(p) }), 1)[name], idOf(p), `${s.id}.${name}: ${p}`);
        } else assert.equal(fromJson(s, rest({ ...good, [name]: idOf('001') }), 1)[name], idOf('001'));
      }
    }
  });

  it('says who is left out: by kind, deactivated only for --users active, the rest as other types, and when a count timed out', () => {
    const others = {
      usersAll: { count: 1000 },
      usersChatterFree: { count: 100 },
      usersExternal: { count: 300 },
      usersGuest: { count: 2 },
      usersInactive: { count: 80 },
      assignmentsAll: { count: 5 },
      groupsOther: { count: 0 },
    };
    assert.deepEqual(usersLeftOut('standard', others, { count: 590 }), {
      chatterFree: 100,
      external: 300,
      guest: 2,
      other: 8,
    });
    assert.deepEqual(usersLeftOut('active', others, { count: 510 }), {
      chatterFree: 100,
      external: 300,
      guest: 2,
      inactive: 80,
      other: 8,
    });
    assert.deepEqual(usersLeftOut('all', others, { count: 1000 }), {});
    const timedOut = usersLeftOut('standard', { ...others, usersExternal: { timedOut: true } }, { count: 590 });
    assert.deepEqual(timedOut, { chatterFree: 100, guest: 2, uncounted: true });
    assert.equal(leftOutText(timedOut, String), '100 Chatter Free, 2 guest; some could not be counted (timed out)');
    assert.deepEqual(usersLeftOut('standard', others, { timedOut: true }), {
      chatterFree: 100,
      external: 300,
      guest: 2,
      uncounted: true,
    });
    assert.deepEqual(usersLeftOut('standard', { ...others, usersAll: { code: 'INVALID_TYPE' } }, { count: 590 }), {
      chatterFree: 100,
      external: 300,
      guest: 2,
      uncounted: true,
    });
  });

  it('the left-out users in words, each kind in its place, and "some could not be counted" alone when nothing could', () => {
    const fmt = (n: number) => n.toLocaleString('en-US');
    assert.equal(
      leftOutText({ inactive: 1, chatterFree: 140000, external: 3, guest: 4, other: 5 }, fmt),
      '1 deactivated, 140,000 Chatter Free, 3 portal and community, 4 guest, 5 of other user types',
    );
    assert.equal(leftOutText({ uncounted: true }, fmt), 'some could not be counted (timed out)');
    assert.equal(leftOutText({}, fmt), '');
  });

  it('a count: a whole number of rows; a timeout; the error code; an answer without a whole number is UNEXPECTED_RESPONSE', () => {
    const ok = (totalSize: unknown) => countFrom({ status: 200, body: { totalSize } });
    assert.deepEqual(ok(0), { count: 0 });
    assert.deepEqual(ok(7), { count: 7 });
    for (const bad of [-1, 1.5, '7', undefined])
      assert.deepEqual(ok(bad), { code: 'UNEXPECTED_RESPONSE' }, String(bad));
    assert.deepEqual(countFrom({ status: 299, body: { totalSize: 2 } }), { count: 2 });
    assert.deepEqual(
      countFrom({
        status: 400,
        body: [{ errorCode: 'QUERY_TIMEOUT', message: 'Your query request was running for too long.' }],
      }),
      { timedOut: true },
    );
    assert.deepEqual(countFrom({ status: 400, body: [{ errorCode: 'INVALID_TYPE', message: 'sObject type' }] }), {
      code: 'INVALID_TYPE',
    });
    assert.equal(counted({ count: 3 }), 3);
    assert.equal(counted({ timedOut: true }), undefined);
    assert.equal(counted(undefined), undefined);
  });
});

describe('export: the notes after the count line', () => {
  const list = (label: string, change: Partial<ListReport> = {}): ListReport => ({
    source: 'user',
    label,
    rows: 3,
    count: 3,
    reconciled: 'matches COUNT()',
    via: 'REST',
    requests: 1,
    retries: 0,
    ...change,
  });
  const summary = (change: Partial<ExportSummary> = {}): ExportSummary => ({
    app: 'salesforce',
    users: 'standard',
    entities: {},
    relations: 0,
    skippedRelations: {},
    groupKindsLeftOut: {},
    usersLeftOut: {},
    records: 0,
    requests: 0,
    lists: [list('Users'), list('Profiles')],
    unreadable: [],
    formulaCells: 0,
    neutralized: false,
    ...change,
  });

  it('a clean export: the users kept and every list matching its COUNT(), nothing else', () => {
    assert.deepEqual(exportNotes(summary()), [
      'Users: internal users, active and deactivated (--users standard).',
      'Every list matches its COUNT() (2 lists).',
    ]);
    assert.deepEqual(skippedText(summary()), []);
  });

  it('everything to say: who is left out with their assignments, lists not reconciled, Bulk API, retries, relations left out by reason, formulas, partial users', () => {
    const s = summary({
      users: 'active',
      usersLeftOut: { inactive: 1200, guest: 1 },
      assignmentsLeftOut: 3400,
      lists: [
        list('Users', { via: 'Bulk API 2.0 (2 jobs)', retries: 2 }),
        list('Groups and Queues', { count: undefined, reconciled: 'not reconciled: x' }),
        list('Profiles'),
      ],
      skippedRelations: { groupKind: 2, inactiveAssignment: 3, user: 4, unreadable: 5 },
      groupKindsLeftOut: { Territory: 1500, Manager: 1 },
      formulaCells: 1001,
      neutralized: true,
      usersPartial: 'You may see only some users.',
    });
    assert.deepEqual(exportNotes(s), [
      'Users: active internal users (--users active); left out: 1,200 deactivated, 1 guest, with 3,400 assignments.',
      'Every list checked against its count; Groups and Queues: not reconciled: x.',
      'Read with Bulk API 2.0: Users (Bulk API 2.0 (2 jobs)).',
      'Resumed after failed pages: Users (2 retries).',
      '~ 2 membership(s) of groups of other kinds inside public groups or queues left out (1,500 Territory, 1 Manager): the export holds public groups, queues, role groups and All Internal Users.',
      '~ 3 permission set assignment(s) past their expiration date left out: they grant nothing (Salesforce keeps them, inactive, until it removes them).',
      '~ 4 relation(s) to users not in the file left out (users left out by --users active, or users the reader cannot see).',
      '~ 5 relation(s) to records of a list that could not be read left out.',
      "~ 1,001 cell(s) starting with = + - @ TAB or CR were neutralized with a leading '.",
      '~ You may see only some users.',
    ]);
    assert.equal(
      skippedText(summary({ users: 'all', skippedRelations: { user: 1 } }))[0],
      '1 relation(s) to users not in the file left out (users the reader cannot see).',
    );
    assert.deepEqual(exportNotes(summary({ usersLeftOut: { guest: 2 } })).slice(0, 1), [
      'Users: internal users, active and deactivated (--users standard); left out: 2 guest.',
    ]);
    assert.match(
      exportNotes(summary({ formulaCells: 1 })).at(-1)!,
      /^~ 1 cell\(s\) start with = \+ - @ TAB or CR \(a spreadsheet would take them for formulas\)/,
    );
  });
});

describe('export: cells that start like a formula', () => {
  it('counts = + - @ TAB CR at the start of a cell; neutralizes them with a quote only when asked', () => {
    const row = () => ['=1+1', '+x', '-y', '@z', '\tt', '\rr', 'a=b', '', "'q"];
    const count = new FormulaCells(false);
    assert.deepEqual(count.apply(row()), row());
    assert.equal(count.count, 6);
    const safe = new FormulaCells(true);
    assert.deepEqual(safe.apply(row()), ["'=1+1", "'+x", "'-y", "'@z", "'\tt", "'\rr", 'a=b', '', "'q"]);
    assert.equal(safe.count, 6);
  });
});

describe("upload: the App among the tenant's apps", () => {
  it('reads the apps CSV by its ID and Name columns (any case, a trailing *), and refuses a list without ID', () => {
    const csv =
      'Tenant ID,Tenant Name,Tenant Status,Tenant Created At,ID*,name,Description,Logo\r\n01XB,t,active,2022,salesforce,Salesforce,,\r\n';
    assert.deepEqual(appsFromCsv(csv), [{ id: 'salesforce', name: 'Salesforce' }]);
    assert.throws(() => appsFromCsv('Name\r\nx\r\n'), /has no ID column/);
  });

  it('the apps CSV: a byte-order mark before a quoted header, padded cells and a missing Name column are read; rows without an ID left out', () => {
    assert.deepEqual(appsFromCsv('\uFEFF"ID","Name"\r\n"sf","Salesforce"\r\n'), [{ id: 'sf', name: 'Salesforce' }]);
    assert.deepEqual(appsFromCsv('ID,Name\r\n  salesforce  , Salesforce \r\n ,Nameless\r\n'), [
      { id: 'salesforce', name: 'Salesforce' },
    ]);
    assert.deepEqual(appsFromCsv('Logo,Id\r\nx, sfdc\r\n'), [{ id: 'sfdc', name: '' }]);
    assert.deepEqual(appsFromCsv('Name,ID\r\nSalesforce,sfdc\r\n'), [{ id: 'sfdc', name: 'Salesforce' }]);
  });

  it('an unknown App: an id named alone when its name is itself or empty; exactly 20 apps, no "more"', () => {
    const apps = Array.from({ length: 20 }, (_, i) => ({
      id: `app${i}`,
      name: i === 0 ? 'app0' : i === 1 ? '' : `App ${i}`,
    }));
    const message = unknownAppError('x', apps, 'https://acme.balkan.id').message;
    assert.match(message, /\(its apps: app0, app1, app2 \(App 2\),/);
    assert.match(message, /app19 \(App 19\)\)\./);
    assert.ok(!message.includes('more'), message);
  });

  it('names an unknown App with the ids that exist, those that say Salesforce first, at most 20', () => {
    const apps = [
      ...Array.from({ length: 25 }, (_, i) => ({ id: `app${i}`, name: `App ${i}` })),
      { id: 'sfdc', name: 'Salesforce' },
    ];
    const e = unknownAppError('salesforce', apps, 'https://acme.balkan.id');
    assert.equal(e.code, 'UPLOAD_UNKNOWN_APP');
    assert.match(
      e.message,
      /\(its apps: sfdc \(Salesforce\), app0 \(App 0\), .*app18 \(App 18\) and 6 more\)\. Export again with --app sfdc/,
    );
    assert.match(
      unknownAppError('salesforce', [], 'https://acme.balkan.id').message,
      /it has no apps\)\. Add Salesforce to your apps in BalkanID/,
    );
  });
});
