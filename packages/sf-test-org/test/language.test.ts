// Contract tests of an org in another language (issue 19 §2): Salesforce answers in the connected user's language —
// error messages, describe labels, the names of standard profiles — while the documented attributes that identify a
// standard profile (its licence's LicenseDefinitionKey, its own permission set's IsCustom false, UserType, its
// Metadata API name) do not change. Through jsforce and raw HTTP.
import assert from 'node:assert/strict';
import { jsforce, raw, useOrg } from './helpers';
import { STANDARD_PROFILES, permissionLabel } from '../src/i18n';

const v = '/services/data/v64.0';
/** The documented, language-independent way to the source profile: the standard profile of the AUL licence. */
const SOURCE_PROFILE =
  'SELECT Id, Name, UserType, UserLicense.Name, UserLicense.LicenseDefinitionKey FROM Profile WHERE ' +
  "UserLicense.LicenseDefinitionKey = 'AUL' AND Id IN (SELECT ProfileId FROM PermissionSet WHERE " +
  'IsOwnedByProfile = true AND IsCustom = false)';

const EXPECTED = {
  de: {
    dependsOn:
      'Die Berechtigung Alle Daten anzeigen hängt von folgenden Berechtigungen ab: Setup und Konfiguration anzeigen',
    license: 'Die Benutzerlizenz lässt die Berechtigung nicht zu: Alle Daten ändern',
    required: 'Pflichtfelder fehlen: [UserLicenseId]',
    profileLabel: 'Profil',
  },
  ja: {
    dependsOn: '権限 すべてのデータの参照 は次の権限に依存しています: 設定・定義の参照',
    license: 'ユーザーライセンスでは次の権限を使用できません: すべてのデータの編集',
    required: '必須項目が入力されていません: [UserLicenseId]',
    profileLabel: 'プロファイル',
  },
  es: {
    dependsOn: 'El permiso Ver todos los datos depende de los permisos: Ver configuración',
    license: 'La licencia de usuario no permite el permiso: Modificar todos los datos',
    required: 'Faltan campos obligatorios: [UserLicenseId]',
    profileLabel: 'Perfil',
  },
} as const;

for (const lang of ['de', 'ja', 'es'] as const) {
  describe(`test org: an org in ${lang} (language switch)`, () => {
    const t = useOrg({ scenario: 'fresh', language: lang });
    const aul = () => t.org.org.find('UserLicense', l => l.LicenseDefinitionKey === 'AUL')!.Id;

    it(`names standard profiles in ${lang} ("${STANDARD_PROFILES.StandardAul[lang]}", "${STANDARD_PROFILES.Admin[lang]}"): the English name finds nothing`, async () => {
      const conn = jsforce(t.org);
      const names = (await conn.query<any>('SELECT Name FROM Profile')).records.map(r => r.Name);
      assert.ok(names.includes(STANDARD_PROFILES.StandardAul[lang]), names.join(', '));
      assert.ok(names.includes(STANDARD_PROFILES.Admin[lang]));
      assert.ok(names.includes(STANDARD_PROFILES.Standard[lang]));
      assert.equal((await conn.query("SELECT Id FROM Profile WHERE Name = 'Standard Platform User'")).totalSize, 0);
      const me = await conn.query<any>(
        `SELECT Profile.Name, LanguageLocaleKey FROM User WHERE Username = '${t.org.adminUsername}'`,
      );
      assert.equal(me.records[0].Profile.Name, STANDARD_PROFILES.Admin[lang]);
      assert.equal(me.records[0].LanguageLocaleKey, lang);
    });

    it('finds the source profile by what does not change with language: licence AUL, standard (its own permission set IsCustom false), UserType Standard, licence Name "Salesforce Platform", Metadata API name StandardAul', async () => {
      const conn = jsforce(t.org);
      const r = await conn.query<any>(SOURCE_PROFILE);
      assert.equal(r.totalSize, 1);
      const p = r.records[0];
      assert.equal(p.Name, STANDARD_PROFILES.StandardAul[lang]);
      assert.equal(p.UserType, 'Standard');
      assert.equal(p.UserLicense.Name, 'Salesforce Platform');
      const own = await conn.query<any>(
        `SELECT Name, IsCustom, Type, ProfileId FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId = '${p.Id}'`,
      );
      assert.equal(own.records[0].IsCustom, false);
      assert.equal(own.records[0].Type, 'Profile');
      assert.match(own.records[0].Name, /^X00e/);
      const [md]: any = await conn.metadata.read('Profile' as any, ['StandardAul']);
      assert.equal(md.fullName, 'StandardAul');
      assert.equal(md.userLicense, 'Salesforce Platform');
      assert.equal(String(md.custom), 'false');
    });

    it("describes Profile in the user's language: the object label and Setup's labels of the permission fields", async () => {
      const d = await jsforce(t.org).sobject('Profile').describe();
      assert.equal(d.label, EXPECTED[lang].profileLabel);
      const field = (n: string) => d.fields.find(f => f.name === n)!;
      assert.equal(field('PermissionsViewSetup').label, permissionLabel(lang, 'ViewSetup'));
      assert.equal(field('PermissionsViewAllData').label, permissionLabel(lang, 'ViewAllData'));
      assert.notEqual(field('PermissionsViewAllData').label, 'View All Data');
    });

    it('refuses a permission whose dependency is off, and one the licence forbids, in its language (label form, fields set)', async () => {
      const dep = await raw(t.org, 'POST', `${v}/sobjects/Profile`, {
        Name: 'Clone A',
        UserLicenseId: aul(),
        PermissionsViewAllData: true,
      });
      assert.equal(dep.status, 400);
      assert.deepEqual(dep.body[0], {
        errorCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: EXPECTED[lang].dependsOn,
        fields: ['PermissionsViewAllData'],
      });
      const lic = await raw(t.org, 'POST', `${v}/sobjects/Profile`, {
        Name: 'Clone B',
        UserLicenseId: aul(),
        PermissionsModifyAllData: true,
        PermissionsViewAllData: true,
        PermissionsViewSetup: true,
        PermissionsViewRoles: true,
      });
      assert.equal(lic.body[0].message, EXPECTED[lang].license);
      const req = await raw(t.org, 'POST', `${v}/sobjects/Profile`, { Name: 'Clone C' });
      assert.equal(req.body[0].errorCode, 'REQUIRED_FIELD_MISSING');
      assert.equal(req.body[0].message, EXPECTED[lang].required);
    });

    it('…and by API name with an empty fields list when refusals name API names (permissionErrorsByName)', async () => {
      t.org.reset('fresh', { language: lang, permissionErrorsByName: true });
      const dep = await raw(t.org, 'POST', `${v}/sobjects/Profile`, {
        Name: 'Clone D',
        UserLicenseId: aul(),
        PermissionsViewAllData: true,
      });
      assert.deepEqual(dep.body[0].fields, [], 'an empty fields list');
      assert.match(dep.body[0].message, /ViewAllData.*ViewSetup/);
      t.org.reset('fresh', { language: lang });
    });

    it('accepts a user created in that language (LanguageLocaleKey and LocaleSidKey copied from the admin)', async () => {
      const conn = jsforce(t.org);
      const admin = (
        await conn.query<any>(
          `SELECT LanguageLocaleKey, LocaleSidKey FROM User WHERE Username = '${t.org.adminUsername}'`,
        )
      ).records[0];
      const profile = (await conn.query<any>(SOURCE_PROFILE)).records[0];
      const r: any = await conn.sobject('User').create({
        Username: `u-${lang}@example.test`,
        Email: `u-${lang}@example.test`,
        LastName: 'U',
        Alias: 'u',
        ProfileId: profile.Id,
        TimeZoneSidKey: 'Europe/Berlin',
        LocaleSidKey: admin.LocaleSidKey,
        EmailEncodingKey: 'UTF-8',
        LanguageLocaleKey: admin.LanguageLocaleKey,
      });
      assert.equal(r.success, true);
    });
  });
}

describe('test org: English refusals as some real orgs write them', () => {
  const t = useOrg({ scenario: 'fresh' });
  const aul = () => t.org.org.find('UserLicense', l => l.LicenseDefinitionKey === 'AUL')!.Id;

  it('English with typographic apostrophes (doesn’t) by default (curlyApostrophes), straight ones with the switch off', async () => {
    const body = {
      Name: 'Clone E',
      UserLicenseId: aul(),
      PermissionsModifyAllData: true,
      PermissionsViewAllData: true,
      PermissionsViewSetup: true,
      PermissionsViewRoles: true,
    };
    const curly = await raw(t.org, 'POST', `${v}/sobjects/Profile`, body);
    assert.equal(curly.body[0].message, 'The user license doesn\u2019t allow the permission: Modify All Data');
    t.org.reset('fresh', { curlyApostrophes: false });
    const plain = await raw(t.org, 'POST', `${v}/sobjects/Profile`, body);
    assert.equal(plain.body[0].message, "The user license doesn't allow the permission: Modify All Data");
    t.org.reset('fresh');
  });

  it('English describe labels are Setup’s (View Setup and Configuration), not API names', async () => {
    const d = await jsforce(t.org).sobject('Profile').describe();
    assert.equal(d.fields.find(f => f.name === 'PermissionsViewSetup')!.label, 'View Setup and Configuration');
    assert.equal(d.label, 'Profile');
  });
});
