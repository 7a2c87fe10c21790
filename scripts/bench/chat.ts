/**
 * `npm run bench` section: peer chat.
 * - Matching throughput: BENCH_SEEKERS seekers (1000) and as many listeners ask at once over BENCH_MATCH_CONNECTIONS
 *   connections (16), each ask one transaction of private.request_chat_match as that person; pairs per second and
 *   the number of double matches (must be zero). Baseline (matchingVsBare): a bare `FOR UPDATE SKIP LOCKED` pairing of
 *   the same people over the same number of connections, on a plain queue table made for it: each listener's
 *   transaction puts them in the queue, then each seeker's transaction takes one waiting listener with skip locked
 *   and records the pair (the same 2 × BENCH_SEEKERS transactions, one per person, timed from the first to the last).
 * - A message insert as the sender (RLS, rate limit and crisis checks, broadcast triggers) against a plain insert of
 *   the same row into a table without triggers or RLS, both timed inside the database (messageInsertVsPlain).
 * - The conversation list page as PostgREST runs `GET /chat_conversation_list?order=timestamp.desc&limit=20` (the
 *   person's claims and role, RLS on), timed inside the database, for a person with BENCH_CHAT_INBOX conversations
 *   (200) among everyone else's (BENCH_CHAT_REST conversations of 10 messages, 5000), then for a person with 10x the
 *   conversations once everyone else's are 10x too (conversationListGrowth: p50 at 10x / p50 at 1x), with both plans.
 */
import postgres from 'postgres';
import { connect } from '../lib/stack.ts';
import { dim } from '../lib/steps.ts';
import { actAs, executionMs, executionTimes, nestedPlans, summarize, type Timing } from './measure.ts';
import type { Ratios } from './ratios.ts';

type Pairing = { seconds: number; pairs: number; doubleMatches: number };
/** One size of the conversation list: the person's conversations, everyone's in the tables, the page's timing and plan. */
export type ConversationListSize = {
  conversations: number; allConversations: number; allMessages: number; page: Timing;
  /** The statement's own plan with per-node times (EXPLAIN ANALYZE, BUFFERS), and every plan it runs (auto_explain). */
  timedPlan: string; plan: string;
  /** Shared buffers the page touched (hit + read, from the timed plan): its work, free of the machine's noise. */
  buffers: number;
};

export type ChatFigures = {
  matching: { seekers: number; listeners: number; connections: number } & Pairing;
  /** The bare SKIP LOCKED pairing; `seekerSeconds` is its second half alone (the seekers taking listeners). */
  bareMatching: Pairing & { seekerSeconds: number };
  insert: { withTriggers: Timing; plain: Timing };
  conversationList: { pageSize: number; at1x: ConversationListSize; at10x: ConversationListSize };
  ratios: Ratios;
};

async function signUp(sql: postgres.Sql, prefix: string, count: number): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
           ${prefix} || '-' || n || '@example.com', jsonb_build_object('firstName', ${prefix} || ' ' || n), false, now(), now()
    from generate_series(1, ${count}::int) as n
    returning id`;
  return rows.map((row) => row.id);
}

const claimsOf = (userId: string) => JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated', is_anonymous: false });

/** The list page exactly as PostgREST 12 runs `GET /chat_conversation_list?order=timestamp.desc&limit=20`. */
const pageStatement = (pageSize: number) =>
  `WITH pgrst_source AS ( SELECT "public"."chat_conversation_list".* FROM "public"."chat_conversation_list"  ORDER BY "chat_conversation_list"."timestamp" DESC  LIMIT ${pageSize} OFFSET 0 )  ` +
  `SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, ` +
  `nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, ` +
  `'' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t`;

/**
 * The bare baseline of matching: a plain queue table (no RLS, no triggers, no checks), the listeners each queueing in
 * their own transaction, then the seekers each taking one waiting listener with FOR UPDATE SKIP LOCKED and recording
 * the pair, over a pool of `connections`; the same people, one transaction each.
 */
async function bareSkipLockedPairing(url: string, sql: postgres.Sql, seekers: string[], listeners: string[], connections: number): Promise<ChatFigures['bareMatching']> {
  await sql`create table private.bench_bare_queue (
    id bigint generated always as identity primary key, user_id uuid not null unique, role text not null,
    status text not null default 'waiting', created_at timestamptz not null default clock_timestamp())`;
  await sql`create index bench_bare_queue_waiting_idx on private.bench_bare_queue (role, id) where status = 'waiting'`;
  await sql`create table private.bench_bare_pairs (seeker_id uuid not null, listener_id uuid not null, matched_at timestamptz not null default clock_timestamp())`;
  const pool = postgres(url, { max: connections, onnotice: () => {} });
  try {
    // Open the pool's connections first, as the matching run's pool opens them during its first asks.
    await Promise.all(Array.from({ length: connections }, () => pool.begin((tx) => tx`select 1`)));
    const started = performance.now();
    await Promise.all(listeners.map((id) => pool.begin((tx) => tx`insert into private.bench_bare_queue (user_id, role) values (${id}, 'listener')`)));
    const seekersStarted = performance.now();
    await Promise.all(seekers.map((id) =>
      pool.begin((tx) => tx`
        with taken as (
          select q.id, q.user_id from private.bench_bare_queue as q
          where q.status = 'waiting' and q.role = 'listener' order by q.id limit 1 for update skip locked
        ), matched as (
          update private.bench_bare_queue as q set status = 'matched' from taken where q.id = taken.id returning taken.user_id
        )
        insert into private.bench_bare_pairs (seeker_id, listener_id) select ${id}, matched.user_id from matched`)
    ));
    const ended = performance.now();
    const [outcome] = await sql<{ pairs: number; double_matches: number }[]>`
      select count(*)::int as pairs, (2 * count(*) - count(distinct seeker_id) - count(distinct listener_id))::int as double_matches
      from private.bench_bare_pairs`;
    return { seconds: (ended - started) / 1000, seekerSeconds: (ended - seekersStarted) / 1000, pairs: outcome.pairs, doubleMatches: outcome.double_matches };
  } finally {
    await pool.end();
    await sql`drop table if exists private.bench_bare_queue, private.bench_bare_pairs`;
  }
}

/**
 * One person with `count` conversations (started an hour apart), each with 5 messages from the partner and 2 of theirs,
 * written as the database owner through the real triggers. Returns the person's id.
 */
async function populateInbox(sql: postgres.Sql, prefix: string, count: number): Promise<string> {
  const [busy] = await signUp(sql, prefix, 1);
  const partners = await signUp(sql, `${prefix}-partner`, count);
  await sql`
    with conversation as (
      insert into public.chat_conversations (kind, created_at) select 'direct', now() - make_interval(hours => n) from generate_series(1, ${count}::int) as n
      returning id
    ), numbered as (select id, row_number() over () as n from conversation),
    participants as (
      insert into private.chat_participants (conversation_id, user_id, alias, last_read_at)
      select c.id, ${busy}, 'Anonymous User #' || c.n, now() - interval '3 hours' from numbered as c
      union all
      select c.id, (${partners}::uuid[])[c.n], 'Anonymous User #' || (1000000 + c.n), now() from numbered as c
      returning id, conversation_id, user_id
    )
    insert into public.chat_messages (id, conversation_id, sender_id, content, created_at)
    select gen_random_uuid(), p.conversation_id, p.id, 'message ' || m, now() - make_interval(mins => m * 40)
    from participants as p cross join generate_series(1, 5) as m
    where p.user_id <> ${busy} or m <= 2`;
  return busy;
}

/**
 * Everyone else's chats: `users` people in `conversations` conversations of two (each person in several), 10 messages
 * each over the last 30 days, delivered and read up to a point. Bulk rows written without triggers (as other sections'
 * populations are), with the columns the triggers would have set.
 */
async function populateRest(sql: postgres.Sql, prefix: string, users: number, conversations: number): Promise<void> {
  const people = await signUp(sql, prefix, users);
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`
      with conversation as (
        insert into public.chat_conversations (kind, created_at)
        select 'matched', now() - interval '30 days' + make_interval(secs => n * 2592000.0 / ${conversations}::int) from generate_series(1, ${conversations}::int) as n
        returning id, created_at
      ), numbered as (select id, created_at, row_number() over (order by created_at) - 1 as j from conversation),
      participants as (
        insert into private.chat_participants (conversation_id, user_id, alias, delivered_at, last_read_at)
        select c.id, (${people}::uuid[])[1 + ((c.j + side * (1 + c.j / ${users}::int)) % ${users}::int)::int],
               'Anonymous User #' || (2 * c.j + side), c.created_at, c.created_at + interval '1 hour'
        from numbered as c cross join generate_series(0, 1) as side
        returning id, conversation_id, alias
      ), sides as (
        select p.id, p.conversation_id, c.created_at, row_number() over (partition by p.conversation_id order by p.alias) - 1 as side
        from participants as p join numbered as c on c.id = p.conversation_id
      )
      insert into public.chat_messages (id, conversation_id, sender_id, content, created_at)
      select gen_random_uuid(), s.conversation_id, s.id, 'message ' || m, s.created_at + make_interval(mins => m * 20)
      from sides as s cross join generate_series(1, 10) as m
      where m % 2 = s.side`;
  });
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement as the caller, after one warm run: where its time goes, node by node. */
async function timedPlan(sql: postgres.Sql, claims: string, statement: string): Promise<string> {
  return await sql.begin(async (tx) => {
    await actAs(tx, claims);
    await tx.unsafe(statement);
    const rows = await tx.unsafe(`explain (analyze, buffers) ${statement}`);
    return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
  });
}

const buffersOf = (plan: string) => {
  const top = /Buffers: shared((?: \w+=\d+)+)/.exec(plan)?.[1] ?? '';
  return [...top.matchAll(/(hit|read)=(\d+)/g)].reduce((sum, [, , count]) => sum + Number(count), 0);
};

async function tableSizes(sql: postgres.Sql): Promise<{ conversations: number; messages: number }> {
  await sql`vacuum analyze public.chat_conversations, private.chat_participants, public.chat_messages`;
  const [sizes] = await sql<{ conversations: number; messages: number }[]>`
    select (select count(*)::int from public.chat_conversations) as conversations, (select count(*)::int from public.chat_messages) as messages`;
  return sizes;
}

export async function measureChat(url: string, onProgress: (message: string) => void): Promise<ChatFigures> {
  const seekersCount = Number(process.env.BENCH_SEEKERS ?? 1000);
  const connections = Number(process.env.BENCH_MATCH_CONNECTIONS ?? 16);
  const iterations = Number(process.env.BENCH_QUERIES ?? 200);
  const inbox = Number(process.env.BENCH_CHAT_INBOX ?? 200);
  const rest = Number(process.env.BENCH_CHAT_REST ?? 5000);
  const pageSize = 20;
  const sql = connect(url, { max: 1 });
  try {
    const seekers = await signUp(sql, 'bench-seeker', seekersCount);
    const listeners = await signUp(sql, 'bench-listener', seekersCount);
    await sql`update public.profiles set is_listener = true where id = any(${listeners}::uuid[])`;
    onProgress(`${seekersCount.toLocaleString('en-US')} seekers and ${seekersCount.toLocaleString('en-US')} listeners signed up`);

    // Matching: everyone asks once, in random order, over a pool of connections.
    const pool = postgres(url, { max: connections, onnotice: () => {} });
    const asks = [...seekers.map((id) => ({ id, listener: false })), ...listeners.map((id) => ({ id, listener: true }))].sort(() => Math.random() - 0.5);
    const started = performance.now();
    await Promise.all(asks.map(({ id, listener }) =>
      pool.begin(async (tx) => {
        await actAs(tx, claimsOf(id));
        await tx`select private.request_chat_match(${listener})`;
      })
    ));
    const seconds = (performance.now() - started) / 1000;
    await pool.end();
    const [outcome] = await sql<{ pairs: number; double_matches: number }[]>`
      select count(distinct conversation_id)::int as pairs,
             (count(*) - count(distinct user_id))::int as double_matches
      from private.chat_queue where status = 'matched' and user_id = any(${[...seekers, ...listeners]}::uuid[])`;
    onProgress(`matching: ${outcome.pairs} pairs in ${seconds.toFixed(2)} s`);
    const bareMatching = await bareSkipLockedPairing(url, sql, seekers, listeners, connections);
    onProgress(`bare SKIP LOCKED pairing: ${bareMatching.pairs} pairs in ${bareMatching.seconds.toFixed(2)} s`);

    // Message inserts: 20 conversations, so that no sender reaches the per-minute limit.
    const pairs = await sql<{ conversation_id: string; participant_id: string; user_id: string }[]>`
      select p.conversation_id, p.id as participant_id, p.user_id from private.chat_participants as p
      join private.chat_queue as q on q.conversation_id = p.conversation_id and q.user_id = p.user_id and q.role = 'seeker'
      limit 20`;
    await sql`create table if not exists private.bench_plain_messages (like public.chat_messages including defaults)`;
    const withTriggers: number[] = [];
    const plain: number[] = [];
    for (let index = 0; index < iterations; index += 1) {
      const pair = pairs[index % pairs.length];
      const values = `values (gen_random_uuid(), '${pair.conversation_id}', '${pair.participant_id}', 'How are you feeling today?')`;
      withTriggers.push(await sql.begin(async (tx) => {
        await actAs(tx, claimsOf(pair.user_id));
        return await executionMs(tx, `insert into public.chat_messages (id, conversation_id, sender_id, content) ${values}`);
      }));
      plain.push(await sql.begin(async (tx) => executionMs(tx, `insert into private.bench_plain_messages (id, conversation_id, sender_id, content) ${values}`)));
    }
    await sql`drop table private.bench_plain_messages`;
    const insert = { withTriggers: summarize(withTriggers), plain: summarize(plain) };

    // The conversation list page at 1x: a person with `inbox` conversations among everyone else's; then at 10x:
    // everyone else's 10x (9x more added) and a person with 10x the conversations. The page size stays 20.
    const statement = pageStatement(pageSize);
    const listPage = async (busy: string, conversations: number): Promise<ConversationListSize> => {
      const sizes = await tableSizes(sql);
      const page = await executionTimes(sql, claimsOf(busy), statement, Math.min(iterations, 100));
      const timed = await timedPlan(sql, claimsOf(busy), statement);
      const plan = await nestedPlans(url, claimsOf(busy), statement);
      onProgress(`conversation list page, ${conversations} of ${sizes.conversations.toLocaleString('en-US')} conversations: p50 ${page.p50.toFixed(3)} ms`);
      return { conversations, allConversations: sizes.conversations, allMessages: sizes.messages, page, timedPlan: timed, plan, buffers: buffersOf(timed) };
    };
    const restUsers = Math.max(2, Math.ceil(rest / 5));
    await populateRest(sql, 'bench-rest-1x', restUsers, rest);
    const at1x = await listPage(await populateInbox(sql, 'bench-busy-1x', inbox), inbox);
    await populateRest(sql, 'bench-rest-10x', 9 * restUsers, 9 * rest);
    const at10x = await listPage(await populateInbox(sql, 'bench-busy-10x', 10 * inbox), 10 * inbox);

    const matching = { seekers: seekersCount, listeners: seekersCount, connections, seconds, pairs: outcome.pairs, doubleMatches: outcome.double_matches };
    return {
      matching,
      bareMatching,
      insert,
      conversationList: { pageSize, at1x, at10x },
      ratios: {
        matchingVsBare: (matching.pairs / matching.seconds) / (bareMatching.pairs / bareMatching.seconds),
        messageInsertVsPlain: insert.withTriggers.p50 / insert.plain.p50,
        conversationListGrowth: at10x.page.p50 / at1x.page.p50,
      },
    };
  } finally {
    await sql.end();
  }
}

export function printChatFigures(figures: ChatFigures): void {
  const { matching, bareMatching, insert, conversationList, ratios } = figures;
  const rate = ({ pairs, seconds }: Pairing) => pairs / seconds;
  console.log(`\nPeer chat`);
  console.log(`  matching: ${matching.seekers} seekers + ${matching.listeners} listeners asking at once over ${matching.connections} connections`);
  console.log(`    private.request_chat_match as each caller: ${matching.pairs} pairs in ${matching.seconds.toFixed(2)} s = ${rate(matching).toFixed(0)} pairs/s, ${matching.doubleMatches} double matches`);
  console.log(
    `    baseline, bare SKIP LOCKED pairing (plain queue table; listeners queue, then seekers each take one): ${bareMatching.pairs} pairs in ` +
      `${bareMatching.seconds.toFixed(2)} s = ${rate(bareMatching).toFixed(0)} pairs/s (seekers' half alone ${(bareMatching.pairs / bareMatching.seekerSeconds).toFixed(0)} pairs/s), ` +
      `${bareMatching.doubleMatches} double matches`,
  );
  console.log(`    matchingVsBare ${ratios.matchingVsBare?.toFixed(3)} (matching pairs/s / bare pairs/s)`);
  console.log(`  ${'message insert, in the database'.padEnd(52)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'p50 vs plain'.padStart(13)}`);
  console.log(`  ${'plain insert (baseline: no triggers, no RLS)'.padEnd(52)} ${insert.plain.p50.toFixed(3).padStart(7)} ${insert.plain.p99.toFixed(3).padStart(7)} ${'1.00×'.padStart(13)}`);
  console.log(`  ${'as the sender: RLS, checks, flagging, broadcasts'.padEnd(52)} ${insert.withTriggers.p50.toFixed(3).padStart(7)} ${insert.withTriggers.p99.toFixed(3).padStart(7)} ${`${ratios.messageInsertVsPlain?.toFixed(2)}×`.padStart(13)}`);
  const { at1x, at10x, pageSize } = conversationList;
  console.log(`  conversation list page (order=timestamp.desc&limit=${pageSize} as PostgREST runs it, as the person, RLS on), in the database:`);
  for (const [label, size] of [['1x (baseline)', at1x], ['10x', at10x]] as const) {
    console.log(
      `    ${label.padEnd(14)} ${String(size.conversations).padStart(6)} conversations of the person, ${size.allConversations.toLocaleString('en-US').padStart(8)} in all, ` +
        `${size.allMessages.toLocaleString('en-US').padStart(9)} messages: p50 ${size.page.p50.toFixed(3)} ms, p99 ${size.page.p99.toFixed(3)} ms, ` +
        `${size.buffers.toLocaleString('en-US')} buffers`,
    );
  }
  console.log(
    `    conversationListGrowth ${ratios.conversationListGrowth?.toFixed(2)} (p50 at 10x / p50 at 1x); buffers touched at 10x / at 1x: ` +
      `${(at10x.buffers / at1x.buffers).toFixed(2)} (the page's work, free of the machine's noise)`,
  );
  for (const [label, size] of [['1x', at1x], ['10x', at10x]] as const) {
    console.log(dim(`\nconversation list page at ${label} (as the person, RLS on), EXPLAIN (ANALYZE, BUFFERS):\n${size.timedPlan}`));
    console.log(dim(`\nconversation list page at ${label}, every plan it runs (auto_explain, nested included):\n${size.plan}`));
  }
}
