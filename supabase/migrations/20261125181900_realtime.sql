-- Realtime authorization for every private topic, in one place. Realtime evaluates these policies on
-- realtime.messages when a client joins a private channel (select: may receive; insert: may send broadcasts and
-- track presence), with realtime.topic() set to the channel's topic. Each domain owns the rules for its topics;
-- this function routes a topic to them. Unknown topics belong to nobody.
--   user:<account id>                     receive only, for that person (inbox, matches)
--   conversation:<id>, conversation:<id>:live   private.chat_topic_allows
--   group:<id>, group:<id>:live           private.group_topic_allows

create function private.realtime_topic_allows(topic text, sending boolean)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(
    case when topic = 'user:' || auth.uid()::text then not sending end,
    private.chat_topic_allows(topic, sending),
    private.group_topic_allows(topic, sending),
    false
  );
$$;
comment on function private.realtime_topic_allows(text, boolean) is
  'Whether the caller may receive (sending false) or send on a Realtime topic: user:<own id> receive only, then each domain''s rules, else no.';

create policy realtime_messages_select_own_topics on realtime.messages
  for select to authenticated
  using (extension in ('broadcast', 'presence') and (select private.realtime_topic_allows((select realtime.topic()), false)));
create policy realtime_messages_insert_live_topics on realtime.messages
  for insert to authenticated
  with check (extension in ('broadcast', 'presence') and (select private.realtime_topic_allows((select realtime.topic()), true)));

revoke execute on all functions in schema private from public;
grant execute on function private.realtime_topic_allows(text, boolean) to authenticated;
