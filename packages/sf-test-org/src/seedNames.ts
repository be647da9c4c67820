// Names for seeded users, roles, permission sets and groups: realistic, international, and with the legal but
// hostile characters an exporter must quote in CSV (commas, double quotes, apostrophes, non-ASCII letters).

export const FIRST_NAMES = [
  'James',
  'Mary',
  'Zoë',
  'José',
  'Ana',
  'Łukasz',
  'Søren',
  'Chloé',
  'Mohammed',
  'Aiyana',
  'Ji-woo',
  'Siobhán',
  'François',
  'Björn',
  'Renée',
  'Dmitri',
  'Aoife',
  'Kwame',
  'Priya',
  'Wei',
  'Yuki',
  'Olúwaseun',
  'Mateo',
  'Isabel',
  'Robert "Bob"',
  'Mary-Kate',
  'Seán',
  'Ingrid',
  'Raúl',
  'Hana',
  'Noah',
  'Emma',
  'Liam',
  'Olivia',
  'Lucas',
  'Sofía',
  'Elif',
  'Ömer',
  'Thandiwe',
  'Nikolai',
  'Amélie',
  'Gráinne',
  'Kenji',
  'Fatima',
  'David',
  'Sarah',
  'Michael',
  'Linh',
];

export const LAST_NAMES = [
  'Smith',
  'Ångström',
  "O'Brien",
  "D'Angelo",
  'Müller',
  'García',
  'Nowak',
  'Smith, Jr.',
  'van der Berg',
  'Okafor',
  'Tanaka',
  'Øvergaard',
  'Lefèvre',
  'Ó Súilleabháin',
  'Kim',
  'Patel',
  'Chen',
  'Johnson',
  'Brown',
  'Hernández',
  'Ivanova',
  'Kowalski',
  'Nakamura',
  'Dubois',
  'Nguyễn',
  'Schäfer',
  'Rossi',
  'Jones, III',
  'MacDonald',
  "N'Diaye",
  'Yılmaz',
  'Papadopoulos',
  'Andersson',
  'Costa',
  'Wójcik',
  'Fernández',
  'Lee',
  'Singh',
  'Williams',
  'Taylor',
  'Martin',
  'Dvořák',
  'Horváth',
  'Eriksen',
  'Abara',
  'Kaur',
  'Cohen',
  'Ferreira',
];

/** The first extra users, fixed, so that tests and demos always find these values. */
export const FIXED_PEOPLE: Array<[string, string]> = [
  ['Zoë', 'Ångström'],
  ['Seán', "O'Brien"],
  ['Robert "Bob"', 'Smith, Jr.'],
  ['Nguyễn', 'Linh'],
];

export const DEPARTMENTS = ['Sales', 'Marketing', 'Engineering', 'Finance', 'Customer Support', 'Operations', 'People'];
export const REGIONS = ['AMER', 'EMEA', 'APAC'];

export const PERMISSION_SETS: Array<[name: string, label: string, perms: string[], namespace?: string]> = [
  ['Sales_Cloud_User', 'Sales Cloud User', ['RunReports', 'ActivitiesAccess']],
  ['Service_Cloud_User', 'Service Cloud User', ['ActivitiesAccess']],
  ['Knowledge_Author', 'Knowledge "Author"', ['RunReports']],
  ['Flow_User', 'Flow User', []],
  ['CRM_Content_User', 'CRM Content User', []],
  ['API_Access', 'API Access', ['ApiEnabled']],
  ['Dashboard_Viewer', 'Dashboard Viewer', ['RunReports']],
  ['Export_Reports', 'Export Reports, EMEA', ['RunReports']],
  ['Approve_Expenses', 'Approve Expenses', []],
  ['Case_Escalation', 'Case Escalation', ['ActivitiesAccess']],
  ['Lead_Conversion', 'Lead Conversion', []],
  ['Opportunity_Splits', 'Opportunity Splits', []],
  ['Territory_Access', 'Territory Access', []],
  ['Quote_Approver', "Quote Approver (Ops' desk)", []],
  ['Contract_Admin', 'Contract Admin', ['ActivitiesAccess']],
  ['Field_Service_Mobile', 'Field Service Mobile', ['LightningExperienceUser']],
  ['Sales_Console', 'Sales Console', ['LightningExperienceUser']],
  ['Data_Steward', 'Data Steward', ['RunReports', 'ApiEnabled']],
  ['Chatter_Moderator', 'Chatter Moderator', ['ChatterInternalUser']],
  ['Partner_Relationship', "O'Reilly Partner Access", []],
  ['Forecast_Manager', 'Forecast Manager', ['RunReports']],
  ['Insights_Viewer', 'Café Insights Viewer', ['RunReports']],
  ['Survey_Creator', 'Survey Creator', []],
  ['Setup_Viewer', 'Setup Viewer', ['ViewSetup', 'ViewRoles']],
  ['Role_Viewer', 'Role Hierarchy Viewer', ['ViewRoles']],
  ['Login_History_Viewer', 'Login History Viewer', ['MonitorLoginHistory']],
  ['User_Directory', 'User Directory (View All Users)', ['ViewAllUsers']],
  ['Pardot_User', 'Pardot User', ['RunReports'], 'pi'],
  ['DLRS_Admin', 'Declarative Lookup Rollup Summaries', [], 'dlrs'],
  ['Conga_Composer', 'Conga Composer User', [], 'APXTConga4'],
];

export const PERMISSION_SET_GROUPS: Array<[name: string, label: string, components: string[]]> = [
  [
    'Sales_Team_Bundle',
    'Sales Team, Bundle',
    ['Sales_Cloud_User', 'Sales_Console', 'Lead_Conversion', 'Forecast_Manager'],
  ],
  ['Support_Agents', 'Support Agents', ['Service_Cloud_User', 'Case_Escalation', 'Knowledge_Author']],
  ['Marketing_Ops', 'Marketing "Ops"', ['Pardot_User', 'Dashboard_Viewer']],
  [
    'Finance_Approvers',
    'Finance Approvers',
    ['Approve_Expenses', 'Quote_Approver', 'Export_Reports', 'Contract_Admin'],
  ],
  ['Field_Service', 'Field Service – Außendienst', ['Field_Service_Mobile', 'Territory_Access']],
];

export const PUBLIC_GROUPS = [
  'All EMEA Staff',
  'Engineering – Zürich',
  'Finance, Payroll & Tax',
  '"Tiger" Team',
  "O'Brien's Reviewers",
  'Ångström Lab',
  'Sales AMER',
  'Sales APAC',
  'Support Tier 1',
  'Support Tier 2',
  'Legal & Compliance',
  'Board Observers',
  'Release Managers',
  'Data Governance Council',
  'Office: São Paulo',
  'Office: Kraków',
  'New Hires 2026',
  'Contractors',
  'Executives',
  'Security Champions',
];

const FOLD: Record<string, string> = { ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', ß: 'ss', æ: 'ae', Æ: 'AE', ı: 'i' };
/** ASCII letters and digits of a name (Zoë → Zoe, Ångström → Angstrom), for usernames and API names. */
export function ascii(s: string): string {
  return s
    .replace(/[øØłŁßæÆı]/g, c => FOLD[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}
/** A valid API name (letters, digits, single underscores, starting with a letter). */
export function apiName(label: string): string {
  const s = ascii(label)
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[A-Za-z]/.test(s) ? s : `G_${s}`;
}

/** Queues of the large seed (Group Type 'Queue') and the object each takes. */
export const QUEUES: Array<[name: string, sobject: string]> = [
  ['Support Tier 1 Queue', 'Case'],
  ['Support Tier 2 Queue', 'Case'],
  ['Escalations – EMEA', 'Case'],
  ['Inbound Leads', 'Lead'],
  ['Partner Leads', 'Lead'],
  ['Contract Reviews', 'Contract'],
];

/** Companies of portal (Experience Cloud) accounts: their users' portal roles are named after them. */
export const PORTAL_ACCOUNTS = [
  'Globex',
  'Initech',
  'Umbrella Bank',
  'Stark Logistics',
  'Wayne & Söhne',
  "O'Hara Freight",
  'Nakatomi Trading',
  'Cyberdyne, Ltd.',
  'Soylent Foods',
  'Vandelay "Imports"',
];

/** Experience Cloud sites: each has its guest user (UserType Guest) on its own profile. */
export const SITES = ['Customer Help Center', 'Partner Portal', 'Careers'];
