/**
 * Identity through the data API, as the frontend calls it (README "Identity"): GET/PUT /users/profile (my_profile with
 * the seed's keys, and the profiles table behind it), PUT /users/privacy (update_privacy_settings, the seed's body as
 * the request body) and other people's cards (public_profiles), each from the side
 * that may and the sides that may not: the anon key, another signed-in person, an anonymous sign-in.
 * Real supabase-js against real PostgREST; statuses and codes as supabase-js returns them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let ava: TestUser;
let ben: TestUser;
let guest: TestUser;
let avaPublicId: string;

beforeAll(async () => {
  [ava, ben, guest] = await Promise.all([
    createUser('id-ava', { metadata: { firstName: 'Ava', lastName: 'Identity', phone: '+14155550123', timeZone: 'Europe/Lisbon' } }),
    createUser('id-ben', { metadata: { firstName: 'Ben', lastName: 'Identity' } }),
    createUser('id-guest', { anonymous: true }),
  ]);
  [{ public_id: avaPublicId }] = await adminSql()<{ public_id: string }[]>`select public_id::text from public.profiles where id = ${ava.id}`;
});

describe('GET /users/profile: from(my_profile).select().single()', () => {
  it('answers the caller their own profile in the seed shape, camelCase, with all eight privacy settings', async () => {
    const data = ok(await (await supabaseAs(ava)).from('my_profile').select().single());
    expect(data).toMatchObject({
      id: ava.id, firstName: 'Ava', lastName: 'Identity', phone: '+14155550123', timeZone: 'Europe/Lisbon', role: 'client',
      isActive: true, isAnonymous: false, publicId: avaPublicId, interests: [],
    });
    expect(Object.keys(data.privacySettings as object).sort()).toEqual(
      ['allowMessages', 'anonymousMode', 'hideDateOfBirth', 'hideInterests', 'hideLocation', 'hideOccupation', 'hidePhone', 'showActivity']);
  });

  it('an anonymous sign-in reads its own profile too (isAnonymous, in anonymous mode)', async () => {
    const data = ok(await (await supabaseAs(guest)).from('my_profile').select('id, isAnonymous, privacySettings').single());
    expect(data).toMatchObject({ id: guest.id, isAnonymous: true, privacySettings: { anonymousMode: true } });
  });

  it('another person gets only their own row; .single() on a filter for someone else is 406 PGRST116', async () => {
    const supabase = await supabaseAs(ben);
    empty(await supabase.from('my_profile').select('id').eq('id', ava.id));
    refused(await supabase.from('my_profile').select('id').eq('id', ava.id).single(), 406, 'PGRST116');
  });

  it('the anon key alone: 401 42501', async () => {
    anonRefused(await (await supabaseAs()).from('my_profile').select().single());
  });
});

describe('PUT /users/profile: from(my_profile).update({ … }).eq(id, userId), with the seed\'s keys', () => {
  it('the owner updates the editable fields (204) and reads them back', async () => {
    const supabase = await supabaseAs(ava);
    ok(await supabase.from('my_profile').update({ bio: 'Learning to rest', location: 'Lisbon', interests: ['running', 'books'] }).eq('id', ava.id), 204);
    const data = ok(await supabase.from('my_profile').select('bio, location, interests').single());
    expect(data).toEqual({ bio: 'Learning to rest', location: 'Lisbon', interests: ['running', 'books'] });
  });

  it('answers the updated profile in the seed shape with .select().single(); what is not sent stays', async () => {
    const supabase = await supabaseAs(ava);
    const data = ok(await supabase.from('my_profile').update({ firstName: 'Avery', occupation: 'Nurse' }).eq('id', ava.id).select().single());
    expect(data).toMatchObject({ id: ava.id, firstName: 'Avery', lastName: 'Identity', occupation: 'Nurse', bio: 'Learning to rest', role: 'client', timeZone: 'Europe/Lisbon' });
    const [row] = await adminSql()`select first_name, display_name from public.profiles where id = ${ava.id}`;
    expect(row).toEqual({ first_name: 'Avery', display_name: 'Avery Identity' });
    ok(await supabase.from('my_profile').update({ firstName: 'Ava' }).eq('id', ava.id), 204);
  });

  it('privacySettings changes only the keys that changed; an unknown key is 400 PT400', async () => {
    const supabase = await supabaseAs(ava);
    const { privacySettings } = ok(await supabase.from('my_profile').select('privacySettings').single());
    // `as never`: the generated types take privacySettings as read-only (a computed column; the view's trigger writes it).
    const data = ok(await supabase.from('my_profile').update({ privacySettings: { ...(privacySettings as object), showActivity: false } } as never).eq('id', ava.id)
      .select('privacySettings').single());
    expect(data.privacySettings).toEqual({ ...(privacySettings as object), showActivity: false });
    refused(await supabase.from('my_profile').update({ privacySettings: { hideEmail: true } } as never).eq('id', ava.id), 400, 'PT400', 'Unknown privacy setting: hideEmail');
  });

  it('the table behind it answers the updated row with .select(): the owner reads every column of their own profile, select() alone included', async () => {
    // Only updates are column-granted on profiles; reads are not (README lists profiles among the tables whose
    // select() fails, which holds for support_groups and group_messages but not here).
    const data = ok(await (await supabaseAs(ava)).from('profiles').update({ occupation: 'Nurse' }).eq('id', ava.id).select().single());
    expect(data).toMatchObject({ id: ava.id, occupation: 'Nurse', role: 'client', first_name: 'Ava' });
  });

  it('a check constraint (phone not E.164) is 400 with 23514', async () => {
    refused(await (await supabaseAs(ava)).from('my_profile').update({ phone: '555-0100' }).eq('id', ava.id), 400, '23514');
  });

  it('managed fields (role, isActive, email, pseudonym, publicId) are not writable: 403 42501, through my_profile or the table', async () => {
    const supabase = await supabaseAs(ava);
    for (const change of [{ role: 'admin' as const }, { isActive: false }, { email: 'me@evil.test' }, { pseudonym: 'Chosen' }, { publicId: crypto.randomUUID() }]) {
      forbidden(await supabase.from('my_profile').update(change).eq('id', ava.id));
    }
    for (const change of [{ role: 'admin' as const }, { is_active: false }, { email: 'me@evil.test' }, { pseudonym: 'Chosen' }]) {
      forbidden(await supabase.from('profiles').update(change).eq('id', ava.id));
    }
    const [row] = await adminSql()`select role::text, is_active, email from public.profiles where id = ${ava.id}`;
    expect(row).toEqual({ role: 'client', is_active: true, email: ava.email });
  });

  it('another person updating Ava\'s row changes nothing: my_profile is only ever their own, RLS filters the table (200, no row)', async () => {
    const supabase = await supabaseAs(ben);
    empty(await supabase.from('my_profile').update({ bio: 'hijacked' }).eq('id', ava.id).select('id'));
    empty(await supabase.from('profiles').update({ bio: 'hijacked' }).eq('id', ava.id).select('id'));
    empty(await supabase.from('profiles').select('id, bio').eq('id', ava.id));
    const [row] = await adminSql()`select bio from public.profiles where id = ${ava.id}`;
    expect(row.bio).toBe('Learning to rest');
  });

  it('nobody inserts or deletes profiles through the API (403 42501), the anon key gets 401', async () => {
    const supabase = await supabaseAs(ben);
    forbidden(await supabase.from('my_profile').insert({ id: crypto.randomUUID() }));
    forbidden(await supabase.from('my_profile').delete().eq('id', ben.id));
    forbidden(await supabase.from('profiles').insert({ id: crypto.randomUUID() } as never));
    forbidden(await supabase.from('profiles').delete().eq('id', ben.id));
    anonRefused(await (await supabaseAs()).from('my_profile').update({ bio: 'x' }).eq('id', ava.id));
    anonRefused(await (await supabaseAs()).from('profiles').update({ bio: 'x' }).eq('id', ava.id));
    anonRefused(await (await supabaseAs()).from('profiles').select('id'));
  });
});

// types/database.ts predates migration 20261202120000: its update_privacy_settings takes `settings`, hence the casts of
// the seed's body until it is regenerated.
describe('PUT /users/privacy: rpc(update_privacy_settings, body): the seed\'s body as it is', () => {
  it('changes the keys given and answers all eight', async () => {
    const data = ok(await (await supabaseAs(ben)).rpc('update_privacy_settings', { hideOccupation: true, allowMessages: false } as never));
    expect(data).toEqual({
      hideDateOfBirth: true, hidePhone: true, hideLocation: true, hideOccupation: true, hideInterests: false,
      anonymousMode: false, showActivity: true, allowMessages: false,
    });
  });

  it('a non-boolean value or the old wrapped body is 400 PT400, an array 400 PGRST102; each changes nothing', async () => {
    const supabase = await supabaseAs(ben);
    refused(await supabase.rpc('update_privacy_settings', { hidePhone: 'yes' } as never), 400, 'PT400', 'Privacy setting hidePhone must be true or false');
    refused(await supabase.rpc('update_privacy_settings', [true] as never), 400, 'PGRST102'); // PostgREST takes no array body for an RPC
    refused(await supabase.rpc('update_privacy_settings', { settings: { hidePhone: false } } as never), 400, 'PT400', 'Unknown privacy setting: settings');
    const data = ok(await supabase.from('my_profile').select('privacySettings').single());
    expect(data.privacySettings).toMatchObject({ hidePhone: true });
  });

  it('the anon key alone: 401 42501', async () => {
    anonRefused(await (await supabaseAs()).rpc('update_privacy_settings', { hidePhone: false } as never));
  });
});

describe('other people: from(public_profiles).select().order(displayName).order(id).limit(50)', () => {
  it('a signed-in person sees Ava\'s card by public id, her hidden fields null and her account id nowhere', async () => {
    const rows = ok(await (await supabaseAs(ben)).from('public_profiles').select().eq('id', avaPublicId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: avaPublicId, displayName: 'Ava Identity', isPseudonym: false, firstName: 'Ava', phone: null, location: null,
      occupation: 'Nurse', interests: ['running', 'books'], isTherapist: false, allowMessages: true,
    });
    expect(Object.keys(rows[0]).sort()).toEqual(['allowMessages', 'avatarPath', 'bio', 'dateOfBirth', 'displayName', 'firstName', 'id', 'interests',
      'isPseudonym', 'isTherapist', 'lastName', 'location', 'occupation', 'phone', 'updatedAt']);
    expect(JSON.stringify(rows)).not.toContain(ava.id);
  });

  it('the documented page query answers 200 with at most 50 cards in name order', async () => {
    const rows = ok(await (await supabaseAs(ben)).from('public_profiles').select().order('displayName').order('id').limit(50));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(50);
    const names = rows.map((row) => row.displayName);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('an anonymous sign-in browses nobody (200, empty), the anon key gets 401', async () => {
    empty(await (await supabaseAs(guest)).from('public_profiles').select('id').eq('id', avaPublicId));
    anonRefused(await (await supabaseAs()).from('public_profiles').select('id'));
  });

  it('cards are read-only: an insert through the view is 403 42501', async () => {
    forbidden(await (await supabaseAs(ben)).from('public_profiles').insert({ displayName: 'Fake' } as never));
  });
});
