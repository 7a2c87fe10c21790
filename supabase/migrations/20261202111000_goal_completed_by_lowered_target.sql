-- A goal completed by lowering its target unlocks goal_completed too (issue 15, found by
-- tests/e2e/data-api-progress.e2e.test.ts driving PUT /progress/goals through supabase-js).
-- goals_unlock_goal_completed was `after update of completed_at`. A column trigger fires only when the UPDATE statement
-- names the column in its SET list, and a lowered target stamps completed_at in a BEFORE trigger
-- (private.complete_goal_on_target_change), so `from('goals').update({ target })` completed the goal (README: "also by
-- lowering the target") without ever unlocking the achievement; only logged progress, whose trigger sets completed_at
-- itself, did. The trigger now fires on every update of a goal and its WHEN clause alone decides.
drop trigger goals_unlock_goal_completed on public.goals;
create trigger goals_unlock_goal_completed
  after update on public.goals
  for each row when (old.completed_at is null and new.completed_at is not null)
  execute function private.unlock_achievement_for_row('goal_completed');

-- Goals completed that way before this migration: the achievement they earned, dated by the first such completion.
insert into public.user_achievements (user_id, achievement_id, unlocked_at)
select distinct on (g.user_id) g.user_id, 'goal_completed', g.completed_at
from public.goals as g
where g.completed_at is not null
order by g.user_id, g.completed_at
on conflict (user_id, achievement_id) do nothing;
