import dns from 'node:dns';
import net from 'node:net';
import { addressRefusal, internalHostName, isListed, type AddressPolicy } from './address.js';

/** An address checked as safe to connect to, for one host name. */
export interface VettedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * Resolves `hostname` (a URL's hostname: IPv6 in brackets) to every address it has and checks
 * them all: one refused address refuses the host, since which one a connection would use is
 * not ours to choose. Returns the address to connect to, or why not, in words for a moderator.
 */
export async function vetHost(hostname: string, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<VettedAddress | { refused: string }> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = net.isIP(host);
  let addresses: { address: string; family: number }[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal }];
  } else {
    const nameKind = internalHostName(host);
    // Refused without asking DNS when nothing private is allowed; a list may allow what it resolves to.
    if (nameKind && policy === false) return { refused: `refused: ${host} is ${nameKind}${ALLOW_HINT}` };
    try {
      addresses = await resolve(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return { refused: `the host name ${host} could not be found` };
      return { refused: `the host name ${host} could not be looked up (${code ?? String(error)})` };
    }
    if (addresses.length === 0) return { refused: `the host name ${host} could not be found` };
    const allListed = Array.isArray(policy) && addresses.every(({ address }) => isListed(address, policy));
    if (nameKind && policy !== true && !allListed) return { refused: `refused: ${host} is ${nameKind}${ALLOW_HINT}` };
  }
  for (const { address } of addresses) {
    const kind = addressRefusal(address, policy);
    if (kind === undefined) continue;
    const where = literal !== 0 ? `${address} is` : `${host} resolves to ${address},`;
    return { refused: `refused: ${where} ${kind}${ALLOW_HINT}` };
  }
  const chosen = addresses[0]!;
  return { address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}

const ALLOW_HINT = '; only public addresses are fetched (WEB_ALLOW_PRIVATE_ADDRESSES allows others)';

/**
 * A `lookup` for http.request that answers with the vetted address only, so the connection
 * goes where the check looked, even if the name's DNS answer changes in between.
 */
export function pinnedLookup(vetted: VettedAddress): net.LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: vetted.address, family: vetted.family }]);
    else callback(null, vetted.address, vetted.family);
  };
}
