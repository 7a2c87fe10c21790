-- Data export for the wellbeing domain: journal, mood, goals and achievements join the JSON export, and journal and
-- mood are also downloadable as CSV with numbers rather than labels (mood 1-5; journal mood as 1-3 beside its label),
-- which is what people take to a spreadsheet or their therapist.

-- One CSV field: quoted when it holds a comma, quote or line break (RFC 4180).
create function private.csv_field(value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when value is null then ''
    when value ~ '[",\r\n]' then '"' || replace(value, '"', '""') || '"'
    else value
  end;
$$;
comment on function private.csv_field(text) is 'Formats one CSV field (RFC 4180 quoting).';
grant execute on function private.csv_field(text) to authenticated;

-- security invoker: only the caller's own entries are visible.
create function public.export_mood_csv()
returns text
language sql
stable
security invoker
set search_path = ''
as $$
  select 'date,mood,note,factors' || chr(10) || coalesce(string_agg(
    concat_ws(',', m.entry_date::text, m.mood::text, private.csv_field(m.note), private.csv_field(array_to_string(m.factors, '; '))),
    chr(10) order by m.entry_date), '')
  from public.mood_entries as m
  where m.user_id = (select auth.uid());
$$;
comment on function public.export_mood_csv() is 'The caller''s mood entries as CSV: date, mood (1-5), note, factors (separated by "; "), oldest first.';

create function public.export_journal_csv()
returns text
language sql
stable
security invoker
set search_path = ''
as $$
  select 'created_at,title,mood,mood_score,tags,is_favorite,content' || chr(10) || coalesce(string_agg(
    concat_ws(',', to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), private.csv_field(e.title), e.mood::text,
              (case e.mood when 'sad' then 1 when 'neutral' then 2 when 'happy' then 3 end)::text,
              private.csv_field(array_to_string(e.tags, '; ')), e.is_favorite::text, private.csv_field(e.content)),
    chr(10) order by e.created_at, e.id), '')
  from public.journal_entries as e
  where e.user_id = (select auth.uid());
$$;
comment on function public.export_journal_csv() is 'The caller''s journal as CSV: created_at (UTC), title, mood, mood_score (sad 1, neutral 2, happy 3), tags, is_favorite, content; oldest first.';

-- security invoker: the caller's own rows only, under RLS.
create function private.export_wellbeing()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'journalEntries', (
      select coalesce(jsonb_agg(to_jsonb(e) - 'search_vector' - 'user_id' order by e.created_at, e.id), '[]')
      from public.journal_entries as e where e.user_id = (select auth.uid())
    ),
    'moodEntries', (
      select coalesce(jsonb_agg(to_jsonb(m) - 'user_id' order by m.entry_date), '[]')
      from public.mood_entries as m where m.user_id = (select auth.uid())
    ),
    'goals', (
      select coalesce(jsonb_agg(to_jsonb(g) - 'user_id' || jsonb_build_object('progressLog', (
        select coalesce(jsonb_agg(to_jsonb(p) - 'user_id' - 'goal_id' order by p.logged_on, p.created_at), '[]')
        from public.goal_progress as p where p.goal_id = g.id)) order by g.created_at), '[]')
      from public.goals as g where g.user_id = (select auth.uid())
    ),
    'achievements', (
      select coalesce(jsonb_agg(jsonb_build_object('id', u.achievement_id, 'unlockedAt', u.unlocked_at) order by u.unlocked_at), '[]')
      from public.user_achievements as u where u.user_id = (select auth.uid())
    )
  );
$$;
comment on function private.export_wellbeing() is 'Data export section: journal, mood, goals with their progress log, achievements.';
grant execute on function private.export_wellbeing() to authenticated;

create or replace function public.export_my_data()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.export_identity() || private.export_wellbeing();
$$;

revoke execute on function public.export_mood_csv() from public, anon;
revoke execute on function public.export_journal_csv() from public, anon;
grant execute on function public.export_mood_csv() to authenticated;
grant execute on function public.export_journal_csv() to authenticated;
revoke execute on all functions in schema private from public;
