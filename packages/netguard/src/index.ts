export { classifyAddress, parseAllowlist, refusalFor, type AddressClass, type TargetPolicy } from './address-policy.ts';
