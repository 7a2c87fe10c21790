/**
 * Group membership under real concurrency: many people joining and leaving one group at once leave member_count
 * exactly equal to the active members, and a member cap is never exceeded.
 */
import { describe, expect, it } from 'vitest';
import { adminSql, asUser, createUser } from '../support/stack.ts';

async function groupCreatedBy(prefix: string, memberCap: number | null): Promise<string> {
  const owner = await createUser(`${prefix}-owner`);
  await adminSql()`update public.profiles set role = 'therapist' where id = ${owner.id}`;
  const [group] = await asUser(owner, (tx) => tx<{ id: string }[]>`
    insert into public.support_groups (name, description, category_id, member_cap)
    values (${`${prefix} group`}, 'concurrency', 'general', ${memberCap}) returning id`);
  return group.id;
}

describe('member_count', () => {
  it('stays exact when 40 people join, 15 of them leave, and 10 join twice, all at once', async () => {
    const groupId = await groupCreatedBy('race-count', null);
    const people = await Promise.all(Array.from({ length: 40 }, (_, index) => createUser(`race-joiner-${index}`)));
    await Promise.all(people.map((person) => asUser(person, (tx) => tx`select public.join_group(${groupId})`)));
    await Promise.all([
      ...people.slice(0, 15).map((person) => asUser(person, (tx) => tx`select public.leave_group(${groupId})`)),
      ...people.slice(15, 25).map((person) => asUser(person, (tx) => tx`select public.join_group(${groupId})`)),
      ...people.slice(0, 5).map((person) => asUser(person, (tx) => tx`select public.leave_group(${groupId})`)),
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
    const outcomes = await Promise.all(people.map((person) =>
      asUser(person, (tx) => tx`select public.join_group(${groupId})`).then(() => 'joined', (error: { code?: string }) => error.code)
    ));
    expect(outcomes.filter((outcome) => outcome === 'joined')).toHaveLength(9);
    expect(outcomes.filter((outcome) => outcome === 'PT409')).toHaveLength(16);
    const [{ member_count: memberCount }] = await adminSql()`select member_count from public.support_groups where id = ${groupId}`;
    expect(memberCount).toBe(10);
  });
});
