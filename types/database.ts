
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "public": {
          Tables: {
            "audit_log": {
                  Row: {
                    "action": string,"actor_db_role": string,"actor_id": string | null,"details": NonNullable<Json>,"id": number,"occurred_at": string,"subject_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "action": string,"actor_db_role": string,"actor_id"?: string | null,"details"?: NonNullable<Json>,"id"?: never,"occurred_at"?: string,"subject_id"?: string | null
                  }
                  Update: {
                    "action"?: string,"actor_db_role"?: string,"actor_id"?: string | null,"details"?: NonNullable<Json>,"id"?: never,"occurred_at"?: string,"subject_id"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"profiles": {
                  Row: {
                    "allow_messages": boolean,"anonymous_mode": boolean,"avatar_path": string | null,"bio": string | null,"created_at": string,"date_of_birth": string | null,"display_name": string | null,"email": string | null,"first_name": string | null,"hide_date_of_birth": boolean,"hide_interests": boolean,"hide_location": boolean,"hide_occupation": boolean,"hide_phone": boolean,"id": string,"interests": (string)[],"is_active": boolean,"is_anonymous": boolean,"last_name": string | null,"location": string | null,"occupation": string | null,"phone": string | null,"pseudonym": string,"role": Database["public"]['Enums']["app_role"],"show_activity": boolean,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "allow_messages"?: boolean,"anonymous_mode"?: boolean,"avatar_path"?: string | null,"bio"?: string | null,"created_at"?: string,"date_of_birth"?: string | null,"display_name"?: never,"email"?: string | null,"first_name"?: string | null,"hide_date_of_birth"?: boolean,"hide_interests"?: boolean,"hide_location"?: boolean,"hide_occupation"?: boolean,"hide_phone"?: boolean,"id": string,"interests"?: (string)[],"is_active"?: boolean,"is_anonymous"?: boolean,"last_name"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"pseudonym"?: string,"role"?: Database["public"]['Enums']["app_role"],"show_activity"?: boolean,"updated_at"?: string
                  }
                  Update: {
                    "allow_messages"?: boolean,"anonymous_mode"?: boolean,"avatar_path"?: string | null,"bio"?: string | null,"created_at"?: string,"date_of_birth"?: string | null,"display_name"?: never,"email"?: string | null,"first_name"?: string | null,"hide_date_of_birth"?: boolean,"hide_interests"?: boolean,"hide_location"?: boolean,"hide_occupation"?: boolean,"hide_phone"?: boolean,"id"?: string,"interests"?: (string)[],"is_active"?: boolean,"is_anonymous"?: boolean,"last_name"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"pseudonym"?: string,"role"?: Database["public"]['Enums']["app_role"],"show_activity"?: boolean,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"public_profiles": {
                  Row: {
                    "allow_messages": boolean,"avatar_path": string | null,"bio": string | null,"date_of_birth": string | null,"display_name": string,"first_name": string | null,"id": string,"interests": (string)[] | null,"is_pseudonym": boolean,"is_therapist": boolean,"last_name": string | null,"location": string | null,"occupation": string | null,"phone": string | null,"show_activity": boolean,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "allow_messages": boolean,"avatar_path"?: string | null,"bio"?: string | null,"date_of_birth"?: string | null,"display_name": string,"first_name"?: string | null,"id": string,"interests"?: (string)[] | null,"is_pseudonym": boolean,"is_therapist": boolean,"last_name"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"show_activity": boolean,"updated_at": string
                  }
                  Update: {
                    "allow_messages"?: boolean,"avatar_path"?: string | null,"bio"?: string | null,"date_of_birth"?: string | null,"display_name"?: string,"first_name"?: string | null,"id"?: string,"interests"?: (string)[] | null,"is_pseudonym"?: boolean,"is_therapist"?: boolean,"last_name"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"show_activity"?: boolean,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "public_profiles_id_fkey"
      columns: ["id"]
isOneToOne: true
      referencedRelation: "my_profile"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "public_profiles_id_fkey"
      columns: ["id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                }
          }
          Views: {
            "my_profile": {
                  Row: {
                    "avatarPath": string | null,"bio": string | null,"createdAt": string,"dateOfBirth": string | null,"email": string | null,"firstName": string | null,"id": string,"interests": (string)[],"isActive": boolean,"isAnonymous": boolean,"lastName": string | null,"location": string | null,"occupation": string | null,"phone": string | null,"privacySettings": Json | null,"pseudonym": string,"role": Database["public"]['Enums']["app_role"],"updatedAt": string
                  }
                  ComputedFields: never
                  Insert: {
                           "avatarPath"?: string | null,"bio"?: string | null,"createdAt"?: string | null,"dateOfBirth"?: string | null,"email"?: string | null,"firstName"?: string | null,"id"?: string | null,"interests"?: (string)[] | null,"isActive"?: boolean | null,"isAnonymous"?: boolean | null,"lastName"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"privacySettings"?: never,"pseudonym"?: string | null,"role"?: Database["public"]['Enums']["app_role"] | null,"updatedAt"?: string | null
                         }
                        Update: {
                           "avatarPath"?: string | null,"bio"?: string | null,"createdAt"?: string | null,"dateOfBirth"?: string | null,"email"?: string | null,"firstName"?: string | null,"id"?: string | null,"interests"?: (string)[] | null,"isActive"?: boolean | null,"isAnonymous"?: boolean | null,"lastName"?: string | null,"location"?: string | null,"occupation"?: string | null,"phone"?: string | null,"privacySettings"?: never,"pseudonym"?: string | null,"role"?: Database["public"]['Enums']["app_role"] | null,"updatedAt"?: string | null
                         }
                        Relationships: [
                    
                  ]
                }
          }
          Functions: {
            "export_my_data":
{ Args: Record<PropertyKey, never>; Returns: Json
                           },
"moderation_profiles":
{ Args: { "after_id"?: string,"page_size"?: number,"role_filter"?: Database["public"]['Enums']["app_role"],"search"?: string }; Returns: {
              "created_at": string,"email": string,"first_name": string,"id": string,"is_active": boolean,"is_anonymous": boolean,"last_name": string,"last_sign_in_at": string,"role": Database["public"]['Enums']["app_role"]
            }[]
                           },
"set_account_active":
{ Args: { "active": boolean,"user_id": string }; Returns: undefined
                           },
"set_user_role":
{ Args: { "new_role": Database["public"]['Enums']["app_role"],"user_id": string }; Returns: undefined
                           },
"update_privacy_settings":
{ Args: { "settings": Json }; Returns: Json
                           }
          }
          Enums: {
            "app_role": "client"|"therapist"|"admin"
          }
          CompositeTypes: {
            [_ in never]: never
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
            "app_role": ["client", "therapist", "admin"]
          }
        }
} as const
