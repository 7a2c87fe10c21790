/**
 * The seed API's request and response shapes, as code (issue 16): what a frontend written against the seed sends and
 * gets back, now that the seed's endpoints are supabase-js calls and edge functions. Import the schemas to validate at
 * the edge of the app, or the inferred types (`SeedProfile`, …) to type it.
 *
 * Each response schema holds every field the seed documents, with the seed's name, nesting and type, and lets the
 * extra fields HealSpace adds through (all camelCase; `tests/e2e/contract.e2e.test.ts` checks that, and runs every
 * mapped call against these schemas). Where the seed's entity marks a field nullable, null is its empty value.
 *
 * Source: ../shared/seed (the API document HealSpace was specified from). Deviations the platform forces (Auth's
 * session object, Storage's upload answer, PostgREST's error body) are written down in the README's endpoint map.
 */
import { z } from 'zod';

/** Ids: 128-bit, written as UUIDs. Some are derived (message ids), so any version is accepted. */
const id = z.guid();
/** An instant as the data API and the functions write it (ISO 8601 with an offset). */
const instant = z.iso.datetime({ offset: true });
/** A calendar day, YYYY-MM-DD. */
const day = z.iso.date();

// Users ------------------------------------------------------------------------------------------------------------

/** The seed's privacySettings: all eight booleans. */
export const privacySettings = z.object({
  hideDateOfBirth: z.boolean(),
  hidePhone: z.boolean(),
  hideLocation: z.boolean(),
  hideOccupation: z.boolean(),
  hideInterests: z.boolean(),
  anonymousMode: z.boolean(),
  showActivity: z.boolean(),
  allowMessages: z.boolean(),
});

/** GET /users/profile → `from('my_profile').select().single()`. */
export const profile = z.looseObject({
  id,
  email: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string().nullable(),
  dateOfBirth: day.nullable(),
  location: z.string().nullable(),
  occupation: z.string().nullable(),
  bio: z.string().nullable(),
  interests: z.array(z.string()),
  privacySettings,
});

/** PUT /users/profile: partial user data → `from('my_profile').update(body).eq('id', id)`. */
export const profileUpdateRequest = z.strictObject({
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string().nullable(),
  dateOfBirth: day.nullable(),
  location: z.string().nullable(),
  occupation: z.string().nullable(),
  bio: z.string().nullable(),
  interests: z.array(z.string()),
  timeZone: z.string(),
  privacySettings: privacySettings.partial(),
}).partial();

/** PUT /users/privacy → `rpc('update_privacy_settings', body)`; answers all eight settings. */
export const privacyRequest = privacySettings.partial().strict();

// Journal ----------------------------------------------------------------------------------------------------------

export const journalMood = z.enum(['happy', 'neutral', 'sad']);

/** GET /journal/entries → `rpc('list_journal_entries', query)`: an array of these. */
export const journalEntry = z.looseObject({
  id,
  title: z.string(),
  content: z.string(),
  mood: journalMood,
  tags: z.array(z.string()),
  createdAt: instant,
  isFavorite: z.boolean(),
});

/** GET /journal/entries' query: the seed's mood, tags, date range and search, and its paging (limit, before). */
export const journalListQuery = z.strictObject({
  mood: journalMood,
  tags: z.array(z.string()),
  matchAllTags: z.boolean(),
  startDate: day,
  endDate: day,
  search: z.string(),
  searchLanguage: z.string(),
  favoritesOnly: z.boolean(),
  limit: z.number().int(),
  before: id,
}).partial();

/** POST /journal/entries (and PUT, partial) → `from('journal_entries').insert(body).select(columns.journalEntry)`. */
export const journalEntryRequest = z.strictObject({
  title: z.string(),
  content: z.string(),
  mood: journalMood,
  tags: z.array(z.string()).optional(),
});

// Mood -------------------------------------------------------------------------------------------------------------

/** GET /mood/entries → `from('mood_entries').select(columns.moodEntry)`: an array of these. */
export const moodEntry = z.looseObject({
  id,
  mood: z.number().int().min(1).max(5),
  note: z.string().nullable(),
  factors: z.array(z.string()),
  date: day,
});

/** POST /mood/entries → `from('mood_entries').insert(body)`. */
export const moodEntryRequest = z.strictObject({
  mood: z.number().int(),
  note: z.string().nullable().optional(),
  factors: z.array(z.string()).optional(),
  date: day.optional(),
});

/** GET /mood/stats → `GET /functions/v1/mood-stats`. */
export const moodStats = z.looseObject({
  averageMood: z.number().nullable(),
  totalEntries: z.number().int(),
  moodDistribution: z.object({ amazing: z.number().int(), good: z.number().int(), okay: z.number().int(), notGreat: z.number().int(), difficult: z.number().int() }),
  trends: z.object({ lastWeek: z.number().nullable(), lastMonth: z.number().nullable(), improvement: z.boolean().nullable() }),
});

// Progress ---------------------------------------------------------------------------------------------------------

/** GET /progress/goals → `from('goal_overview').select()`: an array of these. */
export const goal = z.looseObject({
  id,
  title: z.string(),
  description: z.string().nullable(),
  progress: z.number().int().min(0).max(100),
  current: z.number(),
  target: z.number(),
  unit: z.string(),
  category: z.string(),
  streak: z.number().int(),
});

/** POST /progress/goals → `from('goal_overview').insert(body).select().single()`. */
export const goalRequest = z.strictObject({
  title: z.string(),
  description: z.string().nullable().optional(),
  category: z.string(),
  unit: z.string(),
  target: z.number(),
  current: z.number().optional(),
});

/** PUT /progress/goals/:id → `from('goal_overview').update(body).eq('id', id).select().single()`. */
export const goalUpdateRequest = goalRequest.partial().extend({ archivedAt: instant.nullable().optional() });

/** GET /progress/achievements → `from('my_achievements').select()`: an array of these. */
export const achievement = z.looseObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  icon: z.string(),
  unlocked: z.boolean(),
  date: day.nullable(),
});

/** GET /progress/timeline → `from('my_timeline').select()`: an array of these. */
export const timelineItem = z.looseObject({
  date: day,
  title: z.string(),
  description: z.string().nullable(),
  type: z.string(),
});

// Chat -------------------------------------------------------------------------------------------------------------

/** GET /chat/conversations → `from('chat_conversation_list').select()`: an array of these. */
export const conversation = z.looseObject({
  id,
  partner: z.object({ id, name: z.string(), online: z.boolean() }),
  lastMessage: z.string().nullable(),
  timestamp: instant,
  unreadCount: z.number().int(),
});

/** A chat message (GET /chat/conversations/:id/messages, the answer to POST /chat/messages, Realtime newMessage). */
export const chatMessage = z.looseObject({
  id,
  content: z.string().nullable(),
  sender: z.object({ id, name: z.string() }),
  timestamp: instant,
  isAnonymous: z.boolean(),
});

/** GET /chat/conversations/:id/messages' query → `rpc('list_chat_messages', { conversationId, ...query })`. */
export const chatMessagesQuery = z.strictObject({ limit: z.number().int(), before: id }).partial();

/** POST /chat/messages → `rpc('send_chat_message', body)`; messageId (an idempotency key) is HealSpace's, optional. */
export const chatSendRequest = z.strictObject({
  content: z.string(),
  recipientId: id,
  isAnonymous: z.boolean().optional(),
  messageId: id.optional(),
});

/** The answer to POST /chat/messages: the message, its conversation, and a safety prompt when it called for one. */
export const chatSendAnswer = z.looseObject({
  message: chatMessage,
  conversationId: id,
  duplicate: z.boolean(),
  safety: z.looseObject({ notice: z.string(), helplines: z.array(z.looseObject({ name: z.string() })) }).nullable(),
});

/** POST /chat/start → `POST /functions/v1/chat-match` (when matched at once; else `status: queued`). */
export const chatStart = z.looseObject({
  conversationId: id,
  partner: z.object({ id, name: z.string() }),
});

// Groups -----------------------------------------------------------------------------------------------------------

/** GET /groups → `rpc('list_groups', { category, search, joined })`: an array of these. */
export const group = z.looseObject({
  id,
  name: z.string(),
  description: z.string(),
  category: z.string(),
  privacy: z.enum(['public', 'private']),
  memberCount: z.number().int(),
  onlineCount: z.number().int(),
  nextSession: instant.nullable(),
  joined: z.boolean(),
});

export const groupsQuery = z.strictObject({
  category: z.string(),
  search: z.string(),
  joined: z.boolean(),
  limit: z.number().int(),
  offset: z.number().int(),
}).partial();

/** A group message: "similar to chat messages" (the seed), sender.id being the handle it was written under. */
export const groupMessage = chatMessage.extend({ groupId: id, pinned: z.boolean() });

/** POST /groups/:id/messages → `rpc('send_group_message', { groupId, content })`. */
export const groupSendRequest = z.strictObject({ groupId: id, content: z.string(), messageId: id.optional() });

// Therapy ----------------------------------------------------------------------------------------------------------

/** GET /therapists → `rpc('list_therapists', { specialty, availability })`: an array of these. */
export const therapist = z.looseObject({
  id,
  name: z.string(),
  specialty: z.string(),
  experience: z.string(),
  rating: z.number().nullable(),
  nextAvailable: instant.nullable(),
  hourlyRate: z.number(),
});

export const therapistsQuery = z.strictObject({
  specialty: z.string(),
  availability: z.number().int(),
  language: z.string(),
  sessionType: z.enum(['video', 'phone', 'chat']),
  limit: z.number().int(),
  after: id,
}).partial();

export const sessionStatus = z.enum(['scheduled', 'confirmed', 'completed', 'cancelled', 'no-show']);

/** GET /sessions → `from('my_therapy_sessions').select()` or `GET /functions/v1/booking`: an array of these. */
export const session = z.looseObject({
  id,
  title: z.string(),
  therapist: z.object({ id, name: z.string(), specialty: z.string() }).nullable(),
  scheduledAt: instant,
  duration: z.number().int(),
  type: z.enum(['video', 'phone', 'chat']),
  status: sessionStatus,
});

/** POST /sessions → `POST /functions/v1/booking`. */
export const sessionBookRequest = z.strictObject({
  therapistId: id,
  scheduledAt: instant,
  type: z.enum(['video', 'phone', 'chat']).optional(),
  notes: z.string().optional(),
});

/** PUT /sessions/:id → `PUT /functions/v1/booking/:id`: one change. */
export const sessionUpdateRequest = z.union([
  z.strictObject({ scheduledAt: instant }),
  z.strictObject({ status: z.literal('cancelled'), reason: z.string().optional() }),
  z.strictObject({ status: z.enum(['confirmed', 'completed', 'no-show']) }),
  z.strictObject({ rescheduleRequested: z.literal(true), note: z.string().optional() }),
]);

/** POST /sessions/:id/rate → `POST /functions/v1/booking/:id/rate`. */
export const sessionRateRequest = z.strictObject({ rating: z.number().int().min(1).max(5), feedback: z.string().optional() });

// Notifications ----------------------------------------------------------------------------------------------------

/** POST /notifications/send → `POST /functions/v1/notifications/send`. */
export const notificationSendRequest = z.looseObject({
  userId: id,
  title: z.string(),
  body: z.string(),
  type: z.string(),
});

// The error shape --------------------------------------------------------------------------------------------------

/** Every edge function's error (the seed's Standard Error Response). The data API answers PostgREST's instead. */
export const seedError = z.looseObject({
  statusCode: z.number().int(),
  message: z.string(),
  error: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/**
 * What supabase-js must select from a table to get the seed's shape back: PostgREST renames in `select`
 * (`alias:column`), so the database keeps its own column names.
 */
export const columns = {
  journalEntry: 'id, title, content, mood, tags, createdAt:created_at, isFavorite:is_favorite, language, updatedAt:updated_at',
  moodEntry: 'id, mood, note, factors, date, createdAt:created_at, updatedAt:updated_at',
} as const;

export type SeedProfile = z.infer<typeof profile>;
export type SeedProfileUpdate = z.infer<typeof profileUpdateRequest>;
export type SeedPrivacySettings = z.infer<typeof privacySettings>;
export type SeedJournalEntry = z.infer<typeof journalEntry>;
export type SeedJournalListQuery = z.infer<typeof journalListQuery>;
export type SeedJournalEntryRequest = z.infer<typeof journalEntryRequest>;
export type SeedMoodEntry = z.infer<typeof moodEntry>;
export type SeedMoodEntryRequest = z.infer<typeof moodEntryRequest>;
export type SeedMoodStats = z.infer<typeof moodStats>;
export type SeedGoal = z.infer<typeof goal>;
export type SeedGoalRequest = z.infer<typeof goalRequest>;
export type SeedAchievement = z.infer<typeof achievement>;
export type SeedTimelineItem = z.infer<typeof timelineItem>;
export type SeedError = z.infer<typeof seedError>;
export type SeedConversation = z.infer<typeof conversation>;
export type SeedChatMessage = z.infer<typeof chatMessage>;
export type SeedChatSendRequest = z.infer<typeof chatSendRequest>;
export type SeedChatStart = z.infer<typeof chatStart>;
export type SeedGroup = z.infer<typeof group>;
export type SeedGroupMessage = z.infer<typeof groupMessage>;
export type SeedTherapist = z.infer<typeof therapist>;
export type SeedSession = z.infer<typeof session>;
export type SeedSessionBookRequest = z.infer<typeof sessionBookRequest>;
export type SeedSessionUpdateRequest = z.infer<typeof sessionUpdateRequest>;
export type SeedNotificationSendRequest = z.infer<typeof notificationSendRequest>;
