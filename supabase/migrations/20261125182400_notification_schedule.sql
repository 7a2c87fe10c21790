-- The delivery worker's clock on hosted Supabase: pg_cron calls the notifications function's /process route every
-- 10 seconds through pg_net, as Supabase documents for scheduling edge functions. The project URL and the service
-- role key come from Vault at run time (never from a migration):
--   select vault.create_secret('https://<project-ref>.supabase.co', 'project_url');
--   select vault.create_secret('<service role key>', 'service_role_key');
-- Where pg_cron or pg_net cannot be installed (plain Postgres, the local stack: `npm start` runs the same pass on a
-- timer instead), this migration does nothing, so it applies everywhere. A pass that finds nothing costs two queries.

do $schedule$
begin
  if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron')
     or not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net') then
    raise notice 'pg_cron or pg_net is not available: the notification worker is not scheduled here';
    return;
  end if;
  begin
    create extension if not exists pg_cron with schema pg_catalog;
    create extension if not exists pg_net with schema extensions;
  exception when others then
    -- Available but not loadable (pg_cron needs shared_preload_libraries): the same as not available.
    raise notice 'pg_cron or pg_net could not be enabled (%): the notification worker is not scheduled here', sqlerrm;
    return;
  end;
  perform cron.schedule(
    'healspace-notification-delivery',
    '10 seconds',
    $job$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/notifications/process',
        headers := jsonb_build_object(
          'content-type', 'application/json',
          'authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := '{}'::jsonb,
        timeout_milliseconds := 25000)
      where exists (select 1 from vault.decrypted_secrets where name = 'project_url')
    $job$);
end
$schedule$;
