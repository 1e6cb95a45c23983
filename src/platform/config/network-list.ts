/**
 * The settings `notificationDeniedNetworks` and `contextDeniedNetworks`: CIDR blocks that
 * notification senders and remote @context downloads may not connect to (a guard against
 * subscriptions and @context URLs used for server-side request forgery, docs
 * subscriptions.md "Denied networks", README "JSON-LD @contexts").
 */
import { isIP } from 'node:net';

/**
 * Denied unless configured otherwise: "this network" (0.0.0.0/8 and ::, which reach the
 * local host), link-local (169.254.0.0/16, fe80::/10, where AWS, GCP, Azure, OpenStack and
 * Oracle serve instance metadata and credentials at 169.254.169.254) and the metadata
 * addresses elsewhere: AWS over IPv6, Alibaba Cloud, the Azure host (WireServer). Loopback
 * and private ranges stay open: city deployments notify services next to them.
 */
export const DEFAULT_DENIED_NETWORKS: readonly string[] = [
  '0.0.0.0/8',
  '::/128',
  '169.254.0.0/16',
  'fe80::/10',
  'fd00:ec2::254/128',
  '100.100.100.200/32',
  '168.63.129.16/32',
];

/**
 * CIDR blocks (`10.0.0.0/8`, `fc00::/7`; a bare address is one host) as an array or
 * comma-separated text; `none` is the empty list. Returns them as `address/prefix`; throws
 * an Error naming the first entry that is not a block.
 */
export function parseNetworkList(value: unknown): string[] {
  if (typeof value === 'string' && value.trim().toLowerCase() === 'none') return [];
  const entries = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(entries)) throw new Error('expected CIDR blocks, comma-separated');
  return entries.map((entry: unknown) => {
    const text = typeof entry === 'string' ? entry.trim() : '';
    const slash = text.indexOf('/');
    const address = slash < 0 ? text : text.slice(0, slash);
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
    const prefix = Number(prefixText);
    if (family === 0 || !/^\d{1,3}$/.test(prefixText) || prefix > bits)
      throw new Error(`${JSON.stringify(entry)} is not a CIDR block such as 10.0.0.0/8`);
    return `${address}/${prefix}`;
  });
}
