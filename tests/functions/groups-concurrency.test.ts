/**
 * Group membership under real concurrency, through the real PostgREST as the frontend calls it (supabase-js, each
 * call its own HTTP request and transaction): many people joining and leaving one group at once leave member_count
 * exactly equal to the active members, and a member cap is never exceeded.
 */
import { describe, expect, it } from 'vitest';
import { succeeded } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

async function groupCreatedBy(prefix: string, memberCap: number | null): Promise<string> {
  const owner = await createUser(`${prefix}-owner`);
  await adminSql()`update public.profiles set role = 'therapist' where id = ${owner.id}`;
  const group = succeeded(await (await supabaseAs(owner)).from('support_groups')
    .insert({ name: `${prefix} group`, description: 'concurrency', category_id: 'general', member_cap: memberCap })
    .select('id').single(), 'from(support_groups).insert as a therapist');
  return group.id;
}

/** rpc(join_group) as `person`, each call its own HTTP request: what it answers, success or refusal. */
async function answerToJoin(person: TestUser, groupId: string) {
  return await (await supabaseAs(person)).rpc('join_group', { groupId });
}

/** Joins, or fails the test. */
async function join(person: TestUser, groupId: string): Promise<void> {
  succeeded(await answerToJoin(person, groupId), `rpc(join_group) by ${person.identifier}`);
}

/** Leaves, or fails the test. */
async function leave(person: TestUser, groupId: string): Promise<void> {
  succeeded(await (await supabaseAs(person)).rpc('leave_group', { groupId }), `rpc(leave_group) by ${person.identifier}`);
}

describe('member_count', () => {
  it('stays exact when 40 people join, 15 of them leave, and 10 join twice, all at once', async () => {
    const groupId = await groupCreatedBy('race-count', null);
    const people = await Promise.all(Array.from({ length: 40 }, (_, index) => createUser(`race-joiner-${index}`)));
    await Promise.all(people.map((person) => join(person, groupId)));
    await Promise.all([
      ...people.slice(0, 15).map((person) => leave(person, groupId)),
      ...people.slice(15, 25).map((person) => join(person, groupId)),
      ...people.slice(0, 5).map((person) => leave(person, groupId)),
    ]);
    const [row] = await adminSql()<{ member_count: number; active: number }[]>`
      select g.member_count, (select count(*)::int from private.group_members as m where m.group_id = g.id and m.status = 'active') as active
      from public.support_groups as g where g.id = ${groupId}`;
    expect(row.member_count).toBe(row.active);
    expect(row.active).toBe(1 + 40 - 15);
  });

  it('never exceeds the member cap when more people join at once than there is room for', async () => {
    const groupId = await groupCreatedBy('race-cap', 10);
    const people = await Promise.all(Array.from({ length: 25 }, (_, index) => createUser(`race-cap-${index}`)));
    const outcomes = await Promise.all(people.map(async (person) => {
      const { error } = await answerToJoin(person, groupId);
      return error ? error.code : 'joined';
    }));
    expect(outcomes.filter((outcome) => outcome === 'joined')).toHaveLength(9);
    expect(outcomes.filter((outcome) => outcome === 'PT409')).toHaveLength(16);
    const [{ member_count: memberCount }] = await adminSql()`select member_count from public.support_groups where id = ${groupId}`;
    expect(memberCount).toBe(10);
  });
});
