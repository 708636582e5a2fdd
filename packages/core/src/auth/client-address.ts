import ipaddr from "ipaddr.js";

/**
 * How many leading bits of an IPv6 address name one client for rate limits. A home or office line
 * is usually given a /56 (some a /48 or a /64) and may use any address in it, so counting per full
 * address would let one client spread its attempts over countless keys. IPv4 addresses count one
 * by one; an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) counts as its IPv4 address.
 */
export const IPV6_LIMIT_PREFIX = 56;

/** The prefix length of the IPv6 addresses stored with sessions (the auth library's default). */
export const SESSION_IPV6_PREFIX = 64;

/** The rate-limit key of a client address: `ip:` and the address, or its IPv6 network. */
export function addressLimitKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return `ip:${ip}`;
  const address = ipaddr.process(ip);
  if (address.kind() === "ipv4") return `ip:${address.toString()}`;
  return `ip:${networkOf(address.toString(), IPV6_LIMIT_PREFIX)}`;
}

/**
 * A session's address for people to read. IPv6 addresses are stored as their /64 network with
 * every group written out (`2001:0db8:85a3:0000:0000:0000:0000:0000`); they read as the network
 * they are (`2001:db8:85a3::/64`). Anything else is shown as stored.
 */
export function sessionAddress(stored: string | null): string | null {
  if (stored === null || !ipaddr.IPv6.isValid(stored)) return stored;
  const address = ipaddr.process(stored);
  if (address.kind() === "ipv4") return address.toString();
  return networkOf(address.toString(), SESSION_IPV6_PREFIX);
}

function networkOf(ipv6: string, prefix: number): string {
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${ipv6}/${prefix}`).toString()}/${prefix}`;
}
