// Entry point for Supabase's edge runtime and local Deno: the app lives in app.ts so tests can call it directly.
import { app } from './app.ts';

Deno.serve(app.fetch);
