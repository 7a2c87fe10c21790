-- Push endpoints are URLs as browsers serialise them: printable ASCII (hosts in punycode, paths percent-encoded), at
-- most 2048 bytes (issue 15). An endpoint of 1,936 CJK characters (5,736 bytes) passed the character-count check and
-- failed on the unique index's row size (54000), an HTTP 500 through PostgREST; now it is a 400 like any other
-- endpoint that is not a push service's URL.

create or replace function private.is_push_service_endpoint(endpoint text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select endpoint ~ '^[!-~]+$' and octet_length(endpoint) <= 2048 and exists (
    select 1 from private.push_services as s,
         -- The whole authority must be host[:port]: no userinfo (https://fcm.googleapis.com:443@evil.example) and no
         -- backslash (URL parsers read https://evil.example\.push.apple.com as host evil.example).
         lateral (select substring(endpoint from '^https?://([^/\\:?#@]+)(?::[0-9]*)?(?:[/?#]|$)') as host) as h
    where (endpoint like 'https://%' or s.host_suffix in ('127.0.0.1', 'localhost'))
      and (h.host = s.host_suffix or (s.host_suffix like '.%' and h.host like '%' || s.host_suffix)));
$$;
comment on function private.is_push_service_endpoint(text) is
  'True for an https URL on a known push service, in printable ASCII and at most 2048 bytes (plain http only for loopback services added in tests).';
