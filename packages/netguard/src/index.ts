export { AddressPolicy, ipv6Groups, type AddressVerdict } from './address-policy.ts';
export { createHostResolver, isLocalhostName, type HostResolver, type ResolvedAddress } from './host-resolver.ts';
