/**
 * Keeps outgoing connections whose address a client chose away from denied networks:
 * notifications and HTTP commands (`notificationDeniedNetworks`, docs/subscriptions.md
 * "Denied networks"), remote @context downloads (`contextDeniedNetworks`). The address a
 * connection goes to is checked when it is made, after DNS, so a host name that resolves
 * (or is later re-pointed) to a metadata service is refused like the literal address.
 * Hosts written as IP literals are checked before connecting (Node skips `lookup` for them).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** The `code` of the error a denied connection fails with. */
export const DENIED_ADDRESS = 'ERR_CIVIS_DENIED_ADDRESS';

export interface AddressGuard {
  /** Why connecting to `host` is refused when it is an IP literal, or undefined. */
  checkHost(host: string): string | undefined;
  /** `dns.lookup` for net/tls connect options: fails with DENIED_ADDRESS for a denied address. */
  readonly lookup: LookupFunction;
}

/** Names the refusals: `in a network <users> may not reach (<setting>)`. */
export interface DeniedNetworksSetting {
  /** The configuration key, e.g. `notificationDeniedNetworks`. */
  readonly setting: string;
  /** Who is kept out, e.g. `notifications`. */
  readonly users: string;
}

/** `networks`: `address/prefix` blocks, as the configuration gives them. */
export function createAddressGuard(
  networks: readonly string[],
  named: DeniedNetworksSetting,
): AddressGuard {
  const denied = new BlockList();
  for (const network of networks) {
    const [address = '', prefix = ''] = network.split('/');
    denied.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }

  const refusal = (address: string) =>
    `${address}, in a network ${named.users} may not reach (${named.setting})`;

  function isDenied(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && denied.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      // One denied address is enough: a name mixing them is no receiver to trust.
      const bad = addresses.find(({ address }) => isDenied(address));
      if (bad !== undefined)
        return callback(deniedError(`${hostname} resolves to ${refusal(bad.address)}`), '', 0);
      if (options.all) return (callback as AllCallback)(null, addresses);
      const [first] = addresses;
      if (first === undefined) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };

  return {
    checkHost(host) {
      const address = host.replace(/^\[(.*)\]$/, '$1');
      return isDenied(address) ? refusal(address) : undefined;
    },
    lookup: networks.length === 0 ? dnsLookup : lookup,
  };
}

type AllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

function deniedError(message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code: DENIED_ADDRESS });
}
