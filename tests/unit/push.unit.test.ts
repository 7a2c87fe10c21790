/**
 * Building a push request, on its own: the body decrypts with Mozilla's reference implementation (http_ece), the
 * VAPID header verifies (jose, ES256 against its `k` key, audience = the push service's origin), and one signed header
 * serves every push to a push service until it nears its expiry, instead of a signature per push.
 */
import { createECDH, randomBytes } from 'node:crypto';
import ece from 'http_ece';
import { decodeJwt, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { buildPushRequest, generateVapidKeys, vapidAuthorization } from '../../functions/_shared/push.ts';

const vapid = { ...generateVapidKeys(), subject: 'mailto:unit@healspace.local' };

function browser(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, subscription: { endpoint, keys: { p256dh: ecdh.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') } } };
}

async function verified(authorization: string, audience: string) {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(authorization);
  expect(match).not.toBeNull();
  const raw = Buffer.from(match![2], 'base64url');
  const key = await importJWK({ kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, 'ES256');
  return (await jwtVerify(match![1], key, { algorithms: ['ES256'], audience })).payload;
}

describe('buildPushRequest', () => {
  it('encrypts each push afresh and reuses one VAPID header per push service origin', async () => {
    const [first, second] = [browser('https://fcm.googleapis.com/fcm/send/a'), browser('https://fcm.googleapis.com/fcm/send/b')];
    const other = browser('https://updates.push.services.mozilla.com/wpush/v2/c');
    const options = { ttlSeconds: 60, urgency: 'high' as const, topic: 'abc' };
    const requests = [first, second, other].map((device) => buildPushRequest(device.subscription, '{"hello":"world"}', vapid, options));
    const headers = requests.map((request) => request.init.headers as Record<string, string>);
    [first, second, other].forEach((device, index) => {
      const plaintext = ece.decrypt(Buffer.from(requests[index].init.body as Uint8Array), { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.subscription.keys.auth });
      expect(JSON.parse(plaintext.toString())).toEqual({ hello: 'world' });
    });
    expect(headers[0]).toMatchObject({ TTL: '60', Urgency: 'high', Topic: 'abc', 'Content-Encoding': 'aes128gcm' });
    expect(headers[0].Authorization).toBe(headers[1].Authorization);
    expect(headers[2].Authorization).not.toBe(headers[0].Authorization);
    expect(await verified(headers[0].Authorization, 'https://fcm.googleapis.com')).toMatchObject({ sub: vapid.subject });
    expect(await verified(headers[2].Authorization, 'https://updates.push.services.mozilla.com')).toMatchObject({ sub: vapid.subject });
    // Fresh ephemeral keys and salt per push: the same payload to the same device never encrypts the same way.
    const again = buildPushRequest(first.subscription, '{"hello":"world"}', vapid, options);
    expect(Buffer.from(again.init.body as Uint8Array).equals(Buffer.from(requests[0].init.body as Uint8Array))).toBe(false);
  });

  it('signs a VAPID token for 12 hours and signs a new one once less than an hour of it is left', () => {
    const endpoint = 'https://web.push.apple.com/unit-renewal';
    const now = Math.floor(Date.now() / 1000);
    const header = vapidAuthorization(endpoint, vapid, now);
    const token = () => decodeJwt(/^vapid t=([^,]+),/.exec(header)![1]);
    expect(token()).toMatchObject({ aud: 'https://web.push.apple.com', exp: now + 12 * 3600 });
    expect(vapidAuthorization(endpoint, vapid, now + 11 * 3600 - 1)).toBe(header);
    const renewed = vapidAuthorization(endpoint, vapid, now + 11 * 3600);
    expect(renewed).not.toBe(header);
    expect(decodeJwt(/^vapid t=([^,]+),/.exec(renewed)![1]).exp).toBe(now + 23 * 3600);
    // Another key pair (a rotation) gets its own header.
    expect(vapidAuthorization(endpoint, { ...generateVapidKeys(), subject: vapid.subject }, now + 11 * 3600)).not.toBe(renewed);
  });
});
