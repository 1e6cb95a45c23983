/**
 * Names on the NATS side: the subject of a tenant's changes, the durable consumer of a
 * group, and checks of the configurable stream name and subject prefix.
 */

/** NATS names may not hold `.`, `*`, `>`, whitespace; we keep to a portable alphabet. */
const NAME = /^[A-Za-z0-9_-]+$/;
const PREFIX = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * A subject token for a tenant: `t` + base64url of its UTF-8 name. Tenant names may hold
 * any character (`.` and `*` would break a subject); base64url keeps them reversible and
 * per-tenant subjects let a later consumer filter by tenant. The default tenant `''` is `t`.
 */
export function tenantToken(tenant: string): string {
  return `t${Buffer.from(tenant, 'utf8').toString('base64url')}`;
}

export function changeSubject(prefix: string, tenant: string): string {
  return `${prefix}.${tenantToken(tenant)}`;
}

/** The durable consumer every instance of `group` shares. */
export function durableName(group: string): string {
  if (!NAME.test(group))
    throw new Error(`change bus group '${group}' must match ${NAME.source} (it names a consumer)`);
  return `civis-${group}`;
}

export function checkStreamName(name: string): string {
  if (!NAME.test(name)) throw new Error(`stream name '${name}' must match ${NAME.source}`);
  return name;
}

export function checkSubjectPrefix(prefix: string): string {
  if (!PREFIX.test(prefix))
    throw new Error(`subject prefix '${prefix}' must be dot-separated tokens of [A-Za-z0-9_-]`);
  return prefix;
}
