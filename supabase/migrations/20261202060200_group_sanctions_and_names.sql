-- Groups: sanctions that stick, names as they were, message ids nobody else can hit (issue 14).
-- * A name shown for a group message is the one that applied when it was written: stored with the message
--   (group_messages.sender_name), so a member who wrote as "Member #1271" in anonymous mode is not relabelled with
--   their real name when they turn it off later (nor the reverse). The name becomes "[former member]" only when the
--   membership itself goes (account deletion).
-- * Rejoining never clears a sanction: a mute outlives leave and rejoin, and a declined join request keeps the
--   membership row (as left) so that a mute it carries is not lost; bans already kept people out.
-- * Message ids are derived from the sender and their client-made idempotency key, as in chat: someone else's id is a
--   new message, never a 409 that confirms it exists.
--
-- Security definer functions: the replaced ones keep their reasons from the groups migrations.

alter table public.group_messages add column sender_name text;
update public.group_messages as m set sender_name = private.group_sender_name(m.sender_member_id);
alter table public.group_messages alter column sender_name set not null;
comment on column public.group_messages.sender_name is
  'The name the sender showed in the group when they wrote it (pseudonym or public name), kept as it was; "[former member]" once their membership is gone.';
comment on column public.group_messages.sender_member_id is 'The sending member (null once the membership is gone); never an account id.';

-- The name is the database's to record, however the message is written.
create function private.name_group_message_sender()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sender_name := private.group_sender_name(new.sender_member_id);
  return new;
end;
$$;
comment on function private.name_group_message_sender() is 'Trigger: a new group message records the name its sender shows in the group now.';
create trigger group_messages_name_sender
  before insert on public.group_messages
  for each row execute function private.name_group_message_sender();

-- However a membership goes (account deletion cascades it), its messages stop carrying the name it showed.
create function private.forget_departed_group_sender()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sender_name := '[former member]';
  return new;
end;
$$;
comment on function private.forget_departed_group_sender() is 'Trigger: a message whose sender''s membership is gone shows "[former member]".';
create trigger group_messages_forget_departed_sender
  before update of sender_member_id on public.group_messages
  for each row when (old.sender_member_id is not null and new.sender_member_id is null)
  execute function private.forget_departed_group_sender();

create function private.group_message_id_for(client_message_id uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select private.opaque_id('group_message', auth.uid()::text || ':' || client_message_id::text);
$$;
comment on function private.group_message_id_for(uuid) is
  'The stored id of the caller''s group message sent with this client-made key: the same key always gives the same id, and nobody else''s key can give it.';

-- (public.join_group: as this change leaves it, in 20261202080100_group_member_handles.)
-- (public.moderate_group_member: as this change leaves it, in 20261202090100_group_identities_second_review.)
-- (public.send_group_message: as this change leaves it, in 20261202090100_group_identities_second_review.)
-- (public.list_group_messages: as this change leaves it, in 20261202080100_group_member_handles.)
-- (private.broadcast_group_message: as this change leaves it, in 20261202080100_group_member_handles.)
revoke execute on all functions in schema private from public;
grant execute on function private.group_message_id_for(uuid) to authenticated;
