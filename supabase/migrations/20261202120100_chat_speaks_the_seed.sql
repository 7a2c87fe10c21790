-- Peer chat in the seed's shapes (issue 16). The conversation list answers the seed's `partner {id, name, online}`,
-- `lastMessage`, `timestamp` and `unreadCount`; a message is `{id, content, sender {id, name}, timestamp, isAnonymous}`
-- wherever it appears (the page, the answer to a send, the Realtime payload), with HealSpace's additions in camelCase;
-- a send takes the seed's body (`content`, `recipientId`, `isAnonymous`), the client's idempotency key `messageId`
-- being optional; the page takes the seed's `limit` and `before` (a message id: the database resolves the cursor).
-- Every chat RPC takes camelCase parameters, and Realtime events are the seed's `newMessage` and camelCase names.
-- The database's own names stay inside it.

-- isAnonymous says what the partner sees: whether the alias shown is the person's name. It was the sender's request
-- (talk openly or not), which differs whenever the name could not be shown (anonymous mode, no name, or a new
-- identity still waiting for its listing hour), so "isAnonymous: false" beside a pseudonym told the partner which of
-- those it was. Decided once, when the alias is, like the alias.
alter table private.chat_participants add column shows_name boolean not null default false;
comment on column private.chat_participants.shows_name is
  'The alias is the person''s listed name (not a pseudonym), as decided when it was given: the seed''s isAnonymous is its negation.';
update private.chat_participants as p set shows_name = true
where not p.is_anonymous and p.alias not like 'Anonymous User #%';

create function private.decide_chat_participant_shows_name()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.shows_name := not new.is_anonymous and exists (
    select 1 from private.profile_cards as c
    where c.profile_id = new.user_id and not c.is_pseudonym and c.listed_from <= now() and c.display_name = new.alias);
  return new;
end;
$$;
revoke execute on function private.decide_chat_participant_shows_name() from public, anon, authenticated;
create trigger chat_participants_decide_shows_name
  before insert on private.chat_participants
  for each row execute function private.decide_chat_participant_shows_name();

-- One message, as every reader gets it: a type, so that the page, the answer to a send and the Realtime payload
-- cannot drift apart. `viewer` is the participant reading (isMine is theirs).
create type public.chat_message_item as (
  id uuid,
  "conversationId" uuid,
  content text,
  sender jsonb,
  "timestamp" timestamptz,
  "isAnonymous" boolean,
  "isMine" boolean,
  "editedAt" timestamptz,
  deleted boolean
);
comment on type public.chat_message_item is
  'A chat message as the seed answers it: id, content, sender {id, name}, timestamp, isAnonymous; plus conversationId, isMine (for the reading participant), editedAt and deleted.';

create function private.chat_message_item(message public.chat_messages, viewer uuid)
returns public.chat_message_item
language sql
stable
security definer
set search_path = ''
as $$
  select message.id, message.conversation_id, message.content,
         jsonb_build_object('id', sender.id, 'name', sender.alias),
         message.created_at, not sender.shows_name, message.sender_id = viewer, message.edited_at,
         message.deleted_at is not null or message.removed_at is not null
  from private.chat_participants as sender
  where sender.id = message.sender_id;
$$;
comment on function private.chat_message_item(public.chat_messages, uuid) is
  'A chat message in the seed''s shape for the participant `viewer`. Definer: the sender''s alias lives in private.chat_participants; callers have already decided the viewer may see the message.';
revoke execute on function private.chat_message_item(public.chat_messages, uuid) from public, anon;
grant execute on function private.chat_message_item(public.chat_messages, uuid) to authenticated;

-- The list ------------------------------------------------------------------------------------------------------------

drop view public.chat_conversation_list;
create view public.chat_conversation_list with (security_invoker = true) as
  select c.id,
         jsonb_build_object('id', partner.id, 'name', partner.alias, 'online', private.chat_partner_is_online(partner.id)) as partner,
         last_message.content as "lastMessage",
         coalesce(last_message.created_at, c.created_at) as "timestamp",
         (select count(*)::integer from public.chat_messages as m
          where m.conversation_id = c.id and m.sender_id <> me.id and m.deleted_at is null and m.removed_at is null
            and m.created_at > greatest(me.last_read_at, (select max(o.created_at) from public.chat_messages as o where o.sender_id = me.id), '-infinity'::timestamptz)
         ) as "unreadCount",
         c.kind,
         c.created_at as "createdAt",
         c.ended_at as "endedAt"
  from private.chat_memberships_of_caller() as membership (conversation_id, participant_id)
  join public.chat_conversations as c on c.id = membership.conversation_id
  join private.chat_participants as me on me.id = membership.participant_id
  left join private.chat_participants as partner on partner.conversation_id = c.id and partner.id <> me.id
  left join lateral (
    select m.content, m.created_at from public.chat_messages as m
    where m.conversation_id = c.id order by m.created_at desc, m.id desc limit 1
  ) as last_message on true;
comment on view public.chat_conversation_list is
  'GET /chat/conversations: the caller''s conversations in the seed''s shape (id, partner {id, name, online}, lastMessage, timestamp, unreadCount) plus kind, createdAt and endedAt. Order by timestamp desc.';
revoke all on public.chat_conversation_list from anon, authenticated, service_role;
grant select on public.chat_conversation_list to authenticated;
grant select, references, trigger on public.chat_conversation_list to service_role;

drop function public.list_chat_messages(uuid, integer, timestamptz, uuid);
create function private.list_chat_messages("conversationId" uuid default null, page_size integer default 50, before uuid default null)
returns setof public.chat_message_item
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := private.chat_caller_participant_id("conversationId");
  cursor_message public.chat_messages;
begin
  perform private.require_argument("conversationId", 'conversationId');
  if me is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  perform private.check_page_size(page_size, 100);
  if before is not null then
    select m.* into cursor_message from public.chat_messages as m where m.id = before and m.conversation_id = "conversationId";
    if cursor_message.id is null then
      raise exception 'before is not a message of this conversation' using errcode = 'PT400';
    end if;
  end if;
  return query
    -- In the from list, so the item is built once per row (`(f(m)).*` would call f once per column).
    select item.*
    from public.chat_messages as m
    cross join lateral private.chat_message_item(m, me) as item
    where m.conversation_id = list_chat_messages."conversationId"
      and (cursor_message.id is null or (m.created_at, m.id) < (cursor_message.created_at, cursor_message.id))
    order by m.created_at desc, m.id desc
    limit page_size;
end;
$$;
revoke execute on function private.list_chat_messages(uuid, integer, uuid) from public, anon;
grant execute on function private.list_chat_messages(uuid, integer, uuid) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.list_chat_messages("conversationId" uuid default null, "limit" integer default 50, before uuid default null)
returns setof public.chat_message_item
language sql
stable
set search_path = ''
as $$
  select * from private.list_chat_messages($1, $2, $3);
$$;
comment on function public.list_chat_messages(uuid, integer, uuid) is
  'GET /chat/conversations/:id/messages: the seed''s messages (id, content, sender {id, name}, timestamp, isAnonymous) plus isMine, editedAt, deleted; newest first; limit (default 50, at most 100) and before (the last message''s id) page through them.';
revoke execute on function public.list_chat_messages(uuid, integer, uuid) from public, anon;
grant execute on function public.list_chat_messages(uuid, integer, uuid) to authenticated;

-- Sending -------------------------------------------------------------------------------------------------------------

drop function public.send_chat_message(uuid, text, uuid, boolean, text);
create function public.send_chat_message(content text default null, "recipientId" uuid default null, "isAnonymous" boolean default true, "messageId" uuid default null, "countryCode" text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  -- The client's idempotency key; without one, every call is a new message (the seed's body has none).
  message_key uuid := coalesce("messageId", gen_random_uuid());
  stored_id uuid := private.chat_message_id_for(message_key); -- as the insert trigger stores it
  target_conversation uuid;
  existing public.chat_messages;
  sent public.chat_messages;
begin
  perform private.require_argument(content, 'content');
  perform private.require_argument("recipientId", 'recipientId');
  perform private.check_message_content(content);
  -- A retry of a message already sent answers the original.
  select m.* into existing from public.chat_messages as m where m.id = stored_id;
  if existing.id is not null then
    return private.chat_send_answer(existing, true, "countryCode");
  end if;

  -- Before anything about the recipient is looked at: a refusal must never depend on who the recipient is. (The
  -- insert trigger checks again and records the send.)
  perform private.check_chat_send_rate(record_send => false);
  select p.conversation_id into target_conversation
  from private.chat_participants as p
  where p.id = "recipientId" and p.conversation_id in (select private.chat_conversation_ids_of_caller());
  if target_conversation is null then
    target_conversation := private.chat_open_direct_conversation("recipientId", not "isAnonymous");
  elsif private.chat_caller_participant_id(target_conversation) = "recipientId" then
    raise exception 'No such recipient' using errcode = 'PT404';
  end if;

  begin
    insert into public.chat_messages (id, conversation_id, sender_id, content)
    values (message_key, target_conversation, private.chat_caller_participant_id(target_conversation), send_chat_message.content)
    returning * into sent;
  exception when unique_violation then
    -- The same key, sent twice at once: the original answers.
    select m.* into existing from public.chat_messages as m where m.id = stored_id;
    return private.chat_send_answer(existing, true, "countryCode");
  end;
  return private.chat_send_answer(sent, false, "countryCode");
end;
$$;
comment on function public.send_chat_message(text, uuid, boolean, uuid, text) is
  'POST /chat/messages with the seed''s body (content, recipientId, isAnonymous): answers { message (the seed''s message shape), conversationId, duplicate, safety }. messageId, optional, is the client''s idempotency key: a retry with it answers the original (the stored id is derived from it and the sender). Opens a direct conversation for a public profile id; 429 past the per-minute limit; a crisis phrase adds a safety prompt (helplines) to the sender''s answer only.';
revoke execute on function public.send_chat_message(text, uuid, boolean, uuid, text) from public, anon;
grant execute on function public.send_chat_message(text, uuid, boolean, uuid, text) to authenticated;

create function private.chat_send_answer(message public.chat_messages, duplicate boolean, country_code text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'message', to_jsonb(private.chat_message_item(message, message.sender_id)),
    'conversationId', message.conversation_id,
    'duplicate', duplicate,
    'safety', case when private.chat_message_flagged_for_sender(message.id) then public.crisis_support(country_code) end);
$$;
revoke execute on function private.chat_send_answer(public.chat_messages, boolean, text) from public, anon;
grant execute on function private.chat_send_answer(public.chat_messages, boolean, text) to authenticated;

-- The other chat calls, with camelCase parameters ----------------------------------------------------------------------

drop function public.mark_chat_read(uuid);
create function public.mark_chat_read("messageId" uuid default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
  read_message public.chat_messages;
begin
  perform private.require_argument("messageId", 'messageId');
  select m.* into read_message from public.chat_messages as m where m.id = "messageId";
  if read_message.id is null then
    raise exception 'No such message' using errcode = 'PT404';
  end if;
  perform private.chat_move_read_pointer(read_message.conversation_id, read_message.created_at);
end;
$$;
comment on function public.mark_chat_read(uuid) is
  'Marks the caller''s conversation read up to (and including) the message; never moves the pointer back.';
revoke execute on function public.mark_chat_read(uuid) from public, anon;
grant execute on function public.mark_chat_read(uuid) to authenticated;

drop function public.edit_chat_message(uuid, text);
create function public.edit_chat_message("messageId" uuid default null, content text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform private.require_argument("messageId", 'messageId');
  perform private.require_argument(content, 'content');
  perform private.check_message_content(content);
  update public.chat_messages as m set content = edit_chat_message.content where m.id = "messageId";
  if not found then
    raise exception 'No such message of yours' using errcode = 'PT404';
  end if;
end;
$$;
comment on function public.edit_chat_message(uuid, text) is
  'Edits the caller''s own message (404 for anyone else''s, or a deleted one).';
revoke execute on function public.edit_chat_message(uuid, text) from public, anon;
grant execute on function public.edit_chat_message(uuid, text) to authenticated;

drop function public.delete_chat_message(uuid);
create function public.delete_chat_message("messageId" uuid default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform private.require_argument("messageId", 'messageId');
  update public.chat_messages as m set deleted_at = now() where m.id = "messageId";
  if not found then
    raise exception 'No such message of yours' using errcode = 'PT404';
  end if;
end;
$$;
comment on function public.delete_chat_message(uuid) is
  'Deletes the caller''s own message: the text is erased, a tombstone stays in the conversation.';
revoke execute on function public.delete_chat_message(uuid) from public, anon;
grant execute on function public.delete_chat_message(uuid) to authenticated;

drop function public.leave_chat_conversation(uuid, boolean);
create function public.leave_chat_conversation("conversationId" uuid default null, "blockPartner" boolean default false)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me private.chat_participants;
  partner_user uuid;
begin
  perform private.require_argument("conversationId", 'conversationId');
  select p.* into me from private.chat_participants as p
  where p.conversation_id = "conversationId" and p.user_id = auth.uid() and p.delivered_at is not null;
  if me.id is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  update private.chat_participants as p set left_at = coalesce(p.left_at, now()) where p.id = me.id;
  update public.chat_conversations as c set ended_at = coalesce(c.ended_at, now()) where c.id = me.conversation_id;
  if "blockPartner" then
    select p.user_id into partner_user from private.chat_participants as p where p.conversation_id = me.conversation_id and p.id <> me.id;
    if partner_user is not null then
      -- The same locks as matching and direct opening take: a block never crosses a match or a first message.
      perform pg_advisory_xact_lock(hashtextextended('chat_match', 0));
      perform pg_advisory_xact_lock(hashtextextended(
        'chat_pair:' || least(auth.uid(), partner_user)::text || ':' || greatest(auth.uid(), partner_user)::text, 0));
      insert into private.user_blocks (blocker_id, blocked_id) values (auth.uid(), partner_user) on conflict do nothing;
    end if;
  end if;
end;
$$;
comment on function public.leave_chat_conversation(uuid, boolean) is
  'Leaves (ends) a conversation; with blockPartner, also blocks the partner: no more matches between the two, and whatever either sends the other anywhere is withheld from them, with nothing else ended or changed.';
revoke execute on function public.leave_chat_conversation(uuid, boolean) from public, anon;
grant execute on function public.leave_chat_conversation(uuid, boolean) to authenticated;

drop function public.report_chat_participant(uuid, public.chat_report_reason, text, uuid[]);
create function public.report_chat_participant("participantId" uuid default null, reason public.chat_report_reason default null, description text default null, "messageIds" uuid[] default '{}')
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  reported private.chat_participants;
  reporter uuid;
  report_id uuid;
  attached_ids uuid[] := coalesce("messageIds", '{}');
begin
  perform private.require_argument("participantId", 'participantId');
  perform private.require_argument(reason, 'reason');
  if char_length(description) > 2000 or cardinality(attached_ids) > 50 then
    raise exception 'A report has at most 2000 characters and 50 messages' using errcode = 'PT400';
  end if;
  select p.* into reported from private.chat_participants as p
  where p.id = "participantId" and p.conversation_id in (select private.chat_conversation_ids_of_caller());
  reporter := private.chat_caller_participant_id(reported.conversation_id);
  if reported.id is null or reporter = reported.id then
    raise exception 'No such participant' using errcode = 'PT404';
  end if;
  -- Only the reported person's own messages in this conversation can be attached.
  if exists (select 1 from unnest(attached_ids) as attached (id)
             where not exists (select 1 from public.chat_messages as m where m.id = attached.id and m.sender_id = reported.id)) then
    raise exception 'Attach only messages the reported person sent in this conversation' using errcode = 'PT400';
  end if;
  insert into private.chat_reports (conversation_id, reporter_participant_id, reported_participant_id, reason, description, message_ids,
                                    reported_messages)
  values (reported.conversation_id, reporter, reported.id, reason, nullif(btrim(description), ''), attached_ids,
          (select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'content', m.content, 'createdAt', m.created_at, 'editedAt', m.edited_at)
                                     order by m.created_at), '[]')
           from public.chat_messages as m where m.id = any (attached_ids)))
  returning id into report_id;
  return report_id;
end;
$$;
comment on function public.report_chat_participant(uuid, public.chat_report_reason, text, uuid[]) is
  'Reports the partner in one of the caller''s conversations, with a reason, a description and the offending messages (messageIds). The reported person is never told.';
revoke execute on function public.report_chat_participant(uuid, public.chat_report_reason, text, uuid[]) from public, anon;
grant execute on function public.report_chat_participant(uuid, public.chat_report_reason, text, uuid[]) to authenticated;

-- Reports written before this kept their messages with snake_case keys: rewritten once, so every reader gets one shape.
update private.chat_reports as r
set reported_messages = (
  select coalesce(jsonb_agg(jsonb_build_object('id', e -> 'id', 'content', e -> 'content', 'createdAt', e -> 'created_at', 'editedAt', e -> 'edited_at')
                            order by ordinality), '[]')
  from jsonb_array_elements(r.reported_messages) with ordinality as item (e, ordinality))
where jsonb_path_exists(r.reported_messages, '$[*].created_at');

drop function public.moderation_chat_reports(boolean, integer);
create function private.moderation_chat_reports("includeResolved" boolean default false, page_size integer default 50)
returns table ("reportId" uuid, "createdAt" timestamptz, reason public.chat_report_reason, description text, "conversationId" uuid,
               "reportedParticipantId" uuid, "reportedAlias" text, "reportedMessages" jsonb, "resolvedAt" timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  perform private.check_page_size(page_size, 200);
  perform private.write_audit('moderation_read', null, jsonb_build_object('view', 'moderation_chat_reports', 'include_resolved', "includeResolved"));
  return query
    select r.id, r.created_at, r.reason, r.description, r.conversation_id, r.reported_participant_id, p.alias,
           r.reported_messages, r.resolved_at
    from private.chat_reports as r
    join private.chat_participants as p on p.id = r.reported_participant_id
    where "includeResolved" or r.resolved_at is null
    order by r.created_at
    limit page_size;
end;
$$;
revoke execute on function private.moderation_chat_reports(boolean, integer) from public, anon;
grant execute on function private.moderation_chat_reports(boolean, integer) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.moderation_chat_reports("includeResolved" boolean default false, "limit" integer default 50)
returns table ("reportId" uuid, "createdAt" timestamptz, reason public.chat_report_reason, description text, "conversationId" uuid,
               "reportedParticipantId" uuid, "reportedAlias" text, "reportedMessages" jsonb, "resolvedAt" timestamptz)
language sql
set search_path = ''
as $$
  select * from private.moderation_chat_reports($1, $2);
$$;
comment on function public.moderation_chat_reports(boolean, integer) is
  'Admins only, audited: chat reports with the reported messages (never the rest of the history, never the reporter).';
revoke execute on function public.moderation_chat_reports(boolean, integer) from public, anon;
grant execute on function public.moderation_chat_reports(boolean, integer) to authenticated;

drop function public.moderation_remove_chat_message(uuid);
create function public.moderation_remove_chat_message("messageId" uuid default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_argument("messageId", 'messageId');
  perform private.require_admin();
  -- Moderators act on what was reported, not on any message they can name.
  if not exists (select 1 from private.chat_reports as r where "messageId" = any (r.message_ids) and r.resolved_at is null) then
    raise exception 'No open report names this message' using errcode = 'PT404';
  end if;
  update public.chat_messages as m set removed_at = now() where m.id = "messageId" and m.removed_at is null;
  perform private.write_audit('chat_message_removed', null, jsonb_build_object('message_id', "messageId"));
  update private.chat_reports as r set resolved_at = coalesce(r.resolved_at, now()) where "messageId" = any (r.message_ids);
end;
$$;
comment on function public.moderation_remove_chat_message(uuid) is
  'Admins only, for a message named in an open report: erases its text (broadcast as messageDeleted), resolves the reports naming it, audited.';
revoke execute on function public.moderation_remove_chat_message(uuid) from public, anon;
grant execute on function public.moderation_remove_chat_message(uuid) to authenticated;

drop function public.rate_chat_conversation(uuid, integer, text);
create function public.rate_chat_conversation("conversationId" uuid default null, stars integer default null, comment text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.chat_caller_participant_id("conversationId");
begin
  perform private.require_argument("conversationId", 'conversationId');
  perform private.require_argument(stars, 'stars');
  if me is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  if stars not between 1 and 5 or char_length(comment) > 1000 then
    raise exception 'Rate with 1 to 5 stars and at most 1000 characters' using errcode = 'PT400';
  end if;
  if not exists (select 1 from public.chat_conversations as c where c.id = "conversationId" and c.ended_at is not null) then
    raise exception 'Rate a conversation once it has ended' using errcode = 'PT409';
  end if;
  insert into private.chat_ratings (conversation_id, rater_participant_id, rated_user_id, stars, comment)
  select "conversationId", me, p.user_id, stars, nullif(btrim(comment), '')
  from private.chat_participants as p where p.conversation_id = "conversationId" and p.id <> me;
exception when unique_violation then
  raise exception 'You already rated this conversation' using errcode = 'PT409';
end;
$$;
comment on function public.rate_chat_conversation(uuid, integer, text) is
  'One rating (1-5 stars, optional comment) per participant, after the conversation ended.';
revoke execute on function public.rate_chat_conversation(uuid, integer, text) from public, anon;
grant execute on function public.rate_chat_conversation(uuid, integer, text) to authenticated;

drop function public.chat_typing(uuid);
create function public.chat_typing("conversationId" uuid default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me private.chat_participants;
  partner private.chat_participants;
begin
  perform private.require_argument("conversationId", 'conversationId');
  select p.* into me from private.chat_participants as p
  join public.chat_conversations as c on c.id = p.conversation_id and c.ended_at is null
  where p.conversation_id = "conversationId" and p.user_id = auth.uid() and p.delivered_at is not null and p.left_at is null;
  if me.id is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  if me.typing_at > now() - interval '3 seconds' then
    return;
  end if;
  update private.chat_participants as p set typing_at = now() where p.id = me.id;
  perform private.chat_touch(me.id, now());
  select p.* into partner from private.chat_participants as p where p.conversation_id = me.conversation_id and p.id <> me.id;
  if partner.user_id is not null and partner.delivered_at is not null and partner.left_at is null
     and private.chat_block_time(me.user_id, partner.user_id) is null then
    perform realtime.send(jsonb_build_object('conversationId', me.conversation_id, 'participantId', me.id),
                          'typing', private.personal_topic(partner.user_id), true);
  end if;
end;
$$;
comment on function public.chat_typing(uuid) is
  'Typing indicator: reaches the partner''s personal topic (event typing: conversationId, participantId) when they may see it; at most one every 3 seconds. 404 for a conversation the caller is not in, has left, or that ended.';
revoke execute on function public.chat_typing(uuid) from public, anon;
grant execute on function public.chat_typing(uuid) to authenticated;

-- Realtime: the seed's event names (newMessage) and payloads; camelCase for the events the seed does not name -------------

create or replace function private.broadcast_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  event text := case
    when tg_op = 'INSERT' then 'newMessage'
    when new.deleted_at is not null or new.removed_at is not null then 'messageDeleted'
    else 'messageUpdated' end;
  recipient private.chat_participants;
begin
  for recipient in
    select p.* from private.chat_participants as p
    where p.conversation_id = new.conversation_id and p.user_id is not null and p.delivered_at is not null
      and (p.id = new.sender_id or (p.left_at is null and not exists (
        select 1 from private.chat_withheld_messages as w where w.message_id = new.id and w.recipient_participant_id = p.id)))
  loop
    perform realtime.send(to_jsonb(private.chat_message_item(new, recipient.id)), event, private.personal_topic(recipient.user_id), true);
  end loop;
  return null;
end;
$$;

create or replace function private.broadcast_chat_read()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  partner private.chat_participants;
begin
  select p.* into partner from private.chat_participants as p where p.conversation_id = new.conversation_id and p.id <> new.id;
  if partner.user_id is not null and partner.delivered_at is not null and partner.left_at is null
     and private.chat_block_time(new.user_id, partner.user_id) is null
     and exists (select 1 from public.profiles as p where p.id = new.user_id and p.show_activity) then
    perform realtime.send(jsonb_build_object('conversationId', new.conversation_id, 'participantId', new.id, 'lastReadAt', new.last_read_at),
                          'read', private.personal_topic(partner.user_id), true);
  end if;
  return null;
end;
$$;

-- Matching tells both sides on their personal topics: event matchFound, { conversationId, partner { id, name } } (as the
-- answer of POST /chat/start). The function is otherwise as it was.
CREATE OR REPLACE FUNCTION private.request_chat_match(as_listener boolean, topic text DEFAULT NULL::text, prefer_participant_id uuid DEFAULT NULL::uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := auth.uid();
  my_role public.chat_queue_role := case when as_listener then 'listener'::public.chat_queue_role else 'seeker'::public.chat_queue_role end;
  other_role public.chat_queue_role := case when as_listener then 'seeker'::public.chat_queue_role else 'listener'::public.chat_queue_role end;
  mine private.chat_queue;
  partner private.chat_queue;
  preferred_user uuid;
  met_conversation uuid;
  my_old_participant uuid;
  preferred_left boolean;
  conversation uuid;
  my_participant uuid;
  partner_participant uuid;
  queue_position integer;
begin
  if me is null then
    raise exception 'Sign-in required' using errcode = 'PT401';
  end if;
  if as_listener and not exists (select 1 from public.profiles as p where p.id = me and p.is_listener and p.is_active) then
    raise exception 'Opt in as a listener first' using errcode = 'PT403';
  end if;
  if not exists (select 1 from public.profiles as p where p.id = me and p.is_active) then
    raise exception 'This account is deactivated' using errcode = 'PT403';
  end if;
  if prefer_participant_id is not null then
    -- Asking for someone met before: only a partner from one of the caller's own conversations.
    select other.user_id, mine_p.conversation_id, mine_p.id, other.left_at is not null
      into preferred_user, met_conversation, my_old_participant, preferred_left
    from private.chat_participants as mine_p
    join private.chat_participants as other on other.conversation_id = mine_p.conversation_id and other.id <> mine_p.id
    join public.chat_conversations as met on met.id = mine_p.conversation_id and met.kind = 'matched'
    where mine_p.user_id = me and mine_p.delivered_at is not null and other.id = prefer_participant_id;
    if preferred_user is null then
      raise exception 'No such participant' using errcode = 'PT404';
    end if;
  end if;

  perform pg_advisory_xact_lock(hashtextextended('chat_match', 0));
  update private.chat_queue as q set status = 'expired' where q.status = 'waiting' and q.expires_at <= now();

  -- The caller's own entry, created or refreshed.
  insert into private.chat_queue as q (user_id, role, topic, prefer_participant_id, expires_at)
  values (me, my_role, nullif(btrim(request_chat_match.topic), ''), request_chat_match.prefer_participant_id,
          now() + case when as_listener then interval '30 minutes' else interval '10 minutes' end)
  on conflict (user_id) where status = 'waiting' do update
    set role = excluded.role, topic = excluded.topic, prefer_participant_id = excluded.prefer_participant_id,
        expires_at = excluded.expires_at
  returning q.* into mine;

  select q.conversation_id into conversation
  from private.chat_queue as q join public.chat_conversations as c on c.id = q.conversation_id
  where q.user_id = me and q.status = 'matched' and c.ended_at is null
  order by q.matched_at desc limit 1;
  if conversation is not null then
    update private.chat_queue as q set status = 'cancelled' where q.id = mine.id;
    select p.id into partner_participant from private.chat_participants as p
    where p.conversation_id = conversation and p.user_id is distinct from me;
    return jsonb_build_object('status', 'matched', 'conversationId', conversation, 'partner', jsonb_build_object(
      'id', partner_participant, 'name', (select p.alias from private.chat_participants as p where p.id = partner_participant)));
  end if;

  select q.* into partner
  from private.chat_queue as q
  where q.status = 'waiting' and q.role = other_role and q.user_id <> me and q.expires_at > now()
    and not private.is_blocked_between(me, q.user_id)
    -- Asking for someone met before matches only when they ask for the caller too (an invitation they accept): an
    -- immediate match with whoever happens to be waiting would tell the asker that person is listening right now.
    and (preferred_user is null or (q.user_id = preferred_user and q.prefer_participant_id is not null))
    -- A waiting person who asked for someone met before is matched only with that person asking for them in return.
    and (q.prefer_participant_id is null or (preferred_user is not null and exists (
      select 1 from private.chat_participants as wanted where wanted.id = q.prefer_participant_id and wanted.user_id = me)))
    and (preferred_user is not null or not exists (
      select 1 from private.chat_participants as a
      join private.chat_participants as b on b.conversation_id = a.conversation_id and b.id <> a.id
      join public.chat_conversations as c on c.id = a.conversation_id and c.kind = 'matched'
      where a.user_id = me and b.user_id = q.user_id and coalesce(c.ended_at, now()) > now() - interval '24 hours'))
  order by
    case when my_role = 'seeker' and mine.topic is not null then (q.topic is distinct from mine.topic and q.topic is not null) end,
    q.created_at
  limit 1;

  if partner.id is null then
    -- The person asked for hears of it (and accepts by asking for the caller in return); nothing tells the caller
    -- whether they are around.
    -- At most one invitation a day per conversation, and none to someone who left it (leaving is how a person ends
    -- contact short of a block): asking again, or after they left, waits in silence, answered exactly the same.
    if preferred_user is not null and not preferred_left and private.chat_block_time(me, preferred_user) is null
       and not exists (select 1 from private.chat_rematch_invitations as i
                       where i.conversation_id = met_conversation and i.inviter_participant_id = my_old_participant
                         and i.invited_at > now() - interval '1 day') then
      insert into private.chat_rematch_invitations as i (conversation_id, inviter_participant_id)
      values (met_conversation, my_old_participant)
      on conflict (conversation_id, inviter_participant_id) do update set invited_at = now();
      perform private.notify(preferred_user, 'chat_message', 'Someone would like to talk again',
                             'A person you talked with would like to talk with you again',
                             jsonb_build_object('conversationId', met_conversation, 'participantId', my_old_participant),
                             'rematch:' || met_conversation);
    end if;
    select count(*)::integer + 1 into queue_position from private.chat_queue as q
    where q.status = 'waiting' and q.role = my_role and q.expires_at > now() and q.created_at < mine.created_at;
    return jsonb_build_object('status', 'queued', 'role', my_role, 'position', queue_position,
      'estimatedWaitSeconds', queue_position * 60, 'expiresAt', mine.expires_at);
  end if;

  insert into public.chat_conversations (kind, topic) values ('matched', coalesce(mine.topic, partner.topic)) returning id into conversation;
  insert into private.chat_participants (conversation_id, user_id, alias) values (conversation, me, private.chat_alias_for(me, false))
    returning id into my_participant;
  insert into private.chat_participants (conversation_id, user_id, alias) values (conversation, partner.user_id, private.chat_alias_for(partner.user_id, false))
    returning id into partner_participant;
  update private.chat_queue as q set status = 'matched', conversation_id = conversation, matched_at = now() where q.id in (mine.id, partner.id);

  perform realtime.send(jsonb_build_object('conversationId', conversation, 'partner', jsonb_build_object(
      'id', partner_participant, 'name', (select p.alias from private.chat_participants as p where p.id = partner_participant))),
    'matchFound', private.personal_topic(me), true);
  perform realtime.send(jsonb_build_object('conversationId', conversation, 'partner', jsonb_build_object(
      'id', my_participant, 'name', (select p.alias from private.chat_participants as p where p.id = my_participant))),
    'matchFound', private.personal_topic(partner.user_id), true);

  return jsonb_build_object('status', 'matched', 'conversationId', conversation, 'partner', jsonb_build_object(
    'id', partner_participant, 'name', (select p.alias from private.chat_participants as p where p.id = partner_participant)));
end;
$function$;
