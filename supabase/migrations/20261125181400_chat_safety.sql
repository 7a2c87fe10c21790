-- Chat safety, beyond blocking: reports that hide the reporter from the reported person, the moderation path for
-- admins (the reported messages, not the whole history, every read audited), moderators removing a message, and a
-- post-chat rating. Also the chat section of the data export.
--
-- Security definer functions in this migration, and why:
--   public.report_chat_participant   records who reported whom; neither account id is readable by the reporter.
--   public.moderation_chat_reports   admins read reports and the reported messages; audited.
--   public.moderation_remove_chat_message  admins erase a message in a conversation they are not part of.
--   public.rate_chat_conversation    attaches the rating to the partner's account for matching, unseen by the rater.

create type public.chat_report_reason as enum ('harassment', 'hate', 'self_harm_risk', 'spam', 'sexual_content', 'privacy', 'other');

create table private.chat_reports (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.chat_conversations (id) on delete cascade,
  reporter_participant_id uuid not null references private.chat_participants (id) on delete cascade,
  reported_participant_id uuid not null references private.chat_participants (id) on delete cascade,
  reason public.chat_report_reason not null,
  description text,
  message_ids uuid[] not null default '{}',
  reported_messages jsonb not null default '[]',
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  constraint chat_reports_description_length_check check (char_length(description) <= 2000),
  constraint chat_reports_message_ids_check check (cardinality(message_ids) <= 50)
);
comment on table private.chat_reports is
  'Reports about a chat participant. The reported person never sees them; admins read them through moderation_chat_reports.';
comment on column private.chat_reports.reported_messages is 'The attached messages as they were when reported, so deleting or editing them later destroys no evidence.';
create index chat_reports_conversation_id_idx on private.chat_reports (conversation_id);
create index chat_reports_reporter_participant_id_idx on private.chat_reports (reporter_participant_id);
create index chat_reports_reported_participant_id_idx on private.chat_reports (reported_participant_id);
create index chat_reports_unresolved_created_at_idx on private.chat_reports (created_at) where resolved_at is null;
alter table private.chat_reports enable row level security;

create function public.report_chat_participant(
  participant_id uuid,
  reason public.chat_report_reason,
  description text default null,
  message_ids uuid[] default '{}'
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  reported private.chat_participants;
  reporter uuid;
  report_id uuid;
begin
  if reason is null then
    raise exception 'A reason is required' using errcode = 'PT400';
  end if;
  if char_length(description) > 2000 or cardinality(message_ids) > 50 then
    raise exception 'A report has at most 2000 characters and 50 messages' using errcode = 'PT400';
  end if;
  select p.* into reported from private.chat_participants as p
  where p.id = participant_id and p.conversation_id in (select private.chat_conversation_ids_of_caller());
  reporter := private.chat_caller_participant_id(reported.conversation_id);
  if reported.id is null or reporter = reported.id then
    raise exception 'No such participant' using errcode = 'PT404';
  end if;
  -- Only the reported person's own messages in this conversation can be attached.
  if exists (select 1 from unnest(coalesce(message_ids, '{}')) as attached (id)
             where not exists (select 1 from public.chat_messages as m where m.id = attached.id and m.sender_id = reported.id)) then
    raise exception 'Attach only messages the reported person sent in this conversation' using errcode = 'PT400';
  end if;
  insert into private.chat_reports (conversation_id, reporter_participant_id, reported_participant_id, reason, description, message_ids,
                                    reported_messages)
  values (reported.conversation_id, reporter, reported.id, reason, nullif(btrim(description), ''), coalesce(message_ids, '{}'),
          (select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'content', m.content, 'created_at', m.created_at, 'edited_at', m.edited_at)
                                     order by m.created_at), '[]')
           from public.chat_messages as m where m.id = any (coalesce(report_chat_participant.message_ids, '{}'))))
  returning id into report_id;
  return report_id;
end;
$$;
comment on function public.report_chat_participant(uuid, public.chat_report_reason, text, uuid[]) is
  'Reports the partner in one of the caller''s conversations, with a reason, a description and the offending messages. The reported person is never told.';

-- Admins: open reports with the reported messages only (not the rest of the conversation), every read audited.
create function public.moderation_chat_reports(include_resolved boolean default false, page_size integer default 50)
returns table (
  report_id uuid,
  created_at timestamptz,
  reason public.chat_report_reason,
  description text,
  conversation_id uuid,
  reported_participant_id uuid,
  reported_alias text,
  reported_messages jsonb,
  resolved_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  perform private.check_page_size(page_size, 200);
  perform private.write_audit('moderation_read', null, jsonb_build_object('view', 'moderation_chat_reports', 'include_resolved', include_resolved));
  return query
    select r.id, r.created_at, r.reason, r.description, r.conversation_id, r.reported_participant_id, p.alias,
           r.reported_messages,
           r.resolved_at
    from private.chat_reports as r
    join private.chat_participants as p on p.id = r.reported_participant_id
    where include_resolved or r.resolved_at is null
    order by r.created_at
    limit page_size;
end;
$$;
comment on function public.moderation_chat_reports(boolean, integer) is
  'Admins only, audited: chat reports with the reported messages (never the rest of the history, never the reporter).';

-- Moderators remove a message: the text is erased, the removal broadcast so clients hide it, the act audited.
create function public.moderation_remove_chat_message(message_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  -- Moderators act on what was reported, not on any message they can name.
  if not exists (select 1 from private.chat_reports as r where message_id = any (r.message_ids) and r.resolved_at is null) then
    raise exception 'No open report names this message' using errcode = 'PT404';
  end if;
  update public.chat_messages as m set removed_at = now() where m.id = message_id and m.removed_at is null;
  perform private.write_audit('chat_message_removed', null, jsonb_build_object('message_id', message_id));
  update private.chat_reports as r set resolved_at = coalesce(r.resolved_at, now()) where message_id = any (r.message_ids);
end;
$$;
comment on function public.moderation_remove_chat_message(uuid) is 'Admins only, for a message named in an open report: erases its text (broadcast as message_deleted), resolves the reports naming it, audited.';

create table private.chat_ratings (
  conversation_id uuid not null references public.chat_conversations (id) on delete cascade,
  rater_participant_id uuid not null references private.chat_participants (id) on delete cascade,
  rated_user_id uuid references auth.users (id) on delete set null,
  stars smallint not null,
  comment text,
  created_at timestamptz not null default now(),
  primary key (conversation_id, rater_participant_id),
  constraint chat_ratings_stars_check check (stars between 1 and 5),
  constraint chat_ratings_comment_length_check check (char_length(comment) <= 1000)
);
comment on table private.chat_ratings is 'Post-chat ratings, one per participant per ended conversation. The rated account is kept for listener quality; nobody reads ratings through the API.';
create index chat_ratings_rater_participant_id_idx on private.chat_ratings (rater_participant_id);
create index chat_ratings_rated_user_id_idx on private.chat_ratings (rated_user_id);
alter table private.chat_ratings enable row level security;

create function public.rate_chat_conversation(conversation_id uuid, stars integer, comment text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.chat_caller_participant_id(rate_chat_conversation.conversation_id);
begin
  if me is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  if stars is null or stars not between 1 and 5 or char_length(comment) > 1000 then
    raise exception 'Rate with 1 to 5 stars and at most 1000 characters' using errcode = 'PT400';
  end if;
  if not exists (select 1 from public.chat_conversations as c where c.id = rate_chat_conversation.conversation_id and c.ended_at is not null) then
    raise exception 'Rate a conversation once it has ended' using errcode = 'PT409';
  end if;
  insert into private.chat_ratings (conversation_id, rater_participant_id, rated_user_id, stars, comment)
  select rate_chat_conversation.conversation_id, me, p.user_id, stars, nullif(btrim(comment), '')
  from private.chat_participants as p where p.conversation_id = rate_chat_conversation.conversation_id and p.id <> me;
exception when unique_violation then
  raise exception 'You already rated this conversation' using errcode = 'PT409';
end;
$$;
comment on function public.rate_chat_conversation(uuid, integer, text) is 'One rating (1-5 stars, optional comment) per participant, after the conversation ended.';

-- The chat section of the data export: the caller's conversations (their own alias, never the partner's identity)
-- and their own messages. security invoker apart from what the membership helpers read.
create function private.export_chat()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object('chatConversations', coalesce((
    select jsonb_agg(jsonb_build_object(
      'id', c.id, 'kind', c.kind, 'topic', c.topic, 'createdAt', c.created_at, 'endedAt', c.ended_at,
      'myAlias', me.alias, 'partnerAlias', partner.alias,
      'myMessages', (select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'content', m.content, 'createdAt', m.created_at,
                                                                  'editedAt', m.edited_at, 'deletedAt', m.deleted_at) order by m.created_at), '[]')
                     from public.chat_messages as m where m.conversation_id = c.id and m.sender_id = me.id)
    ) order by c.created_at)
    from public.chat_conversations as c
    join private.chat_participants as me on me.conversation_id = c.id and me.id = private.chat_caller_participant_id(c.id)
    left join private.chat_participants as partner on partner.conversation_id = c.id and partner.id <> me.id
  ), '[]'));
$$;
comment on function private.export_chat() is 'Data export section: the caller''s conversations (aliases only) and their own messages.';

create or replace function public.export_my_data()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.export_identity() || private.export_wellbeing() || private.export_chat();
$$;

revoke execute on all functions in schema private from public;
grant execute on function private.export_chat() to authenticated;
revoke execute on function public.report_chat_participant(uuid, public.chat_report_reason, text, uuid[]) from public, anon;
revoke execute on function public.moderation_chat_reports(boolean, integer) from public, anon;
revoke execute on function public.moderation_remove_chat_message(uuid) from public, anon;
revoke execute on function public.rate_chat_conversation(uuid, integer, text) from public, anon;
grant execute on function public.report_chat_participant(uuid, public.chat_report_reason, text, uuid[]) to authenticated;
grant execute on function public.moderation_chat_reports(boolean, integer) to authenticated;
grant execute on function public.moderation_remove_chat_message(uuid) to authenticated;
grant execute on function public.rate_chat_conversation(uuid, integer, text) to authenticated;
