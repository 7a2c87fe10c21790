-- Support groups in the seed's shapes (issue 16). The listing answers the seed's group (`category` is the name the
-- API shows, `memberCount`, `onlineCount`, `nextSession`, `joined`) and filters by the category's name or its id; a
-- group message is the seed's chat message (`sender {id, name}`, `timestamp`, `isAnonymous`) with `groupId`, `isMine`,
-- `editedAt`, `deleted` and `pinned`, on the page, in the answer to a send and on Realtime (event `groupMessage`, the
-- seed's; camelCase for the others). Every group RPC takes camelCase parameters; a send's idempotency key is optional.

-- Whether a message was written under the group's pseudonym rather than the person's name, as it was decided when it
-- was written (the name shown is stored the same way, so neither changes with later settings).
alter table public.group_messages add column sender_is_anonymous boolean not null default true;
comment on column public.group_messages.sender_is_anonymous is
  'Written under the group pseudonym (true) or the person''s display name (false), as at sending: the seed''s isAnonymous.';
-- Messages already written: a pseudonym is the alias of its handle; a former member's is anonymous.
update public.group_messages as m set sender_is_anonymous = false
where m.sender_handle is not null and m.sender_name is distinct from private.group_alias_of(m.sender_handle);
grant select (sender_is_anonymous) on public.group_messages to authenticated;

create or replace function private.name_group_message_sender()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.sender_handle := null;
  new.sender_name := '[former member]';
  new.sender_is_anonymous := true;
  if new.sender_member_id is not null then
    -- Only a membership of the message's own group names it (otherwise the handle stays null and the insert fails its check).
    -- Named exactly when group_member_identities shows the display name: the membership uses it, and the profile is
    -- neither in anonymous mode nor without a name.
    select i.handle, i.name, not (m.use_display_name and not (p.anonymous_mode or p.display_name is null))
      into new.sender_handle, new.sender_name, new.sender_is_anonymous
    from private.group_member_identities(new.group_id, new.sender_member_id) as i
    join private.group_members as m on m.id = i.membership_id
    join public.profiles as p on p.id = m.user_id;
  end if;
  return new;
end;
$$;

-- A departed member's messages lose their name: they are anonymous from then on, as the backfill above reads them.
create or replace function private.forget_departed_group_sender()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sender_name := '[former member]';
  new.sender_handle := null;
  new.sender_is_anonymous := true;
  return new;
end;
$$;

create type public.group_message_item as (
  id uuid,
  "groupId" uuid,
  content text,
  sender jsonb,
  "timestamp" timestamptz,
  "isAnonymous" boolean,
  "isMine" boolean,
  "editedAt" timestamptz,
  deleted boolean,
  pinned boolean
);
comment on type public.group_message_item is
  'A group message as the seed answers chat messages: id, content, sender {id: the handle it was written under, name}, timestamp, isAnonymous; plus groupId, isMine (for the reader; absent on Realtime), editedAt, deleted, pinned.';

create function private.group_message_item(message public.group_messages, reader_member uuid)
returns public.group_message_item
language sql
stable
set search_path = ''
as $$
  select message.id, message.group_id, message.content,
         jsonb_build_object('id', message.sender_handle, 'name', message.sender_name),
         message.created_at, message.sender_is_anonymous,
         case when reader_member is not null then coalesce(message.sender_member_id = reader_member, false) end,
         message.edited_at, message.deleted_at is not null or message.removed_at is not null, message.pinned_at is not null;
$$;
comment on function private.group_message_item(public.group_messages, uuid) is
  'A group message in the seed''s shape for the reading membership (isMine), or for everyone (null: isMine left out).';
revoke execute on function private.group_message_item(public.group_messages, uuid) from public, anon;
grant execute on function private.group_message_item(public.group_messages, uuid) to authenticated;

drop function public.list_group_messages(uuid, integer, timestamptz, uuid);
create function private.list_group_messages("groupId" uuid default null, page_size integer default 50, before uuid default null)
returns setof public.group_message_item
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  my_member uuid := (select m.id from private.group_members as m
                     where m.group_id = "groupId" and m.user_id = auth.uid() and m.status = 'active');
  cursor_message public.group_messages;
begin
  perform private.require_argument("groupId", 'groupId');
  if my_member is null then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
  perform private.check_page_size(page_size, 100);
  if before is not null then
    select m.* into cursor_message from public.group_messages as m where m.id = before and m.group_id = "groupId";
    if cursor_message.id is null then
      raise exception 'before is not a message of this group' using errcode = 'PT400';
    end if;
  end if;
  return query
    -- In the from list, so the item is built once per row (`(f(m)).*` would call f once per column).
    select item.*
    from public.group_messages as m
    cross join lateral private.group_message_item(m, my_member) as item
    where m.group_id = list_group_messages."groupId"
      and (cursor_message.id is null or (m.created_at, m.id) < (cursor_message.created_at, cursor_message.id))
    order by m.created_at desc, m.id desc
    limit page_size;
end;
$$;
revoke execute on function private.list_group_messages(uuid, integer, uuid) from public, anon;
grant execute on function private.list_group_messages(uuid, integer, uuid) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.list_group_messages("groupId" uuid default null, "limit" integer default 50, before uuid default null)
returns setof public.group_message_item
language sql
stable
set search_path = ''
as $$
  select * from private.list_group_messages($1, $2, $3);
$$;
comment on function public.list_group_messages(uuid, integer, uuid) is
  'GET /groups/:id/messages: active members only (404 otherwise); the seed''s message shape (sender.id is the handle the sender wrote under); newest first; limit (default 50, at most 100) and before (the last message''s id) page through them. Security definer: the internal sender is not readable by members.';
revoke execute on function public.list_group_messages(uuid, integer, uuid) from public, anon;
grant execute on function public.list_group_messages(uuid, integer, uuid) to authenticated;

drop function public.send_group_message(uuid, uuid, text, text);
create function public.send_group_message("groupId" uuid default null, content text default null, "messageId" uuid default null, "countryCode" text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me private.group_members;
  existing public.group_messages;
  sent public.group_messages;
  matched bigint;
  -- The client's idempotency key; without one, every call is a new message.
  stored_id uuid := private.group_message_id_for(coalesce("messageId", gen_random_uuid()));
begin
  perform private.require_argument("groupId", 'groupId');
  perform private.require_argument(content, 'content');
  perform private.check_message_content(content);
  perform private.check_chat_send_rate();
  select m.* into me from private.group_members as m
  where m.group_id = "groupId" and m.user_id = auth.uid() and m.status = 'active';
  if me.id is null then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
  if me.muted_until > now() then
    raise exception 'You are muted in this group until %', to_char(me.muted_until at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
      using errcode = 'PT403';
  end if;
  select m.* into existing from public.group_messages as m where m.id = stored_id;
  if existing.id is not null then
    -- A retry of what was sent before: nothing new appears.
    return jsonb_build_object('message', to_jsonb(private.group_message_item(existing, me.id)), 'duplicate', true,
      'safety', case when exists (select 1 from private.group_message_flags as f where f.message_id = existing.id)
                     then public.crisis_support("countryCode") end);
  end if;
  -- A new message would carry an identity nobody may see yet.
  perform private.check_group_identity_shown(me);
  insert into public.group_messages (id, group_id, sender_member_id, content, created_at)
  values (stored_id, me.group_id, me.id, btrim(send_group_message.content), clock_timestamp())
  returning * into sent;
  matched := private.crisis_phrase_in(sent.content);
  if matched is not null then
    insert into private.group_message_flags as f (message_id, phrase_id) values (sent.id, matched);
  end if;
  update private.group_members as m set last_seen_at = now() where m.id = me.id;
  return jsonb_build_object('message', to_jsonb(private.group_message_item(sent, me.id)), 'duplicate', false,
    'safety', case when matched is not null then public.crisis_support("countryCode") end);
end;
$$;
comment on function public.send_group_message(uuid, text, uuid, text) is
  'POST /groups/:id/messages with { content }: active members only; muted members get 403 with the end of the mute; a member whose new name is not listed in the group yet gets 409 naming the hour; messageId, optional, is the client''s idempotency key (the stored id is derived from it and the sender); answers { message (the seed''s shape, under the handle and name shown now, stored as they are), duplicate, safety }; rate limit and crisis prompt shared with chat.';
revoke execute on function public.send_group_message(uuid, text, uuid, text) from public, anon;
grant execute on function public.send_group_message(uuid, text, uuid, text) to authenticated;

create or replace function private.broadcast_group_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  event text := case
    when tg_op = 'INSERT' then 'groupMessage'
    when new.pinned_at is distinct from old.pinned_at and new.content is not distinct from old.content then 'messagePinned'
    when new.deleted_at is not null or new.removed_at is not null then 'messageDeleted'
    else 'messageUpdated' end;
begin
  -- One payload for everyone on the topic: isMine is the reader's to work out (from the page), so it is left out.
  perform realtime.send(to_jsonb(private.group_message_item(new, null)) - 'isMine', event, 'group:' || new.group_id, true);
  return null;
end;
$$;

-- The listing ---------------------------------------------------------------------------------------------------------

create type public.group_listing as (
  id uuid,
  name text,
  description text,
  category text,
  "categoryId" text,
  privacy public.group_privacy,
  "memberCount" integer,
  "onlineCount" integer,
  "nextSession" timestamptz,
  joined boolean,
  membership public.group_member_status
);
comment on type public.group_listing is
  'A support group as the seed lists it: id, name, description, category (its name), privacy, memberCount, onlineCount, nextSession, joined; plus categoryId and the caller''s membership status.';

drop function public.list_groups(text, text, boolean, integer, integer);
create function private.list_groups(
  category text default null,
  search text default null,
  joined boolean default null,
  page_size integer default 20,
  page_offset integer default 0
)
returns setof public.group_listing
language plpgsql
stable
security definer
set search_path = ''
set pg_trgm.word_similarity_threshold = 0.3
set plan_cache_mode = force_custom_plan
as $$
declare
  search_query tsquery;
  search_text text := nullif(btrim(search), '');
  category_key text := nullif(btrim(category), '');
  wanted_category text;
begin
  if not private.caller_may_browse_people() then
    raise exception 'Sign in with an account to browse groups' using errcode = 'PT403';
  end if;
  perform private.check_page_size(page_size, 100);
  if page_offset is null or page_offset < 0 then
    raise exception 'offset must not be negative' using errcode = 'PT400';
  end if;
  if category_key is not null then
    -- The name the listing shows ("Anxiety", "Grief & Loss") or the id, in any case: what a person can see is what
    -- they can filter by. An unknown category is a 400, not an empty page that reads as "no groups".
    select c.id into wanted_category from public.group_categories as c
    where lower(c.id) = lower(category_key) or lower(c.name) = lower(category_key);
    if wanted_category is null then
      raise exception 'Unknown category: %', left(category_key, 80) using errcode = 'PT400',
        hint = 'Categories: ' || (select string_agg(c.name, ', ' order by c.sort_order) from public.group_categories as c);
    end if;
  end if;
  if search_text is not null then
    search_query := private.search_query('english'::regconfig, search_text);
  end if;
  return query
    select g.id, g.name, g.description, c.name, g.category_id, g.privacy, g.member_count,
           -- Only members the list shows others (listed identity, active account) who show their activity: a count
           -- including anyone else would let people work them out.
           (select count(*)::integer from private.group_members as o
            join public.profiles as p on p.id = o.user_id and p.is_active
            where o.group_id = g.id and o.status = 'active' and o.shown_seen_at > now() - interval '2 minutes'
              and private.group_identity_listed(o.use_display_name, p.identity_listed_from)),
           private.next_group_session(g.id),
           -- false, not null, for a group the caller never joined.
           coalesce(mine.status = 'active', false), mine.status
    from public.support_groups as g
    join public.group_categories as c on c.id = g.category_id
    left join private.group_members as mine on mine.group_id = g.id and mine.user_id = auth.uid()
    where (wanted_category is null or g.category_id = wanted_category)
      and (search_text is null or g.search_vector @@ search_query or search_text operator(extensions.<%) g.name)
      and (list_groups.joined is null or (coalesce(mine.status = 'active', false) = list_groups.joined))
    order by case when search_text is null then null
                  else ts_rank(g.search_vector, search_query) + extensions.word_similarity(search_text, g.name) end desc nulls last,
             g.member_count desc, g.id
    limit page_size offset page_offset;
end;
$$;
revoke execute on function private.list_groups(text, text, boolean, integer, integer) from public, anon;
grant execute on function private.list_groups(text, text, boolean, integer, integer) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.list_groups(
  category text default null,
  search text default null,
  joined boolean default null,
  "limit" integer default 20,
  "offset" integer default 0
)
returns setof public.group_listing
language sql
stable
set search_path = ''
as $$
  select * from private.list_groups($1, $2, $3, $4, $5);
$$;
comment on function public.list_groups(text, text, boolean, integer, integer) is
  'GET /groups: the seed''s category (a category''s name or id; 400 for an unknown one), search (words and phrases, at most 200 characters: private.search_query; ranked full text plus trigram similarity on the name, so typos still find) and joined (false when not a member); limit and offset. Answers the seed''s group (category is its name), plus categoryId and the caller''s membership; memberCount is the exact count the cap uses, onlineCount the members others can see whose presence shows.';
revoke execute on function public.list_groups(text, text, boolean, integer, integer) from public, anon;
grant execute on function public.list_groups(text, text, boolean, integer, integer) to authenticated;

-- The rest, with camelCase parameters and answers ----------------------------------------------------------------------

drop function public.change_group_message(uuid, text, text);
create function public.change_group_message("messageId" uuid default null, action text default null, content text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target public.group_messages;
  me private.group_members;
  moderates boolean;
begin
  perform private.require_argument("messageId", 'messageId');
  perform private.require_argument(action, 'action');
  select m.* into target from public.group_messages as m where m.id = "messageId";
  if target.id is null or private.group_role_of_caller(target.group_id) is null and (select private.caller_role()) is distinct from 'admin' then
    raise exception 'No such message' using errcode = 'PT404';
  end if;
  -- The caller's membership when the message is theirs.
  select g.* into me from private.group_members as g where g.id = target.sender_member_id and g.user_id = auth.uid();
  moderates := private.caller_moderates_group(target.group_id);
  case action
    when 'edit' then
      if me.id is null or target.deleted_at is not null or target.removed_at is not null then
        raise exception 'Only your own message can be edited' using errcode = 'PT403';
      end if;
      if me.status <> 'active' or me.muted_until > now() then
        raise exception 'You cannot post in this group right now' using errcode = 'PT403';
      end if;
      perform private.check_group_identity_shown(me);
      if target.created_at < now() - private.chat_edit_window() then
        raise exception 'A message can be edited for 15 minutes after it was sent' using errcode = 'PT409';
      end if;
      -- An edit under a name one no longer shows would tell that whoever wrote it is still here, as someone else.
      if target.sender_handle is distinct from (select i.handle from private.group_member_identities(me.group_id, me.id) as i) then
        raise exception 'This message was written under a name you no longer show in this group: it can be deleted, not edited'
          using errcode = 'PT409';
      end if;
      perform private.check_message_content(content);
      -- An edit reaches every member like a message: it counts toward the same rate limit.
      perform private.check_chat_send_rate();
      update public.group_messages as m set content = btrim(change_group_message.content), edited_at = now() where m.id = target.id;
      insert into private.group_message_flags as f (message_id, phrase_id)
      select target.id, private.crisis_phrase_in(change_group_message.content)
      where private.crisis_phrase_in(change_group_message.content) is not null
      on conflict on constraint group_message_flags_pkey do nothing;
    when 'delete' then
      -- Deleting one's words is always allowed: a tombstone, as in chat.
      if me.id is null then
        raise exception 'Only your own message can be deleted' using errcode = 'PT403';
      end if;
      update public.group_messages as m set content = null, deleted_at = now(), pinned_at = null where m.id = target.id;
    when 'remove' then
      if not moderates then
        raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
      end if;
      update public.group_messages as m set content = null, removed_at = now(), pinned_at = null where m.id = target.id;
    when 'pin' then
      if not moderates then
        raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
      end if;
      -- One pinned message per group.
      update public.group_messages as m set pinned_at = null where m.group_id = target.group_id and m.pinned_at is not null and m.id <> target.id;
      update public.group_messages as m set pinned_at = now() where m.id = target.id and m.content is not null;
    when 'unpin' then
      if not moderates then
        raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
      end if;
      update public.group_messages as m set pinned_at = null where m.id = target.id;
    else
      raise exception 'Unknown action %; use edit, delete, remove, pin or unpin', action using errcode = 'PT400';
  end case;
end;
$function$;
comment on function public.change_group_message(uuid, text, text) is
  'Members edit their own group message within 15 minutes of sending it and only while it carries their current handle (409 otherwise; 409 naming the hour while their new name is not listed), and delete their own at any time (the text is erased); the group''s moderators (or admins) remove any message and pin one.';
revoke execute on function public.change_group_message(uuid, text, text) from public, anon;
grant execute on function public.change_group_message(uuid, text, text) to authenticated;

drop function public.group_heartbeat(uuid);
create function public.group_heartbeat("groupId" uuid default null)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.require_argument("groupId", 'groupId');
  update private.group_members as m set last_seen_at = now()
  where m.group_id = "groupId" and m.user_id = auth.uid() and m.status = 'active';
  if not found then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
end;
$function$;
comment on function public.group_heartbeat(uuid) is
  'Marks the caller present in a group for the next 2 minutes (onlineCount).';
revoke execute on function public.group_heartbeat(uuid) from public, anon;
grant execute on function public.group_heartbeat(uuid) to authenticated;

drop function public.join_group(uuid, boolean);
create function public.join_group("groupId" uuid default null, "useDisplayName" boolean DEFAULT false)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target public.support_groups;
  existing private.group_members;
begin
  perform private.require_argument("groupId", 'groupId');
  if not private.caller_may_browse_people() then
    raise exception 'Sign in with an account to join groups' using errcode = 'PT403';
  end if;
  select g.* into target from public.support_groups as g where g.id = "groupId" for update;
  if target.id is null then
    raise exception 'No such group' using errcode = 'PT404';
  end if;
  select m.* into existing from private.group_members as m where m.group_id = target.id and m.user_id = auth.uid();
  if existing.status = 'banned' then
    raise exception 'You cannot join this group' using errcode = 'PT403';
  elsif existing.status in ('active', 'pending') then
    return jsonb_build_object('status', existing.status, 'memberId', private.group_member_handle(existing));
  end if;
  if target.privacy = 'public' and target.member_cap is not null and target.member_count >= target.member_cap then
    raise exception 'This group is full' using errcode = 'PT409';
  end if;
  -- A returning member gets their membership back, with any mute still running; a newcomer a new one.
  insert into private.group_members as m (group_id, user_id, status, use_display_name, joined_at)
  values (target.id, auth.uid(), (case when target.privacy = 'public' then 'active' else 'pending' end)::public.group_member_status,
          coalesce("useDisplayName", false),
          case when target.privacy = 'public' then now() end)
  on conflict on constraint group_members_group_id_user_id_key do update
    set status = excluded.status, role = 'member', use_display_name = excluded.use_display_name, joined_at = excluded.joined_at,
        requested_at = now()
  returning * into existing;
  return jsonb_build_object('status', existing.status, 'memberId', private.group_member_handle(existing));
end;
$function$;
comment on function public.join_group(uuid, boolean) is
  'POST /groups/:id/join: active at once in a public group, pending (a join request) in a private one; idempotent; 403 when banned, 409 when full; a running mute survives leaving and rejoining. memberId is the member''s current handle.';
revoke execute on function public.join_group(uuid, boolean) from public, anon;
grant execute on function public.join_group(uuid, boolean) to authenticated;

drop function public.leave_group(uuid);
create function public.leave_group("groupId" uuid default null)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  mine private.group_members;
begin
  perform private.require_argument("groupId", 'groupId');
  -- The group row first, then the membership: the same order as joining and moderation, so they queue, never deadlock.
  perform 1 from public.support_groups as g where g.id = "groupId" for update;
  select m.* into mine from private.group_members as m where m.group_id = "groupId" and m.user_id = auth.uid() for update;
  if mine.id is null or mine.status in ('banned', 'left') then
    return jsonb_build_object('status', 'left');
  end if;
  if mine.role = 'owner' then
    raise exception 'Make another member owner (make_owner) before leaving' using errcode = 'PT409';
  end if;
  -- Kept as left, not deleted: the member's messages stay theirs, and go with their account if it is deleted.
  update private.group_members as m set status = 'left', role = 'member', last_seen_at = null where m.id = mine.id;
  return jsonb_build_object('status', 'left');
end;
$function$;
comment on function public.leave_group(uuid) is
  'DELETE /groups/:id/leave: idempotent; the owner must hand over ownership first (409).';
revoke execute on function public.leave_group(uuid) from public, anon;
grant execute on function public.leave_group(uuid) to authenticated;

drop function public.list_group_join_requests(uuid);
create function public.list_group_join_requests("groupId" uuid default null)
 RETURNS TABLE("memberId" uuid, name text, "requestedAt" timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.require_argument("groupId", 'groupId');
  if not private.caller_moderates_group("groupId") then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  return query
    -- A request appears as the member list would show its author: from the listing hour of a new public identity
    -- (and dated no earlier), never for a deactivated account.
    select i.handle, i.name, greatest(m.requested_at, i.listed_from)
    from private.group_members as m
    join private.group_member_identities("groupId") as i on i.membership_id = m.id
    where m.group_id = "groupId" and m.status = 'pending' and i.listed and i.account_active
    order by 3, 1;
end;
$function$;
comment on function public.list_group_join_requests(uuid) is
  'The join requests waiting in a group, for its moderators (or admins; 403 for anyone else): memberId (the handle approve and decline take), the name the applicant will show, requestedAt; oldest first. A request by a new public identity is listed from that identity''s listing hour, dated no earlier; deactivated accounts are left out.';
revoke execute on function public.list_group_join_requests(uuid) from public, anon;
grant execute on function public.list_group_join_requests(uuid) to authenticated;

drop function public.list_group_members(uuid);
create function public.list_group_members("groupId" uuid default null)
 RETURNS TABLE("memberId" uuid, name text, role group_member_role, online boolean, "isMe" boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.require_argument("groupId", 'groupId');
  if private.group_role_of_caller("groupId") is null then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
  return query
    select i.handle, i.name, m.role,
           -- Online as others may see it: shown_seen_at only moves while the member shows their activity.
           m.shown_seen_at > now() - interval '2 minutes',
           m.user_id = auth.uid()
    from private.group_members as m
    join public.profiles as p on p.id = m.user_id
    join private.group_member_identities("groupId") as i on i.membership_id = m.id
    where m.group_id = "groupId" and m.status = 'active'
      -- A new identity appears to others from its listing hour; a deactivated account to nobody. The member sees
      -- themselves at once.
      and ((i.listed and i.account_active) or m.user_id = auth.uid())
    -- By what is shown, never by joining order: a place carries nothing across a switch of handle.
    order by m.role desc, i.name, i.handle;
end;
$function$;
comment on function public.list_group_members(uuid) is
  'Members of a group the caller belongs to: memberId (the member''s current handle), name as shown in the group, role, online (honouring showActivity), isMe; ordered by role, name and handle. A member''s new public identity is listed to others from its listing hour; deactivated accounts are left out. Never an account or membership id.';
revoke execute on function public.list_group_members(uuid) from public, anon;
grant execute on function public.list_group_members(uuid) to authenticated;

drop function public.moderate_group_member(uuid, uuid, text, timestamptz);
create function public.moderate_group_member("groupId" uuid default null, "memberId" uuid default null, action text default null, "mutedUntil" timestamp with time zone DEFAULT NULL::timestamp with time zone)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target private.group_members;
  my_role public.group_member_role;
  group_row public.support_groups;
  caller_is_admin boolean := (select private.caller_role()) is not distinct from 'admin';
  target_id uuid;
  by_current boolean;
  -- The answer: the handle given, never the member's current one (acting on an old message's author must not name
  -- them as they are now).
  answer jsonb := jsonb_build_object('memberId', "memberId", 'action', action);
begin
  perform private.require_argument("groupId", 'groupId');
  perform private.require_argument("memberId", 'memberId');
  perform private.require_argument(action, 'action');
  select g.* into group_row from public.support_groups as g where g.id = "groupId" for update;
  -- Read after the lock: a moderator demoted at this moment has no power left.
  my_role := private.group_role_of_caller("groupId");
  if group_row.id is null or not private.caller_moderates_group("groupId") then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  -- A handle: the member's current one, or the one on a message of theirs in this group.
  select h.membership_id, h.is_current into target_id, by_current
  from private.group_member_for_handle("groupId", "memberId") as h;
  select m.* into target from private.group_members as m where m.id = target_id for update;
  if target.id is null then
    raise exception 'No such member' using errcode = 'PT404';
  end if;
  if target.user_id = auth.uid() then
    raise exception 'Moderators do not moderate themselves' using errcode = 'PT403';
  end if;
  if by_current then
    -- The member as the list shows them, role included.
    if target.role = 'owner' or (target.role = 'moderator' and my_role is distinct from 'owner' and not caller_is_admin) then
      raise exception 'Only the owner or an admin can moderate a moderator' using errcode = 'PT403';
    end if;
    -- Roles are the owner's (or an admin's) to give: a moderator cannot make more moderators, such as a second account.
    if action in ('promote', 'demote', 'make_owner') and my_role is distinct from 'owner' and not caller_is_admin then
      raise exception 'Only the owner or an admin can change roles' using errcode = 'PT403';
    end if;
  else
    -- The author of an old message, who now shows another name. Nothing in the answer may depend on who they are now
    -- (their role included): only sanctions, and the same answer whether or not the caller has power over them.
    if action not in ('mute', 'unmute', 'ban', 'unban') then
      raise exception 'A member id from an old message allows mute, unmute, ban and unban only; roles and join requests take the id the member list or the join requests show'
        using errcode = 'PT403';
    end if;
    -- A ban takes the author out of the list, showing who they are now: the owner's (or an admin's) call only.
    if action in ('ban', 'unban') and my_role is distinct from 'owner' and not caller_is_admin then
      raise exception 'Only the owner or an admin can ban or unban by the member id on an old message; mute them, or use their id from the member list'
        using errcode = 'PT403';
    end if;
    -- Checks that depend on the input and the membership's sanctions, never on its role (an owner is never banned).
    if action = 'mute' and ("mutedUntil" is null or "mutedUntil" <= now()) then
      raise exception 'mutedUntil must be in the future' using errcode = 'PT400';
    end if;
    if action = 'unban' and target.status <> 'banned' then
      raise exception 'Not banned' using errcode = 'PT409';
    end if;
    -- Without power over the author as they are now (the owner; a moderator, for a plain moderator): the same answer,
    -- and nothing changes.
    if target.role = 'owner' or (target.role = 'moderator' and my_role is distinct from 'owner' and not caller_is_admin) then
      return answer;
    end if;
  end if;
  case action
    when 'approve' then
      if target.status <> 'pending' then raise exception 'Not a pending request' using errcode = 'PT409'; end if;
      if group_row.member_cap is not null and group_row.member_count >= group_row.member_cap then
        raise exception 'This group is full' using errcode = 'PT409';
      end if;
      update private.group_members as m set status = 'active', joined_at = now() where m.id = target.id;
    when 'decline' then
      if target.status <> 'pending' then raise exception 'Not a pending request' using errcode = 'PT409'; end if;
      -- Kept (as left) rather than deleted: a mute it carries outlives the declined request.
      update private.group_members as m set status = 'left' where m.id = target.id;
    when 'mute' then
      if "mutedUntil" is null or "mutedUntil" <= now() then raise exception 'mutedUntil must be in the future' using errcode = 'PT400'; end if;
      update private.group_members as m set muted_until = "mutedUntil" where m.id = target.id;
    when 'unmute' then
      update private.group_members as m set muted_until = null where m.id = target.id;
    when 'ban' then
      -- Necessarily takes the member out of the list (and out of the join requests).
      update private.group_members as m set status = 'banned', role = 'member' where m.id = target.id;
    when 'unban' then
      if target.status <> 'banned' then raise exception 'Not banned' using errcode = 'PT409'; end if;
      update private.group_members as m set status = 'left' where m.id = target.id;
    when 'promote' then
      update private.group_members as m set role = 'moderator' where m.id = target.id and m.status = 'active';
    when 'demote' then
      update private.group_members as m set role = 'member' where m.id = target.id;
    when 'make_owner' then
      if target.status <> 'active' then raise exception 'Only an active member can own the group' using errcode = 'PT409'; end if;
      update private.group_members as m set role = 'moderator' where m.group_id = target.group_id and m.role = 'owner';
      update private.group_members as m set role = 'owner' where m.id = target.id;
    else
      raise exception 'Unknown action %; use approve, decline, mute, unmute, ban, unban, promote, demote or make_owner', action using errcode = 'PT400';
  end case;
  return answer;
end;
$function$;
comment on function public.moderate_group_member(uuid, uuid, text, timestamptz) is
  'Group moderators (or admins): approve/decline join requests (within the cap), mute until a time, ban/unban; the owner (or an admin) also promotes, demotes and hands over ownership (make_owner). memberId is a handle: the member''s current one (from the member list or the join requests), for every action; or one on an old message of theirs in this group, for mute and unmute (any moderator) and ban and unban (the owner or an admin) only, answered alike whatever the author''s role is now (where the caller has no power over them, nothing changes). The answer echoes the handle given. Moderators of other groups have no power here.';
revoke execute on function public.moderate_group_member(uuid, uuid, text, timestamptz) from public, anon;
grant execute on function public.moderate_group_member(uuid, uuid, text, timestamptz) to authenticated;

drop function public.rsvp_group_session(uuid, boolean);
create function public.rsvp_group_session("sessionId" uuid default null, attending boolean DEFAULT true)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target public.group_sessions;
  member uuid;
begin
  perform private.require_argument("sessionId", 'sessionId');
  select s.* into target from public.group_sessions as s where s.id = "sessionId";
  member := (select m.id from private.group_members as m where m.group_id = target.group_id and m.user_id = auth.uid() and m.status = 'active');
  if target.id is null or member is null then
    raise exception 'No such session' using errcode = 'PT404';
  end if;
  if target.cancelled_at is not null or target.starts_at + make_interval(mins => target.duration_minutes) < now() then
    raise exception 'This session is over or cancelled' using errcode = 'PT409';
  end if;
  if attending then
    insert into private.group_session_rsvps (session_id, member_id) values (target.id, member) on conflict do nothing;
  else
    delete from private.group_session_rsvps as r where r.session_id = target.id and r.member_id = member;
  end if;
  return (select count(*)::integer from private.group_session_rsvps as r where r.session_id = target.id);
end;
$function$;
comment on function public.rsvp_group_session(uuid, boolean) is
  'Members say they will attend a session (or withdraw); returns how many attend.';
revoke execute on function public.rsvp_group_session(uuid, boolean) from public, anon;
grant execute on function public.rsvp_group_session(uuid, boolean) to authenticated;

drop function public.schedule_group_session(uuid, text, timestamptz, integer);
create function public.schedule_group_session("groupId" uuid default null, title text default null, "startsAt" timestamp with time zone default null, "durationMinutes" integer DEFAULT 60)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  session_id uuid;
  host private.group_members;
begin
  perform private.require_argument("groupId", 'groupId');
  perform private.require_argument(title, 'title');
  perform private.require_argument("startsAt", 'startsAt');
  if not private.caller_moderates_group("groupId") then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  if "startsAt" is null or "startsAt" < now() then
    raise exception 'A session starts in the future' using errcode = 'PT400';
  end if;
  -- The host is the caller as the group sees them (an admin who is no active member hosts without a handle).
  select m.* into host from private.group_members as m
  where m.group_id = "groupId" and m.user_id = auth.uid() and m.status = 'active';
  if host.id is not null then
    perform private.check_group_identity_shown(host);
  end if;
  insert into public.group_sessions (group_id, title, starts_at, duration_minutes, host_member_id)
  values ("groupId", btrim(title), "startsAt", coalesce("durationMinutes", 60),
          (select i.handle from private.group_member_identity(host) as i))
  returning id into session_id;
  if host.id is not null then
    insert into private.group_session_hosts (session_id, member_id) values (session_id, host.id);
  end if;
  return session_id;
end;
$function$;
comment on function public.schedule_group_session(uuid, text, timestamptz, integer) is
  'The group''s moderators (or admins) schedule a session; returns its id. The host is shown by the handle they have in the group now; a host whose new name is not listed yet gets 409 naming the hour.';
revoke execute on function public.schedule_group_session(uuid, text, timestamptz, integer) from public, anon;
grant execute on function public.schedule_group_session(uuid, text, timestamptz, integer) to authenticated;

-- No function reads these any more: the message pages resolve their cursor from an id, and every message answer is
-- a group_message_item.
drop function private.check_keyset_cursor(timestamptz, uuid);
drop function private.group_message_json(public.group_messages);
