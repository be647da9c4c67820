// What an sObject module holds: its definition and the rules Salesforce applies when it is written.
import type { Org, Rec } from '../state';
import type { ObjectDef } from '../schema';

export type Values = Record<string, any>;

export interface SObject {
  def: ObjectDef;
  /** Computed fields added on every read (UsedLicenses, Name, IsActive, ...). */
  materialize?(org: Org, r: Rec): Rec;
  /** The fields `materialize` computes; a query that reads none of them reads the stored record (all when unset). */
  computed?: ReadonlySet<string>;
  /** Completes a record before it is stored (a group assignment's aggregate permission set). */
  beforeInsert?(org: Org, rec: Rec): void;
  /** Records that come with an insert (a profile's own permission set, a user's UserLogin). */
  afterInsert?(org: Org, rec: Rec, fields: Values): void;
  /** Checks and makes an insert through the API (REQUIRED_FIELD_MISSING and field checks already done). */
  create?(org: Org, values: Values, asUser: string, apiVersion: number): Rec;
  /** Checks an update through the API; `next` is the record as it would be. */
  update?(org: Org, next: Rec, current: Rec, asUser: string): void;
  /** Runs after an update is stored. */
  afterUpdate?(org: Org, stored: Rec): void;
  /** Checks a delete and removes what goes with the record. */
  delete?(org: Org, rec: Rec, asUser: string): void;
}
