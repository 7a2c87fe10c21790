-- Two residues of the block and card reviews (issue 14).
-- * Edits: withholding an edited message from a blocked partner made it vanish from their view, which no ordinary
--   edit does, so the edit told each side of the block. Edits are now ordinary for everyone, and allowed for 15
--   minutes after a message was sent: a block cannot be told from an edit, and what a blocked person can still
--   change in front of the other is a message sent at most 15 minutes before the block.
-- * Listing: a new public identity is listed at a random full hour 1 to 6 hours ahead (it was the next hour), so a
--   card that appears is not paired with one that vanished by the hour, even where few people change identity.

create function private.chat_edit_window()
returns interval
language sql
immutable
set search_path = ''
as $$ select interval '15 minutes' $$;
comment on function private.chat_edit_window() is 'How long after sending a chat message can be edited (deleting has no limit).';

create or replace function private.check_chat_message_update()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if new.deleted_at is not null or new.removed_at is not null then
    new.content := null;
  elsif new.content is distinct from old.content then
    if current_user in ('authenticated', 'anon') then
      if exists (select 1 from public.chat_conversations as c where c.id = new.conversation_id and c.ended_at is not null) then
        raise exception 'This conversation has ended' using errcode = 'PT409';
      end if;
      if old.created_at < now() - private.chat_edit_window() then
        raise exception 'A message can be edited for 15 minutes after it was sent' using errcode = 'PT409';
      end if;
      -- An edit reaches the partner like a message: it counts toward the same rate limit.
      perform private.check_chat_send_rate();
    end if;
    new.content := btrim(new.content);
    new.edited_at := now();
  end if;
  return new;
end;
$$;

create or replace function private.flag_edited_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  matched bigint := private.crisis_phrase_in(new.content);
begin
  if matched is not null then
    insert into private.chat_message_flags (message_id, phrase_id) values (new.id, matched) on conflict (message_id) do nothing;
  end if;
  return null;
end;
$$;
comment on function private.flag_edited_chat_message() is 'Trigger: crisis flagging of edited message text.';

create or replace function private.refresh_profile_card()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  masked boolean := new.anonymous_mode or new.display_name is null;
  hidden boolean := new.anonymous_mode;
  -- A new public identity is listed at a full hour drawn at random 1 to 6 hours ahead, with that hour as its
  -- updated_at: identities that changed over several hours appear mixed, so none is linked to the card that vanished
  -- before it by when it appears.
  next_listing timestamptz := date_trunc('hour', now()) + make_interval(hours => 1 + floor(random() * 6)::integer);
begin
  if not new.is_active then
    delete from private.profile_cards where profile_id = new.id;
    return null;
  end if;
  insert into private.profile_cards as card (
    profile_id, id, display_name, is_pseudonym, first_name, last_name, avatar_path, phone, date_of_birth, location,
    occupation, bio, interests, is_therapist, show_activity, allow_messages, listed_from, updated_at
  )
  values (
    new.id,
    new.public_id,
    case when masked then new.pseudonym else new.display_name end,
    masked,
    case when not hidden then new.first_name end,
    case when not hidden then new.last_name end,
    -- Only pictures named for the purpose: an object name built from the account id (the old <account id>/<file>)
    -- is never published.
    case when not hidden and private.is_avatar_object_name(new.avatar_path) then new.avatar_path end,
    case when not hidden and not new.hide_phone then new.phone end,
    case when not hidden and not new.hide_date_of_birth then new.date_of_birth end,
    case when not hidden and not new.hide_location then new.location end,
    case when not hidden and not new.hide_occupation then new.occupation end,
    case when not hidden then new.bio end,
    -- Anonymous mode hides interests too: with the timing of a card's appearance they would tell who it is.
    case when not hidden and not new.hide_interests then new.interests end,
    not hidden and new.role = 'therapist',
    new.show_activity,
    new.allow_messages,
    now(),
    now()
  )
  on conflict (profile_id) do update set
    id = excluded.id, display_name = excluded.display_name, is_pseudonym = excluded.is_pseudonym,
    first_name = excluded.first_name, last_name = excluded.last_name, avatar_path = excluded.avatar_path,
    phone = excluded.phone, date_of_birth = excluded.date_of_birth, location = excluded.location,
    occupation = excluded.occupation, bio = excluded.bio, interests = excluded.interests,
    is_therapist = excluded.is_therapist, show_activity = excluded.show_activity,
    allow_messages = excluded.allow_messages,
    listed_from = case when card.id is distinct from excluded.id then next_listing else card.listed_from end,
    updated_at = greatest(now(), case when card.id is distinct from excluded.id then next_listing else card.listed_from end)
  -- Only when something visible changed: otherwise updated_at would tell others that a hidden field did.
  where (card.id, card.display_name, card.is_pseudonym, card.first_name, card.last_name, card.avatar_path, card.phone,
         card.date_of_birth, card.location, card.occupation, card.bio, card.interests, card.is_therapist,
         card.show_activity, card.allow_messages)
    is distinct from
        (excluded.id, excluded.display_name, excluded.is_pseudonym, excluded.first_name, excluded.last_name,
         excluded.avatar_path, excluded.phone, excluded.date_of_birth, excluded.location, excluded.occupation,
         excluded.bio, excluded.interests, excluded.is_therapist, excluded.show_activity, excluded.allow_messages);
  return null;
end;
$$;

revoke execute on all functions in schema private from public;
grant execute on function private.chat_edit_window() to authenticated;
