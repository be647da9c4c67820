// What a Metadata API type module holds: its registry entry (folder, suffix, minimum version, elements, enums,
// required elements, defaults), who may deploy it, its own validation, and how it maps to sObject records.
import type { Component, MetadataApi } from '../metadata';
import type { Rec } from '../state';

export type Body = Record<string, any>;

export interface MetadataType {
  name: string;
  dir: string;
  suffix: string;
  minVersion: number;
  /** Known elements and the API version each appeared in (an unknown or too new one is INVALID_FIELD). */
  elements?: Record<string, number>;
  enums?: Record<string, [string, string[]]>;
  required?: string[];
  /** Declarative defaults: an element left out of a deploy is reset to these (or cleared). */
  defaults?: Record<string, string>;
  /** Permissions to deploy, save or delete it (INSUFFICIENT_ACCESS otherwise). */
  checkAccess(api: MetadataApi, userId: string): void;
  /** Checks of its own, after the generic element, enum and required checks. */
  validate?(api: MetadataApi, c: Component, batch: Component[]): void;
  /** Types whose components are sObject records (PermissionSet, Profile): listed and committed through them. */
  list?(api: MetadataApi): Body[];
  commit?(api: MetadataApi, c: Component, userId: string): Rec | undefined;
  /** Values Salesforce generates on a generic commit (the consumer key). */
  prepare?(api: MetadataApi, next: Body, existing: Body | undefined): void;
  /** Keeps the sObject view in step after a generic commit. */
  sync?(api: MetadataApi, c: Body): Rec | undefined;
  /** Removes the records and components that go with one. */
  remove?(api: MetadataApi, fullName: string): void;
}
