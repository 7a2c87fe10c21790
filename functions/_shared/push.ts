/**
 * Web Push delivery: `web-push` (web-push-libs, the most used implementation) builds the RFC 8291 aes128gcm body and the
 * RFC 8292 VAPID Authorization header; we send it with fetch ourselves, so each push service answer is ours to handle.
 * Chosen after running four libraries on Deno 2 and Node 20 and decrypting their output with Mozilla's reference
 * (http_ece): web-push passed everything (aes128gcm, VAPID `vapid t=…, k=…`, TTL 0, Topic validation, key generation);
 * the Web Crypto ones either sent the older aesgcm encoding or altered TTL 0. On Deno it runs on node:crypto, which
 * the end-to-end suite checks by decrypting what the Deno-served function sends.
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

/** The encrypted request for one device, ready for fetch. Throws when the payload cannot fit one record. */
export function buildPushRequest(subscription: PushSubscriptionKeys, payload: string, vapid: VapidKeys, options: PushOptions): { url: string; init: RequestInit } {
  if (new TextEncoder().encode(payload).byteLength > maxPushPlaintextBytes) throw new Error('push payload too large');
  const details = webpush.generateRequestDetails(subscription, payload, {
    vapidDetails: vapid,
    TTL: options.ttlSeconds, // web-push's default would be four weeks
    urgency: options.urgency,
    ...(options.topic ? { topic: options.topic } : {}),
    contentEncoding: 'aes128gcm',
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) {
    if (name.toLowerCase() !== 'content-length') headers[name] = String(value); // fetch sets it from the body
  }
  return { url: details.endpoint, init: { method: 'POST', headers, body: new Uint8Array(details.body as Uint8Array) } };
}

export type PushResult = { status: number | null; outcome: PushOutcome; retryAfterSeconds?: number; error?: string };

/** Sends one push; network failures and timeouts are `retry`, never thrown. */
export async function sendPush(subscription: PushSubscriptionKeys, payload: string, vapid: VapidKeys, options: PushOptions, timeoutMs = 10_000): Promise<PushResult> {
  const { url, init } = buildPushRequest(subscription, payload, vapid, options);
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      status: response.status,
      outcome: pushOutcome(response.status),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: Math.min(retryAfter, 86_400) } : {}),
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
