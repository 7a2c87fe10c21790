/**
 * A Web Push service on loopback for the tests, checking what it receives with implementations independent of the
 * sender's: the body is decrypted with Mozilla's reference RFC 8188/8291 code (http_ece) using the key pair and auth
 * secret of a simulated browser, and the VAPID token is verified with jose (ES256 against the `k` key, audience = this
 * service's origin). Answers are 201 unless a test queues others for an endpoint.
 */
import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import ece from 'http_ece';
import { importJWK, type JWTPayload, jwtVerify } from 'jose';
import { adminSql } from './stack.ts';

export type SimulatedBrowser = { id: string; ecdh: ECDH; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } };
export type ReceivedPush = {
  browserId: string;
  headers: IncomingHttpHeaders;
  payload: Record<string, unknown>;
  vapid: { token: JWTPayload; publicKey: string };
  answeredWith: number;
};

export type PushService = {
  origin: string;
  received: ReceivedPush[];
  /** A new browser whose endpoint is on this service. */
  browser(): SimulatedBrowser;
  /** The next answers for a browser's endpoint (then 201 again), with optional headers. */
  answer(browser: SimulatedBrowser, ...answers: Array<number | { status: number; headers: Record<string, string> }>): void;
  close(): Promise<void>;
};

async function verifyVapid(authorization: string | undefined, audience: string): Promise<{ token: JWTPayload; publicKey: string }> {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(authorization ?? '');
  if (!match) throw new Error(`not a VAPID Authorization header: ${authorization}`);
  const raw = Buffer.from(match[2], 'base64url');
  const key = await importJWK({ kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, 'ES256');
  const { payload } = await jwtVerify(match[1], key, { algorithms: ['ES256'], audience });
  return { token: payload, publicKey: match[2] };
}

export async function startPushService(): Promise<PushService> {
  const browsers = new Map<string, SimulatedBrowser>();
  const queued = new Map<string, Array<number | { status: number; headers: Record<string, string> }>>();
  const received: ReceivedPush[] = [];
  let origin = '';
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const id = request.url?.split('/').pop() ?? '';
      const browser = browsers.get(id);
      const next = queued.get(id)?.shift() ?? 201;
      const answer = typeof next === 'number' ? { status: next, headers: {} } : next;
      try {
        if (!browser) throw new Error(`unknown endpoint ${request.url}`);
        const plaintext = ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: browser.ecdh, authSecret: browser.subscription.keys.auth });
        received.push({
          browserId: id,
          headers: request.headers,
          payload: JSON.parse(plaintext.toString('utf8')),
          vapid: await verifyVapid(request.headers.authorization, origin),
          answeredWith: answer.status,
        });
        response.writeHead(answer.status, answer.headers).end();
      } catch (error) {
        // A push the service cannot read is the sender's bug: make the test see it.
        response.writeHead(400).end(error instanceof Error ? error.message : String(error));
        received.push({ browserId: id, headers: request.headers, payload: { error: String(error) }, vapid: { token: {}, publicKey: '' }, answeredWith: 400 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('push service did not bind');
  origin = `http://127.0.0.1:${address.port}`;
  // Subscriptions may only point at known push services; plain http is accepted for loopback ones.
  await adminSql()`insert into private.push_services (host_suffix, description) values ('127.0.0.1', 'test push service') on conflict do nothing`;
  return {
    origin,
    received,
    browser() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const id = crypto.randomUUID();
      const simulated = { id, ecdh, subscription: { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') } } };
      browsers.set(id, simulated);
      return simulated;
    },
    answer(browser, ...answers) {
      queued.set(browser.id, [...(queued.get(browser.id) ?? []), ...answers]);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
