/**
 * `npm run bench load`: a bounded loopback load test of the busiest routes, each a closed loop of BENCH_CONNECTIONS
 * clients (8) sending BENCH_LOAD_REQUESTS requests (2000) after a warm-up (500), side by side with a baseline:
 * - GET /functions/v1/mood-stats and GET /functions/v1/booking/slots on the functions served by real Deno, with real
 *   user tokens, each request as the next of BENCH_LOAD_USERS people (200) with a year of daily mood entries, slots
 *   for the next of a few therapists with weekly hours and a partly booked calendar; baseline: whoami, the same
 *   gateway, token verification and transaction as the caller, with one trivial query.
 * - Chat send, the RPC public.send_chat_message, as supabase-js calls it: POST /rest/v1/rpc/send_chat_message through
 *   the gateway to the real PostgREST (the pinned binary), with the sender's token, through RLS and every trigger.
 *   Baseline: the cheapest RPC on the same path, rpc/crisis_support (a read of the helplines table); chatSendVsSelect1
 *   is the send's p50 over the baseline's. Sends are spread
 *   over enough senders (in their own conversations) that
 *   none comes near the per-minute limit of private.check_chat_send_rate: the path is measured, not the limiter; a
 *   refusal by the limiter (PT429) would count as an error.
 * Client, Deno and Postgres share the machine's cores, so the ratios are the figures to compare between runs.
 */
import { Agent } from 'node:http';
import { freePort } from '../lib/postgres.ts';
import { postgrestBinary, startPostgrest } from '../lib/postgrest.ts';
import { accessTokenAppMetadataSql, connect, startFunctions } from '../lib/stack.ts';
import { bold, dim, red } from '../lib/steps.ts';
import { apiKey, type AuthUserRow, jwtSecret, userAccessToken } from '../lib/tokens.ts';
import { actAs, boundedLoad, getOk, type LoadFigures, type LoadOptions, postOk } from './measure.ts';
import type { Ratios } from './ratios.ts';

/** A row with no baseline is the baseline of the rows after it, under its `group` heading. */
export type LoadRow = LoadFigures & { name: string; baseline?: LoadRow; group?: string };
export type LoadResults = {
  options: LoadOptions;
  people: number;
  moodEntries: number;
  therapists: number;
  bookedSessions: number;
  chat: { senders: number; conversations: number; maxPerSender: number; limit: number; sent: number; stored: number };
  rows: LoadRow[];
  /** chatSendVsSelect1: send_chat_message p50 / rpc/crisis_support p50, both through the real PostgREST (absent without it). */
  ratios: Ratios;
};

const therapistZones = ['Europe/London', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles'];

/** People signed up through the real triggers, with the columns their access token is made of. */
async function signUp(sql: ReturnType<typeof connect>, prefix: string, count: number): Promise<AuthUserRow[]> {
  await sql`
    insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', ${prefix}::text || '-' || n || '@example.com',
           jsonb_build_object('firstName', 'Load ' || n, 'load_bench', ${prefix}::text, 'load_n', n), false, now(), now()
    from generate_series(1, ${count}::int) as n`;
  return await sql<AuthUserRow[]>`
    select u.id, u.email, u.phone, coalesce(u.is_anonymous, false) as is_anonymous, ${sql.unsafe(accessTokenAppMetadataSql)} as raw_app_meta_data,
           u.raw_user_meta_data
    from auth.users as u where u.raw_user_meta_data ->> 'load_bench' = ${prefix}
    order by (u.raw_user_meta_data ->> 'load_n')::int`;
}

export async function measureLoad(url: string, onProgress: (message: string) => void): Promise<LoadResults> {
  const options: LoadOptions = {
    connections: Number(process.env.BENCH_CONNECTIONS ?? 8),
    requests: Number(process.env.BENCH_LOAD_REQUESTS ?? 2000),
    warmup: Math.min(500, Number(process.env.BENCH_LOAD_REQUESTS ?? 2000)),
  };
  const peopleCount = Number(process.env.BENCH_LOAD_USERS ?? 200);
  const therapistCount = Number(process.env.BENCH_LOAD_THERAPISTS ?? 5);
  const secret = jwtSecret();
  const sql = connect(url, { max: 1 });
  const cleanups: Array<() => Promise<unknown>> = [async () => await sql.end()];
  try {
    // People with a year of daily mood entries (bulk rows without the achievement triggers, as the wellbeing section).
    const people = await signUp(sql, 'load-person', peopleCount);
    await sql`set session_replication_role = replica`;
    const [{ moodEntries }] = await sql<{ moodEntries: number }[]>`
      with inserted as (
        insert into public.mood_entries (user_id, date, mood, factors)
        select u.id, current_date - d, 1 + ((n * 7 + d * 3) % 5),
               case when (n + d) % 3 = 0 then '{Exercise}'::text[] when (n + d) % 7 = 0 then '{Poor Sleep}' else '{}' end
        from (select id, (raw_user_meta_data ->> 'load_n')::int as n from auth.users where raw_user_meta_data ->> 'load_bench' = 'load-person') as u
        cross join generate_series(0, 364) as d
        returning 1
      ) select count(*)::int as "moodEntries" from inserted`;
    await sql`set session_replication_role = origin`;
    onProgress(`${peopleCount} people with a year of daily mood entries (${moodEntries.toLocaleString('en-US')} entries)`);

    // Therapists with weekday hours (09-12, 13-18 in their zones), a third of their next two weeks booked by the people.
    // They auto-confirm: otherwise at most 10 requests from new clients may wait for an answer at once (the booking limits).
    const therapistUsers = await signUp(sql, 'load-therapist', therapistCount);
    const therapistIds = therapistUsers.map((user) => user.id);
    await sql`update public.profiles set role = 'therapist' where id = any(${therapistIds}::uuid[])`;
    await sql`
      insert into public.therapists (id, display_name, specialties, years_of_experience, hourly_rate, time_zone, session_types, languages, auto_confirm)
      select t.id, 'Dr. Load ' || t.n, '{anxiety,stress}', 10, 100, (${therapistZones}::text[])[1 + (t.n - 1) % ${therapistZones.length}::int], '{video,phone}', '{en}', true
      from unnest(${therapistIds}::uuid[]) with ordinality as t (id, n)`;
    await sql`
      insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
      select t, d, r.opens, r.closes
      from unnest(${therapistIds}::uuid[]) as t cross join generate_series(1, 5) as d
      cross join (values (time '09:00', time '12:00'), (time '13:00', time '18:00')) as r (opens, closes)`;
    let bookedSessions = 0;
    let client = 0;
    for (const therapistId of therapistIds) {
      const starts = await sql<{ starts_at: Date }[]>`select s as starts_at from private.bookable_slots(${therapistId}, now(), now() + interval '14 days', null) as s`;
      for (let index = 0; index < starts.length; index += 3) {
        const claims = JSON.stringify({ sub: people[client % people.length].id, role: 'authenticated', aud: 'authenticated', is_anonymous: false });
        client += 1;
        const booked = await sql.begin(async (tx) => {
          await actAs(tx, claims);
          await tx`select private.book_therapy_session(${therapistId}, ${starts[index].starts_at}, 'video', null, null)`;
          return true;
        }).catch(() => false);
        if (booked) bookedSessions += 1;
      }
    }
    await sql`analyze auth.users, public.profiles, public.mood_entries, public.therapists, public.therapist_weekly_hours, private.therapy_sessions`;
    onProgress(`${therapistCount} therapists with weekly hours, ${bookedSessions} sessions booked in their next two weeks`);

    // Chat: each sender stays at or under half the per-minute limit over warm-up and measured sends together.
    const [{ limit }] = await sql<{ limit: number }[]>`select private.chat_send_limit_per_minute() as limit`;
    const sends = options.warmup + options.requests;
    const perSenderCap = Math.max(1, Math.floor(limit / 2));
    const conversations = Math.ceil(sends / (2 * perSenderCap));
    const chatters = await signUp(sql, 'load-chatter', 2 * conversations);
    const participants = await sql<{ id: string; conversation: string; user_id: string }[]>`
      with conversation as (
        insert into public.chat_conversations (kind) select 'matched' from generate_series(1, ${conversations}::int) returning id
      ), numbered as (select id, row_number() over () as n from conversation)
      insert into private.chat_participants (conversation_id, user_id, alias)
      select c.id, (${chatters.map((user) => user.id)}::uuid[])[(2 * c.n - 1 + side)::int], 'Anonymous User #' || (2 * c.n + side)
      from numbered as c cross join generate_series(0, 1) as side
      returning id, conversation_id::text as conversation, user_id`;
    // Sender slot s: conversation s mod C, side floor(s / C): consecutive sends go to different conversations, so the
    // two people of a conversation are not sending at the same moment (that would measure row locks, not the path).
    const byConversation = new Map<string, Array<{ id: string; user_id: string }>>();
    for (const { id, conversation, user_id } of participants) byConversation.set(conversation, [...(byConversation.get(conversation) ?? []), { id, user_id }]);
    const pairs = [...byConversation.values()];
    const tokenOfChatter = new Map<string, string>();
    for (const user of chatters) {
      tokenOfChatter.set(user.id, `Bearer ${await userAccessToken(user, { apiUrl: 'http://127.0.0.1:54321', secret, expiresInSeconds: 3600 })}`);
    }
    const senderSlots = pairs.length * 2;
    const sender = (index: number) => {
      const slot = index % senderSlots;
      const [me, partner] = slot < pairs.length ? pairs[slot] : [...pairs[slot - pairs.length]].reverse();
      return { token: tokenOfChatter.get(me.user_id)!, recipient: partner.id };
    };
    const maxPerSender = Math.ceil(sends / senderSlots);
    onProgress(`${chatters.length} people in ${conversations} conversations to send into, at most ${maxPerSender} sends each (limit ${limit} a minute)`);

    // PostgREST (when the platform has its binary) and the functions on real Deno, behind one gateway.
    const binary = postgrestBinary();
    const rest = 'path' in binary
      ? await startPostgrest({ binary: binary.path, dbUrl: url, port: await freePort(), adminPort: await freePort(), jwtSecret: secret })
      : undefined;
    if (rest) cleanups.push(() => rest.stop());
    const functionsPort = await freePort();
    const apiUrl = `http://127.0.0.1:${functionsPort}`;
    const anonKey = await apiKey('anon', secret);
    const functions = await startFunctions(functionsPort, {
      dbUrl: url, apiUrl, anonKey, serviceRoleKey: await apiKey('service_role', secret), jwtSecret: secret, restUrl: rest?.url,
    }, () => {});
    cleanups.push(() => functions.stop());
    const tokens = await Promise.all(people.map(async (person) => `Bearer ${await userAccessToken(person, { apiUrl, secret, expiresInSeconds: 3600 })}`));
    const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
    cleanups.push(async () => agent.destroy());
    const overHttp = async (name: string, target: (index: number) => string, baseline?: LoadRow): Promise<LoadRow> => {
      const figures = await boundedLoad(options, (index) => getOk(agent, new URL(target(index)), { authorization: tokens[index % tokens.length] }));
      onProgress(`${name}: ${figures.rps.toFixed(0)} req/s`);
      return { name, ...figures, baseline };
    };
    const rows: LoadRow[] = [];
    const whoami = { ...(await overHttp('GET whoami (baseline: JWT, one query as caller)', () => `${functions.url}/whoami`)), group: 'over HTTP, functions on Deno, real user tokens' };
    rows.push(whoami);
    rows.push(await overHttp('GET mood-stats (a year of daily entries)', () => `${functions.url}/mood-stats`, whoami));
    const [{ from, to }] = await sql<{ from: string; to: string }[]>`select (current_date + 1)::text as "from", (current_date + 7)::text as "to"`;
    rows.push(await overHttp('GET booking/slots (a week, London time)', (index) =>
      `${functions.url}/booking/slots?therapistId=${therapistIds[index % therapistIds.length]}&from=${from}&to=${to}&tz=Europe/London`, whoami));

    // Chat send as supabase-js sends it: POST /rest/v1/rpc/<name> through the gateway to PostgREST.
    const [{ before }] = await sql<{ before: number }[]>`select count(*)::int as before from public.chat_messages`;
    let send: LoadFigures | undefined;
    const ratios: Ratios = {};
    if (rest) {
      const rpc = (name: string) => new URL(`${apiUrl}/rest/v1/rpc/${name}`);
      const cheapest = await boundedLoad(options, (index) => postOk(agent, rpc('crisis_support'), {}, { apikey: anonKey, authorization: sender(index).token }));
      const cheapestRow: LoadRow = { name: 'rpc/crisis_support (baseline: the cheapest RPC)', ...cheapest, group: 'through the real PostgREST, as supabase-js calls RPCs' };
      rows.push(cheapestRow);
      send = await boundedLoad(options, (index) => {
        const { token, recipient } = sender(index);
        return postOk(agent, rpc('send_chat_message'), { messageId: crypto.randomUUID(), content: `How are you feeling today? (${index})`, recipientId: recipient },
          { apikey: anonKey, authorization: token });
      });
      rows.push({ name: 'chat send: rpc/send_chat_message as sender', ...send, baseline: cheapestRow });
      ratios.chatSendVsSelect1 = send.p50 / cheapest.p50;
    } else if ('unavailable' in binary) {
      onProgress(`chat send: skipped (${binary.unavailable})`);
    }
    const [{ after }] = await sql<{ after: number }[]>`select count(*)::int as after from public.chat_messages`;
    if (send) onProgress(`chat send: ${send.rps.toFixed(0)} req/s`);

    return {
      options, people: peopleCount, moodEntries, therapists: therapistCount, bookedSessions,
      chat: { senders: chatters.length, conversations, maxPerSender, limit, sent: send ? sends - send.errors - send.warmupErrors : 0, stored: after - before },
      rows,
      ratios,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

export function printLoadFigures(results: LoadResults): void {
  const { options, chat } = results;
  const ratio = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}×` : '1.00×');
  console.log(`\n${bold('Load')}: closed loop, ${options.connections} connections, ${options.requests} requests per route after ${options.warmup} warm-up, loopback`);
  console.log(`  ${results.people} people × 365 mood entries; ${results.therapists} therapists, ${results.bookedSessions} sessions booked in their next two weeks`);
  console.log(
    `  chat send: ${chat.senders} senders in ${chat.conversations} conversations, at most ${chat.maxPerSender} sends each per run ` +
      `(limit ${chat.limit} a minute): ${chat.maxPerSender < chat.limit ? 'the path is measured, not the limiter' : red('the limiter will refuse some')}; a 429 (PT429) counts as an error`,
  );
  console.log(
    `  ${'route'.padEnd(50)} ${'requests'.padStart(8)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(6)} ` +
      `${'p50 vs base'.padStart(11)} ${'req/s vs base'.padStart(13)}`,
  );
  for (const row of results.rows) {
    if (row.group) console.log(dim(`  ${row.group}`));
    console.log(
      `  ${row.name.padEnd(50)} ${String(row.requests).padStart(8)} ${row.rps.toFixed(0).padStart(7)} ${row.p50.toFixed(2).padStart(7)} ${row.p99.toFixed(2).padStart(7)} ` +
        `${String(row.errors).padStart(6)} ${ratio(row.p50, row.baseline?.p50).padStart(11)} ${ratio(row.rps, row.baseline?.rps).padStart(13)}`,
    );
  }
  const send = results.rows.find((row) => row.name.startsWith('chat send'));
  if (send?.baseline && results.ratios.chatSendVsSelect1 !== undefined) {
    console.log(
      `  chatSendVsSelect1 ${results.ratios.chatSendVsSelect1.toFixed(2)}: send_chat_message p50 ${send.p50.toFixed(2)} ms / ` +
        `baseline rpc/crisis_support p50 ${send.baseline.p50.toFixed(2)} ms (same gateway, PostgREST, token and connections)`,
    );
  }
  console.log(dim(`  messages stored by the chat sends (warm-up included): ${chat.stored}, answered: ${chat.sent}`));
  const failing = results.rows.filter((row) => row.errors + row.warmupErrors > 0);
  if (failing.length === 0 && chat.stored === chat.sent) {
    console.log(`  errors: 0 on every route (warm-ups included)`);
  } else {
    for (const row of failing) {
      const reasons = [...row.failures].map(([reason, count]) => `${reason} ×${count}`).join(', ');
      console.log(red(`  ERRORS: ${row.name}: ${row.errors} of ${row.requests} measured requests and ${row.warmupErrors} of ${options.warmup} warm-up requests failed (${reasons})`));
    }
    if (chat.stored !== chat.sent) console.log(red(`  ERRORS: ${chat.sent} chat sends answered but ${chat.stored} messages stored`));
  }
}
