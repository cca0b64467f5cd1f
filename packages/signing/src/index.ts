export { generateSigningKeyPair, isPublicKey, isSigningKey, publicKeyOf, signEd25519, verifyEd25519 } from './asymmetric.ts';
export { generateSecret, isValidSecret, secretKey } from './secret.ts';
export { sign, verify, type SignInput, type VerifyResult } from './sign.ts';
