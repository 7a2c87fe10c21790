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

-- (private.refresh_profile_card: as this change leaves it, in 20261202090000_identity_listing_and_card_flags.)
revoke execute on all functions in schema private from public;
grant execute on function private.chat_edit_window() to authenticated;
