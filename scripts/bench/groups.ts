/**
 * `npm run bench` section: support groups at scale. BENCH_GROUPS groups (10k) and BENCH_MEMBERSHIPS memberships (1M,
 * 50 groups for each of 20k people), generated in SQL; then:
 * - `list_groups` for one person (a category filter, joined only, and a search), as that person (role, claims, the
 *   browse check) against the same call as the superuser, timed in the database, with the real plans;
 * - a group message sent as a member of a 1000-member group (checks, flagging, broadcast) against a plain insert.
 *   The broadcast is one row on group:<id> whatever the group's size: Realtime fans it out to subscribers.
 */
import { connect } from '../lib/stack.ts';
import { dim } from '../lib/steps.ts';
import { actAs, executionMs, executionTimes, nestedPlans, summarize, type Timing } from './measure.ts';

export type GroupFigures = {
  groups: number;
  memberships: number;
  rows: Array<{ name: string; asPerson: Timing; asSuperuser: Timing }>;
  send: { withTriggers: Timing; plain: Timing };
  plans: string[];
};

const claimsOf = (userId: string) => JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated', is_anonymous: false });

export async function measureGroups(url: string, onProgress: (message: string) => void): Promise<GroupFigures> {
  const groupCount = Number(process.env.BENCH_GROUPS ?? 10_000);
  const people = Number(process.env.BENCH_GROUP_PEOPLE ?? 20_000);
  const perPerson = Number(process.env.BENCH_GROUPS_PER_PERSON ?? 50);
  const iterations = Number(process.env.BENCH_QUERIES ?? 200);
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
    return { groups: groupCount, memberships, rows, send: { withTriggers: summarize(withTriggers), plain: summarize(plain) }, plans };
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
  console.log(dim(`\n${figures.plans.join('\n\n')}`));
}
