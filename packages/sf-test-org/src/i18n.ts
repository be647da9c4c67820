// The org's languages: Salesforce answers in the connected user's language (User.LanguageLocaleKey) — error
// messages, describe labels and the names of standard profiles. English texts are Salesforce's where a source shows
// them (FIDELITY.md); every translation here is [I]: written from Salesforce's Setup vocabulary, not copied from a
// real org's answer. They exist so that nothing downstream can depend on English text.
import { PERMISSION_LABELS } from './schema';

export type Lang = 'en' | 'de' | 'ja' | 'es';
export const LANGUAGES: readonly Lang[] = ['en', 'de', 'ja', 'es'];

/** LanguageLocaleKey and LocaleSidKey of users in each language (picklist values of User). */
export const LOCALE_KEYS: Record<Lang, { language: string; locale: string }> = {
  en: { language: 'en_US', locale: 'en_US' },
  de: { language: 'de', locale: 'de_DE' },
  ja: { language: 'ja', locale: 'ja_JP' },
  es: { language: 'es', locale: 'es_ES' },
};

/** The language a LanguageLocaleKey speaks here (languages not modelled answer in English). */
export function langOfKey(key: unknown): Lang {
  const k = String(key ?? '').toLowerCase();
  if (k === 'de' || k.startsWith('de_')) return 'de';
  if (k === 'ja' || k.startsWith('ja_')) return 'ja';
  if (k === 'es' || k.startsWith('es_')) return 'es';
  return 'en';
}

/** Setup's labels of the modelled permissions (describe field labels, label-form refusals). */
const PERMISSION_LABELS_BY_LANG: Record<Exclude<Lang, 'en'>, Record<string, string>> = {
  de: {
    ApiEnabled: 'API aktiviert',
    ViewSetup: 'Setup und Konfiguration anzeigen',
    ViewRoles: 'Rollen und Rollenhierarchie anzeigen',
    ViewAllData: 'Alle Daten anzeigen',
    ModifyAllData: 'Alle Daten ändern',
    ModifyMetadata: 'Metadaten über Metadaten-API-Funktionen ändern',
    CustomizeApplication: 'Anwendung anpassen',
    ManageUsers: 'Benutzer verwalten',
    ManageProfilesPermissionsets: 'Profile und Berechtigungssätze verwalten',
    AssignPermissionSets: 'Berechtigungssätze zuweisen',
    ExternalClientAppDeveloper: 'Externe Client-Apps erstellen, bearbeiten und löschen',
    ExternalClientAppAdmin:
      'Alle externen Client-Apps anzeigen, ihre Einstellungen anzeigen und ihre Richtlinien bearbeiten',
    ExternalClientAppViewer: 'Alle externen Client-Apps anzeigen',
    ViewClientSecret: 'Consumer-Geheimnisse externer Client-Apps in Metadaten anzeigen',
    MonitorLoginHistory: 'Anmeldeverlauf überwachen',
    ViewAllUsers: 'Alle Benutzer anzeigen',
    ManageSandboxes: 'Sandboxes verwalten',
    RunReports: 'Berichte ausführen',
    ActivitiesAccess: 'Auf Aktivitäten zugreifen',
    ChatterInternalUser: 'Interner Chatter-Benutzer',
    LightningExperienceUser: 'Lightning Experience-Benutzer',
  },
  ja: {
    ApiEnabled: 'API の有効化',
    ViewSetup: '設定・定義の参照',
    ViewRoles: 'ロールとロール階層の参照',
    ViewAllData: 'すべてのデータの参照',
    ModifyAllData: 'すべてのデータの編集',
    ModifyMetadata: 'メタデータ API 関数を使用したメタデータの変更',
    CustomizeApplication: 'アプリケーションのカスタマイズ',
    ManageUsers: 'ユーザーの管理',
    ManageProfilesPermissionsets: 'プロファイルと権限セットの管理',
    AssignPermissionSets: '権限セットの割り当て',
    ExternalClientAppDeveloper: '外部クライアントアプリケーションの作成、編集、削除',
    ExternalClientAppAdmin: 'すべての外部クライアントアプリケーションの参照、設定の参照、ポリシーの編集',
    ExternalClientAppViewer: 'すべての外部クライアントアプリケーションの参照',
    ViewClientSecret: 'メタデータの外部クライアントアプリケーションのコンシューマーの秘密を表示',
    MonitorLoginHistory: 'ログイン履歴の監視',
    ViewAllUsers: 'すべてのユーザーの参照',
    ManageSandboxes: 'Sandbox の管理',
    RunReports: 'レポート実行',
    ActivitiesAccess: '活動へのアクセス',
    ChatterInternalUser: 'Chatter 内部ユーザー',
    LightningExperienceUser: 'Lightning Experience ユーザー',
  },
  es: {
    ApiEnabled: 'API activada',
    ViewSetup: 'Ver configuración',
    ViewRoles: 'Ver funciones y jerarquía de funciones',
    ViewAllData: 'Ver todos los datos',
    ModifyAllData: 'Modificar todos los datos',
    ModifyMetadata: 'Modificar metadatos mediante funciones de API de metadatos',
    CustomizeApplication: 'Personalizar aplicación',
    ManageUsers: 'Gestionar usuarios',
    ManageProfilesPermissionsets: 'Gestionar perfiles y conjuntos de permisos',
    AssignPermissionSets: 'Asignar conjuntos de permisos',
    ExternalClientAppDeveloper: 'Crear, modificar y eliminar aplicaciones cliente externas',
    ExternalClientAppAdmin:
      'Ver todas las aplicaciones cliente externas, ver su configuración y modificar sus políticas',
    ExternalClientAppViewer: 'Ver todas las aplicaciones cliente externas',
    ViewClientSecret: 'Ver secretos de consumidor de aplicaciones cliente externas en metadatos',
    MonitorLoginHistory: 'Supervisar historial de inicio de sesión',
    ViewAllUsers: 'Ver todos los usuarios',
    ManageSandboxes: 'Gestionar sandboxes',
    RunReports: 'Ejecutar informes',
    ActivitiesAccess: 'Acceder a actividades',
    ChatterInternalUser: 'Usuario interno de Chatter',
    LightningExperienceUser: 'Usuario de Lightning Experience',
  },
};

export function permissionLabel(lang: Lang, permission: string): string {
  return (lang === 'en' ? PERMISSION_LABELS : PERMISSION_LABELS_BY_LANG[lang])[permission] ?? permission;
}

/** The object permission of the `objectPermissionDependency` switch, by its label ("Read Quotes"; audit part 2). */
export const OBJECT_PERMISSION_LABEL: Record<Lang, string> = {
  en: 'Read Quotes',
  de: 'Angebote lesen',
  ja: '見積の参照',
  es: 'Leer Presupuestos',
};

/**
 * The standard profiles the test org seeds: their Metadata API names (language-independent: Admin, StandardAul, …)
 * and their names per language. English names are Salesforce's; "標準ユーザ", "標準 Platform ユーザ" and
 * "システム管理者" are seen in Japanese Setup walkthroughs; "Standardbenutzer", "Utilisateur standard",
 * "Administrador del sistema" in public issues of non-English orgs; the rest is [I] (FIDELITY.md).
 */
export const STANDARD_PROFILES: Record<string, Record<Lang, string>> = {
  Admin: {
    en: 'System Administrator',
    de: 'Systemadministrator',
    ja: 'システム管理者',
    es: 'Administrador del sistema',
  },
  Standard: { en: 'Standard User', de: 'Standardbenutzer', ja: '標準ユーザ', es: 'Usuario estándar' },
  StandardAul: {
    en: 'Standard Platform User',
    de: 'Standard-Plattformbenutzer',
    ja: '標準 Platform ユーザ',
    es: 'Usuario de Platform estándar',
  },
  ReadOnly: { en: 'Read Only', de: 'Schreibgeschützt', ja: '参照のみ', es: 'Solo lectura' },
  MinimumAccess: {
    en: 'Minimum Access - Salesforce',
    de: 'Minimaler Zugriff - Salesforce',
    ja: '最低限のアクセス - Salesforce',
    es: 'Acceso mínimo - Salesforce',
  },
  MarketingProfile: {
    en: 'Marketing User',
    de: 'Marketing-Benutzer',
    ja: 'マーケティングユーザ',
    es: 'Usuario de marketing',
  },
  ContractManager: {
    en: 'Contract Manager',
    de: 'Vertragsmanager',
    ja: '契約管理者',
    es: 'Administrador de contratos',
  },
  SolutionManager: {
    en: 'Solution Manager',
    de: 'Lösungsmanager',
    ja: 'ソリューション管理者',
    es: 'Administrador de soluciones',
  },
  'Chatter Free User': {
    en: 'Chatter Free User',
    de: 'Chatter Free-Benutzer',
    ja: 'Chatter Free ユーザ',
    es: 'Usuario de Chatter Free',
  },
};

/** The Metadata API name of a standard profile from its English name (seeding). */
export function standardProfileKey(englishName: string): string | undefined {
  return Object.entries(STANDARD_PROFILES).find(([, names]) => names.en === englishName)?.[0];
}

/** Object labels in describe (the objects whose describe the product reads). */
const OBJECT_LABELS: Record<string, Record<Lang, string>> = {
  Profile: { en: 'Profile', de: 'Profil', ja: 'プロファイル', es: 'Perfil' },
  PermissionSet: { en: 'Permission Set', de: 'Berechtigungssatz', ja: '権限セット', es: 'Conjunto de permisos' },
  User: { en: 'User', de: 'Benutzer', ja: 'ユーザー', es: 'Usuario' },
};
export function objectLabel(lang: Lang, name: string, english: string): string {
  return OBJECT_LABELS[name]?.[lang] ?? english;
}
const NAME_LABEL: Record<Lang, string> = { en: 'Name', de: 'Name', ja: '名前', es: 'Nombre' };

/** A field's describe label: Setup's label for a permission, "Name", else the API name (as before). */
export function fieldLabel(lang: Lang, field: string): string {
  if (field.startsWith('Permissions')) return permissionLabel(lang, field.slice('Permissions'.length));
  if (field === 'Name') return NAME_LABEL[lang];
  return field;
}

/** The messages the product reads, per language. */
export const MESSAGES = {
  /** "Permission X depends on permission(s): Y" ([C13]; public real-org reports). */
  dependsOn: {
    en: (p: string, r: string) => `Permission ${p} depends on permission(s): ${r}`,
    de: (p: string, r: string) => `Die Berechtigung ${p} hängt von folgenden Berechtigungen ab: ${r}`,
    ja: (p: string, r: string) => `権限 ${p} は次の権限に依存しています: ${r}`,
    es: (p: string, r: string) => `El permiso ${p} depende de los permisos: ${r}`,
  },
  /** "The user license doesn't allow the permission: X" ([S16], [C12], devops-center-feedback#290). */
  licenseDisallows: {
    en: (p: string) => `The user license doesn't allow the permission: ${p}`,
    de: (p: string) => `Die Benutzerlizenz lässt die Berechtigung nicht zu: ${p}`,
    ja: (p: string) => `ユーザーライセンスでは次の権限を使用できません: ${p}`,
    es: (p: string) => `La licencia de usuario no permite el permiso: ${p}`,
  },
  /** "Can't assign permission set X to user Y. …" (SalesforceLabs/MultiOrgSecuritySummary#5). */
  cantAssign: {
    en: (ps: string, u: string, why: string) => `Can't assign permission set ${ps} to user ${u}. ${why}`,
    de: (ps: string, u: string, why: string) =>
      `Der Berechtigungssatz ${ps} kann dem Benutzer ${u} nicht zugewiesen werden. ${why}`,
    ja: (ps: string, u: string, why: string) => `権限セット ${ps} をユーザー ${u} に割り当てることはできません。${why}`,
    es: (ps: string, u: string, why: string) =>
      `No se puede asignar el conjunto de permisos ${ps} al usuario ${u}. ${why}`,
  },
  licenseMismatch: {
    en: () => "The user license doesn't match the permission set license.",
    de: () => 'Die Benutzerlizenz stimmt nicht mit der Berechtigungssatzlizenz überein.',
    ja: () => 'ユーザーライセンスが権限セットライセンスと一致しません。',
    es: () => 'La licencia de usuario no coincide con la licencia del conjunto de permisos.',
  },
  /** "Required fields are missing: [X]" (Spanish "Faltan campos obligatorios" in the audit, part 2 row 5). */
  requiredFields: {
    en: (f: string) => `Required fields are missing: [${f}]`,
    de: (f: string) => `Pflichtfelder fehlen: [${f}]`,
    ja: (f: string) => `必須項目が入力されていません: [${f}]`,
    es: (f: string) => `Faltan campos obligatorios: [${f}]`,
  },
};

/** English apostrophes as typographic ones (’) where the switch says real orgs answer so. */
export function typographic(text: string): string {
  return text.replace(/(\w)'(\w)/g, '$1\u2019$2');
}
