export { generateSecret, isValidSecret, secretKey } from './secret.ts';
export { sign, verify, type SignInput, type VerifyResult } from './sign.ts';
