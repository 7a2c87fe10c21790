
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "public": {
          Tables: {
            "achievements": {
                  Row: {
                    "description": string,"icon": string,"id": string,"sort_order": number,"title": string
                  }
                  ComputedFields: never
                  Insert: {
                    "description": string,"icon": string,"id": string,"sort_order": number,"title": string
                  }
                  Update: {
                    "description"?: string,"icon"?: string,"id"?: string,"sort_order"?: number,"title"?: string
                  }
                  Relationships: [
                    
                  ]
                },"audit_log": {
                  Row: {
                    "action": string,"actor_db_role": string,"actor_id": string | null,"actor_ref": string | null,"actor_role": Database["public"]['Enums']["app_role"] | null,"details": NonNullable<Json>,"id": number,"occurred_at": string,"subject_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "action": string,"actor_db_role": string,"actor_id"?: string | null,"actor_ref"?: string | null,"actor_role"?: Database["public"]['Enums']["app_role"] | null,"details"?: NonNullable<Json>,"id"?: never,"occurred_at"?: string,"subject_id"?: string | null
                  }
                  Update: {
                    "action"?: string,"actor_db_role"?: string,"actor_id"?: string | null,"actor_ref"?: string | null,"actor_role"?: Database["public"]['Enums']["app_role"] | null,"details"?: NonNullable<Json>,"id"?: never,"occurred_at"?: string,"subject_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"chat_conversations": {
                  Row: {
                    "created_at": string,"ended_at": string | null,"id": string,"kind": Database["public"]['Enums']["chat_conversation_kind"],"topic": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"ended_at"?: string | null,"id"?: string,"kind": Database["public"]['Enums']["chat_conversation_kind"],"topic"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"ended_at"?: string | null,"id"?: string,"kind"?: Database["public"]['Enums']["chat_conversation_kind"],"topic"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"chat_messages": {
                  Row: {
                    "content": string | null,"conversation_id": string,"created_at": string,"deleted_at": string | null,"edited_at": string | null,"id": string,"removed_at": string | null,"sender_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "content"?: string | null,"conversation_id": string,"created_at"?: string,"deleted_at"?: string | null,"edited_at"?: string | null,"id": string,"removed_at"?: string | null,"sender_id": string
                  }
                  Update: {
                    "content"?: string | null,"conversation_id"?: string,"created_at"?: string,"deleted_at"?: string | null,"edited_at"?: string | null,"id"?: string,"removed_at"?: string | null,"sender_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "chat_messages_conversation_id_fkey"
      columns: ["conversation_id"]
isOneToOne: false
      referencedRelation: "chat_conversation_list"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "chat_messages_conversation_id_fkey"
      columns: ["conversation_id"]
isOneToOne: false
      referencedRelation: "chat_conversations"
      referencedColumns: ["id"]
    }
                  ]
                },"goal_progress": {
                  Row: {
                    "amount": number,"created_at": string,"goal_id": string,"id": string,"logged_on": string,"note": string | null,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "amount"?: number,"created_at"?: string,"goal_id": string,"id"?: string,"logged_on"?: string,"note"?: string | null,"user_id"?: string
                  }
                  Update: {
                    "amount"?: number,"created_at"?: string,"goal_id"?: string,"id"?: string,"logged_on"?: string,"note"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "goal_progress_goal_id_fkey"
      columns: ["goal_id"]
isOneToOne: false
      referencedRelation: "goal_overview"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "goal_progress_goal_id_fkey"
      columns: ["goal_id"]
isOneToOne: false
      referencedRelation: "goals"
      referencedColumns: ["id"]
    }
                  ]
                },"goals": {
                  Row: {
                    "archived_at": string | null,"category": string,"completed_at": string | null,"created_at": string,"current": number,"description": string | null,"id": string,"progress": number | null,"target": number,"title": string,"unit": string,"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "archived_at"?: string | null,"category"?: string,"completed_at"?: string | null,"created_at"?: string,"current"?: number,"description"?: string | null,"id"?: string,"progress"?: never,"target": number,"title": string,"unit"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "archived_at"?: string | null,"category"?: string,"completed_at"?: string | null,"created_at"?: string,"current"?: number,"description"?: string | null,"id"?: string,"progress"?: never,"target"?: number,"title"?: string,"unit"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    
                  ]
                },"group_categories": {
                  Row: {
                    "description": string,"id": string,"name": string,"sort_order": number
                  }
                  ComputedFields: never
                  Insert: {
                    "description": string,"id": string,"name": string,"sort_order": number
                  }
                  Update: {
                    "description"?: string,"id"?: string,"name"?: string,"sort_order"?: number
                  }
                  Relationships: [
                    
                  ]
                },"group_messages": {
                  Row: {
                    "content": string | null,"created_at": string,"deleted_at": string | null,"edited_at": string | null,"group_id": string,"id": string,"pinned_at": string | null,"removed_at": string | null,"sender_handle": string | null,"sender_is_anonymous": boolean,"sender_member_id": string | null,"sender_name": string
                  }
                  ComputedFields: never
                  Insert: {
                    "content"?: string | null,"created_at"?: string,"deleted_at"?: string | null,"edited_at"?: string | null,"group_id": string,"id": string,"pinned_at"?: string | null,"removed_at"?: string | null,"sender_handle"?: string | null,"sender_is_anonymous"?: boolean,"sender_member_id"?: string | null,"sender_name": string
                  }
                  Update: {
                    "content"?: string | null,"created_at"?: string,"deleted_at"?: string | null,"edited_at"?: string | null,"group_id"?: string,"id"?: string,"pinned_at"?: string | null,"removed_at"?: string | null,"sender_handle"?: string | null,"sender_is_anonymous"?: boolean,"sender_member_id"?: string | null,"sender_name"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "group_messages_group_id_fkey"
      columns: ["group_id"]
isOneToOne: false
      referencedRelation: "support_groups"
      referencedColumns: ["id"]
    }
                  ]
                },"group_sessions": {
                  Row: {
                    "cancelled_at": string | null,"created_at": string,"duration_minutes": number,"group_id": string,"host_member_id": string | null,"id": string,"starts_at": string,"title": string
                  }
                  ComputedFields: never
                  Insert: {
                    "cancelled_at"?: string | null,"created_at"?: string,"duration_minutes"?: number,"group_id": string,"host_member_id"?: string | null,"id"?: string,"starts_at": string,"title": string
                  }
                  Update: {
                    "cancelled_at"?: string | null,"created_at"?: string,"duration_minutes"?: number,"group_id"?: string,"host_member_id"?: string | null,"id"?: string,"starts_at"?: string,"title"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "group_sessions_group_id_fkey"
      columns: ["group_id"]
isOneToOne: false
      referencedRelation: "support_groups"
      referencedColumns: ["id"]
    }
                  ]
                },"helplines": {
                  Row: {
                    "country_code": string,"hours": string,"id": number,"name": string,"phone": string | null,"sms": string | null,"sort_order": number,"url": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "country_code": string,"hours"?: string,"id"?: never,"name": string,"phone"?: string | null,"sms"?: string | null,"sort_order"?: number,"url"?: string | null
                  }
                  Update: {
                    "country_code"?: string,"hours"?: string,"id"?: never,"name"?: string,"phone"?: string | null,"sms"?: string | null,"sort_order"?: number,"url"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"journal_entries": {
                  Row: {
                    "content": string,"created_at": string,"id": string,"is_favorite": boolean,"language": Database["public"]['Enums']["search_language"],"mood": Database["public"]['Enums']["journal_mood"],"search_vector": unknown,"tags": (string)[],"title": string,"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "content": string,"created_at"?: string,"id"?: string,"is_favorite"?: boolean,"language"?: Database["public"]['Enums']["search_language"],"mood": Database["public"]['Enums']["journal_mood"],"search_vector"?: never,"tags"?: (string)[],"title": string,"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "content"?: string,"created_at"?: string,"id"?: string,"is_favorite"?: boolean,"language"?: Database["public"]['Enums']["search_language"],"mood"?: Database["public"]['Enums']["journal_mood"],"search_vector"?: never,"tags"?: (string)[],"title"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    
                  ]
                },"mood_entries": {
                  Row: {
                    "created_at": string,"date": string,"factors": (string)[],"id": string,"mood": number,"note": string | null,"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"date"?: string,"factors"?: (string)[],"id"?: string,"mood": number,"note"?: string | null,"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "created_at"?: string,"date"?: string,"factors"?: (string)[],"id"?: string,"mood"?: number,"note"?: string | null,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    
                  ]
                },"notification_preferences": {
                  Row: {
                    "in_app": boolean,"push": boolean,"type": Database["public"]['Enums']["notification_type"],"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "in_app"?: boolean,"push"?: boolean,"type": Database["public"]['Enums']["notification_type"],"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "in_app"?: boolean,"push"?: boolean,"type"?: Database["public"]['Enums']["notification_type"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "notification_preferences_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "my_profile"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "notification_preferences_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"notification_settings": {
                  Row: {
                    "push_previews": boolean,"quiet_hours_end": string | null,"quiet_hours_start": string | null,"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "push_previews"?: boolean,"quiet_hours_end"?: string | null,"quiet_hours_start"?: string | null,"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "push_previews"?: boolean,"quiet_hours_end"?: string | null,"quiet_hours_start"?: string | null,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "notification_settings_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "my_profile"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "notification_settings_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"notifications": {
                  Row: {
                    "body": string,"collapse_key": string | null,"created_at": string,"data": NonNullable<Json>,"event_count": number,"id": string,"read_at": string | null,"title": string,"type": Database["public"]['Enums']["notification_type"],"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "body": string,"collapse_key"?: string | null,"created_at"?: string,"data"?: NonNullable<Json>,"event_count"?: number,"id"?: string,"read_at"?: string | null,"title": string,"type": Database["public"]['Enums']["notification_type"],"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "body"?: string,"collapse_key"?: string | null,"created_at"?: string,"data"?: NonNullable<Json>,"event_count"?: number,"id"?: string,"read_at"?: string | null,"title"?: string,"type"?: Database["public"]['Enums']["notification_type"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "notifications_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "my_profile"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "notifications_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"profiles": {
                  Row: {
                    "allow_messages": boolean,"anonymous_mode": boolean,"avatar_path": string | null,"bio": string | null,"created_at": string,"date_of_birth": string | null,"display_name": string | null,"email": string | null,"first_name": string | null,"hide_date_of_birth": boolean,"hide_interests": boolean,"hide_location": boolean,"hide_occupation": boolean,"hide_phone": boolean,"id": string,"identity_listed_from": string,"interests": (string)[],"is_active": boolean,"is_anonymous": boolean,"is_listener": boolean,"last_name": string | null,"location": string | null,"occupation": string | null,"phone": string | null,"pseudonym": string,"public_id": string,"role": Database["public"]['Enums']["app_role"],"show_activity": boolean,"time_zone": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "allow_messages"?: boolean,"anonymous_mode"?: boolean,"avatar_path"?: string | null,"bio"?: string | null,"created_at"?: string,"date_of_birth"?: string | null,"display_name"?: never,"email"?: string | null,"first_name"?: string | null,"hide_date_of_birth"?: boolean,"hide_interests"?: boolean,"hide_location"?: boolean,"hide_occupation"?: boolean,"hide_phone"?: boolean,"id": string,"identity_listed_from"?: string,"interests"?: (string)[],"is_active"?: boolean,"is_anonymous"?: boolean,"is_listener"?: boolean,"last_name"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"pseudonym"?: string,"public_id"?: string,"role"?: Database["public"]['Enums']["app_role"],"show_activity"?: boolean,"time_zone"?: string,"updated_at"?: string
                  }
                  Update: {
                    "allow_messages"?: boolean,"anonymous_mode"?: boolean,"avatar_path"?: string | null,"bio"?: string | null,"created_at"?: string,"date_of_birth"?: string | null,"display_name"?: never,"email"?: string | null,"first_name"?: string | null,"hide_date_of_birth"?: boolean,"hide_interests"?: boolean,"hide_location"?: boolean,"hide_occupation"?: boolean,"hide_phone"?: boolean,"id"?: string,"identity_listed_from"?: string,"interests"?: (string)[],"is_active"?: boolean,"is_anonymous"?: boolean,"is_listener"?: boolean,"last_name"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"pseudonym"?: string,"public_id"?: string,"role"?: Database["public"]['Enums']["app_role"],"show_activity"?: boolean,"time_zone"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"push_subscriptions": {
                  Row: {
                    "auth": string,"created_at": string,"endpoint": string,"expiration_time": string | null,"id": string,"last_error": string | null,"last_status": number | null,"last_used_at": string | null,"p256dh": string,"user_agent": string | null,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "auth": string,"created_at"?: string,"endpoint": string,"expiration_time"?: string | null,"id"?: string,"last_error"?: string | null,"last_status"?: number | null,"last_used_at"?: string | null,"p256dh": string,"user_agent"?: string | null,"user_id": string
                  }
                  Update: {
                    "auth"?: string,"created_at"?: string,"endpoint"?: string,"expiration_time"?: string | null,"id"?: string,"last_error"?: string | null,"last_status"?: number | null,"last_used_at"?: string | null,"p256dh"?: string,"user_agent"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "push_subscriptions_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "my_profile"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "push_subscriptions_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"support_groups": {
                  Row: {
                    "category_id": string,"cover_path": string | null,"created_at": string,"created_by": string | null,"description": string,"id": string,"member_cap": number | null,"member_count": number,"name": string,"privacy": Database["public"]['Enums']["group_privacy"],"search_vector": unknown,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "category_id": string,"cover_path"?: string | null,"created_at"?: string,"created_by"?: string | null,"description": string,"id"?: string,"member_cap"?: number | null,"member_count"?: number,"name": string,"privacy"?: Database["public"]['Enums']["group_privacy"],"search_vector"?: never,"updated_at"?: string
                  }
                  Update: {
                    "category_id"?: string,"cover_path"?: string | null,"created_at"?: string,"created_by"?: string | null,"description"?: string,"id"?: string,"member_cap"?: number | null,"member_count"?: number,"name"?: string,"privacy"?: Database["public"]['Enums']["group_privacy"],"search_vector"?: never,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "support_groups_category_id_fkey"
      columns: ["category_id"]
isOneToOne: false
      referencedRelation: "group_categories"
      referencedColumns: ["id"]
    }
                  ]
                },"therapist_date_overrides": {
                  Row: {
                    "ends_at": string | null,"id": number,"on_date": string,"starts_at": string | null,"therapist_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "ends_at"?: string | null,"id"?: never,"on_date": string,"starts_at"?: string | null,"therapist_id": string
                  }
                  Update: {
                    "ends_at"?: string | null,"id"?: never,"on_date"?: string,"starts_at"?: string | null,"therapist_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "therapist_date_overrides_therapist_id_fkey"
      columns: ["therapist_id"]
isOneToOne: false
      referencedRelation: "therapists"
      referencedColumns: ["id"]
    }
                  ]
                },"therapist_session_notes": {
                  Row: {
                    "body": string,"created_at": string,"session_id": string,"therapist_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "body": string,"created_at"?: string,"session_id": string,"therapist_id"?: string,"updated_at"?: string
                  }
                  Update: {
                    "body"?: string,"created_at"?: string,"session_id"?: string,"therapist_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "therapist_session_notes_session_id_fkey"
      columns: ["session_id"]
isOneToOne: true
      referencedRelation: "my_therapy_sessions"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "therapist_session_notes_therapist_id_fkey"
      columns: ["therapist_id"]
isOneToOne: false
      referencedRelation: "therapists"
      referencedColumns: ["id"]
    }
                  ]
                },"therapist_weekly_hours": {
                  Row: {
                    "ends_at": string,"id": number,"starts_at": string,"therapist_id": string,"weekday": number
                  }
                  ComputedFields: never
                  Insert: {
                    "ends_at": string,"id"?: never,"starts_at": string,"therapist_id": string,"weekday": number
                  }
                  Update: {
                    "ends_at"?: string,"id"?: never,"starts_at"?: string,"therapist_id"?: string,"weekday"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "therapist_weekly_hours_therapist_id_fkey"
      columns: ["therapist_id"]
isOneToOne: false
      referencedRelation: "therapists"
      referencedColumns: ["id"]
    }
                  ]
                },"therapists": {
                  Row: {
                    "accepting_new_clients": boolean,"auto_confirm": boolean,"bio": string | null,"booking_window_days": number,"buffer_after_minutes": number,"buffer_before_minutes": number,"created_at": string,"currency": string,"display_name": string,"hourly_rate": number,"id": string,"is_active": boolean,"is_listed": boolean,"languages": (string)[],"late_cancellation_hours": number,"minimum_notice_minutes": number,"rating_average": number | null,"rating_count": number,"session_minutes": number,"session_types": (Database["public"]['Enums']["therapy_session_type"])[],"slot_interval_minutes": number,"specialties": (Database["public"]['Enums']["therapy_specialty"])[],"time_zone": string,"updated_at": string,"years_of_experience": number
                  }
                  ComputedFields: never
                  Insert: {
                    "accepting_new_clients"?: boolean,"auto_confirm"?: boolean,"bio"?: string | null,"booking_window_days"?: number,"buffer_after_minutes"?: number,"buffer_before_minutes"?: number,"created_at"?: string,"currency"?: string,"display_name": string,"hourly_rate": number,"id": string,"is_active"?: boolean,"is_listed"?: boolean,"languages"?: (string)[],"late_cancellation_hours"?: number,"minimum_notice_minutes"?: number,"rating_average"?: number | null,"rating_count"?: number,"session_minutes"?: number,"session_types"?: (Database["public"]['Enums']["therapy_session_type"])[],"slot_interval_minutes"?: number,"specialties": (Database["public"]['Enums']["therapy_specialty"])[],"time_zone"?: string,"updated_at"?: string,"years_of_experience"?: number
                  }
                  Update: {
                    "accepting_new_clients"?: boolean,"auto_confirm"?: boolean,"bio"?: string | null,"booking_window_days"?: number,"buffer_after_minutes"?: number,"buffer_before_minutes"?: number,"created_at"?: string,"currency"?: string,"display_name"?: string,"hourly_rate"?: number,"id"?: string,"is_active"?: boolean,"is_listed"?: boolean,"languages"?: (string)[],"late_cancellation_hours"?: number,"minimum_notice_minutes"?: number,"rating_average"?: number | null,"rating_count"?: number,"session_minutes"?: number,"session_types"?: (Database["public"]['Enums']["therapy_session_type"])[],"slot_interval_minutes"?: number,"specialties"?: (Database["public"]['Enums']["therapy_specialty"])[],"time_zone"?: string,"updated_at"?: string,"years_of_experience"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "therapists_id_fkey"
      columns: ["id"]
isOneToOne: true
      referencedRelation: "my_profile"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "therapists_id_fkey"
      columns: ["id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"user_achievements": {
                  Row: {
                    "achievement_id": string,"unlocked_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "achievement_id": string,"unlocked_at"?: string,"user_id": string
                  }
                  Update: {
                    "achievement_id"?: string,"unlocked_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "user_achievements_achievement_id_fkey"
      columns: ["achievement_id"]
isOneToOne: false
      referencedRelation: "achievements"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "user_achievements_achievement_id_fkey"
      columns: ["achievement_id"]
isOneToOne: false
      referencedRelation: "my_achievements"
      referencedColumns: ["id"]
    }
                  ]
                }
          }
          Views: {
            "chat_conversation_list": {
                  Row: {
                    "createdAt": string,"endedAt": string | null,"id": string,"kind": Database["public"]['Enums']["chat_conversation_kind"],"lastMessage": string | null,"partner": Json | null,"timestamp": string | null,"unreadCount": number | null
                  }
                  ComputedFields: never
                  Insert: {
                           "createdAt"?: string | null,"endedAt"?: string | null,"id"?: string | null,"kind"?: Database["public"]['Enums']["chat_conversation_kind"] | null,"lastMessage"?: string | null,"partner"?: Json | null,"timestamp"?: string | null,"unreadCount"?: number | null
                         }
                        Update: {
                           "createdAt"?: string | null,"endedAt"?: string | null,"id"?: string | null,"kind"?: Database["public"]['Enums']["chat_conversation_kind"] | null,"lastMessage"?: string | null,"partner"?: Json | null,"timestamp"?: string | null,"unreadCount"?: number | null
                         }
                        Relationships: [
                    
                  ]
                },"goal_overview": {
                  Row: {
                    "archivedAt": string | null,"category": string,"completedAt": string | null,"createdAt": string,"current": number,"description": string | null,"id": string,"progress": number | null,"streak": number | null,"target": number,"title": string,"unit": string
                  }
                  ComputedFields: never
                  Insert: {
                           "archivedAt"?: string | null,"category"?: string | null,"completedAt"?: string | null,"createdAt"?: string | null,"current"?: number | null,"description"?: string | null,"id"?: string | null,"progress"?: number | null,"streak"?: number | null,"target"?: number | null,"title"?: string | null,"unit"?: string | null
                         }
                        Update: {
                           "archivedAt"?: string | null,"category"?: string | null,"completedAt"?: string | null,"createdAt"?: string | null,"current"?: number | null,"description"?: string | null,"id"?: string | null,"progress"?: number | null,"streak"?: number | null,"target"?: number | null,"title"?: string | null,"unit"?: string | null
                         }
                        Relationships: [
                    
                  ]
                },"my_achievements": {
                  Row: {
                    "date": string | null,"description": string,"icon": string,"id": string,"sortOrder": number,"title": string,"unlocked": boolean | null
                  }
                  ComputedFields: never
                  Insert: {
                           "date"?: string | null,"description"?: string | null,"icon"?: string | null,"id"?: string | null,"sortOrder"?: number | null,"title"?: string | null,"unlocked"?: boolean | null
                         }
                        Update: {
                           "date"?: string | null,"description"?: string | null,"icon"?: string | null,"id"?: string | null,"sortOrder"?: number | null,"title"?: string | null,"unlocked"?: boolean | null
                         }
                        Relationships: [
                    
                  ]
                },"my_notification_preferences": {
                  Row: {
                    "inApp": boolean | null,"push": boolean | null,"type": Database["public"]['Enums']["notification_type"] | null
                  }
                  ComputedFields: never
                  Insert: {
                           "inApp"?: boolean | null,"push"?: boolean | null,"type"?: Database["public"]['Enums']["notification_type"] | null
                         }
                        Update: {
                           "inApp"?: boolean | null,"push"?: boolean | null,"type"?: Database["public"]['Enums']["notification_type"] | null
                         }
                        Relationships: [
                    
                  ]
                },"my_notification_settings": {
                  Row: {
                    "pushPreviews": boolean | null,"quietHoursEnd": string | null,"quietHoursStart": string | null,"updatedAt": string | null
                  }
                  ComputedFields: never
                  Insert: {
                           "pushPreviews"?: boolean | null,"quietHoursEnd"?: string | null,"quietHoursStart"?: string | null,"updatedAt"?: string | null
                         }
                        Update: {
                           "pushPreviews"?: boolean | null,"quietHoursEnd"?: string | null,"quietHoursStart"?: string | null,"updatedAt"?: string | null
                         }
                        Relationships: [
                    
                  ]
                },"my_notifications": {
                  Row: {
                    "body": string,"createdAt": string,"data": NonNullable<Json>,"eventCount": number,"id": string,"readAt": string | null,"title": string,"type": Database["public"]['Enums']["notification_type"],"updatedAt": string
                  }
                  ComputedFields: never
                  Insert: {
                           "body"?: string | null,"createdAt"?: string | null,"data"?: Json | null,"eventCount"?: number | null,"id"?: string | null,"readAt"?: string | null,"title"?: string | null,"type"?: Database["public"]['Enums']["notification_type"] | null,"updatedAt"?: string | null
                         }
                        Update: {
                           "body"?: string | null,"createdAt"?: string | null,"data"?: Json | null,"eventCount"?: number | null,"id"?: string | null,"readAt"?: string | null,"title"?: string | null,"type"?: Database["public"]['Enums']["notification_type"] | null,"updatedAt"?: string | null
                         }
                        Relationships: [
                    
                  ]
                },"my_profile": {
                  Row: {
                    "avatarPath": string | null,"bio": string | null,"createdAt": string,"dateOfBirth": string | null,"email": string | null,"firstName": string | null,"id": string,"interests": (string)[],"isActive": boolean,"isAnonymous": boolean,"isListener": boolean,"lastName": string | null,"location": string | null,"occupation": string | null,"phone": string | null,"privacySettings": Json | null,"pseudonym": string,"publicId": string,"realtimeTopic": string | null,"role": Database["public"]['Enums']["app_role"],"timeZone": string,"updatedAt": string
                  }
                  ComputedFields: never
                  Insert: {
                           "avatarPath"?: string | null,"bio"?: string | null,"createdAt"?: string | null,"dateOfBirth"?: string | null,"email"?: string | null,"firstName"?: string | null,"id"?: string | null,"interests"?: (string)[] | null,"isActive"?: boolean | null,"isAnonymous"?: boolean | null,"isListener"?: boolean | null,"lastName"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"privacySettings"?: Json | null,"pseudonym"?: string | null,"publicId"?: string | null,"realtimeTopic"?: string | null,"role"?: Database["public"]['Enums']["app_role"] | null,"timeZone"?: string | null,"updatedAt"?: string | null
                         }
                        Update: {
                           "avatarPath"?: string | null,"bio"?: string | null,"createdAt"?: string | null,"dateOfBirth"?: string | null,"email"?: string | null,"firstName"?: string | null,"id"?: string | null,"interests"?: (string)[] | null,"isActive"?: boolean | null,"isAnonymous"?: boolean | null,"isListener"?: boolean | null,"lastName"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"privacySettings"?: Json | null,"pseudonym"?: string | null,"publicId"?: string | null,"realtimeTopic"?: string | null,"role"?: Database["public"]['Enums']["app_role"] | null,"timeZone"?: string | null,"updatedAt"?: string | null
                         }
                        Relationships: [
                    
                  ]
                },"my_therapy_sessions": {
                  Row: {
                    "cancellationReason": string | null,"cancelledAt": string | null,"cancelledBy": Database["public"]['Enums']["therapy_party"] | null,"client": Json | null,"createdAt": string,"duration": number,"endsAt": string,"feedback": string | null,"id": string,"lateCancellation": boolean,"myRole": string | null,"notes": string | null,"rating": number | null,"rescheduledFrom": string | null,"rescheduledTo": string | null,"rescheduleRequestedAt": string | null,"rescheduleRequestNote": string | null,"scheduledAt": string,"status": Database["public"]['Enums']["therapy_session_status"],"therapist": Json | null,"therapistId": string | null,"timing": string | null,"title": string | null,"type": Database["public"]['Enums']["therapy_session_type"]
                  }
                  ComputedFields: never
                  Insert: {
                           "cancellationReason"?: string | null,"cancelledAt"?: string | null,"cancelledBy"?: Database["public"]['Enums']["therapy_party"] | null,"client"?: Json | null,"createdAt"?: string | null,"duration"?: number | null,"endsAt"?: string | null,"feedback"?: string | null,"id"?: string | null,"lateCancellation"?: boolean | null,"myRole"?: string | null,"notes"?: string | null,"rating"?: number | null,"rescheduledFrom"?: string | null,"rescheduledTo"?: string | null,"rescheduleRequestedAt"?: string | null,"rescheduleRequestNote"?: string | null,"scheduledAt"?: string | null,"status"?: Database["public"]['Enums']["therapy_session_status"] | null,"therapist"?: Json | null,"therapistId"?: string | null,"timing"?: string | null,"title"?: string | null,"type"?: Database["public"]['Enums']["therapy_session_type"] | null
                         }
                        Update: {
                           "cancellationReason"?: string | null,"cancelledAt"?: string | null,"cancelledBy"?: Database["public"]['Enums']["therapy_party"] | null,"client"?: Json | null,"createdAt"?: string | null,"duration"?: number | null,"endsAt"?: string | null,"feedback"?: string | null,"id"?: string | null,"lateCancellation"?: boolean | null,"myRole"?: string | null,"notes"?: string | null,"rating"?: number | null,"rescheduledFrom"?: string | null,"rescheduledTo"?: string | null,"rescheduleRequestedAt"?: string | null,"rescheduleRequestNote"?: string | null,"scheduledAt"?: string | null,"status"?: Database["public"]['Enums']["therapy_session_status"] | null,"therapist"?: Json | null,"therapistId"?: string | null,"timing"?: string | null,"title"?: string | null,"type"?: Database["public"]['Enums']["therapy_session_type"] | null
                         }
                        Relationships: [
                    {
      foreignKeyName: "therapy_sessions_rescheduled_from_fkey"
      columns: ["rescheduledFrom"]
isOneToOne: true
      referencedRelation: "my_therapy_sessions"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "therapy_sessions_therapist_id_fkey"
      columns: ["therapistId"]
isOneToOne: false
      referencedRelation: "therapists"
      referencedColumns: ["id"]
    }
                  ]
                },"my_timeline": {
                  Row: {
                    "date": string | null,"description": string | null,"id": string | null,"occurredAt": string | null,"title": string | null,"type": string | null
                  }
                  ComputedFields: never
                  Insert: {
                           "date"?: string | null,"description"?: string | null,"id"?: string | null,"occurredAt"?: string | null,"title"?: string | null,"type"?: string | null
                         }
                        Update: {
                           "date"?: string | null,"description"?: string | null,"id"?: string | null,"occurredAt"?: string | null,"title"?: string | null,"type"?: string | null
                         }
                        Relationships: [
                    
                  ]
                },"public_profiles": {
                  Row: {
                    "allowMessages": boolean,"avatarPath": string | null,"bio": string | null,"dateOfBirth": string | null,"displayName": string,"firstName": string | null,"id": string,"interests": (string)[] | null,"isPseudonym": boolean,"isTherapist": boolean,"lastName": string | null,"location": string | null,"occupation": string | null,"phone": string | null,"updatedAt": string
                  }
                  ComputedFields: never
                  Insert: {
                           "allowMessages"?: boolean | null,"avatarPath"?: string | null,"bio"?: string | null,"dateOfBirth"?: string | null,"displayName"?: string | null,"firstName"?: string | null,"id"?: string | null,"interests"?: (string)[] | null,"isPseudonym"?: boolean | null,"isTherapist"?: boolean | null,"lastName"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"updatedAt"?: string | null
                         }
                        Update: {
                           "allowMessages"?: boolean | null,"avatarPath"?: string | null,"bio"?: string | null,"dateOfBirth"?: string | null,"displayName"?: string | null,"firstName"?: string | null,"id"?: string | null,"interests"?: (string)[] | null,"isPseudonym"?: boolean | null,"isTherapist"?: boolean | null,"lastName"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"updatedAt"?: string | null
                         }
                        Relationships: [
                    
                  ]
                },"therapy_session_operations": {
                  Row: {
                    "cancelledAt": string | null,"cancelledBy": Database["public"]['Enums']["therapy_party"] | null,"clientDeleted": boolean | null,"createdAt": string | null,"durationMinutes": number | null,"endsAt": string | null,"id": string | null,"isLateCancellation": boolean | null,"rescheduledFrom": string | null,"sessionType": Database["public"]['Enums']["therapy_session_type"] | null,"startsAt": string | null,"status": Database["public"]['Enums']["therapy_session_status"] | null,"statusChangedAt": string | null,"therapistId": string | null,"therapistName": string | null
                  }
                  ComputedFields: never
                  Insert: {
                           "cancelledAt"?: string | null,"cancelledBy"?: Database["public"]['Enums']["therapy_party"] | null,"clientDeleted"?: boolean | null,"createdAt"?: string | null,"durationMinutes"?: number | null,"endsAt"?: string | null,"id"?: string | null,"isLateCancellation"?: boolean | null,"rescheduledFrom"?: string | null,"sessionType"?: Database["public"]['Enums']["therapy_session_type"] | null,"startsAt"?: string | null,"status"?: Database["public"]['Enums']["therapy_session_status"] | null,"statusChangedAt"?: string | null,"therapistId"?: string | null,"therapistName"?: string | null
                         }
                        Update: {
                           "cancelledAt"?: string | null,"cancelledBy"?: Database["public"]['Enums']["therapy_party"] | null,"clientDeleted"?: boolean | null,"createdAt"?: string | null,"durationMinutes"?: number | null,"endsAt"?: string | null,"id"?: string | null,"isLateCancellation"?: boolean | null,"rescheduledFrom"?: string | null,"sessionType"?: Database["public"]['Enums']["therapy_session_type"] | null,"startsAt"?: string | null,"status"?: Database["public"]['Enums']["therapy_session_status"] | null,"statusChangedAt"?: string | null,"therapistId"?: string | null,"therapistName"?: string | null
                         }
                        Relationships: [
                    
                  ]
                }
          }
          Functions: {
            "change_group_message":
{ Args: { "action"?: string,"content"?: string,"messageId"?: string }; Returns: undefined
                           },
"chat_typing":
{ Args: { "conversationId"?: string }; Returns: undefined
                           },
"crisis_support":
{ Args: { "countryCode"?: string }; Returns: Json
                           },
"delete_chat_message":
{ Args: { "messageId"?: string }; Returns: undefined
                           },
"edit_chat_message":
{ Args: { "content"?: string,"messageId"?: string }; Returns: undefined
                           },
"export_journal_csv":
{ Args: Record<PropertyKey, never>; Returns: string
                           },
"export_mood_csv":
{ Args: Record<PropertyKey, never>; Returns: string
                           },
"export_my_data":
{ Args: Record<PropertyKey, never>; Returns: Json
                           },
"group_heartbeat":
{ Args: { "groupId"?: string }; Returns: undefined
                           },
"join_group":
{ Args: { "groupId"?: string,"useDisplayName"?: boolean }; Returns: Json
                           },
"leave_chat_conversation":
{ Args: { "blockPartner"?: boolean,"conversationId"?: string }; Returns: undefined
                           },
"leave_group":
{ Args: { "groupId"?: string }; Returns: Json
                           },
"list_chat_messages":
{ Args: { "before"?: string,"conversationId"?: string,"limit"?: number }; Returns: Database["public"]['CompositeTypes']["chat_message_item"][]
                          SetofOptions: {
        from: "*"
        to: "chat_message_item"
        isOneToOne: false
        isSetofReturn: true
      } },
"list_group_join_requests":
{ Args: { "groupId"?: string }; Returns: {
              "memberId": string,"name": string,"requestedAt": string
            }[]
                           },
"list_group_members":
{ Args: { "groupId"?: string }; Returns: {
              "isMe": boolean,"memberId": string,"name": string,"online": boolean,"role": Database["public"]['Enums']["group_member_role"]
            }[]
                           },
"list_group_messages":
{ Args: { "before"?: string,"groupId"?: string,"limit"?: number }; Returns: Database["public"]['CompositeTypes']["group_message_item"][]
                          SetofOptions: {
        from: "*"
        to: "group_message_item"
        isOneToOne: false
        isSetofReturn: true
      } },
"list_groups":
{ Args: { "category"?: string,"joined"?: boolean,"limit"?: number,"offset"?: number,"search"?: string }; Returns: Database["public"]['CompositeTypes']["group_listing"][]
                          SetofOptions: {
        from: "*"
        to: "group_listing"
        isOneToOne: false
        isSetofReturn: true
      } },
"list_journal_entries":
{ Args: { "before"?: string,"endDate"?: string,"favoritesOnly"?: boolean,"limit"?: number,"matchAllTags"?: boolean,"mood"?: Database["public"]['Enums']["journal_mood"],"search"?: string,"searchLanguage"?: Database["public"]['Enums']["search_language"],"startDate"?: string,"tags"?: (string)[] }; Returns: Database["public"]['CompositeTypes']["journal_entry_item"][]
                          SetofOptions: {
        from: "*"
        to: "journal_entry_item"
        isOneToOne: false
        isSetofReturn: true
      } },
"list_therapists":
{ Args: { "after"?: string,"availability"?: number,"language"?: string,"limit"?: number,"sessionType"?: Database["public"]['Enums']["therapy_session_type"],"specialty"?: string }; Returns: Database["public"]['CompositeTypes']["therapist_listing"][]
                          SetofOptions: {
        from: "*"
        to: "therapist_listing"
        isOneToOne: false
        isSetofReturn: true
      } },
"mark_all_notifications_read":
{ Args: Record<PropertyKey, never>; Returns: number
                           },
"mark_chat_read":
{ Args: { "messageId"?: string }; Returns: undefined
                           },
"moderate_group_member":
{ Args: { "action"?: string,"groupId"?: string,"memberId"?: string,"mutedUntil"?: string }; Returns: Json
                           },
"moderation_chat_reports":
{ Args: { "includeResolved"?: boolean,"limit"?: number }; Returns: {
              "conversationId": string,"createdAt": string,"description": string,"reason": Database["public"]['Enums']["chat_report_reason"],"reportedAlias": string,"reportedMessages": Json,"reportedParticipantId": string,"reportId": string,"resolvedAt": string
            }[]
                           },
"moderation_profiles":
{ Args: { "after"?: string,"limit"?: number,"search"?: string,"withRole"?: Database["public"]['Enums']["app_role"] }; Returns: {
              "createdAt": string,"email": string,"firstName": string,"id": string,"isActive": boolean,"isAnonymous": boolean,"lastName": string,"lastSignInAt": string,"role": Database["public"]['Enums']["app_role"]
            }[]
                           },
"moderation_remove_chat_message":
{ Args: { "messageId"?: string }; Returns: undefined
                           },
"mood_statistics":
{ Args: { "asOf"?: string,"from"?: string,"to"?: string }; Returns: Json
                           },
"rate_chat_conversation":
{ Args: { "comment"?: string,"conversationId"?: string,"stars"?: number }; Returns: undefined
                           },
"register_push_subscription":
{ Args: { "endpoint"?: string,"expirationTime"?: number,"keys"?: Json,"userAgent"?: string }; Returns: string
                           },
"report_chat_participant":
{ Args: { "description"?: string,"messageIds"?: (string)[],"participantId"?: string,"reason"?: Database["public"]['Enums']["chat_report_reason"] }; Returns: string
                           },
"rsvp_group_session":
{ Args: { "attending"?: boolean,"sessionId"?: string }; Returns: number
                           },
"schedule_group_session":
{ Args: { "durationMinutes"?: number,"groupId"?: string,"startsAt"?: string,"title"?: string }; Returns: string
                           },
"send_chat_message":
{ Args: { "content"?: string,"countryCode"?: string,"isAnonymous"?: boolean,"messageId"?: string,"recipientId"?: string }; Returns: Json
                           },
"send_group_message":
{ Args: { "content"?: string,"countryCode"?: string,"groupId"?: string,"messageId"?: string }; Returns: Json
                           },
"set_account_active":
{ Args: { "active"?: boolean,"userId"?: string }; Returns: undefined
                           },
"set_user_role":
{ Args: { "role"?: Database["public"]['Enums']["app_role"],"userId"?: string }; Returns: undefined
                           },
"toggle_journal_favorite":
{ Args: { "id"?: string }; Returns: Database["public"]['CompositeTypes']["journal_entry_item"]
                          SetofOptions: {
        from: "*"
        to: "journal_entry_item"
        isOneToOne: true
        isSetofReturn: false
      } },
"update_notification_settings":
{ Args: { "": Json }; Returns: Json
                           },
"update_privacy_settings":
{ Args: { "": Json }; Returns: Json
                           }
          }
          Enums: {
            "app_role": "client"|"therapist"|"admin","chat_conversation_kind": "matched"|"direct","chat_queue_role": "seeker"|"listener","chat_queue_status": "waiting"|"matched"|"cancelled"|"expired","chat_report_reason": "harassment"|"hate"|"self_harm_risk"|"spam"|"sexual_content"|"privacy"|"other","group_member_role": "member"|"moderator"|"owner","group_member_status": "pending"|"active"|"banned"|"left","group_privacy": "public"|"private","journal_mood": "happy"|"neutral"|"sad","notification_type": "session_reminder"|"session_update"|"chat_message"|"group_message"|"achievement"|"system","search_language": "simple"|"english"|"german"|"french"|"spanish"|"portuguese"|"italian"|"dutch","therapy_party": "client"|"therapist"|"system","therapy_session_status": "scheduled"|"confirmed"|"completed"|"cancelled"|"no-show","therapy_session_type": "video"|"phone"|"chat","therapy_specialty": "anxiety"|"depression"|"trauma"|"grief"|"relationships"|"stress"|"addiction"|"eating_disorders"|"ocd"|"adhd"|"sleep"|"self_esteem"|"family"|"lgbtq"
          }
          CompositeTypes: {
            "chat_message_item": {
                        "id": string | null,"conversationId": string | null,"content": string | null,"sender": Json | null,"timestamp": string | null,"isAnonymous": boolean | null,"isMine": boolean | null,"editedAt": string | null,"deleted": boolean | null
                      },"group_listing": {
                        "id": string | null,"name": string | null,"description": string | null,"category": string | null,"categoryId": string | null,"privacy": Database["public"]['Enums']["group_privacy"] | null,"memberCount": number | null,"onlineCount": number | null,"nextSession": string | null,"joined": boolean | null,"membership": Database["public"]['Enums']["group_member_status"] | null
                      },"group_message_item": {
                        "id": string | null,"groupId": string | null,"content": string | null,"sender": Json | null,"timestamp": string | null,"isAnonymous": boolean | null,"isMine": boolean | null,"editedAt": string | null,"deleted": boolean | null,"pinned": boolean | null
                      },"journal_entry_item": {
                        "id": string | null,"title": string | null,"content": string | null,"mood": Database["public"]['Enums']["journal_mood"] | null,"tags": (string)[] | null,"createdAt": string | null,"isFavorite": boolean | null,"language": Database["public"]['Enums']["search_language"] | null,"updatedAt": string | null
                      },"therapist_listing": {
                        "id": string | null,"name": string | null,"specialty": string | null,"specialties": (Database["public"]['Enums']["therapy_specialty"])[] | null,"experience": string | null,"yearsOfExperience": number | null,"rating": number | null,"ratingCount": number | null,"nextAvailable": string | null,"hourlyRate": number | null,"currency": string | null,"languages": (string)[] | null,"sessionTypes": (Database["public"]['Enums']["therapy_session_type"])[] | null,"duration": number | null,"acceptingNewClients": boolean | null,"bio": string | null,"timeZone": string | null
                      }
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "public": {
          Enums: {
            "app_role": ["client", "therapist", "admin"],"chat_conversation_kind": ["matched", "direct"],"chat_queue_role": ["seeker", "listener"],"chat_queue_status": ["waiting", "matched", "cancelled", "expired"],"chat_report_reason": ["harassment", "hate", "self_harm_risk", "spam", "sexual_content", "privacy", "other"],"group_member_role": ["member", "moderator", "owner"],"group_member_status": ["pending", "active", "banned", "left"],"group_privacy": ["public", "private"],"journal_mood": ["happy", "neutral", "sad"],"notification_type": ["session_reminder", "session_update", "chat_message", "group_message", "achievement", "system"],"search_language": ["simple", "english", "german", "french", "spanish", "portuguese", "italian", "dutch"],"therapy_party": ["client", "therapist", "system"],"therapy_session_status": ["scheduled", "confirmed", "completed", "cancelled", "no-show"],"therapy_session_type": ["video", "phone", "chat"],"therapy_specialty": ["anxiety", "depression", "trauma", "grief", "relationships", "stress", "addiction", "eating_disorders", "ocd", "adhd", "sleep", "self_esteem", "family", "lgbtq"]
          }
        }
} as const
