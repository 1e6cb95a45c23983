/**
 * The tenant and service path of an IoT Agent API request. FIWARE clients name the tenant
 * with `fiware-service`, NGSI-LD clients with `NGSILD-Tenant`; either works (both must agree).
 * `fiware-servicepath` defaults to '/'; `/*` (or `/#`) means every path where allowed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;
const SERVICE_PATH = /^(\/|(\/[A-Za-z0-9_-]{1,50}){1,10})$/;
const WILDCARDS = new Set(['/*', '/#']);

export interface IotScope {
  tenant: string;
  /** undefined: every service path (wildcard, list operations only). */
  servicePath: string | undefined;
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw badRequestData(`The ${name} header is given more than once`);
  return value;
}

export function readIotScope(
  headers: IncomingHttpHeaders,
  options: { wildcard: boolean },
): IotScope {
  const fiware = single(headers, 'fiware-service');
  const ngsiLd = single(headers, 'ngsild-tenant');
  for (const [name, value] of [
    ['fiware-service', fiware],
    ['NGSILD-Tenant', ngsiLd],
  ] as const) {
    if (value !== undefined && !TENANT.test(value))
      throw badRequestData(`${name} must be 1–64 letters, digits, "_" or "-"`);
  }
  if (fiware !== undefined && ngsiLd !== undefined && fiware !== ngsiLd)
    throw badRequestData(`fiware-service '${fiware}' and NGSILD-Tenant '${ngsiLd}' disagree`);
  const tenant = fiware ?? ngsiLd ?? DEFAULT_TENANT;

  const path = single(headers, 'fiware-servicepath') ?? '/';
  if (WILDCARDS.has(path)) {
    if (!options.wildcard)
      throw badRequestData(`fiware-servicepath '${path}' selects every path; only lists allow it`);
    return { tenant, servicePath: undefined };
  }
  if (!SERVICE_PATH.test(path))
    throw badRequestData(
      `fiware-servicepath must be '/' or like '/district/lights' (letters, digits, '_', '-'), got '${path.slice(0, 80)}'`,
    );
  return { tenant, servicePath: path };
}
