/**
 * `npm run bench` section: peer chat.
 * - Matching throughput: BENCH_SEEKERS seekers (1000) and as many listeners ask at once over BENCH_MATCH_CONNECTIONS
 *   connections (16), each ask one transaction of private.request_chat_match as that person; pairs per second and
 *   the number of double matches (must be zero).
 * - A message insert as the sender (RLS, rate limit and crisis checks, broadcast triggers) against a plain insert of
 *   the same row into a table without triggers or RLS, both timed inside the database.
 * - The conversation list with unread counts for a person with 200 conversations, through RLS, with its plan.
 */
import postgres from 'postgres';
import { connect } from '../lib/stack.ts';
import { dim } from '../lib/steps.ts';
import { actAs, executionMs, executionTimes, nestedPlans, summarize, type Timing } from './measure.ts';

export type ChatFigures = {
  matching: { seekers: number; listeners: number; connections: number; seconds: number; pairs: number; doubleMatches: number };
  insert: { withTriggers: Timing; plain: Timing };
  conversationList: Timing;
  plan: string;
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

export async function measureChat(url: string, onProgress: (message: string) => void): Promise<ChatFigures> {
  const seekersCount = Number(process.env.BENCH_SEEKERS ?? 1000);
  const connections = Number(process.env.BENCH_MATCH_CONNECTIONS ?? 16);
  const iterations = Number(process.env.BENCH_QUERIES ?? 200);
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

    // One person with 200 conversations of 5 messages each, written as the database owner.
    const [busy] = await signUp(sql, 'bench-busy', 1);
    const partners = await signUp(sql, 'bench-partner', 200);
    await sql`
      with conversation as (
        insert into public.chat_conversations (kind, created_at) select 'direct', now() - make_interval(hours => n) from generate_series(1, 200) as n
        returning id
      ), numbered as (select id, row_number() over () as n from conversation),
      participants as (
        insert into private.chat_participants (conversation_id, user_id, alias, last_read_at)
        select c.id, ${busy}, 'Anonymous User #' || c.n, now() - interval '3 hours' from numbered as c
        union all
        select c.id, (${partners}::uuid[])[c.n], 'Anonymous User #' || (1000 + c.n), now() from numbered as c
        returning id, conversation_id, user_id
      )
      insert into public.chat_messages (id, conversation_id, sender_id, content, created_at)
      select gen_random_uuid(), p.conversation_id, p.id, 'message ' || m, now() - make_interval(mins => m * 40)
      from participants as p cross join generate_series(1, 5) as m
      where p.user_id <> ${busy} or m <= 2`;
    await sql`analyze public.chat_conversations, private.chat_participants, public.chat_messages`;
    const listStatement = 'select * from public.chat_conversation_list order by "timestamp" desc';
    const conversationList = await executionTimes(sql, claimsOf(busy), listStatement, Math.min(iterations, 100));
    const plan = await nestedPlans(url, claimsOf(busy), listStatement);
    return {
      matching: { seekers: seekersCount, listeners: seekersCount, connections, seconds, pairs: outcome.pairs, doubleMatches: outcome.double_matches },
      insert: { withTriggers: summarize(withTriggers), plain: summarize(plain) },
      conversationList,
      plan,
    };
  } finally {
    await sql.end();
  }
}

export function printChatFigures(figures: ChatFigures): void {
  const { matching, insert } = figures;
  console.log(`\nPeer chat`);
  console.log(`  matching: ${matching.seekers} seekers + ${matching.listeners} listeners asking at once over ${matching.connections} connections`);
  console.log(`    ${matching.pairs} pairs in ${matching.seconds.toFixed(2)} s = ${(matching.pairs / matching.seconds).toFixed(0)} pairs/s, ${matching.doubleMatches} double matches`);
  console.log(`  ${'message insert, in the database'.padEnd(52)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'p50 vs plain'.padStart(13)}`);
  console.log(`  ${'plain insert (no triggers, no RLS)'.padEnd(52)} ${insert.plain.p50.toFixed(3).padStart(7)} ${insert.plain.p99.toFixed(3).padStart(7)} ${'1.00×'.padStart(13)}`);
  console.log(`  ${'as the sender: RLS, checks, flagging, broadcasts'.padEnd(52)} ${insert.withTriggers.p50.toFixed(3).padStart(7)} ${insert.withTriggers.p99.toFixed(3).padStart(7)} ${`${(insert.withTriggers.p50 / insert.plain.p50).toFixed(2)}×`.padStart(13)}`);
  console.log(`  conversation list with unread counts, 200 conversations, through RLS: p50 ${figures.conversationList.p50.toFixed(3)} ms, p99 ${figures.conversationList.p99.toFixed(3)} ms`);
  console.log(dim(`\nconversation list (as the person, RLS on):\n${figures.plan}`));
}
