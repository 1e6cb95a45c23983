/**
 * Which entity changes issue device commands (pure). A command `<cmd>` of a provisioned
 * device is issued by any NGSI-LD write of the attribute `<cmd>` of its measurement entity
 * (the same value written again issues it again: a command is an action); its progress is
 * reported in `<cmd>_status` (UNKNOWN → PENDING → OK | ERROR) and `<cmd>_info`, whose
 * writes issue nothing.
 */
import type { EntityChange } from '../../context/ports/change-log.port.js';
import { PAYLOAD_MEMBER, type Attribute, type Entity } from '../../ngsi-ld/model.js';
import type { ProvisionedDevice } from '../devices/device.model.js';

export const COMMAND_STATUS = {
  pending: 'PENDING',
  ok: 'OK',
  error: 'ERROR',
} as const;

/** The expanded names of one command's attributes. */
export interface CommandAttributes {
  name: string;
  iri: string;
  statusIri: string;
  infoIri: string;
}

export function commandAttributes(
  device: ProvisionedDevice,
  expandTerm: (term: string) => string,
): CommandAttributes[] {
  return device.commands.map(({ name }) => ({
    name,
    iri: expandTerm(name),
    statusIri: expandTerm(`${name}_status`),
    infoIri: expandTerm(`${name}_info`),
  }));
}

export interface IssuedCommand {
  command: CommandAttributes;
  value: unknown;
  /** The written instance's modifiedAt: tells this issue apart from later ones. */
  modifiedAt: string | undefined;
}

/** The default instance (no datasetId), else the first. */
export function defaultInstance(instances: Attribute[] | undefined): Attribute | undefined {
  return instances?.find((instance) => instance.datasetId === undefined) ?? instances?.[0];
}

function payloadOf(attribute: Attribute): unknown {
  return attribute[PAYLOAD_MEMBER[attribute.type]];
}

/**
 * The commands a change issues. Creating the entity issues none, nor does a command
 * attribute that appears with an empty value (provisioning adds `<cmd>` as "").
 */
export function issuedCommands(
  change: EntityChange,
  commands: readonly CommandAttributes[],
): IssuedCommand[] {
  const { previous, current } = change;
  if (previous === null || current === null) return [];
  const issued: IssuedCommand[] = [];
  for (const command of commands) {
    const now = defaultInstance(current.attrs[command.iri]);
    if (now === undefined) continue;
    const before = defaultInstance(previous.attrs[command.iri]);
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(now)) continue;
    const value = payloadOf(now);
    if (before === undefined && value === '') continue;
    issued.push({ command, value, modifiedAt: now.modifiedAt });
  }
  return issued;
}

/**
 * Whether an issued command needs no (further) sending, judged on the entity as it is now
 * (a change may be delivered again, NGSI-LD writes happen meanwhile):
 *  - the command attribute was written again since: that later change sends it;
 *  - its status was set to OK or ERROR after the issue: it was sent and answered.
 * A PENDING status written after the issue may come from a delivery that died before it
 * sent the command: it is sent again (at least once).
 */
export function commandSettled(entity: Entity, issued: IssuedCommand): boolean {
  const now = defaultInstance(entity.attrs[issued.command.iri]);
  if (now === undefined || now.modifiedAt !== issued.modifiedAt) return true;
  const status = defaultInstance(entity.attrs[issued.command.statusIri]);
  if (status === undefined || issued.modifiedAt === undefined) return false;
  return (
    (status.value === COMMAND_STATUS.ok || status.value === COMMAND_STATUS.error) &&
    status.modifiedAt !== undefined &&
    status.modifiedAt >= issued.modifiedAt
  );
}
