// Every Metadata API type the test org serves, registered once: adding one is a module and a line here.
import { ECA_SATELLITES, ExternalClientApplication, ExternalClientAppSettings } from './eca';
import { PermissionSet, Profile } from './permissions';
import { MetadataType } from './types';

export type { MetadataType } from './types';

export const METADATA_TYPES = new Map<string, MetadataType>(
  [ExternalClientApplication, ...ECA_SATELLITES, ExternalClientAppSettings, PermissionSet, Profile].map(t => [
    t.name,
    t,
  ]),
);
