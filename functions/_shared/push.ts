/**
 * Web Push delivery: `web-push` (web-push-libs, the most used implementation) builds the RFC 8291 aes128gcm body and the
 * RFC 8292 VAPID Authorization header; we send it with fetch ourselves, so each push service answer is ours to handle.
 * Chosen after running four libraries on Deno 2 and Node 20 and decrypting their output with Mozilla's reference
 * (http_ece): web-push passed everything (aes128gcm, VAPID `vapid t=…, k=…`, TTL 0, Topic validation, key generation);
 * the Web Crypto ones either sent the older aesgcm encoding or altered TTL 0. On Deno it runs on node:crypto, which
 * the end-to-end suite checks by decrypting what the Deno-served function sends.
 *
 * What a push costs: the body is encrypted per push (a fresh ECDH key pair per message, RFC 8291 §3.1), but the VAPID
 * header is not per push: its token names only the push service's origin, our subject and an expiry, so one signed
 * header serves every push to that origin until it nears its expiry (vapidAuthorization). Signing per push (web-push's
 * default) cost about 0.7 of the encryption on Deno and nearly three times it on Node (`npm run bench notifications`).
 * fetch keeps connections to a push service alive between pushes (the answer's body is read to its end, so the
 * connection goes back to the pool).
 */
import webpush from 'web-push';
import { readEnv } from './env.ts';

export type PushSubscriptionKeys = { endpoint: string; keys: { p256dh: string; auth: string } };
export type VapidKeys = { subject: string; publicKey: string; privateKey: string };
export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';
export type PushOptions = { ttlSeconds: number; urgency: PushUrgency; topic?: string };

/** A 4096-byte aes128gcm record holds this much plaintext (86 bytes of header, a delimiter and the GCM tag). */
export const maxPushPlaintextBytes = 3993;

/** What a push service's answer means for us (RFC 8030 §5, and the services' documented answers). */
export type PushOutcome = 'sent' | 'gone' | 'retry' | 'rejected';

export function pushOutcome(status: number): PushOutcome {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 404 || status === 410) return 'gone'; // the subscription expired or was unsubscribed
  if (status === 429 || status >= 500) return 'retry'; // rate limited or unavailable: try again later
  return 'rejected'; // 400 malformed, 403 VAPID mismatch, 413 too large: recorded against the subscription
}

/** The VAPID key pair and subject from the environment (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT). */
export function vapidFromEnv(): VapidKeys | undefined {
  const publicKey = readEnv('VAPID_PUBLIC_KEY');
  const privateKey = readEnv('VAPID_PRIVATE_KEY');
  if (!publicKey || !privateKey) return undefined;
  return { publicKey, privateKey, subject: readEnv('VAPID_SUBJECT') ?? 'mailto:support@healspace.app' };
}

/** A VAPID token is signed for this long (web-push's default; RFC 8292 allows at most 24 hours)… */
const vapidTokenSeconds = 12 * 60 * 60;
/** …and reused while at least this much of it is left, so a push service never sees one about to expire. */
const vapidRenewBeforeSeconds = 60 * 60;
/** Signed headers by push service origin and VAPID key; origins are few (the known push services). */
const vapidHeaders = new Map<string, { authorization: string; expiresAt: number }>();
const vapidHeadersKept = 256;

/**
 * The VAPID Authorization header (`vapid t=<ES256 JWT>, k=<public key>`) for pushes to `endpoint`: the token's
 * audience is the endpoint's origin, so one signature serves every push to that push service until an hour before
 * the token expires (12 hours after signing).
 */
export function vapidAuthorization(endpoint: string, vapid: VapidKeys, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const audience = new URL(endpoint).origin;
  const key = `${audience} ${vapid.subject} ${vapid.publicKey}`;
  const cached = vapidHeaders.get(key);
  if (cached && cached.expiresAt - nowSeconds > vapidRenewBeforeSeconds) return cached.authorization;
  const expiresAt = nowSeconds + vapidTokenSeconds;
  const { Authorization } = webpush.getVapidHeaders(audience, vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm', expiresAt);
  vapidHeaders.delete(key);
  if (vapidHeaders.size >= vapidHeadersKept) vapidHeaders.delete(vapidHeaders.keys().next().value!);
  vapidHeaders.set(key, { authorization: Authorization, expiresAt });
  return Authorization;
}

/** The encrypted request for one device, ready for fetch. Throws when the payload cannot fit one record. */
export function buildPushRequest(subscription: PushSubscriptionKeys, payload: string, vapid: VapidKeys, options: PushOptions): { url: string; init: RequestInit } {
  if (new TextEncoder().encode(payload).byteLength > maxPushPlaintextBytes) throw new Error('push payload too large');
  const authorization = vapidAuthorization(subscription.endpoint, vapid);
  // web-push encrypts the body and sets TTL, Urgency, Topic (validated) and the content headers; the VAPID header is
  // the one signed for this push service above. vapidDetails null (its types say undefined, which would fall back to
  // keys set globally with setVapidDetails) keeps web-push from signing one per push.
  const details = webpush.generateRequestDetails(subscription, payload, {
    vapidDetails: null as unknown as undefined,
    TTL: options.ttlSeconds, // web-push's default would be four weeks
    urgency: options.urgency,
    ...(options.topic ? { topic: options.topic } : {}),
    contentEncoding: 'aes128gcm',
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) {
    if (name.toLowerCase() !== 'content-length') headers[name] = String(value); // fetch sets it from the body
  }
  headers.Authorization = authorization;
  return { url: details.endpoint, init: { method: 'POST', headers, body: new Uint8Array(details.body as Uint8Array) } };
}

export type PushResult = { status: number | null; outcome: PushOutcome; retryAfterSeconds?: number; error?: string };

/** Sends one push; network failures and timeouts are `retry`, never thrown. */
export async function sendPush(subscription: PushSubscriptionKeys, payload: string, vapid: VapidKeys, options: PushOptions, timeoutMs = 10_000): Promise<PushResult> {
  const { url, init } = buildPushRequest(subscription, payload, vapid, options);
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    // Read to its end (it is empty or a few bytes): a connection whose answer was left unread is closed, not reused.
    await response.arrayBuffer().catch(() => undefined);
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      status: response.status,
      outcome: pushOutcome(response.status),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: Math.min(Math.ceil(retryAfter), 86_400) } : {}),
      ...(response.ok ? {} : { error: `push service answered ${response.status}` }),
    };
  } catch (error) {
    return { status: null, outcome: 'retry', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** A new VAPID key pair (base64url raw keys, as PushManager.subscribe's applicationServerKey wants the public one). */
export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}
