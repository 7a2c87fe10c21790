// http_ece (Mozilla's reference implementation of RFC 8188 content encoding, used by the tests to decrypt Web Push
// bodies independently of the sender) ships no types; these are the parts the tests use.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  type Parameters = { version: 'aes128gcm' | 'aesgcm'; privateKey?: ECDH; dh?: string; authSecret?: string; keyid?: string };
  const ece: { decrypt(content: Buffer, parameters: Parameters): Buffer };
  export default ece;
}
