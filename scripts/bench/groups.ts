/**
 * `npm run bench` section: support groups at scale. BENCH_GROUPS groups (10k) and BENCH_MEMBERSHIPS memberships (1M,
 * 50 groups for each of 20k people), generated in SQL; then:
 * - `list_groups` for one person (a category filter, joined only, and a search), as that person (role, claims, the
 *   browse check) against the same call as the superuser, timed in the database, with the real plans;
 * - a group message sent as a member of a 1000-member group (checks, flagging, broadcast) against a plain insert.
 *   The broadcast is one row on group:<id> whatever the group's size: Realtime fans it out to subscribers.
 * - groupMessagesGrowth: a page of that group's messages (rpc list_group_messages, limit 50, as a member: their
 *   claims and role as PostgREST sets them, timed in the database BENCH_GROWTH_QUERIES times) with
 *   BENCH_GROUP_MESSAGES messages in the group (10,000) and BENCH_GROUP_OTHER_MESSAGES in the other groups (100,000,
 *   spread evenly), then with 10x both (the 9x added are older, so the page holds the same 50 rows). Each size is
 *   timed once the table is settled (vacuumed, analyzed, checkpointed, no autovacuum running) and EXPLAINed after the
 *   timed loop's warm-up (the listing query inside the function), with the shared buffers a call touches and whether
 *   the page is one index range. The messages are bulk rows (triggers off, as the memberships are) with the
 *   sender's handle, name and anonymity filled in as the naming trigger fills them, inserted oldest first across all
 *   groups, as they would arrive.
 */
import type postgres from 'postgres';
import { connect } from '../lib/stack.ts';
import { dim } from '../lib/steps.ts';
import { actAs, executionMs, executionTimes, growthIterations, nestedPlans, type PageAtSize, pagePlan, printGrowthRows, settle, summarize, type Timing } from './measure.ts';
import type { Ratios } from './ratios.ts';

export type GroupFigures = {
  groups: number;
  memberships: number;
  rows: Array<{ name: string; asPerson: Timing; asSuperuser: Timing }>;
  send: { withTriggers: Timing; plain: Timing };
  plans: string[];
  /** A page of the 1000-member group's messages at 1x and at 10x (the group's messages and the other groups'). */
  messageGrowth: { atOne: PageAtSize; atTen: PageAtSize };
  ratios: Ratios;
};

const claimsOf = (userId: string) => JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated', is_anonymous: false });

/**
 * Bulk messages (triggers off): the group `big` gets its messages numbered big.from..big.to, every other group with
 * active members its own numbered others.from..others.to, message j written j × 30 s (big) or j × 10 min ago, by one
 * of up to 20 (big) or 5 members in turn; inserted oldest first across all groups, as they would arrive.
 */
async function insertGroupMessages(sql: postgres.Sql, bigId: string, big: { from: number; to: number }, others: { from: number; to: number }): Promise<void> {
  await sql`set session_replication_role = replica`;
  try {
    await sql`
      insert into public.group_messages (id, group_id, sender_member_id, sender_handle, sender_name, sender_is_anonymous, content, created_at)
      select gen_random_uuid(), s.group_id, s.id, s.handle, s.name, s.anonymous, 'Checking in (' || j || '): how is everyone today?', at
      from (
        select s.*, j, now() - make_interval(secs => j * case when s.group_id = ${bigId}::uuid then 30 else 600 end + s.k) as at
        from bench_message_senders as s
        cross join lateral generate_series(case when s.group_id = ${bigId}::uuid then ${big.from}::int else ${others.from}::int end,
                                           case when s.group_id = ${bigId}::uuid then ${big.to}::int else ${others.to}::int end) as j
        where s.k = j % s.senders
      ) as s
      order by at`;
  } finally {
    await sql`set session_replication_role = origin`;
  }
  await settle(sql, ['public.group_messages']);
}

/** The page of `bigId`'s messages at the current size: the group's messages and the others', p50, plan. */
async function messagePageAtSize(url: string, sql: postgres.Sql, bigId: string, claims: string): Promise<PageAtSize> {
  const statement = `select * from public.list_group_messages("groupId" => '${bigId}', "limit" => 50)`;
  const [{ mine, others }] = await sql<{ mine: number; others: number }[]>`
    select count(*) filter (where group_id = ${bigId})::int as mine, count(*) filter (where group_id <> ${bigId})::int as others
    from public.group_messages`;
  const timing = await executionTimes(sql, claims, statement, growthIterations());
  const page = await pagePlan(url, claims, statement,
    { table: 'group_messages', index: 'group_messages_group_id_created_at_id_idx', limit: 50, marker: 'order by m.created_at desc, m.id desc' });
  return { mine, others, timing, page };
}

export async function measureGroups(url: string, onProgress: (message: string) => void): Promise<GroupFigures> {
  const groupCount = Number(process.env.BENCH_GROUPS ?? 10_000);
  const people = Number(process.env.BENCH_GROUP_PEOPLE ?? 20_000);
  const perPerson = Number(process.env.BENCH_GROUPS_PER_PERSON ?? 50);
  const iterations = Number(process.env.BENCH_QUERIES ?? 200);
  const groupMessages = Number(process.env.BENCH_GROUP_MESSAGES ?? 10_000);
  const otherMessages = Number(process.env.BENCH_GROUP_OTHER_MESSAGES ?? 100_000);
  const sql = connect(url, { max: 1 });
  try {
    const [owner] = await sql<{ id: string }[]>`
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
      values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-group-owner@example.com', '{}', false, now(), now())
      returning id`;
    await sql`update public.profiles set role = 'therapist' where id = ${owner.id}`;
    await sql`
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-grouper-' || n || '@example.com',
             jsonb_build_object('bench_grouper', n), false, now(), now()
      from generate_series(1, ${people}::int) as n`;
    onProgress(`${people.toLocaleString('en-US')} people signed up`);
    const words = ['Anxiety', 'Calm', 'Recovery', 'Students', 'Grief', 'Parents', 'Carers', 'Rainbow', 'Evening', 'Morning', 'Circle', 'Together'];
    await sql`
      insert into public.support_groups (name, description, category_id, created_by)
      select (${words}::text[])[1 + n % 12] || ' ' || (${words}::text[])[1 + (n / 12) % 12] || ' ' || n,
             'A bench group about ' || lower((${words}::text[])[1 + n % 12]), (select array_agg(id order by sort_order) from public.group_categories)[1 + n % 12],
             ${owner.id}
      from generate_series(1, ${groupCount}::int) as n`;
    onProgress(`${groupCount.toLocaleString('en-US')} groups`);
    // Memberships in bulk without per-row triggers, then the counts in one statement.
    await sql`set session_replication_role = replica`;
    await sql`
      with grouped as (select id, row_number() over (order by id) as k from public.support_groups),
           person as (select id, (raw_user_meta_data ->> 'bench_grouper')::int as n from auth.users where raw_user_meta_data ? 'bench_grouper')
      insert into private.group_members (group_id, user_id, status, joined_at)
      select g.id, p.id, 'active', now()
      from person as p cross join generate_series(0, ${perPerson - 1}::int) as j
      join grouped as g on g.k = 1 + ((p.n * 7919 + j * 104729) % ${groupCount}::int)
      on conflict do nothing`;
    await sql`set session_replication_role = origin`;
    await sql`update public.support_groups as g set member_count = counted.members
              from (select group_id, count(*)::int as members from private.group_members where status = 'active' group by group_id) as counted
              where counted.group_id = g.id`;
    await sql`analyze public.support_groups, private.group_members`;
    const [{ memberships }] = await sql<{ memberships: number }[]>`select count(*)::int as memberships from private.group_members`;
    onProgress(`${memberships.toLocaleString('en-US')} memberships`);

    const [reader] = await sql<{ id: string }[]>`select id from auth.users where raw_user_meta_data ->> 'bench_grouper' = '777'`;
    const readerClaims = claimsOf(reader.id);
    const queries = [
      ['list_groups: category, first page', `select * from public.list_groups(category => 'Anxiety')`],
      ['list_groups: joined only', `select * from public.list_groups(joined => true)`],
      ['list_groups: search "calm circle"', `select * from public.list_groups(search => 'calm circle')`],
    ] as const;
    const rows = [];
    for (const [name, statement] of queries) {
      rows.push({
        name,
        asPerson: await executionTimes(sql, readerClaims, statement, Math.min(iterations, 100)),
        asSuperuser: await executionTimes(sql, readerClaims, statement, Math.min(iterations, 100), true),
      });
    }
    const plans = [];
    for (const [name, statement] of queries) plans.push(`${name}:\n${await nestedPlans(url, readerClaims, statement)}`);

    // A 1000-member group, 20 senders so that nobody reaches the per-minute limit.
    const [big] = await sql<{ id: string }[]>`select id from public.support_groups order by member_count desc limit 1`;
    await sql`
      insert into private.group_members (group_id, user_id, status, joined_at)
      select ${big.id}, u.id, 'active', now() from auth.users as u
      where u.raw_user_meta_data ? 'bench_grouper' and not exists (select 1 from private.group_members as m where m.group_id = ${big.id} and m.user_id = u.id)
      limit greatest(0, 1000 - (select member_count from public.support_groups where id = ${big.id}))`;
    const senders = await sql<{ user_id: string; id: string }[]>`
      select user_id, id from private.group_members where group_id = ${big.id} and status = 'active' and role = 'member' limit 20`;
    await sql`create table if not exists private.bench_plain_group_messages (like public.group_messages including defaults)`;
    const withTriggers: number[] = [];
    const plain: number[] = [];
    for (let index = 0; index < iterations; index += 1) {
      const sender = senders[index % senders.length];
      withTriggers.push(await sql.begin(async (tx) => {
        await actAs(tx, claimsOf(sender.user_id));
        return await executionMs(tx, `select public.send_group_message("groupId" => '${big.id}', content => 'Checking in: how is everyone today?', "messageId" => gen_random_uuid())`);
      }));
      plain.push(await sql.begin(async (tx) => executionMs(tx,
        `insert into private.bench_plain_group_messages (id, group_id, sender_member_id, sender_handle, sender_name, content) values (gen_random_uuid(), '${big.id}', '${sender.id}', gen_random_uuid(), 'Member #0000', 'Checking in: how is everyone today?')`)));
    }
    await sql`drop table private.bench_plain_group_messages`;

    // groupMessagesGrowth: the group's messages and the other groups', at 1x then 10x. Senders: up to 20 members of
    // the group, 5 of each other, with the handle, name and anonymity the naming trigger would give their messages.
    await sql`
      create temporary table bench_message_senders as
      select s.id, s.group_id, private.group_member_handle(s.m) as handle, private.group_member_name(s.m) as name,
             not ((s.m).use_display_name and not (p.anonymous_mode or p.display_name is null)) as anonymous,
             s.k::int, count(*) over (partition by s.group_id)::int as senders
      from (select m, m.id, m.group_id, m.user_id, row_number() over (partition by m.group_id order by m.id) - 1 as k
            from private.group_members as m where m.status = 'active') as s
      join public.profiles as p on p.id = s.user_id
      where s.k < case when s.group_id = ${big.id}::uuid then 20 else 5 end`;
    const [{ withMembers }] = await sql<{ withMembers: number }[]>`
      select count(distinct group_id)::int as "withMembers" from bench_message_senders where group_id <> ${big.id}`;
    const perOther = Math.max(1, Math.round(otherMessages / Math.max(1, withMembers)));
    const [{ sent }] = await sql<{ sent: number }[]>`select count(*)::int as sent from public.group_messages where group_id = ${big.id}`;
    const readerClaimsInBig = claimsOf(senders[0].user_id);
    await insertGroupMessages(sql, big.id, { from: 1, to: groupMessages - sent }, { from: 1, to: perOther });
    const atOne = await messagePageAtSize(url, sql, big.id, readerClaimsInBig);
    onProgress(`group message page at 1x (${atOne.mine.toLocaleString('en-US')} in the group, ${atOne.others.toLocaleString('en-US')} in others): p50 ${atOne.timing.p50.toFixed(3)} ms`);
    await insertGroupMessages(sql, big.id, { from: groupMessages - sent + 1, to: 10 * groupMessages - sent }, { from: perOther + 1, to: 10 * perOther });
    const atTen = await messagePageAtSize(url, sql, big.id, readerClaimsInBig);
    onProgress(`group message page at 10x (${atTen.mine.toLocaleString('en-US')} in the group, ${atTen.others.toLocaleString('en-US')} in others): p50 ${atTen.timing.p50.toFixed(3)} ms`);
    await sql`drop table bench_message_senders`;

    return {
      groups: groupCount, memberships, rows, send: { withTriggers: summarize(withTriggers), plain: summarize(plain) }, plans,
      messageGrowth: { atOne, atTen }, ratios: { groupMessagesGrowth: atTen.timing.p50 / atOne.timing.p50 },
    };
  } finally {
    await sql.end();
  }
}

export function printGroupFigures(figures: GroupFigures): void {
  console.log(`\nSupport groups at ${figures.groups.toLocaleString('en-US')} groups and ${figures.memberships.toLocaleString('en-US')} memberships, execution time in the database`);
  console.log(`  ${'query'.padEnd(40)} ${'person p50'.padStart(11)} ${'p99'.padStart(7)} ${'super p50'.padStart(10)} ${'p99'.padStart(7)} ${'ratio'.padStart(7)}`);
  for (const row of figures.rows) {
    console.log(`  ${row.name.padEnd(40)} ${row.asPerson.p50.toFixed(3).padStart(11)} ${row.asPerson.p99.toFixed(3).padStart(7)} ${row.asSuperuser.p50.toFixed(3).padStart(10)} ${row.asSuperuser.p99.toFixed(3).padStart(7)} ${`${(row.asPerson.p50 / row.asSuperuser.p50).toFixed(2)}×`.padStart(7)}`);
  }
  const { send } = figures;
  console.log(`  message to a 1000-member group: sent as a member p50 ${send.withTriggers.p50.toFixed(3)} ms (p99 ${send.withTriggers.p99.toFixed(3)}), plain insert p50 ${send.plain.p50.toFixed(3)} ms: ${(send.withTriggers.p50 / send.plain.p50).toFixed(1)}×`);
  const { atOne, atTen } = figures.messageGrowth;
  console.log(`\n  a page of 50 of that group's messages as a member, at 10x the messages vs 1x ${dim('(groupMessagesGrowth, target ≤ 1.5)')}`);
  printGrowthRows([['10x', atTen], ['1x (baseline)', atOne]], 'the group');
  console.log(`  ${'groupMessagesGrowth (p50 10x / 1x)'.padEnd(44)} ${`${figures.ratios.groupMessagesGrowth?.toFixed(2)}×`.padStart(8)}`);
  console.log(dim(`\n${figures.plans.join('\n\n')}`));
  console.log(dim(`\ngroup message page at 1x, listing query (${atOne.page.verdict}):\n${atOne.page.plan}\n\ngroup message page at 10x, listing query (${atTen.page.verdict}):\n${atTen.page.plan}`));
}
