export { AddressPolicy, ipv6Groups, type AddressVerdict } from './address-policy.ts';
